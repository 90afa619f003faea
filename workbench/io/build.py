"""Which reference genome a VCF was called against, from its header; only GRCh38 is accepted.

Coordinates from GRCh37 would land on the wrong genes and the wrong population frequencies
without any visible error, so a GRCh37 file is refused outright rather than analysed.

>>> check_build("##reference=GRCh38\\n", {"chr1": 248956422}, "x.vcf").name
'GRCh38'
>>> check_build("", {"1": 249250621}, "x.vcf")
Traceback (most recent call last):
...
workbench.io.errors.InputError: x.vcf: this VCF is on GRCh37/hg19 (contig 1 has the GRCh37 length 249250621); the workbench needs GRCh38 calls: re-align or lift over first
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.io.errors import InputError
from workbench.model import normalise_chrom

# Lengths of chromosomes that differ between the assemblies (chr1, chr2, chrX).
_GRCH37_LENGTHS = {"chr1": 249250621, "chr2": 243199373, "chrX": 155270560}
_GRCH38_LENGTHS = {"chr1": 248956422, "chr2": 242193529, "chrX": 156040895}
_GRCH37_NAMES = re.compile(r"grch37|hg19|b37|hs37d5|human_g1k_v37|ncbi37", re.IGNORECASE)
_GRCH38_NAMES = re.compile(r"grch38|hg38|hs38|ncbi38", re.IGNORECASE)


@dataclass(frozen=True)
class Build:
    """The detected assembly and any doubt about it (shown to the user as warnings)."""

    name: str
    warnings: tuple[str, ...] = ()


def check_build(header_text: str, contig_lengths: dict[str, int], name: str) -> Build:
    """GRCh38, or InputError for GRCh37; undeclared builds pass with a warning."""
    for contig, length in contig_lengths.items():
        chrom = normalise_chrom(contig)
        if _GRCH37_LENGTHS.get(chrom) == length:
            raise InputError(f"{name}: this VCF is on GRCh37/hg19 (contig {contig} has the GRCh37 length "
                             f"{length}); the workbench needs GRCh38 calls: re-align or lift over first")
        if _GRCH38_LENGTHS.get(chrom) == length:
            return Build("GRCh38")
    declared = [line for line in header_text.splitlines()
                if line.startswith(("##reference", "##assembly")) or (line.startswith("##contig") and "assembly=" in line)]
    for line in declared:
        if _GRCH37_NAMES.search(line) and not _GRCH38_NAMES.search(line):
            raise InputError(f"{name}: this VCF is on GRCh37/hg19 (header: {line.strip()[:120]}); the workbench "
                             "needs GRCh38 calls: re-align or lift over first")
    if any(_GRCH38_NAMES.search(line) for line in declared):
        return Build("GRCh38")
    return Build("GRCh38 (assumed)", ("the VCF header does not say which genome build it uses (no ##reference "
                                      "or ##contig lengths); assuming GRCh38",))
