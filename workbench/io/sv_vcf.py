"""Read the family's copy-number and structural-variant calls into :class:`SvEvent` s.

The forms real callers write are all read the same way:

* symbolic ``<DEL>``, ``<DUP>``, ``<DUP:TANDEM>``, ``<CNV>``, ``<INV>``, ``<INS>`` (and ``:ME``
  subtypes), breakends (``G]chr3:123]`` with ``MATEID``), with ``INFO/END`` (or ``SVLEN``);
* ``SVTYPE`` from INFO when present (DRAGEN CNV writes ``SVTYPE=CNV`` on ``<DEL>``/``<DUP>``;
  Manta and Delly ``DEL``/``DUP``/``INV``/``INS``/``BND``; GATK-SV ``CNV`` for multi-allelic
  copy-number sites; GATK gCNV none, with ``<DEL>,<DUP>`` and a haploid ``GT`` allele index);
* ``FORMAT/CN`` where given: the copy number decides loss or gain and the zygosity (one copy
  lost of two = heterozygous; both = homozygous; a male's X or Y has one), and must agree with
  ``GT``; without it, ``GT`` decides.

One multi-sample file or one file per person; samples are matched through the PED by name
(never by column), and people without a column in any file are "not called". A record that
cannot be used (no END, negative or absurd length, unknown SVTYPE, CN contradicting GT) is an
:class:`InputProblem` naming the file and line; a breakend whose mate is missing is kept as a
lone breakpoint with a problem too. Records where nobody of the family carries an event are
skipped. Symbolic records found in the small-variant VCF come here as text
(:func:`read_sv_lines`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, NamedTuple, Sequence

from workbench.io.errors import InputError, InputProblem
from workbench.io.vcf_text import decompressed_pieces, file_kind, gt_alleles, line_chunks, split_header
from workbench.model import (COPY_NUMBER_TYPES, CopyNumberCall, Genotype, Sex, Trio, event_key, event_length,
                             normalise_chrom, one_copy_in_males)

LONGEST_CHROMOSOME = 248_956_422  # chr1, GRCh38: no event can be longer
_BREAKEND = re.compile(r"[\[\]]((?:chr)?[^:\[\]]+):(\d+)[\[\]]")
_ALIASES = {"DEL": "DEL", "DUP": "DUP", "CNV": "CNV", "INV": "INV", "INS": "INS", "BND": "BND", "TRA": "BND",
            "CTX": "BND", "CPX": "BND", "MEI": "INS"}
_COPY_NUMBER_RECORDS = (*COPY_NUMBER_TYPES, "CNV")  # a CNV record is read as a DEL or a DUP per person


class SvEvent(NamedTuple):
    """One event of one record with the family's calls, as read (light: a genome has thousands);
    :mod:`workbench.inheritance.sv` turns the proband's into :class:`StructuralVariant` s."""

    chrom: str
    pos: int
    end: int
    svtype: str  # DEL, DUP, INV, INS or BND
    ref: str
    alt: str
    calls: Mapping[str, CopyNumberCall]
    quality: float | None
    filters: tuple[str, ...]
    source_line: int
    caller_id: str | None
    mate: str | None

    @property
    def key(self) -> str:
        return event_key(self.chrom, self.pos, self.end, self.svtype)

    @property
    def length(self) -> int:
        return event_length(self.pos, self.end)

    @property
    def is_copy_number(self) -> bool:
        return self.svtype in COPY_NUMBER_TYPES


@dataclass(frozen=True)
class SvCalls:
    """The family's SV/CNV events (any carrier), who was called, and what could not be used."""

    events: tuple[SvEvent, ...]
    called: frozenset[str]  # sample ids with a column in some SV file
    problems: tuple[InputProblem, ...] = ()
    records_read: int = 0
    sources: tuple[str, ...] = ()

    def merged(self, other: "SvCalls") -> "SvCalls":
        return SvCalls(self.events + other.events, self.called | other.called, self.problems + other.problems,
                       self.records_read + other.records_read, self.sources + other.sources)


EMPTY = SvCalls((), frozenset())


def read_sv_vcfs(paths: Sequence[str | Path], trio: Trio) -> SvCalls:
    """Read one or more SV/CNV VCFs (plain, gzip or BGZF); raises :class:`InputError` for a file
    that is not a VCF or names none of the family."""
    result = EMPTY
    for path in paths:
        result = result.merged(_read_file(Path(path), trio))
    if paths and trio.proband.id not in result.called:
        raise InputError(f"{', '.join(map(str, paths))}: {trio.proband.id} (proband) from the pedigree is not a "
                         "sample in the SV/CNV VCF(s)")
    return result


def read_sv_lines(samples: Sequence[str], lines: Iterable[tuple[int, str]], trio: Trio, source: str,
                  contig_lengths: dict[str, int] | None = None) -> SvCalls:
    """SV records found among a small-variant VCF's records: (line number, text) with that file's samples."""
    reader = _RecordReader(samples, trio, source, contig_lengths or {})
    for line_no, line in lines:
        reader.read(line_no, line)
    return reader.result()


def _read_file(path: Path, trio: Trio) -> SvCalls:
    name = str(path)
    if not path.is_file():
        raise InputError(f"{name}: no such file")
    chunks = line_chunks(decompressed_pieces(path, file_kind(path)), name)
    header, rest, first = split_header(chunks, name)
    if not any(s.id in header.samples for s in trio.samples):
        raise InputError(f"{name}: none of the family ({', '.join(s.id for s in trio.samples)}) is a sample of this "
                         f"SV/CNV VCF (its samples: {', '.join(header.samples) or 'none'})")
    reader = _RecordReader(header.samples, trio, name, header.contig_lengths)

    def pieces():
        yield rest, first
        yield from chunks

    for block, first_line in pieces():
        for offset, line in enumerate(block.decode("utf-8", errors="replace").split("\n")[:-1] if block else []):
            reader.read(first_line + offset, line)
    return reader.result()


class _RecordReader:
    def __init__(self, samples: Sequence[str], trio: Trio, source: str, contig_lengths: dict[str, int]) -> None:
        self.columns = [(s, 9 + samples.index(s.id)) for s in trio.samples if s.id in samples]
        self.n_columns = 9 + len(samples)
        self.source = source
        self.lengths = {normalise_chrom(c): n for c, n in contig_lengths.items()}
        self.events: list[SvEvent] = []
        self.problems: list[InputProblem] = []
        self.records = 0
        self.ids: set[str] = set()
        self.mates: list[tuple[int, str]] = []  # (line, MATEID) to check at the end
        self._seen: dict[tuple, tuple] = {}  # calls repeat: interpret each text once
        self._chroms: dict[str, str] = {}
        self._kinds: dict[tuple[str, str], str | None] = {}
        self._autosomal = tuple(2 for _ in self.columns)
        self._ploidy = {(chrom, one_copy): tuple(
            (1 if one_copy and s.sex is Sex.MALE else 0 if chrom == "chrY" and s.sex is Sex.FEMALE else 2)
            for s, _ in self.columns) for chrom in ("chrX", "chrY") for one_copy in (True, False)}

    def problem(self, line_no: int, message: str) -> None:
        self.problems.append(InputProblem(self.source, line_no, message))

    def result(self) -> SvCalls:
        for line_no, mate in self.mates:
            if mate not in self.ids:
                self.problem(line_no, f"breakend mate {mate} is not in the file: read as a lone breakpoint")
        return SvCalls(tuple(self.events), frozenset(s.id for s, _ in self.columns), tuple(self.problems),
                       self.records, (self.source,))

    def read(self, line_no: int, line: str) -> None:
        line = line.rstrip("\r")
        if not line or line.startswith("#"):
            return
        f = line.split("\t")
        if len(f) < max(8, self.n_columns if self.columns else 8):
            self.problem(line_no, f"expected {self.n_columns} tab-separated columns, found {len(f)}")
            return
        self.records += 1
        if f[2] not in (".", ""):
            self.ids.add(f[2])
        try:
            self._record(line_no, f)
        except ValueError as error:
            self.problem(line_no, f"cannot read the SV record ({error})")

    def _record(self, line_no: int, f: list[str]) -> None:
        chrom = self._chroms.get(f[0]) or self._chroms.setdefault(f[0], normalise_chrom(f[0]))
        pos = int(f[1])
        if f[4] in (".", ""):
            return  # a reference segment (DRAGEN writes them): no event
        info = _Info(f[7])
        alts = f[4].split(",")
        svtype = info.get("SVTYPE", "")
        kinds = [self._kinds[(alt, svtype)] if (alt, svtype) in self._kinds
                 else self._kinds.setdefault((alt, svtype), _alt_kind(alt, svtype)) for alt in alts]
        if any(k is None for k in kinds):
            self.problem(line_no, f"unknown SV type (ALT {f[4]}, SVTYPE {info.get('SVTYPE') or 'absent'}): skipped")
            return
        kind = kinds[0]
        mate = None
        if kind == "BND":
            found = _BREAKEND.search(alts[0])
            mate = f"{normalise_chrom(found[1])}:{found[2]}" if found else None
            if "MATEID" in info:
                self.mates.append((line_no, info["MATEID"]))
            end = pos
        else:
            end = self._end(line_no, chrom, pos, info, kind)
            if end is None:
                return
        quality = None if f[5] in (".", "") else float(f[5])
        filters = () if f[6] in ("PASS", ".", "") else tuple(f[6].split(";"))
        keys = f[8] if len(f) > 8 else ""
        sex_chrom = chrom in ("chrX", "chrY")
        ploidies = self._ploidy[(chrom, one_copy_in_males(chrom, pos))] if sex_chrom else self._autosomal
        targets = COPY_NUMBER_TYPES if kind in _COPY_NUMBER_RECORDS else (kind,)
        entries = []
        carried: set[str] = set()
        for (sample, column), ploidy in zip(self.columns, ploidies):
            if ploidy == 0:
                continue
            cache_key = (f[column], keys, f[4], ploidy)
            entry = self._seen.get(cache_key)
            if entry is None:
                try:
                    entry = _entry(f[column].split(":"), keys.split(":"), kinds, ploidy, targets)
                except _Unusable as error:
                    self.problem(line_no, f"{sample.id}: {error}: call not used")
                    continue
                if len(self._seen) > 50_000:
                    self._seen.clear()
                self._seen[cache_key] = entry
            if entry[0] is not None:
                carried.add(entry[0])
            entries.append((sample.id, entry[1]))
        for event_kind in carried:
            k = targets.index(event_kind)
            alt = next((a for a, kind_of in zip(alts, kinds) if kind_of == event_kind), f"<{event_kind}>")
            self.events.append(SvEvent(chrom, pos, end, event_kind, f[3], alt,
                                       {sample_id: values[k] for sample_id, values in entries}, quality, filters,
                                       line_no, None if f[2] in (".", "") else f[2], mate))

    def _end(self, line_no: int, chrom: str, pos: int, info: "_Info", kind: str | None) -> int | None:
        if "END" in info:
            end = int(info["END"])
        elif info.get("SVLEN", "").lstrip("-").isdigit():
            end = pos + abs(int(info["SVLEN"].split(",")[0]))
        elif kind == "INS":
            return pos
        else:
            self.problem(line_no, "no END (and no SVLEN): the event's extent is unknown; skipped")
            return None
        if end < pos:
            self.problem(line_no, f"END {end} before POS {pos} (negative length): skipped")
            return None
        if end - pos > LONGEST_CHROMOSOME or pos > self.lengths.get(chrom, LONGEST_CHROMOSOME):
            self.problem(line_no, f"{end - pos + 1:,} bp from POS {pos} to END {end}: longer than any chromosome "
                         "(absurd length); skipped")
            return None
        longest = self.lengths.get(chrom)
        if longest is not None and end > longest:  # a telomeric call's last bin: keep it, up to the chromosome end
            self.problem(line_no, f"END {end} beyond the end of {chrom} ({longest:,} bp): read up to the "
                         "chromosome end")
            return longest
        return end

def _entry(values: list[str], keys: list[str], kinds: list[str | None], ploidy: int,
           targets: tuple[str, ...]) -> tuple[str | None, tuple[CopyNumberCall, ...]]:
    """(the kind the sample carries or None, its call as seen from each target kind): a sample
    carrying a deletion is homozygous reference for the duplication of the same record."""
    event_kind, value = _interpret(values, keys, kinds, ploidy)
    if event_kind is not None and not value.genotype.carries_alt:
        event_kind = None
    ref = CopyNumberCall(Genotype.HOM_REF, quality=value.quality, copy_number=value.copy_number)
    return event_kind, tuple(value if event_kind in (k, None) else ref for k in targets)


class _Unusable(ValueError):
    """A sample's call that cannot be read (e.g. CN contradicting GT); the message says why."""


def _interpret(values: list[str], keys: list[str], kinds: list[str | None],
               ploidy: int) -> tuple[str | None, CopyNumberCall]:
    """(the event kind the sample carries, or None; its call) from one sample column.

    >>> _interpret(["0/1", "1", "40"], ["GT", "CN", "GQ"], ["DEL"], 2)[1].genotype
    <Genotype.HET: '0/1'>
    >>> _interpret(["1", "0"], ["GT", "CN"], ["DEL"], 1)[1].genotype      # a male's X
    <Genotype.HEMIZYGOUS: '1'>
    >>> _interpret(["0/1", "2"], ["GT", "CN"], ["DEL"], 2)
    Traceback (most recent call last):
    workbench.io.sv_vcf._Unusable: copy number 2 contradicts genotype 0/1 (2 copies expected here)
    """
    field = dict(zip(keys, values))
    gt_text = field.get("GT", ".")
    gt = gt_alleles(gt_text)
    gq = _int(field.get("GQ")) or _int(field.get("QS"))
    cn = _int(field.get("CN"))
    if cn is None and "CNV" in kinds:
        cn = _int(field.get("RD_CN")) or _int(field.get("RDCN"))
    carried = {kinds[a - 1] for a in gt if a is not None and 0 < a <= len(kinds)}
    called = any(a is not None for a in gt)
    if cn is not None and kinds[0] in _COPY_NUMBER_RECORDS:
        change = cn - ploidy
        kind = "DEL" if change < 0 else "DUP" if change > 0 else None
        gt_kinds = carried - {"CNV"}
        contradiction = ((kind is None and gt_kinds) or (kind is not None and gt_kinds and kind not in gt_kinds)
                         or (kind is not None and called and not carried and all(a == 0 for a in gt))
                         or (kind == "DEL" and ploidy == 2 and len(gt) == 2 and None not in gt
                             and sum(1 for a in gt if a and kinds[a - 1] in ("DEL", "CNV")) != -change))
        if contradiction:
            raise _Unusable(f"copy number {cn} contradicts genotype {gt_text} ({ploidy} copies expected here)")
        if kind is None:
            return None, CopyNumberCall(Genotype.HOM_REF, quality=gq, copy_number=cn)
        if ploidy == 1:
            genotype = Genotype.HEMIZYGOUS
        else:
            genotype = Genotype.HET if abs(change) == 1 else Genotype.HOM_ALT
        return kind, CopyNumberCall(genotype, quality=gq, copy_number=cn)
    if not called:
        return None, CopyNumberCall(Genotype.NO_CALL, quality=gq, copy_number=cn)
    if "CNV" in carried:
        raise _Unusable("a <CNV> call without FORMAT/CN: loss or gain unknown")
    copies = sum(1 for a in gt if a)
    if copies == 0:
        return None, CopyNumberCall(Genotype.HOM_REF, quality=gq, copy_number=cn)
    if len(gt) == 1 or ploidy == 1:
        genotype = Genotype.HEMIZYGOUS
    else:
        genotype = Genotype.HOM_ALT if copies >= 2 else Genotype.HET
    kind = next(iter(carried)) if len(carried) == 1 else kinds[0]
    return kind, CopyNumberCall(genotype, quality=gq, copy_number=cn)


class _Info:
    """INFO values by key, found on demand (a record needs three or four of them).

    >>> info = _Info("IMPRECISE;SVTYPE=DEL;END=500;MATEID=b")
    >>> info.get("END"), info.get("SVLEN", ""), "MATEID" in info, "IMPRECISE" in info
    ('500', '', True, True)
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = ";" + text + ";"

    def get(self, key: str, default: str | None = None) -> str | None:
        i = self.text.find(";" + key + "=")
        if i < 0:
            return default
        i += len(key) + 2
        return self.text[i:self.text.index(";", i)]

    def __contains__(self, key: str) -> bool:
        return self.text.find(";" + key + "=") >= 0 or self.text.find(";" + key + ";") >= 0

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value


def _alt_kind(alt: str, svtype: str) -> str | None:
    """DEL, DUP, CNV, INV, INS or BND from the ALT allele, else from INFO/SVTYPE; None if unknown.

    >>> _alt_kind("<DUP:TANDEM>", "DUP"), _alt_kind("<DEL>", "CNV"), _alt_kind("G]chr3:12]", "BND")
    ('DUP', 'DEL', 'BND')
    >>> _alt_kind("ACGT", "INS"), _alt_kind("<FOO>", "FOO")
    ('INS', None)
    """
    if alt.startswith("<") and alt.endswith(">"):
        base = alt[1:-1].split(":", 1)[0].upper()
        return _ALIASES.get(base) or _ALIASES.get(svtype.upper())
    if "[" in alt or "]" in alt:
        return "BND"
    return _ALIASES.get(svtype.upper())


def is_structural_alt(alt: str) -> bool:
    """Whether a small-variant VCF's ALT is an SV allele (symbolic or breakend), for the SV reader."""
    return alt.startswith("<") and alt != "<*>" and alt != "<NON_REF>" or "[" in alt or "]" in alt


def _int(text: str | None) -> int | None:
    if text is None or text in (".", ""):
        return None
    try:
        return int(float(text))
    except ValueError:
        return None
