"""Is this family what the pedigree says? Per-sample call quality, sex and parentage checks.

Everything is derived from the genotype tally of :mod:`workbench.qc.tally` (all records,
counted during the single VCF pass), so QC costs nothing extra on a genome.

Relatedness is KING-robust kinship (Manichaikul et al. 2010), which uses only sites where at
least one of the pair is heterozygous, so it is unaffected by the hom-ref sites a VCF omits:
a parent and child share exactly one allele everywhere (kinship 0.25, no opposite
homozygotes); unrelated people have kinship near 0 and many opposite homozygotes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import IO

import numpy as np

from workbench.model import Sex, Trio
from workbench.qc import tally as T

PARENT_CHILD_KINSHIP = 0.25
FIRST_DEGREE_RANGE = (0.177, 0.354)  # KING's bounds for first-degree relatives
MIN_INFORMATIVE_SITES = 100  # fewer: relatedness is not judged
MIN_X_CALLS = 20  # fewer non-reference chrX calls: sex is not inferred
MALE_MAX_X_HET = 0.10  # share of chrX (non-PAR) non-ref calls that are heterozygous
FEMALE_MIN_X_HET = 0.20
LOW_CALL_RATE = 0.90
_ROLE_AXIS = {"proband": 2, "father": 3, "mother": 4}


@dataclass(frozen=True)
class SampleQC:
    """Call quality and sex check of one person (counts are over all records of the VCF)."""

    sample_id: str
    role: str  # proband | father | mother
    records: int
    call_rate: float  # autosomal records with a genotype / autosomal records
    het: int  # autosomal heterozygous calls
    hom_alt: int  # autosomal homozygous-alt calls
    transitions: int  # SNVs the sample carries
    transversions: int
    x_nonref_calls: int  # chrX outside the PARs
    x_het_fraction: float  # heterozygous / non-ref calls on chrX outside the PARs (males ~0)
    ped_sex: Sex
    inferred_sex: Sex  # UNKNOWN when chrX data are too few or in between

    @property
    def het_hom_ratio(self) -> float:
        return self.het / self.hom_alt if self.hom_alt else math.nan

    @property
    def ti_tv(self) -> float:
        return self.transitions / self.transversions if self.transversions else math.nan

    @property
    def sex_agrees(self) -> bool | None:
        """None when either sex is unknown."""
        if Sex.UNKNOWN in (self.ped_sex, self.inferred_sex):
            return None
        return self.ped_sex is self.inferred_sex


@dataclass(frozen=True)
class ParentQC:
    """Does this parent look like the proband's parent? (autosomal bi-allelic sites, both called)"""

    sample_id: str
    role: str  # father | mother
    informative_sites: int  # both called, at least one of the two not hom-ref
    opposite_homozygotes: int  # one hom-ref, the other hom-alt: impossible for parent and child
    kinship: float  # KING-robust; ~0.25 parent-child, ~0 unrelated, ~0.5 same person

    @property
    def mendelian_error_rate(self) -> float:
        """Opposite homozygotes per informative site (a true parent: well under 1%)."""
        return self.opposite_homozygotes / self.informative_sites if self.informative_sites else math.nan

    @property
    def looks_like_parent(self) -> bool | None:
        """None when there are too few sites to judge."""
        if self.informative_sites < MIN_INFORMATIVE_SITES:
            return None
        return FIRST_DEGREE_RANGE[0] <= self.kinship <= FIRST_DEGREE_RANGE[1]


@dataclass(frozen=True)
class TrioQC:
    """Per-sample and per-parent checks, with plain-language alarms for the user."""

    samples: tuple[SampleQC, ...]
    parents: tuple[ParentQC, ...]
    alarms: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.alarms

    def write(self, fh: IO[str]) -> None:
        """A readable text report."""
        fh.write("Trio QC\n")
        for s in self.samples:
            fh.write(f"  {s.role} {s.sample_id}: call rate {_pct(s.call_rate)}, het/hom-alt {_num(s.het_hom_ratio)}, "
                     f"Ti/Tv {_num(s.ti_tv)}, chrX het {_pct(s.x_het_fraction)} of {s.x_nonref_calls} calls -> "
                     f"sex {s.inferred_sex.value} (PED: {s.ped_sex.value})\n")
        for p in self.parents:
            fh.write(f"  {p.role} {p.sample_id} vs proband: kinship {_num(p.kinship, 3)} (parent-child 0.25), "
                     f"opposite homozygotes {_pct(p.mendelian_error_rate, 2)} of {p.informative_sites} sites\n")
        if self.alarms:
            fh.write("ALARMS\n" + "".join(f"  ! {a}\n" for a in self.alarms))
        else:
            fh.write("  No alarms: the family looks as the pedigree says.\n")

    def to_frame(self):  # -> pandas.DataFrame
        """One row per person: the numbers above, ready for charts."""
        import pandas as pd

        parents = {p.sample_id: p for p in self.parents}
        rows = []
        for s in self.samples:
            p = parents.get(s.sample_id)
            rows.append({"sample": s.sample_id, "role": s.role, "records": s.records, "call_rate": s.call_rate,
                         "het_hom_ratio": s.het_hom_ratio, "ti_tv": s.ti_tv, "x_het_fraction": s.x_het_fraction,
                         "x_nonref_calls": s.x_nonref_calls, "ped_sex": s.ped_sex.value,
                         "inferred_sex": s.inferred_sex.value,
                         "kinship_to_proband": p.kinship if p else math.nan,
                         "mendelian_error_rate": p.mendelian_error_rate if p else math.nan,
                         "informative_sites": p.informative_sites if p else 0})
        return pd.DataFrame(rows)


def _pct(x: float, digits: int = 1) -> str:
    return "n/a" if x != x else f"{100 * x:.{digits}f}%"


def _num(x: float, digits: int = 2) -> str:
    return "n/a" if x != x else f"{x:.{digits}f}"


def _sample_qc(tally: np.ndarray, role: str, sample_id: str, ped_sex: Sex) -> SampleQC:
    axis = _ROLE_AXIS[role]
    other = tuple(a for a in (2, 3, 4) if a != axis)
    per_code = tally.sum(axis=other)  # (chrom class, variant class, code)
    auto = per_code[T.AUTOSOME].sum(axis=0)
    records = int(per_code.sum())
    auto_total = int(auto.sum())
    carriers = list(T.CARRIES_ALT)
    x = per_code[T.X_NONPAR].sum(axis=0)
    x_het = int(x[T.HET] + x[T.HET_NONREF])
    x_nonref = int(x[carriers].sum())
    x_het_fraction = x_het / x_nonref if x_nonref else math.nan
    if x_nonref < MIN_X_CALLS:
        inferred = Sex.UNKNOWN
    elif x_het_fraction <= MALE_MAX_X_HET:
        inferred = Sex.MALE
    elif x_het_fraction >= FEMALE_MIN_X_HET:
        inferred = Sex.FEMALE
    else:
        inferred = Sex.UNKNOWN
    snv = per_code.sum(axis=0)  # over chromosome classes
    return SampleQC(sample_id=sample_id, role=role, records=records,
                    call_rate=1 - auto[T.NO_CALL] / auto_total if auto_total else math.nan,
                    het=int(auto[T.HET] + auto[T.HET_NONREF]), hom_alt=int(auto[T.HOM_ALT]),
                    transitions=int(snv[T.TRANSITION][carriers].sum()),
                    transversions=int(snv[T.TRANSVERSION][carriers].sum()),
                    x_nonref_calls=x_nonref, x_het_fraction=x_het_fraction, ped_sex=ped_sex, inferred_sex=inferred)


def _parent_qc(tally: np.ndarray, role: str, sample_id: str) -> ParentQC:
    axis = _ROLE_AXIS[role]
    other = 4 if axis == 3 else 3
    pair = tally[T.AUTOSOME, :T.MULTIALLELIC].sum(axis=(0, other - 1))  # (proband code, parent code)
    diploid = [T.HOM_REF, T.HET, T.HOM_ALT]
    m = pair[np.ix_(diploid, diploid)]
    informative = int(m.sum() - m[0, 0])
    opposite = int(m[0, 2] + m[2, 0])
    het_child, het_parent = int(m[1].sum()), int(m[:, 1].sum())
    both_het = int(m[1, 1])
    kinship = (both_het - 2 * opposite) / (het_child + het_parent) if het_child + het_parent else math.nan
    return ParentQC(sample_id=sample_id, role=role, informative_sites=informative,
                    opposite_homozygotes=opposite, kinship=kinship)


def summarise_trio(tally: np.ndarray, trio: Trio) -> TrioQC:
    """TrioQC from a tally of SHAPE (see :mod:`workbench.qc.tally`) and the pedigree's trio."""
    roles = [("proband", trio.proband), ("father", trio.father), ("mother", trio.mother)]
    samples = tuple(_sample_qc(tally, role, s.id, s.sex) for role, s in roles if s is not None)
    parents = tuple(_parent_qc(tally, role, s.id) for role, s in roles[1:] if s is not None)
    alarms: list[str] = []
    for s in samples:
        if s.sex_agrees is False:
            alarms.append(f"Sex mismatch: the pedigree says {s.role} {s.sample_id} is {s.ped_sex.value}, but the "
                          f"chrX calls look {s.inferred_sex.value} ({_pct(s.x_het_fraction)} of {s.x_nonref_calls} "
                          "chrX calls heterozygous). Check for a sample swap or a pedigree error.")
        if s.call_rate == s.call_rate and s.call_rate < LOW_CALL_RATE:
            alarms.append(f"Low call rate for {s.role} {s.sample_id}: {_pct(s.call_rate)} of autosomal records "
                          "have a genotype; genotypes (and de novo calls) are less reliable.")
    for p in parents:
        verdict = p.looks_like_parent
        if verdict is False and p.kinship > FIRST_DEGREE_RANGE[1]:
            alarms.append(f"The {p.role} {p.sample_id} looks like the same person as the proband (kinship "
                          f"{p.kinship:.2f}; a parent is about 0.25). Check for a duplicated sample.")
        elif verdict is False:
            alarms.append(f"The {p.role} {p.sample_id} does not look like the proband's parent: kinship "
                          f"{p.kinship:.2f} (a parent is about 0.25) and {_pct(p.mendelian_error_rate)} of "
                          f"{p.informative_sites} shared sites are opposite homozygotes (a parent: under 1%). "
                          "Possible sample swap or misattributed parentage: de novo and inherited calls "
                          "involving this parent are not trustworthy.")
    return TrioQC(samples=samples, parents=parents, alarms=tuple(alarms))
