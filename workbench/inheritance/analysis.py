"""Every Mendelian explanation the family's genotypes allow, gene by gene.

Each proband allele that passes the call-quality thresholds is tested against every mode
predicate; it becomes a :class:`Candidate` for each mode it fits and whose population-frequency
ceiling it meets, once per gene it hits. Two heterozygous alleles in one gene are paired:
one from each parent is compound heterozygous; a pair whose phase the family cannot settle
(a de novo allele, a parent not sequenced) is a possible compound heterozygote; two alleles
from the same parent (in cis) are rejected. Everything not kept is returned with the reason.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from enum import Enum
from typing import Sequence, TextIO

from workbench.inheritance.family import (FamilyVariant, ParentState, alt_fraction, describe_call, family_variant,
                                          proband_call_problem)
from workbench.inheritance.options import InheritanceOptions
from workbench.inheritance.predicates import (MODE_PREDICATES, Predicate, compound_het_member, is_rare, meets_impact,
                                              transmitting)
from workbench.model import GeneConsequence, InheritanceMode, Sex, Trio, Variant


MAX_CIS_NOTES = 50  # rejected cis pairs listed in the notes; the rest are counted


@dataclass(frozen=True)
class Candidate:
    """One gene, one mode, the proband allele(s) that fit it (two for compound heterozygotes)."""

    gene_symbol: str
    hgnc_id: str | None
    mode: InheritanceMode
    variants: tuple[Variant, ...]
    consequences: tuple[GeneConsequence, ...] = ()  # each variant's effect on this gene
    explanation: str = ""


@dataclass(frozen=True)
class DroppedVariant:
    """A proband allele that fits no mode, and why (readable)."""

    variant: Variant
    reason: str


@dataclass(frozen=True)
class InheritanceResult:
    candidates: tuple[Candidate, ...]
    dropped: tuple[DroppedVariant, ...]
    notes: tuple[str, ...] = ()  # family-level caveats and rejected (cis) pairs
    options: InheritanceOptions = field(default_factory=InheritanceOptions)

    def select(self, predicate: Predicate, trio: Trio) -> tuple[Candidate, ...]:
        """Candidates whose every variant passes ``predicate`` (e.g. ``de_novo() | x_linked_hemizygous()``)."""
        return tuple(c for c in self.candidates
                     if all(predicate.test(family_variant(v, trio, self.options)) for v in c.variants))

    def genes_by_mode(self) -> dict[InheritanceMode, frozenset[str]]:
        genes: dict[InheritanceMode, set[str]] = defaultdict(set)
        for c in self.candidates:
            genes[c.mode].add(c.gene_symbol)
        return {mode: frozenset(g) for mode, g in genes.items()}

    def write(self, fh: TextIO) -> None:
        """A short readable summary: genes per mode, dropped alleles by reason, notes."""
        fh.write("Candidate genes by inheritance mode\n")
        for mode, genes in sorted(self.genes_by_mode().items(), key=lambda kv: kv[0].value):
            fh.write(f"  {mode.value}: {len(genes)}\n")
        reasons = Counter(_reason_kind(d.reason) for d in self.dropped)
        fh.write(f"Dropped alleles: {len(self.dropped)}\n")
        for reason, n in reasons.most_common():
            fh.write(f"  {n} {reason}\n")
        for note in self.notes:
            fh.write(f"Note: {note}\n")


def analyse_inheritance(variants: Sequence[Variant], trio: Trio,
                        options: InheritanceOptions = InheritanceOptions()) -> InheritanceResult:
    """Classify each proband allele into every inheritance mode it fits (see the module doc)."""
    candidates: list[Candidate] = []
    dropped: list[DroppedVariant] = []
    pending: dict[str, str] = {}  # variant key -> reason, for alleles that only could pair
    pool: dict[str, list[tuple[FamilyVariant, GeneConsequence]]] = defaultdict(list)
    comp_het_af = options.max_af(InheritanceMode.COMPOUND_HETEROZYGOUS)
    pairable = compound_het_member()
    first: dict[str, Variant] = {}
    for variant in variants:
        first.setdefault(variant.key, variant)
    unique = tuple(first.values())  # each allele once, in file order
    for variant in unique:
        genes = _kept_consequences(variant, options)
        if not genes:
            dropped.append(DroppedVariant(variant, "not in a gene" if not variant.consequences else
                                          f"no consequence at least {options.min_impact.name} impact"))
            continue
        fv = family_variant(variant, trio, options)
        problem = _quality_problem(fv, options)
        if problem:
            dropped.append(DroppedVariant(variant, problem))
            continue
        fitting = [mode for mode, predicate in MODE_PREDICATES.items() if predicate.test(fv)]
        doubtful = _de_novo_doubt(fv, fitting, options)
        if doubtful:
            fitting = [mode for mode in fitting if mode not in _DE_NOVO_MODES]
        if not options.keep_parental_alt_read_alleles and _origin_unknown_only_by_alt_reads(fv):
            fitting = [mode for mode in fitting if mode not in _UNKNOWN_ORIGIN_MODES]
        kept = [mode for mode in fitting if is_rare(variant, options.max_af(mode))]
        if kept:
            evidence = _evidence(fv)
            for mode in kept:
                explanation = _explain(fv, mode, evidence)
                for gene in genes:
                    candidates.append(Candidate(gene.gene_symbol, gene.hgnc_id, mode, (variant,), (gene,),
                                                explanation))
        can_pair = pairable.test(fv) and is_rare(variant, comp_het_af)
        if can_pair:
            for gene in genes:
                pool[gene.gene_symbol].append((fv, gene))
        if not kept:
            reason = doubtful or _why_no_mode(fv, fitting, options)
            if can_pair:
                pending[variant.key] = reason
            else:
                dropped.append(DroppedVariant(variant, reason))

    notes = list(_family_notes(trio))
    if len(unique) < len(variants):
        notes.append(f"{len(variants) - len(unique)} repeated allele(s) analysed once (a duplicate never pairs "
                     "with itself)")
    cis: list[str] = []
    paired: set[str] = set()
    for symbol, members in pool.items():
        for i in range(len(members)):
            for j in range(i + 1, len(members)):
                (a, ga), (b, gb) = members[i], members[j]
                mode, why = _pair_phase(a, b)
                if mode is None:
                    cis.append(f"{symbol}: {a.variant.key} and {b.variant.key} {why}: not compound heterozygous")
                    continue
                paired.update((a.variant.key, b.variant.key))
                candidates.append(Candidate(symbol, ga.hgnc_id or gb.hgnc_id, mode, (a.variant, b.variant),
                                            (ga, gb), why))
    notes += cis[:MAX_CIS_NOTES]
    if len(cis) > MAX_CIS_NOTES:
        notes.append(f"... and {len(cis) - MAX_CIS_NOTES} more pairs in cis")
    for variants_pool in pool.values():
        for fv, _ in variants_pool:
            key = fv.variant.key
            if key in pending and key not in paired:
                dropped.append(DroppedVariant(fv.variant, pending.pop(key) +
                                              "; no second rare heterozygous variant in trans in the same gene"))
    return InheritanceResult(tuple(candidates), tuple(dropped), tuple(notes), options)


# -- pieces --------------------------------------------------------------------------------
def _quality_problem(fv: FamilyVariant, options: InheritanceOptions) -> str | None:
    if options.require_pass and fv.variant.filters:
        return f"FILTER {';'.join(fv.variant.filters)}"
    return proband_call_problem(fv.proband, options)


_DE_NOVO_MODES = (InheritanceMode.DE_NOVO, InheritanceMode.X_LINKED_DE_NOVO)


def _de_novo_doubt(fv: FamilyVariant, fitting: list[InheritanceMode], options: InheritanceOptions) -> str | None:
    """Why an allele absent from the parents is still not a convincing de novo call, or None."""
    balance = alt_fraction(fv.proband)
    if balance is None or balance >= options.de_novo_min_allele_balance or not any(
            mode in _DE_NOVO_MODES for mode in fitting):
        return None
    return (f"looks de novo but only {balance:.2f} of the proband's reads carry it "
            f"(< {options.de_novo_min_allele_balance:.2f}): likely an artifact (or mosaicism)")


_UNKNOWN_ORIGIN_MODES = (InheritanceMode.HETEROZYGOUS_UNPHASED, InheritanceMode.X_LINKED_HEMIZYGOUS)


def _origin_unknown_only_by_alt_reads(fv: FamilyVariant) -> bool:
    """The parents were called confidently, but one called homozygous reference shows alt reads."""
    states = [state for _, state, _ in transmitting(fv)]
    return (ParentState.REF_WITH_ALT_READS in states
            and all(s in (ParentState.REF, ParentState.REF_WITH_ALT_READS) for s in states))


def _kept_consequences(variant: Variant, options: InheritanceOptions) -> tuple[GeneConsequence, ...]:
    if options.min_impact is None:
        return variant.consequences
    return tuple(c for c in variant.consequences if meets_impact(c, options.min_impact))


class _Origin(Enum):
    PATERNAL = "paternal"
    MATERNAL = "maternal"
    PATERNAL_LIKELY = "carried by the father (mother's call unknown)"
    MATERNAL_LIKELY = "carried by the mother (father's call unknown)"
    NOT_MATERNAL = "absent from the mother"
    NOT_PATERNAL = "absent from the father"
    DE_NOVO = "de novo"
    UNKNOWN = "of unknown origin"


def _origin(fv: FamilyVariant) -> _Origin:
    """Which parent's chromosome the allele is on, as far as the parents' calls tell."""
    father, mother = fv.father, fv.mother
    if father.carrier and not mother.carrier:
        return _Origin.PATERNAL if mother.absent else _Origin.PATERNAL_LIKELY
    if mother.carrier and not father.carrier:
        return _Origin.MATERNAL if father.absent else _Origin.MATERNAL_LIKELY
    if father.absent and mother.absent:
        return _Origin.DE_NOVO
    if mother.absent and father.unknown:
        return _Origin.NOT_MATERNAL
    if father.absent and mother.unknown:
        return _Origin.NOT_PATERNAL
    return _Origin.UNKNOWN


# the alternative to trans for a pair across these sets is that one parent carries both rare alleles
_FROM_FATHER = (_Origin.PATERNAL, _Origin.PATERNAL_LIKELY, _Origin.NOT_MATERNAL)
_FROM_MOTHER = (_Origin.MATERNAL, _Origin.MATERNAL_LIKELY, _Origin.NOT_PATERNAL)


def _pair_phase(a: FamilyVariant, b: FamilyVariant) -> tuple[InheritanceMode | None, str]:
    """Compound heterozygous (in trans), possible (phase unknown) or None (in cis), with why."""
    if a.variant.chrom == b.variant.chrom and a.variant.pos == b.variant.pos:
        return (InheritanceMode.COMPOUND_HETEROZYGOUS,
                "two different alleles at one site: necessarily on different chromosomes")
    oa, ob = _origin(a), _origin(b)
    if (oa in _FROM_FATHER and ob in _FROM_MOTHER) or (oa in _FROM_MOTHER and ob in _FROM_FATHER):
        return InheritanceMode.COMPOUND_HETEROZYGOUS, f"in trans: one {oa.value}, one {ob.value}"
    if oa is ob and oa in (_Origin.PATERNAL, _Origin.MATERNAL):
        return None, f"are both {oa.value} (in cis)"
    return InheritanceMode.POSSIBLE_COMPOUND_HETEROZYGOUS, f"phase unknown: one {oa.value}, one {ob.value}"


def _evidence(fv: FamilyVariant) -> list[str]:
    """The family's calls at the allele, as read in explanations."""
    parts = [f"proband {describe_call(fv.proband)}"]
    for role, state, affected, call in fv.parents:
        if state is not ParentState.NOT_SEQUENCED:
            parts.append(f"{role} {describe_call(call)}{' (affected)' if affected else ''}")
        else:
            parts.append(f"{role} not sequenced")
    for role, state, _, _ in fv.parents:
        if state is ParentState.REF_WITH_ALT_READS:
            parts.append(f"the {role}, called homozygous reference, shows alt reads: "
                         "de novo, a mosaic parent or an artifact")
    return parts


def _explain(fv: FamilyVariant, mode: InheritanceMode, evidence: list[str]) -> str:
    parts = list(evidence)
    if mode is InheritanceMode.HOMOZYGOUS_RECESSIVE:
        absent = [role for role, state, _ in transmitting(fv) if state.absent]
        if absent:
            parts.append(f"{absent[0]} confidently without it: a deletion in trans or uniparental disomy")
    return f"{mode.value}: " + "; ".join(parts)


def _why_no_mode(fv: FamilyVariant, fitting: list[InheritanceMode], options: InheritanceOptions) -> str:
    af = fv.variant.population_af
    if fitting:
        limits = ", ".join(f"{m.value} ≤ {options.max_af(m):g}" for m in fitting)
        return f"population AF {af:g} above the maximum for every mode it fits ({limits})"
    suspects = [(role, call) for role, state, _, call in fv.parents if state is ParentState.REF_WITH_ALT_READS]
    if suspects:
        role, call = suspects[0]
        return (f"looks de novo but the {role}, called homozygous reference, shows alt reads "
                f"({describe_call(call)}): likely an artifact (or a mosaic parent)")
    if fv.hom and all(state.absent for _, state, _ in transmitting(fv)):
        return "homozygous although the parents are confidently homozygous reference (Mendelian error)"
    return ("fits no inheritance mode: "
            + "; ".join(f"{role} {state.value}" for role, state, _, _ in fv.parents))


def _family_notes(trio: Trio) -> tuple[str, ...]:
    notes = []
    if trio.family_kind != "trio":
        missing = [role for role, s in (("father", trio.father), ("mother", trio.mother)) if s is None]
        notes.append(f"{trio.family_kind}: {' and '.join(missing)} not sequenced; de novo status and phase "
                     "cannot be confirmed for alleles that parent could have passed on")
    if trio.proband.sex is Sex.UNKNOWN:
        notes.append("proband sex unknown: X-linked modes considered for both sexes")
    return tuple(notes)


def _reason_kind(reason: str) -> str:
    """Group dropped reasons for summaries: the text before the first number or colon."""
    for i, ch in enumerate(reason):
        if ch.isdigit() or ch in ":(":
            return reason[:i].strip()
    return reason
