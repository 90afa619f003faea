"""Resnik best-match-average scorer (Phenomizer-style semantic similarity).

sim(q, d) = IC of the most informative common ancestor of patient term q and any feature of
disease d. Patient -> disease: the mean over patient terms of sim(q, d). Symmetric: the mean
of that and of disease -> patient (each feature of d against its best patient term).
Excluded terms are not used: similarity has no notion of absence (use the LR scorer).
Very general terms carry IC ~ 0, so they cannot dominate.
"""
from __future__ import annotations

import numpy as np

from workbench.knowledge import Knowledge
from workbench.phenotype.base import PhenotypeScorer, PreparedProfile, TermMatch
from workbench.phenotype.index import PhenotypeIndex, phenotype_index
from workbench.phenotype.likelihood import DEFAULT_UNKNOWN_FREQUENCY


class ResnikScorer(PhenotypeScorer):
    """Scores = Resnik best-match average (natural-log IC units); ``symmetric`` averages both directions."""

    def __init__(self, knowledge: Knowledge, symmetric: bool = False, index: PhenotypeIndex | None = None) -> None:
        super().__init__(knowledge, index or phenotype_index(knowledge, DEFAULT_UNKNOWN_FREQUENCY))
        self.symmetric = symmetric
        self.name = "Resnik (symmetric)" if symmetric else "Resnik (patient -> disease)"
        table = knowledge.disease_table
        self._feature_counts = np.diff(table.feature_pointers)
        self._feature_disease = np.repeat(np.arange(len(table)), self._feature_counts)

    def similarity(self, q: int) -> np.ndarray:
        """sim(q, d) for every disease: the highest IC among q's ancestors the disease carries."""
        ix = self.index
        best = np.zeros(ix.n_diseases)
        for c in ix.ancestors(q).tolist():
            diseases, _ = ix.propagated.of(c)
            best[diseases] = np.maximum(best[diseases], ix.ic[c])
        return best

    def _disease_to_patient(self, observed: tuple[int, ...]) -> np.ndarray:
        """Mean over each disease's features of the best IC shared with any patient term."""
        ix = self.index
        patient_ancestors = np.zeros(ix.n_terms, dtype=bool)
        for q in observed:
            patient_ancestors[ix.ancestors(q)] = True
        shared_ic = np.where(patient_ancestors[ix.ancestor_indices], ix.ic[ix.ancestor_indices], 0.0)
        best_per_term = np.maximum.reduceat(shared_ic, ix.ancestor_pointers[:-1])
        per_feature = best_per_term[self.knowledge.disease_table.feature_terms]
        sums = np.bincount(self._feature_disease, weights=per_feature, minlength=ix.n_diseases)
        return sums / np.maximum(self._feature_counts, 1)

    def disease_scores(self, prepared: PreparedProfile) -> np.ndarray:
        if not prepared.observed:
            return np.zeros(self.index.n_diseases)
        forward = sum(self.similarity(q) for q in prepared.observed) / len(prepared.observed)
        if not self.symmetric:
            return forward
        return (forward + self._disease_to_patient(prepared.observed)) / 2.0

    def explain(self, prepared: PreparedProfile, disease_row: int) -> tuple[TermMatch, ...]:
        """Per patient term: the shared ancestor of highest IC; contributions sum to the
        patient -> disease half of the score."""
        ix = self.index
        terms = self.knowledge.hpo.terms
        matches = []
        for q in prepared.observed:
            carried = [c for c in ix.ancestors(q).tolist() if ix.propagated.frequency(c, disease_row) > 0]
            ancestor = max(carried, key=lambda c: (float(ix.ic[c]), len(ix.ancestors(c))), default=None)
            feature = None
            if ancestor is not None:
                under = ix.features_under(ancestor, disease_row)
                feature = max(under, key=lambda tf: float(ix.ic[tf[0]]))[0]
            ic = 0.0 if ancestor is None else float(ix.ic[ancestor])
            matches.append(TermMatch(
                patient_term=terms[q].id,
                disease_term=None if feature is None else terms[feature].id,
                common_ancestor=None if ancestor is None else terms[ancestor].id,
                information_content=ic,
                contribution=ic / len(prepared.observed),
                how="most informative common ancestor",
            ))
        return tuple(matches)
