"""Inverted annotation indexes over all diseases, built once per knowledge state and saved beside its cache.

For every HPO term ``c`` the index lists the diseases that carry ``c`` once annotations are
propagated up the is_a graph (true-path rule), with the highest frequency among the disease's
features at or below ``c``; a second list holds the diseases annotated *directly* to ``c``.
Scoring a patient term then touches only the lists of its ancestors: one numpy operation
per ancestor over all diseases, no per-disease Python loop.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from workbench.knowledge import Knowledge

log = logging.getLogger(__name__)
_POSTINGS = ("direct", "propagated", "excluded")


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

    def __init__(self, knowledge: Knowledge, unknown_frequency: float, arrays: dict[str, np.ndarray] | None = None) -> None:
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
        arrays = arrays if arrays is not None else self._build(unknown_frequency)
        self.direct, self.propagated, self.excluded = (
            Postings(arrays[f"{name}_pointers"], arrays[f"{name}_diseases"], arrays[f"{name}_frequencies"])
            for name in _POSTINGS)
        self.background = arrays["background"]
        self.annotated_diseases = int(np.count_nonzero(np.diff(table.feature_pointers)))

    def arrays(self) -> dict[str, np.ndarray]:
        """What ``__init__`` derives from the knowledge, by name (saved beside the knowledge cache)."""
        found = {f"{name}_{part}": getattr(getattr(self, name), part)
                 for name in _POSTINGS for part in ("pointers", "diseases", "frequencies")}
        found["background"] = self.background
        return found

    def _build(self, unknown_frequency: float) -> dict[str, np.ndarray]:
        """The postings and background from the disease table (about a second for all of HPO)."""
        table = self.knowledge.disease_table
        feature_disease = np.repeat(np.arange(self.n_diseases, dtype=np.int32), np.diff(table.feature_pointers))
        feature_term = table.feature_terms
        feature_frequency = np.where(np.isnan(table.feature_frequencies), unknown_frequency, table.feature_frequencies)
        direct = _postings(feature_term, feature_disease, feature_frequency, self.n_terms, self.n_diseases)

        # Expand every feature to all its ancestors (vectorised CSR gather).
        starts = self.ancestor_pointers[feature_term]
        lengths = self.ancestor_pointers[feature_term + 1] - starts
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        ancestor = self.ancestor_indices[offsets + np.arange(lengths.sum())]
        propagated = _postings(
            ancestor, np.repeat(feature_disease, lengths), np.repeat(feature_frequency, lengths), self.n_terms, self.n_diseases
        )

        excluded_disease = np.repeat(np.arange(self.n_diseases, dtype=np.int32), np.diff(table.excluded_pointers))
        excluded = _postings(
            table.excluded_terms, excluded_disease, np.ones(len(excluded_disease)), self.n_terms, self.n_diseases
        )
        # Background: how often a uniformly drawn annotated disease shows the term (or a descendant).
        annotated = int(np.count_nonzero(np.diff(table.feature_pointers)))
        propagated_terms = np.repeat(np.arange(self.n_terms), np.diff(propagated.pointers))
        background = np.bincount(propagated_terms, weights=propagated.frequencies, minlength=self.n_terms) / max(annotated, 1)
        arrays = {"background": background}
        for name, postings in zip(_POSTINGS, (direct, propagated, excluded)):
            arrays.update({f"{name}_pointers": postings.pointers, f"{name}_diseases": postings.diseases,
                           f"{name}_frequencies": postings.frequencies})
        return arrays

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
    """One index per knowledge object and setting, shared by every scorer built on it.

    Read from beside the knowledge cache when it is there (milliseconds instead of a second,
    the fixed cost every CLI run, app start and cohort worker would pay), built and saved when
    not. The file name carries this module's source digest, so changed code never reads an
    index an older version derived.
    """
    path = knowledge.derived_cache_path(f"phenotype-index-{_source_digest()}-{unknown_frequency!r}.npz")
    if path is not None and path.exists():
        try:
            with np.load(path, allow_pickle=False) as stored:
                arrays = {name: stored[name] for name in stored.files}
            return PhenotypeIndex(knowledge, unknown_frequency, arrays)
        except (OSError, ValueError, KeyError) as error:  # a damaged file is rebuilt, never fatal
            log.warning("ignoring unreadable phenotype index %s (%s)", path, error)
    index = PhenotypeIndex(knowledge, unknown_frequency)
    if path is not None:
        _save(path, index.arrays())
    return index


@functools.cache
def _source_digest() -> str:
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]


def _save(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write to a temporary file and rename, so a concurrent reader never sees half an index."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except OSError as error:  # read-only or full cache folder: work from memory, say so
        log.warning("could not write phenotype index %s (%s)", path, error)
        tmp.unlink(missing_ok=True)
