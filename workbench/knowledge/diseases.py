"""Diseases stored as columns (numpy arrays), handed out as model ``Disease`` objects on demand.

Twelve thousand diseases with a quarter of a million annotations would take a second to
unpickle as objects; as arrays they load in milliseconds, and the phenotype scorers use the
arrays directly (vectorised over all diseases).
"""
from __future__ import annotations

from typing import Iterator, Mapping, Sequence

import numpy as np

from workbench.model import Disease, DiseaseInheritance, TermAnnotation

INHERITANCE_ORDER: tuple[DiseaseInheritance, ...] = tuple(DiseaseInheritance)


def _csr(groups: Sequence[Sequence[int]], dtype=np.int32) -> tuple[np.ndarray, np.ndarray]:
    pointers = np.zeros(len(groups) + 1, dtype=np.int64)
    pointers[1:] = np.cumsum([len(g) for g in groups])
    flat = np.fromiter((x for g in groups for x in g), dtype=dtype, count=int(pointers[-1]))
    return pointers, flat


class DiseaseTable:
    """Column store of diseases; row ``i`` of every array belongs to ``ids[i]``.

    Features: ``feature_terms[feature_pointers[i]:feature_pointers[i+1]]`` are term indices
    of the ontology, ``feature_frequencies`` the matching fractions (NaN = not stated).
    """

    def __init__(self, diseases: Sequence[Disease], term_index: Mapping[str, int]) -> None:
        self.ids: list[str] = [d.id for d in diseases]
        self.names: list[str] = [d.name for d in diseases]
        self.gene_symbols: list[tuple[str, ...]] = [d.gene_symbols for d in diseases]
        self.feature_pointers, self.feature_terms = _csr([[term_index[f.term_id] for f in d.features] for d in diseases])
        self.feature_frequencies = np.array(
            [np.nan if f.frequency is None else f.frequency for d in diseases for f in d.features], dtype=np.float64
        )
        self.excluded_pointers, self.excluded_terms = _csr([[term_index[t] for t in d.excluded_features] for d in diseases])
        bit = {mode: 1 << k for k, mode in enumerate(INHERITANCE_ORDER)}
        self.inheritance_bits = np.array([sum(bit[m] for m in d.inheritance) for d in diseases], dtype=np.int32)
        self.incomplete_penetrance = np.array([d.incomplete_penetrance for d in diseases], dtype=bool)
        self.row: dict[str, int] = {disease_id: i for i, disease_id in enumerate(self.ids)}

    def __len__(self) -> int:
        return len(self.ids)

    def inheritance(self, i: int) -> frozenset[DiseaseInheritance]:
        bits = int(self.inheritance_bits[i])
        return frozenset(mode for k, mode in enumerate(INHERITANCE_ORDER) if bits >> k & 1)

    def disease(self, i: int, term_ids: Sequence[str]) -> Disease:
        """Row ``i`` as a model Disease; ``term_ids`` maps term indices back to ids."""
        start, end = self.feature_pointers[i], self.feature_pointers[i + 1]
        features = tuple(
            TermAnnotation(term_ids[t], None if np.isnan(f) else float(f))
            for t, f in zip(self.feature_terms[start:end].tolist(), self.feature_frequencies[start:end].tolist())
        )
        excluded = self.excluded_terms[self.excluded_pointers[i]:self.excluded_pointers[i + 1]]
        return Disease(
            id=self.ids[i],
            name=self.names[i],
            features=features,
            excluded_features=tuple(term_ids[t] for t in excluded.tolist()),
            inheritance=self.inheritance(i),
            gene_symbols=self.gene_symbols[i],
            incomplete_penetrance=bool(self.incomplete_penetrance[i]),
        )


class DiseaseMap(Mapping[str, Disease]):
    """Read-only ``disease id -> Disease`` view of a table; objects are built once, when asked for."""

    def __init__(self, table: DiseaseTable, term_ids: Sequence[str]) -> None:
        self._table = table
        self._term_ids = term_ids
        self._built: dict[int, Disease] = {}

    def by_row(self, i: int) -> Disease:
        disease = self._built.get(i)
        if disease is None:
            disease = self._built[i] = self._table.disease(i, self._term_ids)
        return disease

    def __getitem__(self, disease_id: str) -> Disease:
        return self.by_row(self._table.row[disease_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._table.ids)

    def __len__(self) -> int:
        return len(self._table)

    def __contains__(self, disease_id: object) -> bool:
        return disease_id in self._table.row
