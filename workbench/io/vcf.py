"""Read a family's variant calls (one joint VCF, or one VCF per person) into model types.

One pass over the file does two things:

* every record is reduced to a compact genotype code per family member and counted
  (:mod:`workbench.qc.tally`), which is all trio QC needs;
* only records where the proband carries an ALT allele that *may* be rare (a cheap look at
  the raw text: the proband's GT and the population-frequency values) are parsed into
  :class:`~workbench.model.Variant` objects, one per ALT allele, with per-allele genotypes.

The text is scanned in ~1 MB blocks with numpy (:mod:`workbench.io.block_scan`); only the
few unusual lines and the candidate records go through per-line Python. A BGZF genome
(~5 million records) is cut at BGZF block boundaries into one byte range per core, scanned
side by side (the parent scans the first range, forked workers the others) and merged with
exact line numbers; no index is needed. An exome is read in one process. Samples are matched through the PED;
``1`` and ``chr1`` naming both work (``Variant.chrom`` is always ``chr1`` style, ``chrM`` for
MT). Population frequency comes from :class:`~workbench.io.annotation.AnnotationParser`,
never from INFO/AF (the callset's own frequency).
"""
from __future__ import annotations

import math
import types
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from workbench.io.annotation import DEFAULT_FREQUENCY_FIELDS, AnnotationParser
from workbench.io.block_scan import first_entry_frequency, scan_block, single_entry_without_gene
from workbench.io.bgzf import BgzfError, block_offsets, decompress_range, has_eof_marker, split_ranges
from workbench.io.build import check_build
from workbench.io.cores import idle_cores
from workbench.io.errors import InputError, InputProblem, check_pedigree_samples
from workbench.io.merge import merged_family_lines
from workbench.io.ped import Pedigree
from workbench.io.sv_vcf import is_structural_alt
from workbench.io.vcf_text import (CHUNK_BYTES, GRCH38_LENGTHS, GT_CODE, GT_TOP, VcfHeader, allele_beyond_alts,
                                   bad_gt_message, decompressed_pieces, file_kind, gt_alleles, parse_position,
                                   unfinished_last_line)
from workbench.io.vcf_text import chrom_class as classify_chrom
from workbench.io.vcf_text import line_chunks, read_header, split_header
from workbench.collector import collector_paused
from workbench.model import PAR_X, Call, Genotype, Sex, Trio, Variant, normalise_chrom, one_copy_in_males
from workbench.notepad import InputIssue, Level
from workbench.qc import TrioQC, summarise_trio
from workbench.qc import tally as T

DEFAULT_MAX_POPULATION_AF = 0.05
_PARALLEL_MIN_BYTES = 32 * 1024 * 1024  # below this one process is faster than forking workers


@dataclass(frozen=True)
class ReadOptions:
    """How to read a family's VCF.

    ``max_population_af``: keep proband alleles at or below this population frequency (alleles
    absent from the population database are kept). ``strict``: stop at the first malformed
    record instead of counting it. ``absent_as_ref``: when merging one VCF per person, a site
    missing from someone's file is HOM_REF rather than NO_CALL (only true for files that list
    every confidently-called site, e.g. gVCF-derived). ``genic_only``: leave out alleles the
    annotation places in no gene (inheritance analysis drops them anyway; the genome scan then
    drops most of them vectorised, before building anything). ``workers``: processes for BGZF files
    over 32 MB (0 = the cores idle right now, see :func:`workbench.io.cores.idle_cores`).
    """

    max_population_af: float = DEFAULT_MAX_POPULATION_AF
    frequency_fields: tuple[str, ...] = DEFAULT_FREQUENCY_FIELDS
    strict: bool = False
    absent_as_ref: bool = False
    workers: int = 0
    max_problems_listed: int = 100
    genic_only: bool = False  # keep only alleles with a gene consequence (all ranking can use)


@dataclass(frozen=True)
class FamilyCalls:
    """The family's calls after one pass: prefiltered proband variants, QC and problems."""

    trio: Trio
    variants: tuple[Variant, ...]  # alleles the proband carries with population AF <= the cut-off
    qc: TrioQC
    problems: tuple[InputProblem, ...]  # malformed records: the first ``max_problems_listed``
    records_read: int
    annotation_source: str
    source: str
    genome_build: str = "GRCh38"
    problem_count: int = 0  # all malformed records (``problems`` lists the first ones)
    issues: tuple[InputIssue, ...] = ()  # file-level: cut short (an ERROR), build assumed, no annotation, duplicates...
    # SV records (symbolic or breakend ALT) the proband carries, as (line, text), for workbench.io.sv_vcf
    structural_lines: tuple[tuple[int, str], ...] = ()
    samples: tuple[str, ...] = ()  # the VCF's sample columns, in order (to read structural_lines)

    @property
    def warnings(self) -> tuple[str, ...]:
        """The issues in words, for pages and reports that list them."""
        return tuple(str(issue) for issue in self.issues)


# -- the scanner: one pass, tally everything, keep candidate lines --------------------------
@dataclass
class _Scan:
    """What one pass over some records produced (picklable: workers return it)."""

    tally: np.ndarray = field(default_factory=lambda: np.zeros(T.TALLY_SIZE, dtype=np.int64))
    variants: list[Variant] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)
    problem_count: int = 0
    records: int = 0
    structural: list[tuple[int, str]] = field(default_factory=list)  # SV records, for the SV reader

    def add(self, other: "_Scan", line_offset: int = 0) -> None:
        self.tally = self.tally + other.tally
        if line_offset:
            self.variants += [replace(v, source_line=(v.source_line or 0) + line_offset) for v in other.variants]
        else:
            self.variants += other.variants
        self.problems += [(n + line_offset, message) for n, message in other.problems]
        self.problem_count += other.problem_count
        self.records += other.records
        self.structural += [(n + line_offset, text) for n, text in other.structural]


class _Scanner:
    """Counts every record's genotype codes and builds Variants for the lines the proband may need."""

    def __init__(self, header: VcfHeader, trio: Trio, parser: AnnotationParser, options: ReadOptions, name: str):
        column = {sample: 9 + i for i, sample in enumerate(header.samples)}
        self.samples = [(s.id, column[s.id]) for s in trio.samples]
        self.males = frozenset(s.id for s in trio.samples if s.sex is Sex.MALE)
        self.columns = (column[trio.proband.id], column[trio.father.id] if trio.father else -1,
                        column[trio.mother.id] if trio.mother else -1)
        self.n_columns = 9 + len(header.samples)
        self.header_lines = header.line_count
        self.parser = parser
        self.max_af = options.max_population_af
        self.name = name
        self.strict = options.strict
        self.max_problems = options.max_problems_listed
        self._chrom: dict[str, tuple[str, int]] = {}
        self._lengths = {normalise_chrom(name): length for name, length in header.contig_lengths.items()}
        self.rarity = _RarityProbe(parser, header.info_ids, options.max_population_af)
        self.genic_only = options.genic_only
        self.gene_columns = [parser.fields.index(f) for f in ("SYMBOL", "Gene") if f in parser.fields] \
            if options.genic_only and parser.kind == "CSQ" else []
        self._formats: dict[str, tuple[int, int, int, int]] = {}
        self._calls: dict[tuple[str, int, tuple[int, int, int, int]], Call] = {}  # Calls are immutable: share them
        self.result = _Scan()

    def problem(self, line_no: int, message: str) -> None:
        if self.strict:
            raise InputError(f"{self.name} line {line_no}: {message} (strict mode stops at the first bad record)")
        self.result.problem_count += 1
        if len(self.result.problems) < self.max_problems:
            self.result.problems.append((line_no, message))

    def scan(self, lines: Sequence[str], first_line_no: int) -> None:
        """Tally ``lines`` (numbered from ``first_line_no``) and build the candidate Variants.

        The exact per-line path: used for the lines :meth:`scan_bytes` finds unusual and for
        merged per-person records; both paths give identical tallies and Variants.
        """
        for line_no, line in enumerate(lines, start=first_line_no):
            if not line or line[0] == "#":
                if line and line_no > self.header_lines:
                    self.problem(line_no, "a header line among the records")
                continue
            f = line.rstrip("\r").split("\t")
            if len(f) != self.n_columns:
                if line.strip():
                    self.problem(line_no, f"expected {self.n_columns} tab-separated columns, found {len(f)}")
                continue
            chrom, chrom_class = self._chrom_info(f[0])
            try:
                pos = parse_position(f[1], chrom, self.contig_length(chrom))
            except ValueError as exc:
                self.problem(line_no, str(exc))
                continue
            if chrom_class == T.X_NONPAR and any(low <= pos <= high for low, high in PAR_X):
                chrom_class = T.X_PAR
            n_alts = f[4].count(",") + 1
            codes = [self._code(f, column, line_no, n_alts) for column in self.columns]
            if -1 in codes:
                continue  # a malformed genotype (reported): the record says nothing reliable about anyone
            self.result.records += 1
            self.result.tally[T.tally_index(chrom_class, T.snv_class(f[3], f[4]), *codes)] += 1
            if codes[0] in T.CARRIES_ALT and self.rarity.may_be_rare(f[7].encode()):
                try:
                    self.result.variants.extend(self._variants(line_no, f))
                except (ValueError, IndexError) as exc:
                    self.problem(line_no, f"cannot read the record ({exc})")

    def _code(self, f: list[str], column: int, line_no: int, n_alts: int) -> int:
        """Record-level genotype code of one sample column (NO_CALL when not sequenced; -1: malformed, reported)."""
        if column < 0 or not (f[8] == "GT" or f[8].startswith("GT:")):
            return T.NO_CALL
        gt = f[column].split(":", 1)[0]
        code = GT_CODE.get(gt)
        try:
            if code is None:
                code = T.genotype_code(gt_alleles(gt))
            beyond = allele_beyond_alts(gt, n_alts) if GT_TOP.get(gt, 10) > n_alts else None
        except ValueError:
            self.problem(line_no, bad_gt_message(gt))
            return -1
        if beyond:
            self.problem(line_no, beyond)
            return -1
        return code

    def contig_length(self, chrom: str) -> int | None:
        """The header's ##contig length, else GRCh38's (None for contigs neither knows)."""
        return self._lengths.get(chrom) or GRCH38_LENGTHS.get(chrom)

    def _chrom_info(self, name: str) -> tuple[str, int]:
        info = self._chrom.get(name)
        if info is None:
            norm = normalise_chrom(name)
            info = self._chrom[name] = (norm, classify_chrom(norm))
        return info

    def _chrom_class_of(self, name: bytes) -> int:
        return self._chrom_info(name.decode("utf-8", errors="replace"))[1]

    def scan_bytes(self, buf: bytes, first_line_no: int) -> None:
        """Like :meth:`scan` for a block of complete lines (ending in a newline), vectorised."""
        block = scan_block(buf, self.n_columns, self.columns, self._chrom_class_of, PAR_X)
        self.result.tally += block.counts
        self.result.records += len(block.starts) - len(block.odd)
        starts, ends = block.starts, block.ends
        first_new = len(self.result.variants)
        for i in block.odd.tolist():
            self.scan([buf[starts[i]:ends[i]].decode("utf-8", errors="replace")], first_line_no + i)
        rarity = self.rarity.may_be_rare
        carriers, spans = block.carriers, block.info_spans
        if self.rarity.vectorised:  # decide most records without Python; the rest exactly
            values, undecided = first_entry_frequency(block, spans, block.multiallelic, b"CSQ=",
                                                      self.rarity.csq_columns)
            keep = undecided | ~(values > self.max_af)  # NaN (not in the population) is kept
            if self.gene_columns:
                keep &= ~single_entry_without_gene(block, spans, block.multiallelic, b"CSQ=", self.gene_columns)
            carriers, spans, undecided = carriers[keep], spans[keep], undecided[keep]
        else:
            undecided = np.ones(len(carriers), dtype=bool)
        for i, check, (a, b) in zip(carriers.tolist(), undecided.tolist(), spans.tolist()):
            if not check or rarity(buf[a:b]):
                line_no = first_line_no + i
                try:
                    f = buf[starts[i]:ends[i]].decode("utf-8", errors="replace").rstrip("\r").split("\t")
                    self.result.variants.extend(self._variants(line_no, f))
                except (ValueError, IndexError) as exc:
                    self.problem(line_no, f"cannot read the record ({exc})")
        if len(block.odd):  # keep file order: odd lines were read first
            self.result.variants[first_new:] = sorted(self.result.variants[first_new:], key=lambda v: v.source_line)

    def _variants(self, line_no: int, f: list[str]) -> list[Variant]:
        """The ALT alleles of one record that the proband carries and that are rare enough."""
        alts = f[4].split(",")
        if any(is_structural_alt(alt) for alt in alts):  # an SV record: read by workbench.io.sv_vcf (issue 22)
            self.result.structural.append((line_no, "\t".join(f)))
            return []
        proband_gt = gt_alleles(f[self.columns[0]].split(":", 1)[0])
        carried = [i for i in range(1, len(alts) + 1) if i in proband_gt and alts[i - 1] not in ("*", ".")]
        if not carried:
            return []
        chrom, ref = self._chrom_info(f[0])[0], f[3]
        pos = parse_position(f[1], chrom, self.contig_length(chrom))
        annotations = self.parser.annotate(chrom, pos, ref, alts, f[7])
        quality = None if f[5] in (".", "") else float(f[5])
        filters = () if f[6] in ("PASS", ".", "") else tuple(f[6].split(";"))
        layout = self._formats.get(f[8])
        if layout is None:
            keys = f[8].split(":")
            layout = self._formats[f[8]] = tuple(keys.index(k) if k in keys else -1  # type: ignore[assignment]
                                                 for k in ("GT", "AD", "DP", "GQ"))
        out = []
        one_copy = self.males if self.males and one_copy_in_males(chrom, pos) else frozenset()
        cache = self._calls
        if len(cache) > 100_000:
            cache.clear()
        for allele in carried:
            annotation = annotations[allele - 1]
            if annotation.population_af is not None and annotation.population_af > self.max_af:
                continue
            if self.genic_only and not annotation.consequences:
                continue
            calls = {}
            for sample_id, column in self.samples:
                key = (f[column], allele, layout)
                call = cache.get(key)
                if call is None:
                    call = cache[key] = _allele_call(f[column].split(":"), layout, allele)
                if call.genotype is Genotype.HOM_ALT and sample_id in one_copy:
                    call = replace(call, genotype=Genotype.HEMIZYGOUS)  # callers write 1/1 for a male's X
                calls[sample_id] = call
            out.append(Variant(chrom=chrom, pos=pos, ref=ref, alt=alts[allele - 1],
                               calls=types.MappingProxyType(calls), consequences=annotation.consequences,
                               population_af=annotation.population_af, quality=quality, filters=filters,
                               clinvar=annotation.clinvar, scores=annotation.scores, source_line=line_no))
        return out


class _RarityProbe:
    """A cheap, conservative look at the raw INFO bytes: could any allele here be rare?

    False only when every annotation entry and INFO frequency field found has a frequency above
    the cut-off; the exact per-allele frequency is then read by the annotation parser for the
    few lines that pass.
    """

    def __init__(self, parser: AnnotationParser, info_ids: frozenset[str], max_af: float):
        self.max_af = max_af
        fields = list(parser.fields)
        self._csq_key = b"CSQ=" if parser.kind == "CSQ" else b""
        self._csq_cols = [fields.index(f) for f in parser.frequency_fields if f in fields] if self._csq_key else []
        self._info_keys = [f"{f}=".encode() for f in parser.frequency_fields if f in info_ids]
        self.active = bool(self._csq_cols or self._info_keys)
        self.csq_columns = self._csq_cols
        self.vectorised = bool(self._csq_cols) and not self._info_keys

    def may_be_rare(self, info: bytes) -> bool:
        if not self.active:
            return True
        max_af = self.max_af
        seen = False
        if self._csq_cols:
            text = _info_value(info, self._csq_key)
            if text is not None:
                for entry in text.split(b","):
                    parts = entry.split(b"|")
                    best = -1.0
                    for c in self._csq_cols:
                        value = parts[c] if c < len(parts) else b""
                        if value:
                            try:
                                number = float(value)
                            except ValueError:
                                number = max(_numbers(value), default=-1.0)
                            if number > best:
                                best = number
                    if best < 0 or best <= max_af:
                        return True  # an allele not seen in the population, or rare
                seen = True
        for key in self._info_keys:
            text = _info_value(info, key)
            if text is not None:
                numbers = _numbers(text)
                if not numbers or min(numbers) <= max_af:
                    return True
                seen = True
        return not seen


def _info_value(info: bytes, key: bytes) -> bytes | None:
    """The value of ``KEY=`` in an INFO column (bytes), or None."""
    i = info.find(key)
    while i > 0 and info[i - 1:i] != b";":
        i = info.find(key, i + 1)
    if i < 0:
        return None
    j = info.find(b";", i)
    return info[i + len(key):] if j < 0 else info[i + len(key):j]


def _numbers(text: bytes) -> list[float]:
    out = []
    for part in text.replace(b"&", b",").split(b","):
        if part and part != b".":
            try:
                out.append(float(part))
            except ValueError:
                pass
    return out


# -- building variants ------------------------------------------------------------------------
def _int_or_none(text: str) -> int | None:
    """A read count or quality; None for missing or unreadable text, ValueError for an impossible number."""
    if not text or text == ".":
        return None
    try:
        number = int(text)
    except ValueError:
        try:
            real = float(text)
        except ValueError:
            return None
        if not math.isfinite(real):
            raise ValueError(f"the value {text[:40]!r} is not a read count or quality") from None
        number = int(real)
    if number < 0:
        raise ValueError(f"the value {text[:40]!r} is not a read count or quality")
    return number


def _allele_call(values: list[str], layout: tuple[int, int, int, int], allele: int) -> Call:
    """One sample's Call relative to one ALT allele (see model.Genotype); layout = GT, AD, DP, GQ index."""
    gt_i, ad_i, dp_i, gq_i = layout
    n = len(values)
    alleles = gt_alleles(values[gt_i]) if 0 <= gt_i < n else (None,)
    if not alleles or None in alleles:
        genotype = Genotype.NO_CALL
    elif len(alleles) == 1:
        genotype = Genotype.HEMIZYGOUS if alleles[0] == allele else Genotype.HOM_REF
    else:
        copies = alleles.count(allele)
        genotype = Genotype.HOM_ALT if copies >= 2 else (Genotype.HET if copies else Genotype.HOM_REF)
    ref_depth = alt_depth = None
    if 0 <= ad_i < n:
        depths = values[ad_i].split(",")
        if allele < len(depths):
            ref_depth, alt_depth = _int_or_none(depths[0]), _int_or_none(depths[allele])
    return Call(genotype, ref_depth, alt_depth, _int_or_none(values[dp_i]) if 0 <= dp_i < n else None,
                _int_or_none(values[gq_i]) if 0 <= gq_i < n else None)


# -- parallel genome path -----------------------------------------------------------------------
@dataclass
class _Region:
    """A worker's share of a BGZF file: its complete lines scanned, the cut lines returned as text."""

    head: str  # text before the first newline (the end of a line begun in the previous region)
    tail: str  # text after the last newline (a line the next region finishes)
    newlines: int
    scan: _Scan


def _scan_region(path: str, start: int, end: int, scanner: _Scanner,
                 progress: Callable[[float], None] | None = None) -> _Region:
    """Worker: local line numbers count from the region's cut line (fixed up by the caller)."""
    scanner.result = _Scan()
    head: bytes | None = None
    rest = b""
    newlines = 0
    report = (lambda offset: progress(0.95 * (offset - start) / max(1, end - start))) if progress else None  # noqa: E731
    for piece in decompress_range(path, start, end, CHUNK_BYTES, report):
        data = rest + piece
        if head is None:
            cut = data.find(b"\n")
            if cut < 0:
                rest = data
                continue
            head, data, newlines = data[:cut], data[cut + 1:], 1
        cut = data.rfind(b"\n") + 1
        chunk, rest = data[:cut], data[cut:]
        if chunk:
            scanner.scan_bytes(chunk, newlines + 1)
            newlines += chunk.count(b"\n")
    if head is None:  # no newline in the whole region
        head, rest = rest, b""
    return _Region(head.decode("utf-8", errors="replace"), rest.decode("utf-8", errors="replace"), newlines,
                   scanner.result)


def _scan_parallel(path: Path, scanner: _Scanner, ranges: list[tuple[int, int]],
                   progress: Callable[[float], None] | None) -> _Scan:
    # the parent scans the first region itself: only the other regions' Variants cross processes.
    # Forked, not spawned: a spawned worker re-runs the parent's __main__ (in the app, the page
    # script). Callers read the VCF before loading the knowledge, so the fork carries little.
    with ProcessPoolExecutor(max_workers=max(1, len(ranges) - 1), mp_context=get_context("fork")) as pool:
        futures = [pool.submit(_scan_region, str(path), start, end, scanner) for start, end in ranges[1:]]
        # the regions are of equal size and run side by side: the parent's progress is everyone's
        regions = [_scan_region(str(path), ranges[0][0], ranges[0][1], scanner, progress)]
        regions += [future.result() for future in futures]
    scanner.result = _Scan()
    total, offset, previous_tail = _Scan(), 0, ""
    for region in regions:
        scanner.scan([previous_tail + region.head], offset + 1)  # the line cut between two regions
        total.add(region.scan, offset)
        offset += region.newlines
        previous_tail = region.tail
    if previous_tail:
        scanner.scan([previous_tail], offset + 1)
    total.add(scanner.result)
    total.variants.sort(key=lambda v: v.source_line or 0)
    total.problems.sort()
    return total


# -- public entry point ---------------------------------------------------------------------------
def read_family_vcf(vcf: str | Path | Sequence[str | Path], pedigree: Pedigree, proband_id: str | None = None,
                    options: ReadOptions = ReadOptions(),
                    progress: Callable[[float], None] | None = None) -> FamilyCalls:
    """Read the family's calls: prefiltered proband variants, trio QC over all records, problems.

    ``vcf`` is one joint VCF (plain, gzip or BGZF) or a list of per-person VCFs, merged by
    position and allele. Raises :class:`InputError` for unusable input; the message names the
    file and the line or sample.
    """
    with collector_paused():
        return _read_family_vcf(vcf, pedigree, proband_id, options, progress)


def _read_family_vcf(vcf: str | Path | Sequence[str | Path], pedigree: Pedigree, proband_id: str | None,
                     options: ReadOptions, progress: Callable[[float], None] | None) -> FamilyCalls:
    trio = pedigree.trio(proband_id)
    if not isinstance(vcf, (str, Path)):
        paths = [Path(p) for p in vcf]
        header, batches, name, problems = merged_family_lines(paths, trio, options)
        calls = _read(header, name, trio, options, progress, batches=batches, earlier_problems=problems)
        cut = tuple(issue for p in paths if (issue := _cut_short(p, file_kind(p), len(read_header(p).samples) + 9)))
        return replace(calls, issues=cut + calls.issues) if cut else calls
    path = Path(vcf)
    name = str(path)
    if not path.is_file():
        raise InputError(f"{name}: no such file")
    kind = file_kind(path)
    size = path.stat().st_size
    report = (lambda offset: progress(min(0.99, offset / size))) if progress else None  # noqa: E731
    chunks = line_chunks(decompressed_pieces(path, kind, report), name)
    header, rest, rest_first = split_header(chunks, name)
    workers = options.workers or idle_cores()  # 0: as many as the machine has idle right now
    if kind == "bgzf" and workers > 1 and size >= _PARALLEL_MIN_BYTES:
        try:
            ranges = split_ranges(block_offsets(path), workers)  # one pass over the block headers: check and cut
        except BgzfError:
            pass  # damaged: the serial path reports the line where it breaks
        else:
            chunks.close()
            calls = _read(header, name, trio, options, progress, parallel=(path, ranges))
            cut = _cut_short(path, kind, len(header.samples) + 9)
            return replace(calls, issues=(cut,) + calls.issues) if cut else calls

    final = [(rest, rest_first)]  # the last batch: where a plain file's unfinished line is

    def all_chunks() -> Iterator[tuple[bytes, int]]:
        yield rest, rest_first
        for batch in chunks:
            final[0] = batch
            yield batch

    calls = _read(header, name, trio, options, progress, batches=all_chunks())
    chunk, first = final[0]
    last_line = first + chunk.count(b"\n") - 1
    cut = _cut_short(path, kind, len(header.samples) + 9, f"the last line ({last_line})")
    return replace(calls, issues=(cut,) + calls.issues) if cut else calls


def _cut_short(path: Path, kind: str, n_columns: int, last_line: str = "the last line") -> InputIssue | None:
    """An ERROR when a file visibly lost its end: a BGZF without its end-of-file block, a plain text file
    whose last line is unfinished (a gzip file cut short fails to decompress instead)."""
    if kind == "bgzf" and not has_eof_marker(path):
        return InputIssue(Level.ERROR, f"{path}: the BGZF end-of-file marker is missing: the file may have been cut "
                          "short (the records present were read, for QC; ranking refuses it)",
                          "copy or download the file again and check its size or checksum (bgzip always writes "
                          "the marker)", "vcf")
    last = unfinished_last_line(path) if kind == "plain" else None
    if last is None or not last.strip() or last.count(b"\t") == n_columns - 1:
        return None
    columns = last.count(b"\t") + 1
    return InputIssue(Level.ERROR, f"{path}: {last_line} has no newline and {columns} of the "
                      f"{n_columns} columns: the file looks cut short (the records present were read, for QC; ranking "
                      "refuses it)", "copy the file again and check its size against the original", "vcf")


def _read(header: VcfHeader, name: str, trio: Trio, options: ReadOptions,
          progress: Callable[[float], None] | None, batches: Iterable[tuple[bytes | list[str], int]] | None = None,
          parallel: tuple[Path, list[tuple[int, int]]] | None = None,
          earlier_problems: Sequence[InputProblem] = ()) -> FamilyCalls:
    build = check_build(header.text, header.contig_lengths, name)
    check_pedigree_samples(trio, header.samples, f"the VCF (its samples: {', '.join(header.samples) or 'none'})", name)
    parser = AnnotationParser.from_header(header.text, options.frequency_fields)
    scanner = _Scanner(header, trio, parser, options, name)
    if parallel is not None:
        try:
            scan = _scan_parallel(parallel[0], scanner, parallel[1], progress)
        except BgzfError as exc:  # raised in a worker: the serial path words it through line_chunks
            raise InputError(f"{name}: the compressed file is damaged or truncated ({exc})") from None
    else:
        for lines, first_line_no in batches or ():
            if isinstance(lines, bytes):
                scanner.scan_bytes(lines, first_line_no)
            else:
                scanner.scan(lines, first_line_no)
        scan = scanner.result
    if scan.records == 0:
        raise InputError(f"{name}: the VCF has no variant records")
    problems = list(earlier_problems)[:options.max_problems_listed]
    problems += [InputProblem(name, line_no, message) for line_no, message in scan.problems]
    problems = problems[:options.max_problems_listed]
    variants, duplicates = _without_duplicates(scan.variants, name)
    issues = [InputIssue(Level.WARNING, f"{name}: {warning}", "", "vcf") for warning in build.warnings]
    if not parser.kind:
        issues.append(InputIssue(Level.WARNING, f"{name}: no VEP/SnpEff/bcftools annotation in the header: genes are "
                                 "placed by position and consequences are unknown", "annotate the VCF with VEP",
                                 "vcf"))
    elif not scanner.rarity.active:
        issues.append(InputIssue(Level.WARNING, f"{name}: no population-frequency field found (looked for "
                                 f"{', '.join(options.frequency_fields)}): no frequency filter applied",
                                 "annotate gnomAD frequencies (e.g. VEP --af_gnomadg)", "vcf"))
    issues += duplicates
    qc = summarise_trio(T.as_array(scan.tally), trio)
    if progress:
        progress(1.0)
    return FamilyCalls(trio=trio, variants=variants, qc=qc, problems=tuple(problems),
                       records_read=scan.records, annotation_source=parser.source_label, source=name,
                       genome_build=build.name, problem_count=len(earlier_problems) + scan.problem_count,
                       issues=tuple(issues), structural_lines=tuple(sorted(scan.structural)),
                       samples=header.samples)


def _without_duplicates(variants: Sequence[Variant], name: str,
                        listed: int = 5) -> tuple[tuple[Variant, ...], list[InputIssue]]:
    """Each allele once: a repeated record would otherwise pair with itself as a "compound heterozygote"."""
    first_line: dict[tuple[str, int, str, str], int | None] = {}
    kept: list[Variant] = []
    repeats: list[str] = []
    for variant in variants:
        allele = (variant.chrom, variant.pos, variant.ref, variant.alt)  # Variant.key, without formatting
        if allele in first_line:
            repeats.append(f"{variant.key} (line {first_line[allele]} and line {variant.source_line})")
        else:
            first_line[allele] = variant.source_line
            kept.append(variant)
    if not repeats:
        return tuple(variants), []
    more = f" and {len(repeats) - listed} more" if len(repeats) > listed else ""
    return tuple(kept), [InputIssue(
        Level.WARNING, f"{name}: {len(repeats)} allele(s) appear twice, read once: {'; '.join(repeats[:listed])}{more}",
        "remove the duplicate records (e.g. bcftools norm -d exact)", "vcf")]
