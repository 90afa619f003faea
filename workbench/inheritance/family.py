"""One proband allele seen through the family: where it lies and what each parent's call says.

Genotypes are read once here into a few states (a parent "confidently homozygous reference",
"carrier", "unknown" ...) under the call-quality thresholds of :class:`InheritanceOptions`;
the mode predicates then reason on those states only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import Enum

from workbench.inheritance.options import InheritanceOptions
from workbench.model import Affection, Call, Genotype, Sample, Sex, Trio, Variant, normalise_chrom, one_copy_in_males


class Region(Enum):
    AUTOSOMAL = "autosomal"  # includes the PARs
    X = "X (outside the PARs)"
    Y = "Y (outside the PARs)"
    MITOCHONDRIAL = "mitochondrial"


def region_of(chrom: str, pos: int) -> Region:
    """Inheritance region of a position; accepts ``chrX`` and ``X`` naming.

    >>> region_of("chrX", 2_000_000), region_of("X", 31_000_000), region_of("MT", 3243)
    (<Region.AUTOSOMAL: 'autosomal'>, <Region.X: 'X (outside the PARs)'>, <Region.MITOCHONDRIAL: 'mitochondrial'>)
    """
    name = normalise_chrom(chrom)
    if name in ("chrX", "chrY"):
        return (Region.X if name == "chrX" else Region.Y) if one_copy_in_males(name, pos) else Region.AUTOSOMAL
    if name == "chrM":
        return Region.MITOCHONDRIAL
    return Region.AUTOSOMAL


class ParentState(Enum):
    """What a parent's call says about the allele."""

    NOT_SEQUENCED = "not sequenced"
    NO_CALL = "no call"
    REF = "homozygous reference"
    REF_LOW_QUALITY = "homozygous reference with low depth or GQ"
    REF_WITH_ALT_READS = "called homozygous reference but shows alt reads"
    HET = "heterozygous"
    HOM = "homozygous or hemizygous"

    @property
    def carrier(self) -> bool:
        return self in (ParentState.HET, ParentState.HOM)

    @property
    def absent(self) -> bool:
        """Confidently does not carry the allele."""
        return self is ParentState.REF

    @property
    def unknown(self) -> bool:
        """Could carry the allele or not: the call does not settle it."""
        return self in (ParentState.NOT_SEQUENCED, ParentState.NO_CALL, ParentState.REF_LOW_QUALITY,
                        ParentState.REF_WITH_ALT_READS)


@dataclass(frozen=True)
class FamilyVariant:
    """A proband allele with the parents' states; what the mode predicates test."""

    variant: Variant
    proband: Call
    proband_sex: Sex
    region: Region
    father: ParentState
    mother: ParentState
    father_affected: bool
    mother_affected: bool
    father_call: Call | None
    mother_call: Call | None

    @property
    def het(self) -> bool:
        return self.proband.genotype is Genotype.HET

    @property
    def hom(self) -> bool:
        """Homozygous alt or a haploid call carrying the allele."""
        return self.proband.genotype in (Genotype.HOM_ALT, Genotype.HEMIZYGOUS)

    @property
    def may_be_male(self) -> bool:
        return self.proband_sex is not Sex.FEMALE

    @property
    def may_be_female(self) -> bool:
        return self.proband_sex is not Sex.MALE

    @property
    def parents(self) -> tuple[tuple[str, ParentState, bool, Call | None], ...]:
        return (("father", self.father, self.father_affected, self.father_call),
                ("mother", self.mother, self.mother_affected, self.mother_call))


def parent_state(call: Call | None, options: InheritanceOptions) -> ParentState:
    """A parent's call under the quality thresholds (None: the parent was not sequenced)."""
    if call is None:
        return ParentState.NOT_SEQUENCED
    g = call.genotype
    if g is Genotype.NO_CALL:
        return ParentState.NO_CALL
    if g is Genotype.HET:
        return ParentState.HET
    if g in (Genotype.HOM_ALT, Genotype.HEMIZYGOUS):
        return ParentState.HOM
    alt = call.alt_depth or 0
    fraction = alt_fraction(call) or 0.0
    if alt > options.parent_max_alt_reads and fraction > options.parent_max_alt_fraction:
        return ParentState.REF_WITH_ALT_READS
    depth = _depth(call)
    if (depth is not None and depth < options.parent_min_depth) or (
            call.quality is not None and call.quality < options.parent_min_gq):
        return ParentState.REF_LOW_QUALITY
    return ParentState.REF


def proband_call_problem(call: Call, options: InheritanceOptions) -> str | None:
    """Why the proband's call is not trustworthy enough to analyse, or None."""
    if not call.genotype.carries_alt:
        return f"proband does not carry the allele (genotype {call.genotype.value})"
    if call.quality is not None and call.quality < options.min_gq:
        return f"proband genotype quality {call.quality} < {options.min_gq}"
    depth = _depth(call)
    if depth is not None and depth < options.min_depth:
        return f"proband read depth {depth} < {options.min_depth}"
    balance = alt_fraction(call)
    if balance is not None:
        low, high = options.het_allele_balance
        if call.genotype is Genotype.HET and not low <= balance <= high and _improbable_for_het(
                call, options.het_balance_alpha):
            return (f"proband allele balance {balance:.2f} outside {low:.2f}-{high:.2f} for a heterozygous "
                    f"call ({describe_call(call)})")
        if call.genotype is not Genotype.HET and balance < options.min_hom_allele_balance:
            return (f"proband allele balance {balance:.2f} < {options.min_hom_allele_balance:.2f} for a "
                    f"homozygous call")
    return None


def family_variant(variant: Variant, trio: Trio, options: InheritanceOptions) -> FamilyVariant:
    def call_of(sample: Sample | None) -> Call | None:
        if sample is None:
            return None
        return variant.calls.get(sample.id, Call(Genotype.NO_CALL))

    father_call, mother_call = call_of(trio.father), call_of(trio.mother)
    return FamilyVariant(
        variant=variant, proband=variant.calls.get(trio.proband.id, Call(Genotype.NO_CALL)), proband_sex=trio.proband.sex,
        region=region_of(variant.chrom, variant.pos),
        father=parent_state(father_call, options), mother=parent_state(mother_call, options),
        father_affected=_affected(trio.father), mother_affected=_affected(trio.mother),
        father_call=father_call, mother_call=mother_call)


def describe_call(call: Call | None) -> str:
    """'0/1 (12/30 alt reads, GQ 99)' for explanations."""
    if call is None:
        return "not sequenced"
    parts = []
    if call.alt_depth is not None and call.ref_depth is not None:
        parts.append(f"{call.alt_depth}/{call.ref_depth + call.alt_depth} alt reads")
    if call.quality is not None:
        parts.append(f"GQ {call.quality}")
    return call.genotype.value + (f" ({', '.join(parts)})" if parts else "")


def _improbable_for_het(call: Call, alpha: float) -> bool:
    """Would a true heterozygote show this few (or this many) alt reads less often than alpha?

    >>> _improbable_for_het(Call(Genotype.HET, 7, 1, 8), 0.01), _improbable_for_het(Call(Genotype.HET, 30, 4, 34), 0.01)
    (False, True)
    """
    alt = call.alt_depth or 0
    total = max(call.depth or 0, (call.ref_depth or 0) + alt)  # as alt_fraction: DP covers other alleles
    tail = min(alt, total - alt)  # the binomial(total, 0.5) is symmetric
    return sum(math.comb(total, k) for k in range(tail + 1)) / 2 ** total < alpha


def alt_fraction(call: Call) -> float | None:
    """Fraction of all the sample's reads that carry this allele.

    Divided by DP when DP exceeds ref + alt reads: at a multi-allelic site a ``1/2`` call has
    almost no reference reads, so alt / (ref + alt) would be near 1 for a heterozygous call.

    >>> alt_fraction(Call(Genotype.HET, ref_depth=1, alt_depth=15, depth=31))
    0.4838709677419355
    """
    if call.ref_depth is None or call.alt_depth is None:
        return None
    total = max(call.depth or 0, call.ref_depth + call.alt_depth)
    return call.alt_depth / total if total else None


def _depth(call: Call) -> int | None:
    if call.depth is not None:
        return call.depth
    if call.ref_depth is not None and call.alt_depth is not None:
        return call.ref_depth + call.alt_depth
    return None


def _affected(sample: Sample | None) -> bool:
    return sample is not None and sample.affection is Affection.AFFECTED


def with_genetic_sex(trio: Trio, genetic_sex: Sex) -> tuple[Trio, str | None]:
    """The trio to analyse when the PED's proband sex is missing or contradicted by chrX, and why.

    ``genetic_sex`` is what the proband's chrX heterozygosity says (trio QC). An unknown PED sex
    takes the genetic sex, and a genetically female proband is analysed as female whatever the
    PED says: reading her X as hemizygous would rank X-linked genes on a single heterozygous
    allele. Returns the (possibly) changed trio and a sentence for the ranking's warnings.

    >>> girl = Trio(Sample("KID", "F1", Sex.UNKNOWN))
    >>> trio, why = with_genetic_sex(girl, Sex.FEMALE)
    >>> trio.proband.sex, why.split(":")[0]
    (<Sex.FEMALE: 'female'>, 'the PED gives no sex for proband KID')
    """
    ped_sex, proband = trio.proband.sex, trio.proband
    if ped_sex is Sex.UNKNOWN and genetic_sex is Sex.UNKNOWN:
        return trio, (f"proband sex unknown: the PED gives none for {proband.id} and its chrX calls are too few or "
                      "too ambiguous to tell; X-linked modes considered for both sexes (record the sex in the PED)")
    if ped_sex is Sex.UNKNOWN or (ped_sex is Sex.MALE and genetic_sex is Sex.FEMALE):
        said = "gives no sex for" if ped_sex is Sex.UNKNOWN else "says male for"
        changed = replace(trio, proband=replace(proband, sex=genetic_sex))
        return changed, (f"the PED {said} proband {proband.id}: its chrX calls look {genetic_sex.value}, so it is "
                         f"analysed as {genetic_sex.value}"
                         + ("; its X is never read as hemizygous" if genetic_sex is Sex.FEMALE else "")
                         + " (check the sample and record the sex in the PED)")
    return trio, None
