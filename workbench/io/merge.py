"""One VCF per person, merged into the joint records the family reader expects.

Records are matched by normalised chromosome, position and REF; their ALT alleles are merged
(``A>C,G`` in one file and ``A>G`` in another become one record with ALT ``C,G``, each
person's GT and AD renumbered), so annotation and per-allele genotypes stay consistent.
A person whose file has no record at a site gets a no-call there: a VCF without reference
blocks cannot tell "confidently reference" from "not covered". ``ReadOptions.absent_as_ref``
turns that into HOM_REF for files known to list every called site (e.g. from a gVCF).

This holds all records in memory: fine for exomes and gene panels; merge genomes with
``bcftools merge`` and read the joint VCF.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from workbench.io.build import check_build
from workbench.io.errors import InputError, InputProblem, check_pedigree_samples
from workbench.io.vcf_text import (VcfHeader, allele_beyond_alts, bad_gt_message, decompressed_pieces, file_kind,
                                   gt_alleles, line_chunks, parse_header, read_header)
from workbench.model import Trio, normalise_chrom

_FORMAT = "GT:AD:DP:GQ"


@dataclass
class _Person:
    """One sample's call at a site, with alleles as indexes into the site's merged ALT list."""

    alleles: tuple[int | None, ...]
    phased: bool
    depths: dict[int, str]  # merged allele index (0 = REF) -> read count text
    dp: str
    gq: str

    def render(self, n_alts: int) -> str:
        gt = ("|" if self.phased else "/").join("." if a is None else str(a) for a in self.alleles) or "."
        ad = ",".join(self.depths.get(i, ".") for i in range(n_alts + 1)) if self.depths else "."
        return f"{gt}:{ad}:{self.dp}:{self.gq}"


@dataclass
class _Site:
    chrom: str  # as the first file that has it writes it
    pos: int
    ref: str
    alts: list[str]  # union of the ALT alleles, proband's file order first
    qual: str
    filters: str
    info: str
    info_rank: int  # whose INFO we kept (0 = the proband's: its annotation is the one used)
    line: int  # line in the proband's file when the proband has the site, else in another file
    people: dict[str, _Person]


def family_files(paths: Sequence[Path], trio: Trio) -> tuple[dict[str, Path], dict[Path, VcfHeader]]:
    """(file holding each family member, each file's header), from the headers alone.

    Refuses a GRCh37 file, a file holding nobody of the pedigree, a sample in two files and
    a family member in none of them, naming the file and sample.
    """
    if not paths:
        raise InputError("no VCF file given")
    family = [s.id for s in trio.samples]
    owner: dict[str, Path] = {}
    headers: dict[Path, VcfHeader] = {}
    for path in paths:
        header = read_header(path)
        check_build(header.text, header.contig_lengths, str(path))
        headers[path] = header
        found = [s for s in header.samples if s in family]
        if not found:
            raise InputError(f"{path}: none of its samples ({', '.join(header.samples) or 'none'}) is in the "
                             f"pedigree ({', '.join(family)})")
        for sample in found:
            if sample in owner:
                raise InputError(f"sample {sample} appears in two files: {owner[sample]} and {path}")
            owner[sample] = path
    check_pedigree_samples(trio, owner, f"any of the VCF files ({', '.join(map(str, paths))})")
    return owner, headers


def merged_family_lines(paths: Sequence[Path], trio: Trio,
                        options) -> tuple[VcfHeader, Iterator, str, list[InputProblem]]:
    """(header, line batches, display name, problems) of the family's merged records, one per allele.

    Each batch holds one line numbered by its line in the proband's file (or another
    person's file when the proband has no record there).
    """
    owner, headers = family_files(paths, trio)
    wanted = {s.id for s in trio.samples}
    proband_path = owner[trio.proband.id]
    order = [proband_path] + [p for p in dict.fromkeys(owner.values()) if p != proband_path]
    sites: dict[tuple[str, int, str, str], _Site] = {}
    chrom_rank: dict[str, int] = {}
    problems: list[InputProblem] = []
    for rank, path in enumerate(order):
        samples = [s for s in headers[path].samples if s in wanted]
        _collect(path, headers[path], samples, rank, sites, chrom_rank, options, problems)
    absent = "0/0:.:.:." if options.absent_as_ref else "./.:.:.:."
    family = [s.id for s in trio.samples]
    name = " + ".join(str(p) for p in order) + " (merged per person)"
    proband_header = headers[proband_path]
    meta = [line for line in proband_header.text.splitlines() if line.startswith("##")]
    columns = "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(family)
    header = parse_header(meta + [columns], name)

    def batches() -> Iterator[tuple[list[str], int]]:
        for site in sorted(sites.values(), key=lambda s: (chrom_rank[normalise_chrom(s.chrom)], s.pos, s.ref)):
            n = len(site.alts)
            calls = "\t".join(site.people[sample].render(n) if sample in site.people else absent for sample in family)
            yield [f"{site.chrom}\t{site.pos}\t.\t{site.ref}\t{','.join(site.alts)}\t{site.qual}\t{site.filters}\t"
                   f"{site.info}\t{_FORMAT}\t{calls}"], site.line

    return header, batches(), name, problems


def _collect(path: Path, header: VcfHeader, samples: list[str], rank: int,
             sites: dict[tuple[str, int, str, str], _Site], chrom_rank: dict[str, int], options,
             problems: list[InputProblem]) -> None:
    """Add one person's (or several people's) records to ``sites``, split per ALT allele."""
    name = str(path)
    columns = {s: 9 + header.samples.index(s) for s in samples}
    n_columns = 9 + len(header.samples)

    def problem(line_no: int, message: str) -> None:
        if options.strict:
            raise InputError(f"{name} line {line_no}: {message} (strict mode stops at the first bad record)")
        problems.append(InputProblem(name, line_no, message))

    for chunk, first in line_chunks(decompressed_pieces(path, file_kind(path)), name):
        for offset, line in enumerate(chunk.decode("utf-8", errors="replace").split("\n")[:-1]):
            line_no = first + offset
            if line_no <= header.line_count or not line.strip():
                continue
            f = line.rstrip("\r").split("\t")
            if len(f) != n_columns or not f[1].isdigit():
                problem(line_no, f"expected {n_columns} tab-separated columns, found {len(f)}" if len(f) != n_columns
                        else f"POS {f[1]!r} is not a number")
                continue
            layout = {key: i for i, key in enumerate(f[8].split(":"))}
            values = {sample: f[column].split(":") for sample, column in columns.items()}
            genotypes = {}  # sample -> (alleles, phased), the GT read once
            n_alts = f[4].count(",") + 1
            for sample, sample_values in values.items():  # checked before the site is touched
                gt = _field(sample_values, layout, "GT")
                try:
                    genotypes[sample] = gt_alleles(gt), "|" in gt
                    beyond = allele_beyond_alts(gt, n_alts)
                except ValueError:
                    beyond = bad_gt_message(gt)
                if beyond:
                    problem(line_no, beyond)
                    genotypes[sample] = (None, None), False  # a no-call: this person's call is unknown
            chrom = normalise_chrom(f[0])
            chrom_rank.setdefault(chrom, len(chrom_rank))
            key = (chrom, int(f[1]), f[3])
            site = sites.get(key)
            repeated = [sample for sample in values if site is not None and sample in site.people]
            if repeated:  # merging would overwrite the first record's genotype (e.g. of a split multi-allelic site)
                problem(line_no, f"a second record at {f[0]}:{f[1]} {f[3]} for {', '.join(repeated)}: only the "
                        "first is read (join split multi-allelic records, e.g. bcftools norm -m+)")
                continue
            if site is None:
                site = sites[key] = _Site(f[0], int(f[1]), f[3], [], f[5], f[6], f[7], rank, line_no, {})
            elif rank < site.info_rank:
                site.info, site.info_rank, site.line = f[7], rank, line_no
            index = [0]  # this file's allele number -> merged allele number
            for alt in f[4].split(","):
                if alt not in site.alts:
                    site.alts.append(alt)
                index.append(site.alts.index(alt) + 1)
            for sample, sample_values in values.items():
                site.people[sample] = _person(sample_values, *genotypes[sample], layout, index)


def _field(values: list[str], layout: dict[str, int], key: str) -> str:
    """One FORMAT value of a sample, '.' when absent or empty."""
    i = layout.get(key, -1)
    return values[i] if 0 <= i < len(values) and values[i] else "."


def _person(values: list[str], gt: tuple[int | None, ...], phased: bool, layout: dict[str, int],
            index: list[int]) -> _Person:
    """A sample's FORMAT values with allele numbers translated to the merged ALT list (GT already read)."""
    alleles = tuple(None if a is None or a >= len(index) else index[a] for a in gt)
    ad = _field(values, layout, "AD")
    depths = {index[i]: d for i, d in enumerate(ad.split(",")) if i < len(index)} if ad != "." else {}
    return _Person(alleles, phased, depths, _field(values, layout, "DP"), _field(values, layout, "GQ"))
