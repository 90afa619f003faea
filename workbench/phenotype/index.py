"""Inverted annotation indexes over all diseases, built once per knowledge object.

For every HPO term ``c`` the index lists the diseases that carry ``c`` once annotations are
propagated up the is_a graph (true-path rule), with the highest frequency among the disease's
features at or below ``c``; a second list holds the diseases annotated *directly* to ``c``.
Scoring a patient term then touches only the lists of its ancestors: one numpy operation
per ancestor over all diseases, no per-disease Python loop.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from workbench.knowledge import Knowledge


@dataclass(frozen=True)
class Postings:
    """CSR lists by term: ``diseases[pointers[t]:pointers[t+1]]`` (sorted) with ``frequencies``."""

    pointers: np.ndarray
    diseases: np.ndarray
    frequencies: np.ndarray

    def of(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.pointers[term], self.pointers[term + 1]
        return self.diseases[start:end], self.frequencies[start:end]

    def frequency(self, term: int, disease: int) -> float:
        """The frequency of (term, disease), 0 when the disease is not listed under the term."""
        diseases, frequencies = self.of(term)
        k = int(np.searchsorted(diseases, disease))
        return float(frequencies[k]) if k < len(diseases) and diseases[k] == disease else 0.0


def _postings(terms: np.ndarray, diseases: np.ndarray, frequencies: np.ndarray, n_terms: int, n_diseases: int) -> Postings:
    """Group (term, disease, frequency) triples by term, keeping the highest frequency per pair."""
    key = terms.astype(np.int64) * n_diseases + diseases
    order = np.lexsort((-frequencies, key))
    key, frequencies = key[order], frequencies[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    key, frequencies = key[first], frequencies[first]
    term_of = key // n_diseases
    pointers = np.searchsorted(term_of, np.arange(n_terms + 1)).astype(np.int64)
    return Postings(pointers, (key % n_diseases).astype(np.int32), frequencies.astype(np.float64))


class PhenotypeIndex:
    """Everything the scorers need as arrays: postings, background frequencies, IC.

    ``unknown_frequency`` stands in for features HPO lists without a frequency (about a
    third of them, mostly OMIM); see ``LikelihoodRatioScorer`` for the value chosen.
    """

    def __init__(self, knowledge: Knowledge, unknown_frequency: float) -> None:
        hpo, table = knowledge.hpo, knowledge.disease_table
        self.knowledge = knowledge
        self.unknown_frequency = unknown_frequency
        self.n_terms = len(hpo)
        self.n_diseases = len(table)
        self.ic = hpo.ic
        self.ancestor_pointers = hpo.ancestor_pointers
        self.ancestor_indices = hpo.ancestor_indices
        # Per-term caches owned by this index (one entry per term asked about), so a replaced
        # index is freed with them; a cache on the methods would keep every index alive.
        self._ancestor_sets: dict[int, frozenset[int]] = {}
        self._depths: dict[tuple[int, int], int] = {}

        feature_disease = np.repeat(np.arange(self.n_diseases, dtype=np.int32), np.diff(table.feature_pointers))
        feature_term = table.feature_terms
        feature_frequency = np.where(np.isnan(table.feature_frequencies), unknown_frequency, table.feature_frequencies)
        self.direct = _postings(feature_term, feature_disease, feature_frequency, self.n_terms, self.n_diseases)

        # Expand every feature to all its ancestors (vectorised CSR gather).
        starts = self.ancestor_pointers[feature_term]
        lengths = self.ancestor_pointers[feature_term + 1] - starts
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        ancestor = self.ancestor_indices[offsets + np.arange(lengths.sum())]
        self.propagated = _postings(
            ancestor, np.repeat(feature_disease, lengths), np.repeat(feature_frequency, lengths), self.n_terms, self.n_diseases
        )

        excluded_disease = np.repeat(np.arange(self.n_diseases, dtype=np.int32), np.diff(table.excluded_pointers))
        self.excluded = _postings(
            table.excluded_terms, excluded_disease, np.ones(len(excluded_disease)), self.n_terms, self.n_diseases
        )
        # Background: how often a uniformly drawn annotated disease shows the term (or a descendant).
        self.annotated_diseases = int(np.count_nonzero(np.diff(table.feature_pointers)))
        propagated_terms = np.repeat(np.arange(self.n_terms), np.diff(self.propagated.pointers))
        self.background = np.bincount(propagated_terms, weights=self.propagated.frequencies, minlength=self.n_terms) / max(
            self.annotated_diseases, 1
        )

    def ancestors(self, term: int) -> np.ndarray:
        return self.ancestor_indices[self.ancestor_pointers[term]:self.ancestor_pointers[term + 1]]

    def features_under(self, term: int, disease: int) -> list[tuple[int, float]]:
        """The disease's own features at or below ``term``: (term index, frequency)."""
        table = self.knowledge.disease_table
        start, end = table.feature_pointers[disease], table.feature_pointers[disease + 1]
        features = table.feature_terms[start:end]
        frequencies = np.where(np.isnan(table.feature_frequencies[start:end]), self.unknown_frequency, table.feature_frequencies[start:end])
        return [(int(f), float(freq)) for f, freq in zip(features, frequencies) if term in self.ancestor_set(int(f))]

    def ancestor_set(self, term: int) -> frozenset[int]:
        found = self._ancestor_sets.get(term)
        if found is None:
            found = self._ancestor_sets[term] = frozenset(self.ancestors(term).tolist())
        return found

    def depth_below(self, term: int, top: int) -> int:
        """Steps on the longest is_a path from ``top`` down to ``term``; -1 when not under ``top``."""
        depth = self._depths.get((term, top))
        if depth is None:
            ancestors = self.ancestor_set(term)
            if term == top:
                depth = 0
            elif top not in ancestors:
                depth = -1
            else:
                depth = 1 + max(self.depth_below(a, top) for a in ancestors if a != term and top in self.ancestor_set(a))
            self._depths[(term, top)] = depth
        return depth


@functools.lru_cache(maxsize=4)
def phenotype_index(knowledge: Knowledge, unknown_frequency: float) -> PhenotypeIndex:
    """One index per knowledge object and setting, shared by every scorer built on it."""
    return PhenotypeIndex(knowledge, unknown_frequency)
