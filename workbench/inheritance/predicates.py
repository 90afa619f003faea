"""Composable tests on a proband allele seen through the family (gpsea style).

Each predicate has a readable :attr:`~Predicate.description` and combines with ``&``, ``|``
and ``~``; the analysis classifies every allele with the mode predicates of :data:`MODE_PREDICATES`.

>>> chosen = de_novo() | x_linked_hemizygous()
>>> chosen.description
'(de novo: heterozygous, absent from both parents) or (X-linked hemizygous: a male carries it, his mother carries it or her call does not rule it out)'
>>> (~mitochondrial()).description
'not (mitochondrial: on chrM)'
"""
from __future__ import annotations

from typing import Callable

from workbench.inheritance.family import FamilyVariant, ParentState, Region
from workbench.model import GeneConsequence, Impact, InheritanceMode, Sex, Variant


class Predicate:
    """A named yes/no test on a :class:`FamilyVariant`."""

    def __init__(self, description: str, test: Callable[[FamilyVariant], bool]):
        self.description = description
        self._test = test

    def test(self, item: FamilyVariant) -> bool:
        return self._test(item)

    __call__ = test

    def __and__(self, other: "Predicate") -> "Predicate":
        return Predicate(f"({self.description}) and ({other.description})",
                         lambda x: self._test(x) and other._test(x))

    def __or__(self, other: "Predicate") -> "Predicate":
        return Predicate(f"({self.description}) or ({other.description})",
                         lambda x: self._test(x) or other._test(x))

    def __invert__(self) -> "Predicate":
        return Predicate(f"not ({self.description})", lambda x: not self._test(x))

    def __repr__(self) -> str:
        return f"Predicate({self.description!r})"


# -- which parents can have passed the allele on ----------------------------------------
def transmitting(fv: FamilyVariant) -> tuple[tuple[str, ParentState, bool], ...]:
    """(role, state, affected) of the parents who could have passed this allele to the proband.

    A son's X comes from his mother, a Y from the father, mitochondria from the mother.
    """
    father = ("father", fv.father, fv.father_affected)
    mother = ("mother", fv.mother, fv.mother_affected)
    if fv.region is Region.X and fv.proband_sex is Sex.MALE:
        return (mother,)
    if fv.region is Region.Y:
        return (father,)
    if fv.region is Region.MITOCHONDRIAL:
        return (mother,)
    return father, mother


def _haploid(fv: FamilyVariant) -> bool:
    """One copy of the region is expected (male X, Y, chrM): any carrying call will do."""
    return fv.region in (Region.Y, Region.MITOCHONDRIAL) or (fv.region is Region.X and fv.may_be_male)


def _expected_genotype(fv: FamilyVariant) -> bool:
    """Heterozygous where two copies are expected; any carrying call where one is."""
    return fv.het or _haploid(fv)


def any_alt_reads(fv: FamilyVariant) -> bool:
    """A parent called homozygous reference shows more than a trace of alt reads."""
    return ParentState.REF_WITH_ALT_READS in (fv.father, fv.mother)


def _de_novo_shape(fv: FamilyVariant) -> bool:
    parents = transmitting(fv)
    return (_expected_genotype(fv) and all(state.absent for _, state, _ in parents)
            and not any_alt_reads(fv))


def _inherited_from(fv: FamilyVariant) -> list[tuple[str, ParentState, bool]]:
    return [p for p in transmitting(fv) if p[1].carrier]


def _diploid(fv: FamilyVariant) -> bool:
    return fv.region is Region.AUTOSOMAL or (fv.region is Region.X and fv.may_be_female)


# -- the modes ---------------------------------------------------------------------------
def de_novo() -> Predicate:
    return Predicate("de novo: heterozygous, absent from both parents",
                     lambda fv: fv.region in (Region.AUTOSOMAL, Region.Y) and _de_novo_shape(fv))


def x_linked_de_novo() -> Predicate:
    return Predicate("X-linked de novo: on X outside the PARs, absent from the parent(s) who could pass it on",
                     lambda fv: fv.region is Region.X and _de_novo_shape(fv))


def x_linked_hemizygous() -> Predicate:
    def test(fv: FamilyVariant) -> bool:
        mother = fv.mother
        return (fv.region is Region.X and fv.may_be_male and fv.proband.genotype.carries_alt
                and (mother.carrier or mother.unknown))
    return Predicate("X-linked hemizygous: a male carries it, his mother carries it or her call does not rule it out", test)


def homozygous_recessive() -> Predicate:
    def test(fv: FamilyVariant) -> bool:
        # one parent confidently without it still fits: a deletion in trans or uniparental disomy
        return fv.hom and _diploid(fv) and not all(state.absent for _, state, _ in transmitting(fv))
    return Predicate("homozygous recessive: homozygous, not absent from both parents", test)


def dominant_inherited() -> Predicate:
    def test(fv: FamilyVariant) -> bool:
        return fv.region is not Region.MITOCHONDRIAL and any(affected for _, _, affected in _inherited_from(fv))
    return Predicate("inherited from an affected parent (PED)", test)


def reduced_penetrance() -> Predicate:
    def test(fv: FamilyVariant) -> bool:
        if fv.region is Region.MITOCHONDRIAL or (fv.region is Region.X and fv.proband_sex is Sex.MALE):
            return False  # a son's X from a carrier mother is X-linked hemizygous
        sources = _inherited_from(fv)
        return _expected_genotype(fv) and bool(sources) and not any(affected for _, _, affected in sources)
    return Predicate("heterozygous, inherited from a parent the PED calls unaffected (reduced penetrance)", test)


def heterozygous_unphased() -> Predicate:
    def test(fv: FamilyVariant) -> bool:
        if fv.region is Region.MITOCHONDRIAL or (fv.region is Region.X and fv.proband_sex is Sex.MALE):
            return False
        parents = transmitting(fv)
        return (_expected_genotype(fv) and not any(state.carrier for _, state, _ in parents)
                and (any(state.unknown for _, state, _ in parents) or any_alt_reads(fv)))
    return Predicate("heterozygous, parental origin unknown (a parent not sequenced, not called, "
                     "or showing alt reads)", test)


def mitochondrial() -> Predicate:
    return Predicate("mitochondrial: on chrM",
                     lambda fv: fv.region is Region.MITOCHONDRIAL and fv.proband.genotype.carries_alt)


def compound_het_member() -> Predicate:
    """Heterozygous where two copies are expected: may pair with another in the same gene."""
    return Predicate("heterozygous in a diploid region (may pair in trans)", lambda fv: fv.het and _diploid(fv))


# -- filters -----------------------------------------------------------------------------
def is_rare(variant: Variant, max_af: float) -> bool:
    """Population AF at most ``max_af``; an allele the population database lacks counts as rare."""
    return variant.population_af is None or variant.population_af <= max_af


def rare(max_af: float) -> Predicate:
    return Predicate(f"population AF at most {max_af:g} (or not seen)", lambda fv: is_rare(fv.variant, max_af))


def meets_impact(consequence: GeneConsequence, impact: Impact) -> bool:
    """At least this severe; a position-only placement (UNKNOWN impact) always passes."""
    return consequence.impact is Impact.UNKNOWN or consequence.impact.value <= impact.value


def impact_at_least(impact: Impact) -> Predicate:
    """Some gene consequence at least this severe; position-only placements (UNKNOWN) pass."""
    return Predicate(f"impact {impact.name} or more severe (or unknown)",
                     lambda fv: any(meets_impact(c, impact) for c in fv.variant.consequences))


MODE_PREDICATES: dict[InheritanceMode, Predicate] = {
    InheritanceMode.DE_NOVO: de_novo(),
    InheritanceMode.X_LINKED_DE_NOVO: x_linked_de_novo(),
    InheritanceMode.X_LINKED_HEMIZYGOUS: x_linked_hemizygous(),
    InheritanceMode.HOMOZYGOUS_RECESSIVE: homozygous_recessive(),
    InheritanceMode.DOMINANT_INHERITED: dominant_inherited(),
    InheritanceMode.REDUCED_PENETRANCE: reduced_penetrance(),
    InheritanceMode.HETEROZYGOUS_UNPHASED: heterozygous_unphased(),
    InheritanceMode.MITOCHONDRIAL: mitochondrial(),
}
