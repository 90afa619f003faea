"""Score candidate genes: prior x phenotype LR x variant LR x inheritance LR -> posterior.

The model (every part is a log10 likelihood ratio against "this gene is not causal", so the
parts add and the UI can chart them):

* **Hypotheses.** Exactly one gene explains the case (H_g), or none of the candidate genes does
  (H_0: the diagnosis is structural, non-coding, or not genetic). ``P(H_0)`` = 1 - diagnostic
  yield (0.6; NICU rapid-genome series report 30-50% yield). Genes share the rest by prior.
* **Prior.** 90% of diagnoses fall in genes HPO already links to a disease (~5,100 genes), 10%
  in genes not yet linked (the rest of ~19,200 protein-coding genes): newly described disease
  genes are real, so an unlinked gene can still win on strong variant evidence, but needs
  about 25x more of it.
* **Phenotype.** The LR of the patient's observed/excluded terms for each of the gene's
  diseases, from :class:`workbench.phenotype.LikelihoodRatioScorer` (term frequencies against
  the background of all annotated diseases). A gene without a described disease gets a
  neutral LR of 1: the scorer's per-term LRs average to 1 over diseases, which is what an
  undescribed disease is expected to give. (Tried and rejected on dev cases: the median over
  diseases buries unlinked genes; the arithmetic mean of the whole-profile LR is dominated by
  the single best-fitting disease and floats every unlinked gene above the known ones.)
* **Phenotype expansion.** A known disease gene may cause a phenotype HPO does not yet link
  to it (a newly published presentation, or a disease entry with few annotations): with
  probability ``PHENOTYPE_EXPANSION_SHARE`` the gene's phenotype evidence is that of an
  undescribed disease (neutral, as for unlinked genes). The gene's phenotype LR is the larger
  part of the mixture ``(1 - e) LR_disease + e``, i.e. ``max(LR_disease, e)`` (within a factor 2
  of the mixture, and a good match keeps exactly the sum its terms show), so a poor match to
  every described disease costs at most ``log10(e)`` (-1.5) instead of burying the gene. ``e`` = 0.03,
  a few percent of diagnoses in known genes being such expansions; it was compared with 0.1
  on the fit half of the dev genes only (see benchmarks/accuracy.py), never on reported cases.
* **Variant.** Per allele: consequence class x population frequency x call quality
  (:mod:`workbench.ranking.evidence`), x in-silico scores and ClinVar when the annotation has
  them, at published calibrated strengths (:mod:`workbench.ranking.score_evidence`). A
  biallelic candidate multiplies its two alleles' LRs (both must be pathogenic); a
  single-allele mode takes its best allele. Then the gene's
  gnomAD constraint for the best allele's class (LOEUF for loss of function, missense Z for
  missense and in-frame changes), as the LR of its constraint bin among genes of dominant
  (one allele) or recessive (two alleles) disease (:mod:`workbench.knowledge.constraint`).
* **Inheritance.** P(the genotype shows this mode | the disease's inheritance) over the case's
  own null rate of that mode. Evaluated per disease, so a de novo heterozygous hit in a gene
  known only for recessive disease is weak, biallelic hits in a recessive gene are strong.
  An entry that records no inheritance (HPO's Orphanet annotations never do) is judged by the
  inheritance recorded for the gene's other diseases: the gene is known, and its diseases
  mostly share their mechanism, so the mixture of a newly found gene would let a de novo hit in
  a recessive-only gene escape through the Orphanet twin of its disease.
* **Best explanation per gene.** For every (candidate, disease) pair of a gene the three LRs
  multiply; the gene keeps its best pair (as LIRICAL keeps a gene's best disease).
* **Posterior.** ``P(H_g | data) = prior_g LR_g / (P(H_0) + sum_h prior_h LR_h)``; the remainder
  is reported as "none of these genes".
* **Term weights (fitted parameters).** Summing per-term log LRs treats the terms
  as independent; they are not (a curated list names a syndrome's correlated features, and
  publications list dozens of "excluded" findings), so the raw sum is over-confident and
  would drown the genotype evidence. Observed-term log LRs are multiplied by
  ``OBSERVED_TERM_WEIGHT`` and excluded-term log LRs by ``EXCLUDED_TERM_WEIGHT``. Both were
  first chosen by a grid search on seed-2 cases (200 full + 200 NICU), maximising known-gene
  top-1 while keeping unlinked-gene top-10; seed 2 re-shuffles the same case pool as the
  reported seed 1, so they were re-checked on a disjoint split: cases whose true gene is in
  the *fit* half of the genes (``benchmarks/accuracy.py --genes fit``, seed 5, 1,000 full +
  1,000 NICU cases), where 0.3 beats 0.2 and 0.4 in both regimes and the excluded weight
  (0.02-0.1) hardly matters. Since then the scorer itself counts related observed terms (one
  branch of the HPO, e.g. ten face findings) less than independent ones
  (``RELATED_TERM_CORRELATION`` in :mod:`workbench.phenotype.likelihood`); beside it, 0.25 and
  0.3 tie on the fit half's known-gene top-1 (full 89.0, NICU 85.7), 0.35 is worse, and 0.3 was kept.
  The scorer also counts all of one profile's findings as mildly correlated
  (``PROFILE_TERM_CORRELATION``), chosen for calibration at 60% cases without a diagnosis
  (issue 17, docs/calibration.md).

Two more constants were *compared* on the fit half (never set from reported cases): the
phenotype-expansion share (0.03 vs 0.1) and the weight of the Hardy-Weinberg prior for
homozygous calls (30 vs 10 calls, :mod:`workbench.ranking.evidence`). All other constants are
published real-world proportions or round clinical estimates, listed with their reasons in
:mod:`workbench.ranking.evidence` and here, not fitted to any benchmark.

Ties (equal score to 1e-9) are broken by variant evidence (stronger first), then by HGNC symbol
(alphabetical), so the order never depends on input order or hashing.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol, Sequence

from workbench.model import Disease, Gene, InheritanceMode, StructuralVariant, Trio, Variant, VariantOverDeletion
from workbench.notepad import InputIssue, as_issues
from workbench.ranking import evidence, penetrance, score_evidence, sv_evidence
from workbench.ranking.result import Explanation, RankedGene, Ranking, TermEvidence

if TYPE_CHECKING:
    from workbench.knowledge.constraint import GeneConstraint

DIAGNOSTIC_YIELD = 0.4
SHARE_IN_KNOWN_GENES = 0.9
OBSERVED_TERM_WEIGHT = 0.3
EXCLUDED_TERM_WEIGHT = 0.05
PHENOTYPE_EXPANSION_SHARE = 0.03


@dataclass(frozen=True)
class GeneCandidates:
    """One gene's candidate genotypes (each a mode with its variants) and its diseases."""

    symbol: str
    hgnc_id: str | None
    diseases: tuple[Disease, ...]
    candidates: tuple[tuple[InheritanceMode, tuple[Variant, ...]], ...]

    @functools.cached_property
    def recorded_inheritance(self) -> frozenset[str]:
        """The inheritance groups recorded for any of the gene's diseases (worked out once)."""
        return frozenset().union(*(evidence.inheritance_groups(d.inheritance) for d in self.diseases))


class PhenotypeScores(Protocol):
    """Per-disease phenotype evidence for one profile (log10 LR and the term matches)."""

    def log10_lr(self, disease_id: str) -> float | None: ...

    def terms(self, disease_id: str) -> tuple[TermEvidence, ...]: ...

    def unlinked_log10_lr(self) -> float:
        """log10 LR for a gene whose disease is not yet described; 0 (neutral) in the product,
        since the scorer's per-term LRs average to 1 over the known diseases (see module doc)."""
        ...


@dataclass(frozen=True)
class _Scored:
    gene: GeneCandidates
    disease: Disease | None
    mode: InheritanceMode
    variants: tuple[Variant, ...]
    prior: float
    phenotype: float
    variant: float
    inheritance: float
    variant_sentence: str
    variant_notes: tuple[str, ...]

    @property
    def total(self) -> float:
        return self.prior + self.phenotype + self.variant + self.inheritance


def gene_prior_log10(known: bool, known_gene_count: int) -> float:
    """log10 P(H_g): the yield shared among known or not-yet-known disease genes."""
    if known:
        share, genes = SHARE_IN_KNOWN_GENES, known_gene_count
    else:
        share, genes = 1 - SHARE_IN_KNOWN_GENES, max(evidence.PROTEIN_CODING_GENES - known_gene_count, 1)
    return math.log10(DIAGNOSTIC_YIELD * share / genes)


def with_expansion(disease_log10_lr: float, undescribed_log10_lr: float) -> float:
    """log10 max(LR_disease, e LR_undescribed): the phenotype-expansion floor (see module doc).

    >>> with_expansion(3.0, 0.0)               # a good match is kept as its terms sum
    3.0
    >>> round(with_expansion(-6.0, 0.0), 2)    # a poor match costs at most log10(0.03)
    -1.52
    """
    return max(disease_log10_lr, math.log10(PHENOTYPE_EXPANSION_SHARE) + undescribed_log10_lr)


def judged_inheritance(gene: GeneCandidates, disease: Disease | None) -> tuple[frozenset[str], bool]:
    """The inheritance groups a mode is judged against, and whether they are the gene's other
    diseases' (the entry records none; see the module doc).

    >>> from workbench.model import DiseaseInheritance as I
    >>> recessive = Disease("OMIM:1", "a", inheritance=frozenset({I.AUTOSOMAL_RECESSIVE}))
    >>> orphanet = Disease("ORPHA:2", "a")
    >>> judged_inheritance(GeneCandidates("G", None, (recessive, orphanet), ()), orphanet)
    (frozenset({'recessive'}), True)
    >>> judged_inheritance(GeneCandidates("G", None, (orphanet,), ()), orphanet)
    (frozenset(), False)
    """
    if disease is None:
        return frozenset(), False
    if disease.inheritance:
        return evidence.inheritance_groups(disease.inheritance), False
    return gene.recorded_inheritance, bool(gene.recorded_inheritance)


def allele_evidence(variant: Variant, gene: GeneCandidates, mode: InheritanceMode, trio: Trio,
                    background: evidence.ModeBackground) -> tuple[float, str, list[str], str | None]:
    """log10 LR of one allele, a short description, the quality notes and its consequence class."""
    if isinstance(variant, StructuralVariant):  # CNV/SV allele: its own evidence (issue 22)
        return sv_evidence.allele_evidence(variant, gene, mode, trio, background)
    consequence = variant.consequence_for(gene.symbol, gene.hgnc_id)
    klass = evidence.consequence_class(consequence.consequence, consequence.impact) if consequence else None
    c_lr = evidence.consequence_log10_lr(klass)
    f_lr = background.frequency_log10_lr(variant.population_af, mode)
    q_lr, notes = evidence.quality_log10_lr(variant, trio, mode)
    scores = score_evidence.score_evidence(variant, klass)  # in-silico / ClinVar, when annotated
    what = consequence.consequence if consequence and consequence.consequence else "consequence unknown"
    change = (consequence.hgvs_p or consequence.hgvs_c or "") if consequence else ""
    change = change.split(":")[-1]
    af = "absent from the population database" if variant.population_af is None else f"population AF {variant.population_af:.2g}"
    text = (f"{variant.key} {what}{' ' + change if change else ''} ({klass or 'unannotated'}, ×{10 ** c_lr:.2g}); "
            f"{af} (×{10 ** f_lr:.2g})" + (f"; call quality ×{10 ** q_lr:.2g}" if q_lr else "")
            + (f"; {scores.sentence()}" if scores.parts else ""))
    if isinstance(variant, VariantOverDeletion):  # apparent homozygote over a deletion (issue 22)
        text += sv_evidence.over_deletion_words(variant)
    return c_lr + f_lr + q_lr + scores.log10_lr, text, notes, klass


def variant_evidence(gene: GeneCandidates, mode: InheritanceMode, variants: Sequence[Variant],
                     trio: Trio, background: evidence.ModeBackground, constraint: GeneConstraint | None = None,
                     ) -> tuple[float, tuple[Variant, ...], str, tuple[str, ...]]:
    """Best allele (single-hit modes) or best two alleles (compound heterozygous), then the
    gene's constraint for the best allele's class."""
    scored = sorted(((*allele_evidence(v, gene, mode, trio, background), v) for v in variants),
                    key=lambda t: (-t[0], t[4].chrom, t[4].pos, t[4].alt))
    take = 2 if mode in (InheritanceMode.COMPOUND_HETEROZYGOUS,
                         InheritanceMode.POSSIBLE_COMPOUND_HETEROZYGOUS) and len(scored) >= 2 else 1
    chosen = scored[:take]
    log10_lr, text = sum(t[0] for t in chosen), " + ".join(t[1] for t in chosen)
    group = evidence.constraint_group(mode)
    found = (constraint.evidence(gene.hgnc_id, chosen[0][3], group, known=bool(gene.diseases))
             if constraint is not None and group else None)
    if found is not None:
        log10_lr += found.log10_lr
        peers = "known disease genes in general" if gene.diseases else "genes not yet linked to a disease"
        text += (f"; {found.text}: ×{10 ** found.log10_lr:.2g} (genes of {group} disease fall in this bin "
                 f"{10 ** found.log10_lr:.2g} times as often as {peers})")
    return log10_lr, tuple(t[4] for t in chosen), text, tuple(n for t in chosen for n in t[2])


def rank_genes(genes: Sequence[GeneCandidates], trio: Trio, background: evidence.ModeBackground,
               phenotype: PhenotypeScores, known_gene_count: int, knowledge_version: str,
               warnings: Sequence[str | InputIssue] = (), constraint: GeneConstraint | None = None) -> Ranking:
    """The ranking of ``genes`` for one phenotype; pure computation, no I/O."""
    best: list[_Scored] = []
    for gene in genes:
        known = bool(gene.diseases)
        prior = gene_prior_log10(known, known_gene_count)
        options: list[_Scored] = []
        for mode, variants in gene.candidates:
            v_lr, chosen, v_text, notes = variant_evidence(gene, mode, variants, trio, background, constraint)
            for disease in gene.diseases or (None,):
                p_lr = phenotype.log10_lr(disease.id) if disease else None
                p_lr = (phenotype.unlinked_log10_lr() if p_lr is None
                        else with_expansion(p_lr, phenotype.unlinked_log10_lr()))
                groups, borrowed = judged_inheritance(gene, disease)
                partial = penetrance.judged_penetrance(disease, gene.diseases, borrowed)  # issue 17
                options.append(_Scored(gene, disease, mode, chosen, prior, p_lr, v_lr,
                                       background.log10_lr(mode, groups, partial), v_text, notes))
        if options:
            best.append(max(options, key=lambda s: (s.total, s.variant, s.mode.value,
                                                    s.disease.id if s.disease else "")))
    best.sort(key=lambda s: (-round(s.total, 9), -round(s.variant, 9), s.gene.symbol))
    log_none = math.log10(1 - DIAGNOSTIC_YIELD)
    top = max([log_none] + [s.total for s in best])
    denominator = 10 ** (log_none - top) + sum(10 ** (s.total - top) for s in best)
    ranked = tuple(
        RankedGene(rank=i + 1, gene_symbol=s.gene.symbol, hgnc_id=s.gene.hgnc_id,
                   probability=10 ** (s.total - top) / denominator, phenotype_log10_lr=s.phenotype,
                   variant_log10_lr=s.variant, inheritance_log10_lr=s.inheritance, prior_log10=s.prior,
                   disease=s.disease, mode=s.mode, variants=s.variants,
                   explanation=_explain(s, background, phenotype, known_gene_count, trio))
        for i, s in enumerate(best))
    return Ranking(genes=ranked, none_probability=10 ** (log_none - top) / denominator,
                   knowledge_version=knowledge_version, issues=as_issues(warnings))


def _explain(s: _Scored, background: evidence.ModeBackground, phenotype: PhenotypeScores,
             known_gene_count: int, trio: Trio) -> Explanation:
    if s.disease is None:
        pheno = (f"No disease is linked to this gene in the HPO release: phenotype LR 10^{s.phenotype:.1f}, "
                 "the average over all described diseases for these terms.")
        prior = (f"Gene not yet linked to a disease: prior 1 in {round(10 ** -s.prior):,} "
                 f"(10% of diagnoses fall in genes described after the knowledge release).")
        term_source: Callable[[], tuple[TermEvidence, ...]] = tuple
    else:
        pheno = f"Phenotype vs {s.disease.name} ({s.disease.id}): LR 10^{s.phenotype:.1f}."
        described = phenotype.log10_lr(s.disease.id)
        if described is not None and s.phenotype > described:
            pheno = (f"Phenotype vs {s.disease.name} ({s.disease.id}): LR 10^{described:.1f}, a poor fit; "
                     f"the gene keeps the {PHENOTYPE_EXPANSION_SHARE:.0%} chance of a presentation HPO does not "
                     f"yet describe for it (phenotype expansion): LR 10^{s.phenotype:.1f}.")
        prior = f"Known disease gene: prior 1 in {round(10 ** -s.prior):,}."
        term_source = functools.partial(phenotype.terms, s.disease.id)
    groups, borrowed = judged_inheritance(s.gene, s.disease)
    source = " (recorded for the gene's other diseases; none for this entry)" if borrowed else ""
    partial = penetrance.judged_penetrance(s.disease, s.gene.diseases, borrowed)  # issue 17
    origin = penetrance.origin_words(s.mode, s.variants, trio, groups, partial)
    expected = background.mode_probability(s.mode, groups, partial)
    seen = background.genes_per_mode.get(s.mode, 0)
    affected = ""
    if background.affected_parent:
        affected = " when a parent is affected"
        if groups == {"recessive"}:
            affected += " (weighted down: carrier parents of a recessive disease are healthy)"
    inheritance = (f"{s.mode.value}: seen in {expected:.0%} of causal genotypes for "
                   f"{' / '.join(sorted(groups)) or 'a disease of unknown inheritance'}{source}{affected}; "
                   f"{seen} gene(s) in this case show this pattern (LR 10^{s.inheritance:.1f}).")
    inheritance = f"{origin} {inheritance}" if origin else inheritance
    return Explanation(prior=prior, phenotype=pheno, variant=f"{s.variant_sentence} (LR 10^{s.variant:.1f}).",
                       inheritance=inheritance, term_source=term_source, variant_notes=s.variant_notes)


def homozygous_af_counts(genes: Sequence[GeneCandidates]) -> tuple[int, ...]:
    """The case's homozygous candidate alleles per population-frequency bin (each allele once)."""
    counts = [0] * (len(evidence.HOMOZYGOUS_AF_BINS) + 2)
    alleles = {v.key: v for g in genes for mode, variants in g.candidates
               if mode is InheritanceMode.HOMOZYGOUS_RECESSIVE for v in variants}
    for variant in alleles.values():
        counts[evidence.af_bin(variant.population_af)] += 1
    return tuple(counts)


def group_candidates(candidates: Sequence, genes_lookup, diseases_for_gene) -> tuple[list[GeneCandidates], dict[InheritanceMode, int]]:
    """Join inheritance candidates by HGNC gene; count genes per mode for the null rates.

    ``candidates`` are :class:`workbench.inheritance.Candidate`-like (gene_symbol, hgnc_id,
    mode, variants). Symbols from the VCF are mapped to current HGNC symbols.
    """
    by_gene: dict[str, dict] = {}
    for c in candidates:
        gene: Gene | None = None
        for key in (c.hgnc_id, c.gene_symbol):
            if key and gene is None:
                gene = genes_lookup(key)
        key = gene.hgnc_id if gene else c.gene_symbol
        entry = by_gene.setdefault(key, {"symbol": gene.symbol if gene else c.gene_symbol,
                                         "hgnc": gene.hgnc_id if gene else None, "candidates": {}})
        # each candidate stays whole (a compound-heterozygous pair must not mix with another pair)
        entry["candidates"].setdefault((c.mode.value, tuple(v.key for v in c.variants)), (c.mode, tuple(c.variants)))
    counts: dict[InheritanceMode, int] = {}
    grouped = []
    for entry in by_gene.values():
        for mode in {mode for mode, _ in entry["candidates"].values()}:
            counts[mode] = counts.get(mode, 0) + 1
        grouped.append(GeneCandidates(symbol=entry["symbol"], hgnc_id=entry["hgnc"],
                                      diseases=diseases_for_gene(entry["hgnc"]) if entry["hgnc"] else (),
                                      candidates=tuple(entry["candidates"][k] for k in sorted(entry["candidates"]))))
    grouped.sort(key=lambda g: g.symbol)
    return grouped, counts

