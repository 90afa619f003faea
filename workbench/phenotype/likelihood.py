"""Likelihood-ratio phenotype scorer in the spirit of LIRICAL (Robinson et al., AJHG 2020).

For disease d and observed patient term q the likelihood ratio is
P(q recorded | d) / P(q recorded | a random annotated disease), taking the best of:

* **q or a descendant of q is a feature of d** (the true-path rule: a feature implies its
  ancestors): LR = f(q, d) / bg(q), with f the highest frequency among those features and
  bg(q) the mean of f(q, ·) over all diseases, so LRs average to 1 over diseases.
* **d is annotated to an ancestor c of q** (the disease is described less specifically than
  the patient): LR = f(c, d) / bg(c). If d predicts c and q is one way of showing c, with the
  background's share of q among c, the ratio is exactly this.
* **q and d's features only share an ancestor c** (e.g. two different seizure types): partial
  credit that shrinks with how general c is relative to q, interpolating on a log scale
  between the floor (c as general as the root) and the full ancestor credit f(c, d)/bg(c)
  (c as specific as q) by IC(c)/IC(q). Very general terms ("Phenotypic abnormality",
  IC ~ 0) thus give nothing beyond the floor.
* **otherwise** the floor ``floor`` (default 0.05): the term is left unexplained by d. It is
  not zero because patients carry findings their disease does not explain (prematurity,
  neonatal jaundice, hypoglycemia and respiratory distress are common in any NICU); at 0.05
  an unexplained finding costs 1.3 log10 units, about what one specific matching feature
  earns, so one or two incidental findings lower the right disease without burying it.
  The benchmark sweep (benchmarks/phenotype_only.py --sweep) shows how recall moves with it.
  For calibration it is a compromise between settings (issue 17, docs/calibration.md): a NICU
  record's incidental findings (jaundice, prematurity...) are as specific in HPO as curated
  features, so each costs the true disease the full floor and NICU probabilities come out
  under-confident; a floor of 0.1 calibrates NICU but makes curated profiles over-confident and
  costs a point of top-1 in both (fit half, 60% cases without a diagnosis). A per-term
  incidental rate from a newborn cohort would settle it; HPO has none.

  For unspecific terms the floor is milder: floor ** min(1, IC(q) / ln 10), so a term more
  than 10% of diseases carry (IC < ln 10, e.g. "Abnormality of the nervous system") is too
  vague for its absence from a disease's annotations to weigh much, and "Phenotypic
  abnormality" (IC ~ 0) gives LR ~ 1 everywhere.

A disease that explicitly lacks q (or an ancestor of q; a NOT annotation) gets the floor.

An excluded patient term x counts against diseases that have it:
LR = [max(1 - f(x, d), floor) / (1 - bg(x))] ** excluded_weight, so an obligate feature that
is absent costs as much as an unexplained finding, and diseases without x gain a little.
The weight (default 0.5) tempers this evidence: the absent features of one record are not
independent of each other nor of the disease (they are checked, and tabulated, because the
suspected disease has them), and HPO frequencies of features listed without a count are
guesses. Phenotype alone, on the tuning half of the benchmark's genes (``phenotype_only.py
--limit 3000 --seed 5 --genes fit --sweep``: 1,594 curated cases), the causal gene comes first
among all genes for 42.4% of known genes at weight 0, 40.5% at 0.5 and 36.4% at 1 (with the
related-term weight below): full weight costs recall, and leaving absent features out would
cost none. 0.5 keeps an absent obligate feature visibly against a disease in the
explanation; the ranking scales excluded terms down further
(``EXCLUDED_TERM_WEIGHT`` in :mod:`workbench.ranking.rank`).

The disease score is the sum of log10 LRs, as LIRICAL's, except that **related observed terms
count less than independent ones**: a publication lists a face term by term (long palpebral
fissures, upslanting palpebral fissures, deeply set eyes...), and ten such findings are not ten
independent pieces of evidence. Observed terms are grouped by their *branch*: their ancestors
three steps (longest is_a path) below "Phenotypic abnormality", e.g. "Abnormality of the
face", "Abnormality of globe location" or "Abnormality of the hand". A term whose largest
branch holds k of the patient's terms counts ``1 / (1 + (k - 1) rho)``: the effective weight
of k equally correlated findings with correlation rho, so a lone term counts fully and k
related terms add up to less than 1/rho. The explanation says so for each such term.
``rho`` (``RELATED_TERM_CORRELATION``, 0.25) was compared on the fit half of the benchmark's
genes only (seed 5, 1,000 cases per regime: known-gene top-1 full 88.3 -> 89.0 at 0.25 and 89.2
at 0.5, NICU 85.5 -> 85.7 at both); 0.25, the milder, was taken, after also seeing the check
half's NICU top-1 fall to 82.8 at 0.25 and 81.6 at 0.5 (from 83.4). The post-test probability
spreads a uniform prior over all annotated diseases.

**All of one patient's findings are correlated too** (one disease causes them all, and a
curated list tabulates what a publication looked for), so on top of the branch weight every
observed term counts ``1 / (1 + (k - 1) rho_all)`` for a profile of k observed terms, with
``rho_all`` (``PROFILE_TERM_CORRELATION``) 0.05: five findings count as 4.2 independent ones,
twenty-one as 10.5. It scales every disease of a profile alike, so it never reorders diseases;
it keeps a long curated list from outweighing the genotype evidence and overstating the
probability. It was compared on the fit half of the benchmark's genes only, at 60% cases
without a diagnosis (seed 5, 361 cases per regime, with the X-linked null rate of
:mod:`workbench.ranking.evidence`): full-regime ECE of the top gene's probability 0.055 without
it, 0.040 at 0.02 and 0.036 at 0.05, known-gene top-1 91.9% in all three (docs/calibration.md).
Features HPO lists without a frequency are taken as ``unknown_frequency`` (default 0.5:
curated as a feature, but how often is not stated).
"""
from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np

from workbench.knowledge import Knowledge
from workbench.model import PHENOTYPIC_ABNORMALITY
from workbench.phenotype.base import PhenotypeScorer, PreparedProfile, TermMatch
from workbench.phenotype.index import PhenotypeIndex, phenotype_index

DEFAULT_FLOOR = 0.05
DEFAULT_UNKNOWN_FREQUENCY = 0.5
DEFAULT_EXCLUDED_WEIGHT = 0.5
EXACT = "exact"
PATIENT_MORE_GENERAL = "the patient term is more general than the disease's feature"
DISEASE_MORE_GENERAL = "the disease's feature is more general than the patient term"
SHARED_ANCESTOR = "only a shared ancestor: partial credit by IC"
NOT_EXPLAINED = "not explained by the disease: floor"
SPECIFIC_IC = float(np.log(10.0))  # IC from which a term gets the full floor (carried by <= 10% of diseases)
RELATED_TERM_CORRELATION = 0.25
PROFILE_TERM_CORRELATION = 0.05
BRANCH_DEPTH = 3  # steps below "Phenotypic abnormality" at which related terms are grouped


def related_term_weight(terms_in_branch: int, correlation: float = RELATED_TERM_CORRELATION) -> float:
    """What one of k equally correlated findings counts (see the module docstring).

    >>> related_term_weight(1), related_term_weight(4), round(4 * related_term_weight(4), 2)
    (1.0, 0.5714285714285714, 2.29)
    """
    return 1.0 / (1.0 + (terms_in_branch - 1) * correlation)


def profile_weight(observed_terms: int, correlation: float = PROFILE_TERM_CORRELATION) -> float:
    """What each observed term counts because all of one patient's findings share a cause.

    >>> profile_weight(1), round(profile_weight(5), 3), round(profile_weight(21), 2)
    (1.0, 0.833, 0.5)
    """
    return related_term_weight(max(observed_terms, 1), correlation)


def shared_ancestor_credit(
    frequency: np.ndarray | float, background: float, ic_shared: float, ic_patient: float, floor: float
) -> np.ndarray:
    """LR for a patient term matched only through the shared ancestor (see module docstring).

    >>> round(float(shared_ancestor_credit(0.5, 0.05, 0.0, 3.0, 0.05)), 6)   # root: the floor
    0.05
    >>> round(float(shared_ancestor_credit(0.5, 0.05, 3.0, 3.0, 0.05)), 6)   # as specific as q: full
    10.0
    """
    share = ic_shared / ic_patient if ic_patient > 0 else 1.0
    full = np.maximum(np.asarray(frequency, dtype=np.float64) / background, floor)
    return np.exp(np.log(floor) + min(share, 1.0) * (np.log(full) - np.log(floor)))


class LikelihoodRatioScorer(PhenotypeScorer):
    """Scores = log10 likelihood ratio of each disease against the background (see module doc)."""

    name = "likelihood ratio"

    def __init__(
        self,
        knowledge: Knowledge,
        floor: float = DEFAULT_FLOOR,
        unknown_frequency: float = DEFAULT_UNKNOWN_FREQUENCY,
        excluded_weight: float = DEFAULT_EXCLUDED_WEIGHT,
        index: PhenotypeIndex | None = None,
    ) -> None:
        super().__init__(knowledge, index or phenotype_index(knowledge, unknown_frequency))
        self.floor = floor
        self.excluded_weight = excluded_weight
        self._top = knowledge.hpo.index.get(PHENOTYPIC_ABNORMALITY)

    def branches(self, q: int) -> frozenset[int]:
        """The term's branches (ancestors ``BRANCH_DEPTH`` steps below Phenotypic abnormality);
        a term above that depth, or outside that subontology, is its own branch."""
        ix = self.index
        if self._top is None:
            return frozenset({q})
        found = frozenset(a for a in ix.ancestor_set(q) if ix.depth_below(a, self._top) == BRANCH_DEPTH)
        return found or frozenset({q})

    def observed_weights(self, observed: tuple[int, ...]) -> dict[int, tuple[float, int, int]]:
        """Per observed term: (weight, terms in its largest branch, that branch)."""
        branches = {q: self.branches(q) for q in observed}
        sizes = Counter(b for found in branches.values() for b in found)
        whole = profile_weight(len(observed))
        weights = {}
        for q, found in branches.items():
            branch = max(found, key=lambda b: (sizes[b], -b))
            weights[q] = (whole * related_term_weight(sizes[branch]), sizes[branch], branch)
        return weights

    # -- per term, over all diseases -----------------------------------------------------------
    def observed_lr(self, q: int) -> np.ndarray:
        """LR of patient term index ``q`` for every disease."""
        ix = self.index
        ic_q = float(ix.ic[q])
        floor = self.term_floor(q)
        via_annotated_ancestor = np.full(ix.n_diseases, floor)
        via_shared_ancestor = np.full(ix.n_diseases, floor)
        lacking = []
        for c in ix.ancestors(q).tolist():
            lacking.append(ix.excluded.of(c)[0])
            background = ix.background[c]
            if c == q or background <= 0:
                continue
            diseases, frequencies = ix.direct.of(c)
            via_annotated_ancestor[diseases] = np.maximum(via_annotated_ancestor[diseases], frequencies / background)
            diseases, frequencies = ix.propagated.of(c)
            credit = shared_ancestor_credit(frequencies, background, float(ix.ic[c]), ic_q, floor)
            via_shared_ancestor[diseases] = np.maximum(via_shared_ancestor[diseases], credit)
        lr = np.maximum(via_annotated_ancestor, via_shared_ancestor)
        # Diseases that have q (or a descendant) are judged on that: the shared-ancestor route
        # would credit their other, unrelated features under the same ancestor.
        diseases, frequencies = ix.propagated.of(q)
        if ix.background[q] > 0:
            lr[diseases] = np.maximum(via_annotated_ancestor[diseases], frequencies / ix.background[q])
        lr[np.concatenate(lacking)] = floor
        return lr

    def term_floor(self, q: int) -> float:
        """The LR of an observed term a disease does not explain (milder for vague terms)."""
        return float(self.floor ** min(1.0, float(self.index.ic[q]) / SPECIFIC_IC))

    def excluded_lr(self, x: int) -> np.ndarray:
        """LR of an excluded patient term index ``x`` for every disease."""
        ix = self.index
        background = min(ix.background[x], 1.0 - 1e-9)
        lr = np.full(ix.n_diseases, 1.0 / (1.0 - background))
        diseases, frequencies = ix.propagated.of(x)
        lr[diseases] = np.maximum(1.0 - frequencies, self.floor) / (1.0 - background)
        return lr ** self.excluded_weight

    # -- scorer interface ----------------------------------------------------------------------
    def disease_scores(self, prepared: PreparedProfile) -> np.ndarray:
        total = np.zeros(self.index.n_diseases)
        for q, (weight, _, _) in self.observed_weights(prepared.observed).items():
            total += weight * np.log10(self.observed_lr(q))
        for x in prepared.excluded:
            total += np.log10(self.excluded_lr(x))
        return total

    def probabilities(self, scores: np.ndarray) -> np.ndarray:
        """Post-test probability per disease from a uniform prior (softmax of the log LRs)."""
        natural = scores * np.log(10.0)
        weights = np.exp(natural - natural.max())
        return weights / weights.sum()

    def explain(self, prepared: PreparedProfile, disease_row: int) -> tuple[TermMatch, ...]:
        weights = self.observed_weights(prepared.observed)
        return tuple(
            [self._weighted(self._explain_observed(q, disease_row), *weights[q]) for q in prepared.observed]
            + [self._explain_excluded(x, disease_row) for x in prepared.excluded]
        )

    def _weighted(self, match: TermMatch, weight: float, related: int, branch: int) -> TermMatch:
        if weight == 1.0:
            return match
        label = self.knowledge.hpo.terms[branch].label
        why = f"one of {related} terms under {label}" if related > 1 else "one of the patient's findings, which share a cause"
        return dataclasses.replace(match, contribution=match.contribution * weight,
                                   how=f"{match.how}; counted ×{weight:.2f}, {why}")

    def _explain_observed(self, q: int, d: int) -> TermMatch:
        """The route that gives ``observed_lr(q)[d]``, re-derived for one disease."""
        ix = self.index
        terms = self.knowledge.hpo.terms
        ancestors = ix.ancestors(q).tolist()
        floor = self.term_floor(q)
        for c in ancestors:
            if ix.excluded.frequency(c, d):
                return TermMatch(terms[q].id, terms[c].id, None, 0.0, float(np.log10(floor)),
                                 how=f"the disease is annotated as lacking {terms[c].label}")
        # (LR, common ancestor, how); the disease's matching feature is looked up for the winner only
        best: tuple[float, int | None, str] = (floor, None, NOT_EXPLAINED)
        ic_q = float(ix.ic[q])
        has_q = ix.propagated.frequency(q, d) > 0
        # most specific first, so that ties go to the closest ancestor
        for c in sorted(ancestors, key=lambda a: -len(ix.ancestors(a))):
            background = ix.background[c]
            frequency = ix.propagated.frequency(c, d)
            if background <= 0 or frequency <= 0:
                continue
            direct = ix.direct.frequency(c, d)
            if c == q:
                how = EXACT if direct else PATIENT_MORE_GENERAL
                candidate = (frequency / background, c, how)
            elif direct:
                candidate = (direct / background, c, DISEASE_MORE_GENERAL)
            elif not has_q:
                candidate = (float(shared_ancestor_credit(frequency, background, float(ix.ic[c]), ic_q, floor)), c, SHARED_ANCESTOR)
            else:
                continue
            if candidate[0] > best[0]:
                best = candidate
        value, ancestor, how = best
        if how == SHARED_ANCESTOR and value < floor * 1.01:  # an ancestor of IC ~ 0 is no match
            ancestor, how = None, NOT_EXPLAINED
        if ancestor is None:
            feature = None
        elif how in (EXACT, DISEASE_MORE_GENERAL):
            feature = ancestor
        else:
            feature = self._closest_feature(ancestor, d)
        return TermMatch(
            patient_term=terms[q].id,
            disease_term=None if feature is None else terms[feature].id,
            common_ancestor=None if ancestor is None else terms[ancestor].id,
            information_content=0.0 if ancestor is None else float(ix.ic[ancestor]),
            contribution=float(np.log10(value)),
            how=how,
        )

    def _closest_feature(self, ancestor: int, d: int) -> int:
        """The disease's most frequent (then most specific) feature at or below ``ancestor``."""
        under = self.index.features_under(ancestor, d)
        return max(under, key=lambda tf: (tf[1], float(self.index.ic[tf[0]])))[0]

    def _explain_excluded(self, x: int, d: int) -> TermMatch:
        ix = self.index
        ids = self.knowledge.hpo.terms
        value = float(self.excluded_lr(x)[d])
        frequency = ix.propagated.frequency(x, d)
        under = ix.features_under(x, d) if frequency else []
        feature = max(under, key=lambda tf: tf[1])[0] if under else None
        return TermMatch(
            patient_term=ids[x].id,
            disease_term=None if feature is None else ids[feature].id,
            common_ancestor=ids[x].id if feature is not None else None,
            information_content=float(ix.ic[x]),
            contribution=float(np.log10(value)),
            excluded=True,
            how=f"excluded, but the disease has it in {frequency:.0%} of patients" if frequency else "excluded, and the disease does not have it",
        )
