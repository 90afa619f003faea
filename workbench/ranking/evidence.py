"""Genotype evidence as likelihood ratios: how the variant looks, and how it came.

Every number here is ``log10 P(observation | the gene is causal) / P(observation | it is not)``,
set from published real-world proportions (ClinVar / gnomAD / trio-sequencing cohorts) or, where
no single figure exists, round clinical estimates said as such; none is fitted to the benchmark
(the homozygous prior weight was only compared, 30 vs 10, on the fit half of the dev genes).
They are deliberately coarse (a handful of bins) so each can be shown to a clinician as one
readable sentence.

* Consequence: of pathogenic variants in ClinVar about half are predicted loss of function
  (frameshift, stop-gain, canonical splice, start-loss), about 40% missense and only 1-2%
  deep intronic or UTR; of the rare variants an exome carries, about 5% are loss of function,
  half missense, a quarter synonymous and a sixth intronic/UTR. The ratio of those shares is
  the LR of each class.
* Population frequency: a dominant disease allele is almost never in gnomAD (disease
  prevalence caps it); a recessive allele often is, in carriers, up to about 0.5%; a chance
  homozygous genotype in an outbred child needs a commoner allele (Hardy-Weinberg), and the
  case's own homozygous calls say how outbred it is (empirical Bayes, like the mode null rates).
* Call quality: a de novo call in a child with a low genotype quality, a skewed allele
  balance or parental alt reads is far more often an artifact than a mutation.
* Inheritance: ``P(the causal genotype looks like mode m | disease inheritance)`` from trio
  studies (severe dominant disease in newborns is mostly de novo, but mostly inherited when the
  PED marks a parent affected, which also makes a recessive explanation less likely: carrier
  parents are healthy; recessive disease is biallelic)
  divided by how often a non-causal gene shows mode m *in this very case* (the number of
  genes with a mode-m candidate over the number of protein-coding genes). The second term is
  an empirical-Bayes estimate from the case itself, so a duo with hundreds of unphased
  heterozygous candidates gets weak inheritance evidence and a clean trio with two de novo
  calls gets strong evidence, without any constant tuned per family structure.
  The null rate is over the genes that can show the mode: all protein-coding genes, but
  chrX's for an X-linked mode and chrM's for a mitochondrial one (a non-causal X gene is what
  an X-linked candidate must be told from; over all genes an X-linked hemizygous call counted
  23 times too much, and on the fit half of the dev genes, at 60% cases without a diagnosis,
  background maternal X variants were the commonest false top gene). Otherwise the null rate
  is the same for every gene. Scaling it by the gene's expected variant count
  (gnomAD's exp_syn + exp_mis + exp_lof, as LIRICAL scales its background) was compared on
  the fit half of the dev genes only and lost (known-gene top-1 full 89.0 -> 86.9, NICU
  85.7 -> 81.3), as did splitting X-linked dominant from X-linked recessive disease (HPO
  records X-linked dominant for genes whose sons inherit from healthy mothers, e.g. ZMYM3).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping

from workbench.model import DiseaseInheritance, Genotype, Impact, InheritanceMode, Trio, Variant

_M = InheritanceMode

# Protein-coding genes (HGNC locus group "protein-coding gene", ~19,200): the denominator of
# the per-case null rate of each inheritance mode. An X-linked mode can only show in a gene on
# chrX (~840 protein-coding genes) and a mitochondrial one in the 13 of chrM, so for those
# modes the null rate is over those genes (see ModeBackground.null_rate).
PROTEIN_CODING_GENES = 19_200
X_PROTEIN_CODING_GENES = 840
MT_PROTEIN_CODING_GENES = 13

# -- consequence --------------------------------------------------------------------------------
# (P(class | pathogenic), P(class | rare background variant)) from ClinVar P/LP vs gnomAD exomes.
_CONSEQUENCE_SHARES: dict[str, tuple[float, float]] = {
    "loss of function": (0.50, 0.055),
    "stop lost": (0.006, 0.002),
    "missense": (0.38, 0.48),
    "in-frame indel": (0.04, 0.03),
    "splice region": (0.03, 0.04),
    "synonymous": (0.006, 0.22),
    "non-coding (intronic / UTR)": (0.015, 0.17),
}
_LOSS_OF_FUNCTION = ("frameshift", "stop_gained", "splice_donor", "splice_acceptor", "start_lost",
                     "transcript_ablation", "exon_loss")


def consequence_class(consequence: str, impact: Impact) -> str | None:
    """The coarse class of a Sequence Ontology consequence string; None when not annotated."""
    text = consequence.lower()
    if impact is Impact.UNKNOWN and not text:
        return None
    if any(term in text for term in _LOSS_OF_FUNCTION):
        return "loss of function"
    if "stop_lost" in text:
        return "stop lost"
    if "missense" in text or "protein_altering" in text:
        return "missense"
    if "inframe" in text:
        return "in-frame indel"
    if "splice" in text:
        return "splice region"
    if "synonymous" in text or "stop_retained" in text or "start_retained" in text:
        return "synonymous"
    if impact is Impact.UNKNOWN:
        return None
    return "non-coding (intronic / UTR)"


def consequence_log10_lr(klass: str | None) -> float:
    if klass is None:
        return 0.0
    pathogenic, background = _CONSEQUENCE_SHARES[klass]
    return math.log10(pathogenic / background)


# -- population frequency -----------------------------------------------------------------------
# (upper bound of the allele-frequency bin, log10 LR); None (unseen in gnomAD) is the first row.
_DOMINANT_AF = ((None, 0.25), (1e-5, 0.0), (1e-4, -0.7), (1e-3, -1.7), (1.0, -3.0))
_CARRIER_AF = ((None, 0.0), (1e-3, 0.0), (5e-3, -0.3), (2e-2, -1.0), (1.0, -2.5))

# Homozygous calls: frequency bins (absent, then upper bounds) and two distributions over them.
# A causal homozygous allele looks like a pathogenic recessive allele in gnomAD (ClinVar P/LP:
# mostly absent or rarer than 1e-4, founder alleles up to ~1%). A chance homozygote in an
# outbred child needs both parents to carry the allele (Hardy-Weinberg, q^2), so it mostly
# carries an allele above 0.5%; 1% each is kept for absent and very rare alleles (private
# variants in autozygous stretches). The case's own homozygous calls update that background
# (see ModeBackground.frequency_log10_lr).
HOMOZYGOUS_AF_BINS = (1e-4, 1e-3, 5e-3, 2e-2)
_CAUSAL_HOMOZYGOUS_AF = (0.4, 0.3, 0.2, 0.07, 0.025, 0.005)
_CHANCE_HOMOZYGOUS_AF = (0.01, 0.01, 0.05, 0.35, 0.48, 0.1)
# How many homozygous calls the Hardy-Weinberg background counts as: an outbred exome has ~10
# rare homozygous calls, so it leans on the prior; a consanguineous child with hundreds, many of
# them absent from gnomAD, follows its own data and absence stops counting as evidence.
# (30 was compared with 10 on the fit half of the dev genes only; see benchmarks/accuracy.py.)
CHANCE_HOMOZYGOUS_PRIOR_CALLS = 30


def af_bin(af: float | None) -> int:
    """Index of ``af`` in (absent, <=1e-4, <=1e-3, <=5e-3, <=2e-2, above)."""
    if af is None:
        return 0
    return 1 + sum(af > bound for bound in HOMOZYGOUS_AF_BINS)


def frequency_log10_lr(af: float | None, mode: InheritanceMode) -> float:
    """Population-frequency evidence for a heterozygous or hemizygous allele seen in ``mode``
    (homozygous calls: :meth:`ModeBackground.frequency_log10_lr`)."""
    table = _CARRIER_AF if tolerates_carriers(mode) else _DOMINANT_AF
    if af is None:
        return table[0][1]
    for bound, value in table[1:]:
        if af <= bound:
            return value
    return table[-1][1]


# -- call quality -------------------------------------------------------------------------------
def quality_log10_lr(variant: Variant, trio: Trio, mode: InheritanceMode) -> tuple[float, list[str]]:
    """Penalties for calls that look like artifacts; returns (log10 LR, reasons)."""
    reasons: list[str] = []
    score = 0.0
    child = variant.calls.get(trio.proband.id)
    if child is not None:
        if child.quality is not None and child.quality < 20:
            score -= 1.0
            reasons.append(f"low genotype quality (GQ {child.quality})")
        if child.depth is not None and child.depth < 10:
            score -= 0.5
            reasons.append(f"low depth (DP {child.depth})")
        balance = child.allele_balance
        if child.genotype is Genotype.HET and balance is not None and not 0.2 <= balance <= 0.8:
            score -= 1.0
            reasons.append(f"skewed allele balance ({balance:.2f})")
        elif child.genotype is Genotype.HET and balance is not None and balance < 0.3:
            score -= 0.5
            reasons.append(f"lowish allele balance ({balance:.2f}) for a heterozygous call")
    if mode in (InheritanceMode.DE_NOVO, InheritanceMode.X_LINKED_DE_NOVO):
        for parent in (trio.father, trio.mother):
            call = variant.calls.get(parent.id) if parent else None
            if call is not None and (call.alt_depth or 0) >= 2:
                score -= 1.5
                reasons.append(f"{parent.id} has {call.alt_depth} alt reads")
            elif call is not None and call.depth is not None and call.depth < 10:
                score -= 0.5
                reasons.append(f"{parent.id} poorly covered (DP {call.depth}): de novo status uncertain")
    return score, reasons


# -- inheritance --------------------------------------------------------------------------------
_RECESSIVE_MODES = frozenset({_M.HOMOZYGOUS_RECESSIVE, _M.COMPOUND_HETEROZYGOUS, _M.POSSIBLE_COMPOUND_HETEROZYGOUS})
_SINGLE_ALLELE_AUTOSOMAL_MODES = frozenset({_M.DE_NOVO, _M.DOMINANT_INHERITED, _M.REDUCED_PENETRANCE,
                                            _M.HETEROZYGOUS_UNPHASED})


def constraint_group(mode: InheritanceMode) -> str | None:
    """Which disease genes' gnomAD constraint a candidate of ``mode`` is compared with.

    One autosomal allele: genes of dominant disease; two: genes of recessive disease. X-linked
    and mitochondrial candidates take no constraint evidence (gnomAD v2's chrX constraint pools
    hemizygous males with females; mtDNA has none).

    >>> constraint_group(InheritanceMode.DE_NOVO), constraint_group(InheritanceMode.COMPOUND_HETEROZYGOUS)
    ('dominant', 'recessive')
    """
    if mode in _SINGLE_ALLELE_AUTOSOMAL_MODES:
        return "dominant"
    if mode in _RECESSIVE_MODES:
        return "recessive"
    return None

# P(the causal genotype shows mode m | disease inheritance), from trio studies of severe
# paediatric disease. A single heterozygous hit in a recessive gene keeps a small share (the
# second allele may be a structural or deep-intronic variant the exome missed).
_MODE_GIVEN_INHERITANCE: dict[str, dict[InheritanceMode, float]] = {
    "dominant": {_M.DE_NOVO: 0.75, _M.DOMINANT_INHERITED: 0.12, _M.REDUCED_PENETRANCE: 0.08,
                 _M.HETEROZYGOUS_UNPHASED: 0.95, _M.X_LINKED_DE_NOVO: 0.0, _M.HOMOZYGOUS_RECESSIVE: 0.01,
                 _M.COMPOUND_HETEROZYGOUS: 0.01, _M.POSSIBLE_COMPOUND_HETEROZYGOUS: 0.02},
    "recessive": {_M.HOMOZYGOUS_RECESSIVE: 0.45, _M.COMPOUND_HETEROZYGOUS: 0.5,
                  _M.POSSIBLE_COMPOUND_HETEROZYGOUS: 0.5, _M.DE_NOVO: 0.01, _M.DOMINANT_INHERITED: 0.03,
                  _M.REDUCED_PENETRANCE: 0.03, _M.HETEROZYGOUS_UNPHASED: 0.05},
    "x-linked": {_M.X_LINKED_HEMIZYGOUS: 0.75, _M.X_LINKED_DE_NOVO: 0.2, _M.DE_NOVO: 0.4,
                 _M.HOMOZYGOUS_RECESSIVE: 0.1, _M.COMPOUND_HETEROZYGOUS: 0.1,
                 _M.POSSIBLE_COMPOUND_HETEROZYGOUS: 0.1, _M.DOMINANT_INHERITED: 0.15,
                 _M.REDUCED_PENETRANCE: 0.15, _M.HETEROZYGOUS_UNPHASED: 0.6},
    "mitochondrial": {_M.MITOCHONDRIAL: 1.0},
}
# When the PED marks a parent affected (round clinical estimates): a dominant disease in the
# child is most often that parent's (a family history of the disease is why the parent is
# marked); de novo stays possible (the parent's features may be another condition), and so does
# an X-linked allele from an affected mother.
_MODE_GIVEN_AFFECTED_PARENT: dict[str, dict[InheritanceMode, float]] = {
    "dominant": {_M.DE_NOVO: 0.1, _M.DOMINANT_INHERITED: 0.85, _M.REDUCED_PENETRANCE: 0.02},
    "x-linked": {_M.DOMINANT_INHERITED: 0.5},
}
# The affected parent is itself evidence about the inheritance (round clinical estimates): a
# dominant disease comes from a parent who shows it in ~12% of newborn cases (the inherited
# share above), and any parent is marked affected for an unrelated reason ~2% of the time; the
# carrier parents of a recessive disease are healthy, so for a recessive explanation only that
# 2% remains. P(a parent marked affected | recessive) / P(... | dominant) scales the recessive
# modes; an X-linked or mitochondrial allele comes from a mother who may show the disease too,
# so those keep the dominant share.
_UNRELATED_AFFECTED_PARENT = 0.02
_INHERITED_IF_DOMINANT = _MODE_GIVEN_INHERITANCE["dominant"][_M.DOMINANT_INHERITED]
_AFFECTED_PARENT_IF_DOMINANT = _INHERITED_IF_DOMINANT + (1 - _INHERITED_IF_DOMINANT) * _UNRELATED_AFFECTED_PARENT
_AFFECTED_PARENT_SHARE = {"recessive": _UNRELATED_AFFECTED_PARENT / _AFFECTED_PARENT_IF_DOMINANT}
# -- penetrance (issue 17) ------------------------------------------------------------------------
# Haldane's mutation-selection balance: a dominant allele in an affected child is new (de novo) with
# probability penetrance x (1 - fitness of the affected), came from an affected parent with
# penetrance x fitness, and from a healthy carrier parent with 1 - penetrance (see
# dominant_mode_shares). The round estimates of the "dominant" row (0.75 / 0.12 / 0.08) are that
# balance for a penetrance of about 0.92 and a fitness of the affected of about 0.14 (severe
# childhood disease: few affected people have children). A disease HPO records as "Typified by
# incomplete penetrance" (HP:0003829; ~160 diseases) keeps that fitness and takes a penetrance of
# one half (HPO's own examples: about 50% for C9orf72, 80% for IRF6; many such diseases are lower),
# so a healthy parent's allele is about six times as likely (0.08 -> 0.47) and a de novo one less so.
INCOMPLETE_PENETRANCE = 0.5
_DOMINANT_ROW = _MODE_GIVEN_INHERITANCE["dominant"]
_SINGLE_ALLELE_ORIGINS = (_M.DE_NOVO, _M.DOMINANT_INHERITED, _M.REDUCED_PENETRANCE)


def dominant_mode_shares(penetrance: float, affected_fitness: float) -> tuple[float, float, float]:
    """(de novo, from an affected parent, from a healthy carrier parent) shares of the dominant
    alleles in affected children at mutation-selection balance (Haldane 1935).

    >>> [round(x, 2) for x in dominant_mode_shares(0.92, 0.14)]
    [0.79, 0.13, 0.08]
    """
    return penetrance * (1 - affected_fitness), penetrance * affected_fitness, 1 - penetrance


_AFFECTED_FITNESS = (_DOMINANT_ROW[_M.DOMINANT_INHERITED]
                     / (_DOMINANT_ROW[_M.DE_NOVO] + _DOMINANT_ROW[_M.DOMINANT_INHERITED]))
_INCOMPLETELY_PENETRANT_DOMINANT = {
    mode: sum(_DOMINANT_ROW[m] for m in _SINGLE_ALLELE_ORIGINS) * share
    for mode, share in zip(_SINGLE_ALLELE_ORIGINS, dominant_mode_shares(INCOMPLETE_PENETRANCE, _AFFECTED_FITNESS))}
# -- end of penetrance

# A gene without a known disease (or a disease without a recorded inheritance): a mixture in
# the proportions new Mendelian disease genes are found (mostly dominant de novo in NICU cohorts).
_UNKNOWN_MIX = {"dominant": 0.55, "recessive": 0.35, "x-linked": 0.1}


def inheritance_groups(inheritance: Iterable[DiseaseInheritance]) -> frozenset[str]:
    return frozenset(i.group for i in inheritance)


# Modes that say "the parents could not tell where this allele came from". In a trio that
# happens only when a parent's call is missing or poorly covered at the site (a few % of
# sites); in a duo or a singleton it is how most causal genotypes look.
_UNPHASED_MODES = frozenset({_M.HETEROZYGOUS_UNPHASED, _M.POSSIBLE_COMPOUND_HETEROZYGOUS})
_UNPHASED_SHARE = {"trio": 0.03, "duo": 0.85, "singleton": 1.0}


def mode_probability(mode: InheritanceMode, groups: frozenset[str], family_kind: str = "trio",
                     affected_parent: bool = False, incomplete_penetrance: bool = False) -> float:
    """P(the causal genotype shows ``mode``) given a disease's inheritance groups and the family.

    A disease recorded with several modes (e.g. AD and AR) takes the most compatible one; no
    recorded mode means the mixture a newly found gene would have. ``incomplete_penetrance``
    (HPO records it for the disease) shares a dominant disease's single alleles by a lower
    penetrance (see :func:`dominant_mode_shares`); with a parent marked affected it changes nothing.

    >>> mode_probability(InheritanceMode.DOMINANT_INHERITED, frozenset({"dominant"}))
    0.12
    >>> mode_probability(InheritanceMode.DOMINANT_INHERITED, frozenset({"dominant"}), affected_parent=True)
    0.85
    >>> round(mode_probability(InheritanceMode.HOMOZYGOUS_RECESSIVE, frozenset({"recessive"}), affected_parent=True), 3)
    0.065
    >>> round(mode_probability(InheritanceMode.REDUCED_PENETRANCE, frozenset({"dominant"}),
    ...                        incomplete_penetrance=True), 2)
    0.47
    """
    def given(group: str) -> float:
        if not affected_parent:
            if incomplete_penetrance and group == "dominant" and mode in _INCOMPLETELY_PENETRANT_DOMINANT:
                return _INCOMPLETELY_PENETRANT_DOMINANT[mode]
            return _MODE_GIVEN_INHERITANCE[group].get(mode, 0.0)
        share = _AFFECTED_PARENT_SHARE.get(group, 1.0)
        return share * _MODE_GIVEN_AFFECTED_PARENT.get(group, {}).get(mode, _MODE_GIVEN_INHERITANCE[group].get(mode, 0.0))

    if not groups:
        p = sum(weight * given(g) for g, weight in _UNKNOWN_MIX.items())
    else:
        p = max(given(g) for g in groups)
    if mode in _UNPHASED_MODES:
        p *= _UNPHASED_SHARE.get(family_kind, 1.0)
    return p or 1e-3


def tolerates_carriers(mode: InheritanceMode) -> bool:
    """Modes whose allele healthy carriers pass on (so it may sit in gnomAD at a low frequency)."""
    return mode in _RECESSIVE_MODES or mode is _M.X_LINKED_HEMIZYGOUS


@dataclass(frozen=True)
class ModeBackground:
    """How often a gene that is NOT causal shows each mode in this case (per-case null rates)."""

    genes_per_mode: Mapping[InheritanceMode, int]
    family_kind: str = "trio"
    affected_parent: bool = False
    homozygous_af_counts: tuple[int, ...] = (0,) * (len(HOMOZYGOUS_AF_BINS) + 2)
    """The case's homozygous candidate alleles per :func:`af_bin` (the chance homozygotes)."""

    def frequency_log10_lr(self, af: float | None, mode: InheritanceMode) -> float:
        """Population-frequency evidence; for a homozygous call an empirical-Bayes estimate.

        P(bin | chance homozygote) = (calls of this case in the bin + prior calls x HWE share)
        / (calls + prior calls), against P(bin | causal recessive allele).

        >>> outbred = ModeBackground({}, homozygous_af_counts=(0, 0, 1, 4, 5, 0))
        >>> round(outbred.frequency_log10_lr(None, InheritanceMode.HOMOZYGOUS_RECESSIVE), 2)
        1.73
        >>> autozygous = ModeBackground({}, homozygous_af_counts=(300, 100, 60, 40, 20, 0))
        >>> round(autozygous.frequency_log10_lr(None, InheritanceMode.HOMOZYGOUS_RECESSIVE), 2)
        -0.14
        """
        if mode is not _M.HOMOZYGOUS_RECESSIVE:
            return frequency_log10_lr(af, mode)
        b, prior = af_bin(af), CHANCE_HOMOZYGOUS_PRIOR_CALLS
        chance = ((self.homozygous_af_counts[b] + prior * _CHANCE_HOMOZYGOUS_AF[b])
                  / (sum(self.homozygous_af_counts) + prior))
        return math.log10(_CAUSAL_HOMOZYGOUS_AF[b] / chance)

    def null_rate(self, mode: InheritanceMode) -> float:
        """P(a gene that is not causal shows ``mode`` in this case), over the genes that can show it.

        A non-causal gene on chrX is what an X-linked candidate is compared with, so X-linked
        modes divide by the chrX genes, not by the genome's: dividing by all genes made an
        X-linked hemizygous call 23 times stronger evidence than it is, and background maternal
        X variants took the top place in cases without a diagnosis (issue 17).
        +1: the gene under test may be the only one; the rate is never zero.

        >>> background = ModeBackground({InheritanceMode.X_LINKED_HEMIZYGOUS: 20, InheritanceMode.DE_NOVO: 20})
        >>> round(background.null_rate(InheritanceMode.X_LINKED_HEMIZYGOUS) / background.null_rate(InheritanceMode.DE_NOVO), 1)
        22.9
        """
        genes = {_M.X_LINKED_HEMIZYGOUS: X_PROTEIN_CODING_GENES, _M.X_LINKED_DE_NOVO: X_PROTEIN_CODING_GENES,
                 _M.MITOCHONDRIAL: MT_PROTEIN_CODING_GENES}.get(mode, PROTEIN_CODING_GENES)
        return min((self.genes_per_mode.get(mode, 0) + 1) / genes, 1.0)

    def mode_probability(self, mode: InheritanceMode, groups: frozenset[str],
                         incomplete_penetrance: bool = False) -> float:
        """P(the causal genotype shows ``mode``) in this family (see :func:`mode_probability`)."""
        return mode_probability(mode, groups, self.family_kind, self.affected_parent, incomplete_penetrance)

    def log10_lr(self, mode: InheritanceMode, groups: frozenset[str], incomplete_penetrance: bool = False) -> float:
        return math.log10(self.mode_probability(mode, groups, incomplete_penetrance) / self.null_rate(mode))

