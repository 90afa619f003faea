"""Compact genotype tallies: the single-pass summary from which every trio QC number is derived.

The VCF reader turns each record into one small integer (chromosome class, variant class and
the record-level genotype code of proband, father and mother) and counts it. Counting codes is
cheap enough to do for all ~5 million records of a genome, and the table is all QC needs:
call rates, het/hom ratios, Ti/Tv, chrX heterozygosity, Mendelian errors and kinship.

>>> index = tally_index(AUTOSOME, TRANSITION, HET, HOM_REF, HET)
>>> counts = np.zeros(TALLY_SIZE, dtype=np.int64); counts[index] += 1
>>> int(as_array(counts)[AUTOSOME, TRANSITION, HET, HOM_REF, HET])
1
"""
from __future__ import annotations

import numpy as np

# record-level genotype codes of one sample (relative to "any ALT", not one allele)
HOM_REF, HET, HOM_ALT, HET_NONREF, HAPLOID_REF, HAPLOID_ALT, NO_CALL = range(7)
GENOTYPE_CODES = 7
CARRIES_ALT = (HET, HOM_ALT, HET_NONREF, HAPLOID_ALT)

# variant classes
TRANSITION, TRANSVERSION, OTHER_BIALLELIC, MULTIALLELIC = range(4)
VARIANT_CLASSES = 4

# chromosome classes (GRCh38 pseudo-autosomal regions count as PAR)
AUTOSOME, X_NONPAR, X_PAR, Y_CHROM, MITO, OTHER_CONTIG = range(6)
CHROM_CLASSES = 6

SHAPE = (CHROM_CLASSES, VARIANT_CLASSES, GENOTYPE_CODES, GENOTYPE_CODES, GENOTYPE_CODES)
TALLY_SIZE = int(np.prod(SHAPE))
_TRANSITIONS = {"AG", "GA", "CT", "TC"}


def tally_index(chrom_class: int, variant_class: int, proband: int, father: int, mother: int) -> int:
    """Flat index of one record in the tally (absent parents are counted as NO_CALL)."""
    return (((chrom_class * VARIANT_CLASSES + variant_class) * GENOTYPE_CODES + proband) * GENOTYPE_CODES
            + father) * GENOTYPE_CODES + mother


def as_array(tally: list[int] | np.ndarray) -> np.ndarray:
    """The tally as an int64 array of SHAPE (chrom class, variant class, proband, father, mother)."""
    return np.asarray(tally, dtype=np.int64).reshape(SHAPE)


def snv_class(ref: str, alt: str) -> int:
    """TRANSITION, TRANSVERSION, OTHER_BIALLELIC or MULTIALLELIC for a REF and ALT column."""
    if len(ref) == 1 and len(alt) == 1:
        return TRANSITION if (ref + alt).upper() in _TRANSITIONS else TRANSVERSION
    return MULTIALLELIC if "," in alt else OTHER_BIALLELIC


def genotype_code(alleles: tuple[int | None, ...]) -> int:
    """Record-level code of one sample's GT alleles (None = '.'); half-calls count as NO_CALL."""
    if not alleles or any(a is None for a in alleles):
        return NO_CALL
    if len(alleles) == 1:
        return HAPLOID_ALT if alleles[0] else HAPLOID_REF
    a, b = alleles[0], alleles[1]
    if a == b:
        return HOM_ALT if a else HOM_REF
    return HET if (a == 0 or b == 0) else HET_NONREF
