"""Read a family's variant calls (one joint VCF, or one VCF per person) into model types.

One pass over the file does two things:

* every record is reduced to a compact genotype code per family member and counted
  (:mod:`workbench.qc.tally`), which is all trio QC needs;
* only records where the proband carries an ALT allele that *may* be rare (a cheap look at
  the raw text: the proband's GT and the population-frequency values) are parsed into
  :class:`~workbench.model.Variant` objects, one per ALT allele, with per-allele genotypes.

A genome (~5 million records) is split by chromosome over worker processes through its
tabix/CSI index; an exome is read in one process. Samples are matched through the PED;
``1`` and ``chr1`` naming both work (``Variant.chrom`` is always ``chr1`` style, ``chrM`` for
MT). Population frequency comes from :class:`~workbench.io.annotation.AnnotationParser`,
never from INFO/AF (the callset's own frequency).
"""
from __future__ import annotations

import gzip
import os
import types
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterable, Sequence

from workbench.io.annotation import DEFAULT_FREQUENCY_FIELDS, AnnotationParser
from workbench.io.build import check_build
from workbench.io.errors import InputError, InputProblem
from workbench.io.ped import Pedigree
from workbench.model import Call, Genotype, Trio, Variant
from workbench.qc import TrioQC, summarise_trio
from workbench.qc import tally as T

DEFAULT_MAX_POPULATION_AF = 0.05
_PARALLEL_MIN_BYTES = 32 * 1024 * 1024  # below this one process is faster than forking workers
_CHUNK_BYTES = 8 * 1024 * 1024
_BATCH_LINES = 50_000
_PAR_X = ((10_001, 2_781_479), (155_701_383, 156_030_895))  # GRCh38 pseudo-autosomal regions


@dataclass(frozen=True)
class ReadOptions:
    """How to read a family's VCF.

    ``max_population_af``: keep proband alleles at or below this population frequency (alleles
    absent from the population database are kept). ``strict``: stop at the first malformed
    record instead of counting it. ``absent_as_ref``: when merging one VCF per person, a site
    missing from someone's file is HOM_REF rather than NO_CALL (only true for files that list
    every confidently-called site, e.g. gVCF-derived). ``workers``: processes for indexed
    genomes (0 = one per available core).
    """

    max_population_af: float = DEFAULT_MAX_POPULATION_AF
    frequency_fields: tuple[str, ...] = DEFAULT_FREQUENCY_FIELDS
    strict: bool = False
    absent_as_ref: bool = False
    workers: int = 0
    max_problems_listed: int = 100


@dataclass(frozen=True)
class FamilyCalls:
    """The family's calls after one pass: prefiltered proband variants, QC and problems."""

    trio: Trio
    variants: tuple[Variant, ...]  # alleles the proband carries with population AF <= the cut-off
    qc: TrioQC
    problems: tuple[InputProblem, ...]  # the first ``max_problems_listed``; see problem_count
    records_read: int
    annotation_source: str
    source: str
    genome_build: str = "GRCh38"
    problem_count: int = 0


# -- genotype strings ---------------------------------------------------------------------
def _gt_alleles(gt: str) -> tuple[int | None, ...]:
    """'0/1' -> (0, 1); '1' -> (1,); './.' -> (None, None); '' or '.' -> (None,)."""
    parts = gt.replace("|", "/").split("/")
    return tuple(None if p in (".", "") else int(p) for p in parts)


def _gt_code_table() -> dict[str, int]:
    """Record-level code of every common GT string, computed once (faster than parsing)."""
    table: dict[str, int] = {".": T.NO_CALL, "": T.NO_CALL}
    symbols = [".", *map(str, range(10))]
    for a in symbols:
        if a != ".":
            table[a] = T.genotype_code(_gt_alleles(a))
        for b in symbols:
            for sep in "/|":
                text = f"{a}{sep}{b}"
                table[text] = T.genotype_code(_gt_alleles(text))
    return table


_GT_CODE = _gt_code_table()


def _normalise_chrom(name: str) -> str:
    """'1' -> 'chr1', 'MT'/'M'/'chrMT' -> 'chrM'; other contigs keep their name."""
    bare = name[3:] if name.lower().startswith("chr") else name
    if bare.upper() in ("M", "MT"):
        return "chrM"
    if bare.isdigit() or bare.upper() in ("X", "Y"):
        return "chr" + bare.upper()
    return name


def _chrom_class(chrom: str) -> int:
    if chrom == "chrX":
        return T.X_NONPAR  # PAR is decided per position
    if chrom == "chrY":
        return T.Y_CHROM
    if chrom == "chrM":
        return T.MITO
    bare = chrom[3:]
    return T.AUTOSOME if chrom.startswith("chr") and bare.isdigit() and 1 <= int(bare) <= 22 else T.OTHER_CONTIG


# -- the header ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Header:
    text: str  # the '##' lines and the '#CHROM' line
    samples: tuple[str, ...]
    line_count: int
    contig_lengths: dict[str, int]


def _parse_header(lines: list[str], name: str) -> _Header:
    meta = [line for line in lines if line.startswith("##")]
    columns = lines[-1].rstrip("\r\n").split("\t")
    if columns[:8] != ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]:
        raise InputError(f"{name} line {len(lines)}: the column header should start with "
                         "#CHROM POS ID REF ALT QUAL FILTER INFO (tab-separated)")
    lengths: dict[str, int] = {}
    for line in meta:
        if line.startswith("##contig=<"):
            body = line[len("##contig=<"):].rstrip(">\r\n")
            attrs = dict(part.split("=", 1) for part in body.split(",") if "=" in part)
            if "ID" in attrs and attrs.get("length", "").isdigit():
                lengths[attrs["ID"]] = int(attrs["length"])
    samples = tuple(columns[9:])
    if len(samples) != len(set(samples)):
        dup = sorted({s for s in samples if samples.count(s) > 1})
        raise InputError(f"{name} line {len(lines)}: sample column(s) {', '.join(dup)} appear twice")
    return _Header("".join(line if line.endswith("\n") else line + "\n" for line in lines),
                   samples, len(lines), lengths)


# -- reading text ---------------------------------------------------------------------------
class _TextChunks:
    """Lines of a plain, gzip or BGZF file in large batches, with 1-based line numbers."""

    def __init__(self, path: Path):
        self.path = path
        self.name = str(path)
        try:
            self._raw = open(path, "rb")
        except OSError as exc:
            raise InputError(f"{self.name}: cannot open ({exc.strerror or exc})") from exc
        magic = self._raw.read(2)
        self._raw.seek(0)
        self.size = max(1, os.fstat(self._raw.fileno()).st_size)
        self._stream = gzip.GzipFile(fileobj=self._raw) if magic == b"\x1f\x8b" else self._raw
        self.compressed = magic == b"\x1f\x8b"
        self.lines_done = 0
        self._rest = ""

    def progress(self) -> float:
        return min(1.0, self._raw.tell() / self.size)

    def batches(self) -> Iterable[list[str]]:
        """Batches of lines without their newline; the last partial line waits for the next read.

        ``lines_done`` counts the lines handed out, including the batch just yielded."""
        while True:
            try:
                block = self._stream.read(_CHUNK_BYTES)
            except (EOFError, zlib.error, gzip.BadGzipFile, OSError) as exc:
                raise InputError(f"{self.name}: the compressed file is damaged or truncated after line "
                                 f"{self.lines_done + self._rest.count(chr(10))} ({exc})") from exc
            if not block:
                break
            text = self._rest + block.decode("utf-8", errors="replace")
            lines = text.split("\n")
            self._rest = lines.pop()
            if lines:
                self.lines_done += len(lines)
                yield lines
        if self._rest:
            last, self._rest = self._rest, ""
            self.lines_done += 1
            yield [last]

    def close(self) -> None:
        self._raw.close()


def _read_header(chunks: _TextChunks) -> tuple[_Header, list[str]]:
    """The header and the record lines of the first batch."""
    header: list[str] = []
    for batch in chunks.batches():
        for i, line in enumerate(batch):
            if line.startswith("#"):
                header.append(line)
                if line.startswith("#CHROM"):
                    return _parse_header(header, chunks.name), batch[i + 1:]
            elif line.strip():
                raise InputError(f"{chunks.name} line {len(header) + 1}: expected a VCF header line "
                                 f"(starting with '#'), found {line[:60]!r}")
            else:
                header.append(line)
    if not header:
        raise InputError(f"{chunks.name}: the file is empty")
    raise InputError(f"{chunks.name}: no '#CHROM' column header line: not a VCF file")


# -- the scanner: one pass, tally everything, keep candidate lines --------------------------
@dataclass
class _Scan:
    """What one pass over some records produced (picklable: workers return it)."""

    tally: list[int] = field(default_factory=T.new_tally)
    candidates: list[tuple[int, str]] = field(default_factory=list)  # (line number, raw line)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)
    problem_count: int = 0
    records: int = 0


class _Scanner:
    """Counts every record's genotype codes and keeps the lines the proband may need."""

    def __init__(self, columns: tuple[int, int, int], n_columns: int, parser: AnnotationParser,
                 max_af: float, name: str, strict: bool, max_problems: int):
        self.columns = columns  # column index of proband, father, mother (-1 = not sequenced)
        self.n_columns = n_columns
        self.max_af = max_af
        self.name = name
        self.strict = strict
        self.max_problems = max_problems
        self._chrom: dict[str, tuple[str, int]] = {}
        self._rarity = _RarityProbe(parser, max_af)
        self.result = _Scan()

    def problem(self, line_no: int, message: str) -> None:
        if self.strict:
            raise InputError(f"{self.name} line {line_no}: {message}")
        self.result.problem_count += 1
        if len(self.result.problems) < self.max_problems:
            self.result.problems.append((line_no, message))

    def scan(self, lines: Sequence[str], first_line_no: int) -> None:
        gt_code, chrom_info, rarity = _GT_CODE, self._chrom, self._rarity.may_be_rare
        tally, candidates = self.result.tally, self.result.candidates
        pc, fc, mc = self.columns
        n_columns = self.n_columns
        no_call = T.NO_CALL
        carries = {T.HET, T.HOM_ALT, T.HAPLOID_ALT, T.HET_NONREF}
        transitions = {"AG": 0, "GA": 0, "CT": 0, "TC": 0, "ag": 0, "ga": 0, "ct": 0, "tc": 0}
        records = 0
        line_no = first_line_no - 1
        for line in lines:
            line_no += 1
            if not line or line[0] == "#":
                if line:
                    self.problem(line_no, "header line among the records")
                continue
            f = line.split("\t")
            if len(f) != n_columns:
                self.problem(line_no, f"expected {n_columns} tab-separated columns, found {len(f)}")
                continue
            records += 1
            info = chrom_info.get(f[0])
            if info is None:
                norm = _normalise_chrom(f[0])
                info = chrom_info[f[0]] = (norm, _chrom_class(norm))
            chrom_class = info[1]
            if chrom_class == T.X_NONPAR:
                try:
                    pos = int(f[1])
                except ValueError:
                    self.problem(line_no, f"POS {f[1]!r} is not a number")
                    records -= 1
                    continue
                if _PAR_X[0][0] <= pos <= _PAR_X[0][1] or _PAR_X[1][0] <= pos <= _PAR_X[1][1]:
                    chrom_class = T.X_PAR
            ref, alt = f[3], f[4]
            if len(ref) == 1 and len(alt) == 1:
                variant_class = transitions.get(ref + alt, 1)
            else:
                variant_class = 3 if "," in alt else 2
            if f[8][:2] == "GT":
                g = f[pc]
                i = g.find(":")
                code_p = gt_code.get(g if i < 0 else g[:i])
                if code_p is None:
                    code_p = self._slow_code(g, line_no)
                if fc >= 0:
                    g = f[fc]
                    i = g.find(":")
                    code_f = gt_code.get(g if i < 0 else g[:i])
                    if code_f is None:
                        code_f = self._slow_code(g, line_no)
                else:
                    code_f = no_call
                if mc >= 0:
                    g = f[mc]
                    i = g.find(":")
                    code_m = gt_code.get(g if i < 0 else g[:i])
                    if code_m is None:
                        code_m = self._slow_code(g, line_no)
                else:
                    code_m = no_call
            else:
                code_p = code_f = code_m = no_call
            tally[(((chrom_class * 4 + variant_class) * 7 + code_p) * 7 + code_f) * 7 + code_m] += 1
            if code_p in carries and rarity(f[7]):
                candidates.append((line_no, line))
        self.result.records += records

    def _slow_code(self, field_text: str, line_no: int) -> int:
        gt = field_text.split(":", 1)[0]
        try:
            return T.genotype_code(_gt_alleles(gt))
        except ValueError:
            self.problem(line_no, f"genotype {gt!r} is not a VCF GT value")
            return T.NO_CALL


class _RarityProbe:
    """A cheap, conservative look at the raw INFO text: could any allele here be rare?

    True unless every frequency value found is above the cut-off; the exact per-allele
    frequency is then read by the annotation parser for the few lines that pass.
    """

    def __init__(self, parser: AnnotationParser, max_af: float):
        self.max_af = max_af
        fields = list(parser.fields)
        self._csq_key = f"{parser.kind}=" if parser.kind else None
        self._csq_cols = [fields.index(f) for f in parser.frequency_fields if f in fields] if parser.kind == "CSQ" else []
        self._info_keys = [f"{f}=" for f in parser.frequency_fields if f not in fields]
        self.active = bool(self._csq_cols or self._info_keys)

    def may_be_rare(self, info: str) -> bool:
        if not self.active:
            return True
        values: list[list[float]] = []  # per annotation entry / INFO field: the numbers found
        for item in info.split(";"):
            if self._csq_cols and item.startswith(self._csq_key):
                for entry in item[len(self._csq_key):].split(","):
                    parts = entry.split("|")
                    found = [v for c in self._csq_cols if c < len(parts) for v in _numbers(parts[c])]
                    if not found:
                        return True  # an allele not seen in the population: rare
                    values.append(found)
            else:
                for key in self._info_keys:
                    if item.startswith(key):
                        values.append(_numbers(item[len(key):]))
        if not values:
            return True
        return min(max(v) if v else 0.0 for v in values) <= self.max_af


def _numbers(text: str) -> list[float]:
    out = []
    for part in text.replace("&", ",").split(","):
        if part and part != ".":
            try:
                out.append(float(part))
            except ValueError:
                pass
    return out


# -- building variants ------------------------------------------------------------------------
def _int_or_none(text: str) -> int | None:
    if not text or text == ".":
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return int(float(text))
        except ValueError:
            return None


def _allele_call(sample_field: str, format_keys: list[str], allele: int, haploid_note: list[bool]) -> Call:
    """One sample's Call relative to one ALT allele (see model.Genotype)."""
    values = sample_field.split(":")
    data = dict(zip(format_keys, values))
    alleles = _gt_alleles(data.get("GT", "."))
    if not alleles or any(a is None for a in alleles):
        genotype = Genotype.NO_CALL
    elif len(alleles) == 1:
        genotype = Genotype.HEMIZYGOUS if alleles[0] == allele else Genotype.HOM_REF
        haploid_note[0] = True
    else:
        copies = sum(1 for a in alleles if a == allele)
        genotype = (Genotype.HOM_REF, Genotype.HET, Genotype.HOM_ALT)[min(copies, 2)]
    ad = data.get("AD")
    ref_depth = alt_depth = None
    if ad and ad != ".":
        depths = ad.split(",")
        if allele < len(depths):
            ref_depth, alt_depth = _int_or_none(depths[0]), _int_or_none(depths[allele])
    return Call(genotype, ref_depth, alt_depth, _int_or_none(data.get("DP", "")), _int_or_none(data.get("GQ", "")))


def _build_variants(line_no: int, line: str, samples: Sequence[tuple[str, int]], parser: AnnotationParser,
                    max_af: float) -> list[Variant]:
    """The ALT alleles of one record that the proband carries and that are rare enough."""
    f = line.split("\t")
    chrom, pos, ref, alts = _normalise_chrom(f[0]), int(f[1]), f[3], f[4].split(",")
    format_keys = f[8].split(":")
    proband_gt = _gt_alleles(f[samples[0][1]].split(":", 1)[0])
    carried = [i for i in range(1, len(alts) + 1) if i in proband_gt and alts[i - 1] not in ("*", ".")]
    if not carried:
        return []
    annotations = parser.annotate(chrom, pos, ref, alts, f[7])
    quality = None if f[5] in (".", "") else float(f[5])
    filters = () if f[6] in ("PASS", ".", "") else tuple(f[6].split(";"))
    out = []
    for allele in carried:
        annotation = annotations[allele - 1]
        if annotation.population_af is not None and annotation.population_af > max_af:
            continue
        note = [False]
        calls = {sample_id: _allele_call(f[column], format_keys, allele, note) for sample_id, column in samples}
        out.append(Variant(chrom=chrom, pos=pos, ref=ref, alt=alts[allele - 1], calls=types.MappingProxyType(calls),
                           consequences=annotation.consequences, population_af=annotation.population_af,
                           quality=quality, filters=filters, clinvar=annotation.clinvar, scores=annotation.scores,
                           source_line=line_no))
    return out


# -- parallel genome path -----------------------------------------------------------------------
def _index_of(path: Path) -> Path | None:
    for suffix in (".tbi", ".csi"):
        candidate = Path(str(path) + suffix)
        if candidate.exists():
            return candidate
    return None


def _is_bgzf(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(18)
    return len(head) == 18 and head[:4] == b"\x1f\x8b\x08\x04" and head[12:14] == b"BC"


def _scan_contigs(path: str, index: str, contigs: list[str], scanner: _Scanner) -> tuple[_Scan, dict[str, int]]:
    """Worker: scan whole contigs through the index; line numbers are per contig (fixed later)."""
    import pysam

    per_contig: dict[str, int] = {}
    merged = _Scan()
    with pysam.TabixFile(path, index=index) as tbx:
        for contig in contigs:
            scanner.result = _Scan()
            iterator = tbx.fetch(contig)
            line_no = 1
            while True:
                batch = list(islice(iterator, _BATCH_LINES))
                if not batch:
                    break
                scanner.scan(batch, line_no)
                line_no += len(batch)
            part = scanner.result
            per_contig[contig] = line_no - 1
            merged.tally = [a + b for a, b in zip(merged.tally, part.tally)] if merged.records else part.tally
            merged.candidates += [((contig, n), line) for n, line in part.candidates]  # type: ignore[misc]
            merged.problems += [((contig, n), msg) for n, msg in part.problems]  # type: ignore[misc]
            merged.problem_count += part.problem_count
            merged.records += part.records
    return merged, per_contig


def _balanced_groups(contigs: list[str], sizes: dict[str, int], n: int) -> list[list[str]]:
    """Split contigs into n groups of similar total size (largest first, into the lightest group)."""
    groups: list[list[str]] = [[] for _ in range(n)]
    load = [0] * n
    for contig in sorted(contigs, key=lambda c: -sizes.get(c, 1)):
        k = load.index(min(load))
        groups[k].append(contig)
        load[k] += sizes.get(contig, 1)
    return [g for g in groups if g]


def _scan_parallel(path: Path, index: Path, header: _Header, scanner: _Scanner, workers: int,
                   progress: Callable[[float], None] | None) -> _Scan:
    import pysam

    with pysam.TabixFile(str(path), index=str(index)) as tbx:
        contigs = list(tbx.contigs)  # file order
    groups = _balanced_groups(contigs, header.contig_lengths, workers)
    result = _Scan()
    counts: dict[str, int] = {}
    parts: list[_Scan] = []
    with ProcessPoolExecutor(max_workers=len(groups), mp_context=get_context("fork")) as pool:
        futures = [pool.submit(_scan_contigs, str(path), str(index), group, scanner) for group in groups]
        for k, future in enumerate(futures, start=1):
            part, per_contig = future.result()
            parts.append(part)
            counts.update(per_contig)
            if progress:
                progress(k / len(futures))
    offset, start = header.line_count, {}
    for contig in contigs:
        start[contig] = offset
        offset += counts.get(contig, 0)
    for part in parts:
        result.tally = [a + b for a, b in zip(result.tally, part.tally)]
        result.candidates += [(start[c] + n, line) for (c, n), line in part.candidates]  # type: ignore[misc]
        result.problems += [(start[c] + n, msg) for (c, n), msg in part.problems]  # type: ignore[misc]
        result.problem_count += part.problem_count
        result.records += part.records
    result.candidates.sort()
    result.problems.sort()
    return result


# -- public entry point ---------------------------------------------------------------------------
def read_family_vcf(vcf: str | Path | Sequence[str | Path], pedigree: Pedigree, proband_id: str | None = None,
                    options: ReadOptions = ReadOptions(),
                    progress: Callable[[float], None] | None = None) -> FamilyCalls:
    """Read the family's calls: prefiltered proband variants, trio QC over all records, problems.

    ``vcf`` is one joint VCF or a list of per-person VCFs (merged by position and allele).
    Raises :class:`InputError` for unusable input (message names the file and line or sample).
    """
    trio = pedigree.trio(proband_id)
    if not isinstance(vcf, (str, Path)):
        from workbench.io.merge import merged_family_lines

        paths = [Path(p) for p in vcf]
        header, lines_iter, name = merged_family_lines(paths, trio, options)
        return _read(header, name, trio, options, progress, batches=lines_iter)
    path = Path(vcf)
    chunks = _TextChunks(path)
    try:
        header, first = _read_header(chunks)
        workers = options.workers or len(os.sched_getaffinity(0))
        index = _index_of(path)
        if workers > 1 and index is not None and chunks.size >= _PARALLEL_MIN_BYTES and _is_bgzf(path):
            return _read(header, str(path), trio, options, progress, parallel=(path, index, workers))

        def batches() -> Iterable[tuple[list[str], int]]:
            yield first, header.line_count + 1
            for batch in chunks.batches():
                yield batch, chunks.lines_done - len(batch) + 1
                if progress:
                    progress(chunks.progress())

        return _read(header, str(path), trio, options, progress, batches=batches())
    finally:
        chunks.close()


def _read(header: _Header, name: str, trio: Trio, options: ReadOptions,
          progress: Callable[[float], None] | None, batches: Iterable[tuple[list[str], int]] | None = None,
          parallel: tuple[Path, Path, int] | None = None) -> FamilyCalls:
    build = check_build(header.text, header.contig_lengths, name)
    column = {sample: 9 + i for i, sample in enumerate(header.samples)}
    missing = [s.id for s in trio.samples if s.id not in column]
    if missing:
        raise InputError(f"{name}: sample(s) {', '.join(missing)} from the pedigree are not in the VCF "
                         f"(its samples: {', '.join(header.samples) or 'none'})")
    parser = AnnotationParser.from_header(header.text, options.frequency_fields)
    columns = (column[trio.proband.id], column[trio.father.id] if trio.father else -1,
               column[trio.mother.id] if trio.mother else -1)
    scanner = _Scanner(columns, 9 + len(header.samples), parser, options.max_population_af, name,
                       options.strict, options.max_problems_listed)
    if parallel is not None:
        path, index, workers = parallel
        scan = _scan_parallel(path, index, header, scanner, workers, progress)
    else:
        for lines, first_line_no in batches or ():
            scanner.scan(lines, first_line_no)
        scan = scanner.result
    if scan.records == 0:
        raise InputError(f"{name}: the VCF has no variant records")
    samples = [(s.id, column[s.id]) for s in trio.samples]
    variants: list[Variant] = []
    for line_no, line in scan.candidates:
        try:
            variants.extend(_build_variants(line_no, line, samples, parser, options.max_population_af))
        except (ValueError, IndexError) as exc:
            scanner.result = scan
            scanner.problem(line_no, f"cannot read the record ({exc})")
    problems = [InputProblem(name, line_no, message) for line_no, message in scan.problems]
    problems += [InputProblem(name, None, message) for message in build.warnings]
    if not parser.kind:
        problems.append(InputProblem(name, None, "no VEP/SnpEff/bcftools annotation in the header: genes are "
                                                 "placed by position and consequences are unknown"))
    elif not scanner._rarity.active:
        problems.append(InputProblem(name, None, "no population-frequency field found "
                                                 f"(looked for {', '.join(options.frequency_fields)}): "
                                                 "no frequency filter applied"))
    qc = summarise_trio(T.as_array(scan.tally), trio)
    if progress:
        progress(1.0)
    return FamilyCalls(trio=trio, variants=tuple(variants), qc=qc, problems=tuple(problems),
                       records_read=scan.records, annotation_source=parser.source_label, source=name,
                       genome_build=build.name, problem_count=scan.problem_count + len(build.warnings))
