"""Read the family's genotypes at chosen positions, reference and missing calls included.

:func:`~workbench.io.vcf.read_family_vcf` keeps only rare alleles the proband carries, which is what
ranking needs; pharmacogenomics needs the opposite: every call (common alleles, ``0/0`` and ``./.``
too) at a few hundred star-allele defining positions, for the proband and both parents. This
reader reuses the same text layer (decompression, header, GT parsing, per-person merging) and keeps
only the records at the wanted positions, each sample's alleles as sequences.
"""
from __future__ import annotations

import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

from workbench.io.build import check_build
from workbench.io.errors import InputError, check_pedigree_samples
from workbench.io.merge import merged_family_lines
from workbench.io.ped import Pedigree
from workbench.io.vcf import ReadOptions
from workbench.io.vcf_text import VcfHeader, decompressed_pieces, file_kind, gt_alleles, line_chunks, split_header
from workbench.model import Trio, normalise_chrom


@dataclass(frozen=True)
class SiteRecord:
    """One VCF record at a wanted position; ``genotypes`` maps sample id -> allele sequences (None = not called)."""

    chrom: str
    pos: int
    ref: str
    alts: tuple[str, ...]
    genotypes: Mapping[str, tuple[str | None, ...]]
    filters: tuple[str, ...]
    source_line: int


@dataclass(frozen=True)
class FamilySites:
    trio: Trio
    records: tuple[SiteRecord, ...]
    source: str
    contigs: frozenset[str]  # normalised contigs the header declares or the records use
    warnings: tuple[str, ...] = ()  # file-level doubts (build assumed)
    region_records: Mapping[tuple[str, int, int], int] = field(default_factory=dict)  # records per asked region

    def at(self, chrom: str, pos: int) -> tuple[SiteRecord, ...]:
        return tuple(r for r in self.records if r.chrom == chrom and r.pos == pos)

    def near(self, chrom: str, pos: int, window: int) -> tuple[SiteRecord, ...]:
        """Records within ``window`` bases of ``pos`` but not at it (read only where those positions were asked)."""
        return tuple(r for r in self.records if r.chrom == chrom and r.pos != pos and abs(r.pos - pos) <= window)


def read_family_sites(vcf: str | Path | Sequence[str | Path], pedigree: Pedigree,
                      positions: Iterable[tuple[str, int]], proband_id: str | None = None,
                      regions: Iterable[tuple[str, int, int]] = ()) -> FamilySites:
    """The records at ``positions`` (``(chr-style chrom, pos)``) with every family member's alleles, and how
    many records fall in each of ``regions`` (``(chrom, start, end)``: evidence the region was called at all).

    ``vcf`` is one joint VCF (plain, gzip or BGZF) or one VCF per person (merged as the main reader
    does; a site missing from someone's file is a missing call there). Raises :class:`InputError`.
    """
    trio = pedigree.trio(proband_id)
    wanted = {(normalise_chrom(c), p) for c, p in positions}
    regions = list(regions)
    indexed_contigs: set[str] = set()
    if isinstance(vcf, (str, Path)):
        path = Path(vcf)
        name = str(path)
        if not path.is_file():
            raise InputError(f"{name}: no such file")
        kind = file_kind(path)
        chunks = line_chunks(decompressed_pieces(path, kind), name)
        header, rest, first = split_header(chunks, name)
        index = _usable_index(path) if kind == "bgzf" else None

        def lines() -> Iterator[tuple[int, str]]:
            if index is not None:
                chunks.close()
                yield from _indexed_lines(path, index, wanted, regions, indexed_contigs)
                return
            for chunk, number in ((rest, first), *chunks):
                for offset, line in enumerate(chunk.decode("utf-8", errors="replace").split("\n")):
                    yield number + offset, line
    else:
        header, batches, name, _ = merged_family_lines([Path(p) for p in vcf], trio, ReadOptions())

        def lines() -> Iterator[tuple[int, str]]:
            for batch, number in batches:
                for offset, line in enumerate(batch):
                    yield number + offset, line
    build = check_build(header.text, header.contig_lengths, name)  # GRCh37 positions would name the wrong alleles
    check_pedigree_samples(trio, header.samples, f"the VCF (its samples: {', '.join(header.samples) or 'none'})",
                           name)
    counts = {(normalise_chrom(c), start, end): 0 for c, start, end in regions}
    records, contigs = _scan(lines(), header, trio, wanted, counts)
    return FamilySites(trio, tuple(records), name, frozenset(contigs | indexed_contigs),
                       tuple(f"{name}: {w}" for w in build.warnings),
                       types.MappingProxyType(counts))


def _usable_index(path: Path) -> Path | None:
    """The file's tabix/CSI index when it is at least as new as the file (a stale index could hide records)."""
    for suffix in (".tbi", ".csi"):
        index = path.with_name(path.name + suffix)
        if index.is_file() and index.stat().st_mtime >= path.stat().st_mtime:
            return index
    return None


def _indexed_lines(path: Path, index: Path, wanted: set[tuple[str, int]], regions: list[tuple[str, int, int]],
                   contigs: set[str]) -> Iterator[tuple[int, str]]:
    """Only the records in ``regions`` and at ``wanted`` through the index (a genome in well under a second).

    Line numbers are not known this way: records read through the index carry line 0.
    """
    import pysam

    with pysam.TabixFile(str(path), index=str(index)) as tabix:
        names = {normalise_chrom(c): c for c in tabix.contigs}
        contigs.update(names)
        spans = [(normalise_chrom(c), start, end) for c, start, end in regions]
        spans += [(c, p, p) for c, p in wanted if not any(r[0] == c and r[1] <= p <= r[2] for r in spans)]
        seen: set[str] = set()
        for chrom, start, end in spans:
            if chrom not in names:
                continue
            for line in tabix.fetch(names[chrom], start - 1, end):
                if line not in seen:
                    seen.add(line)
                    yield 0, line


def _scan(lines: Iterable[tuple[int, str]], header: VcfHeader, trio: Trio,
          wanted: set[tuple[str, int]], counts: dict[tuple[str, int, int], int]) -> tuple[list[SiteRecord], set[str]]:
    columns = {s: 9 + i for i, s in enumerate(header.samples)}
    people = [(s.id, columns[s.id]) for s in trio.samples]
    contigs = {normalise_chrom(c) for c in header.contig_lengths}
    names: dict[str, str] = {}
    by_chrom: dict[str, list[tuple[str, int, int]]] = {}
    for region in counts:
        by_chrom.setdefault(region[0], []).append(region)
    records = []
    for line_no, line in lines:
        if not line or line[0] == "#":
            continue
        head = line.split("\t", 2)
        if len(head) < 3:
            continue
        chrom = names.get(head[0])
        if chrom is None:
            chrom = names[head[0]] = normalise_chrom(head[0])
            contigs.add(chrom)
        if not head[1].isdigit():
            continue
        pos = int(head[1])
        for region in by_chrom.get(chrom, ()):
            if region[1] <= pos <= region[2]:
                counts[region] += 1
        if (chrom, pos) not in wanted:
            continue
        f = line.rstrip("\r").split("\t")
        if len(f) < 9 + len(header.samples):
            continue  # the main reader reports malformed records; here they are simply not evidence
        alleles = (f[3], *f[4].split(","))
        gt_at = f[8].split(":").index("GT") if "GT" in f[8].split(":") else -1
        genotypes = {}
        for sample, column in people:
            if gt_at < 0:
                genotypes[sample] = (None,)
                continue
            values = f[column].split(":")
            try:
                indices = gt_alleles(values[gt_at]) if gt_at < len(values) else (None,)
            except ValueError:
                indices = (None,)
            genotypes[sample] = tuple(None if i is None or i >= len(alleles) else alleles[i] for i in indices)
        records.append(SiteRecord(chrom, int(f[1]), f[3], tuple(f[4].split(",")), types.MappingProxyType(genotypes),
                                  () if f[6] in ("PASS", ".", "") else tuple(f[6].split(";")), line_no))
    return records, contigs
