"""What every phenotype scorer returns, and the shared steps around the scoring itself.

A scorer turns a patient's observed and excluded terms into one number per disease
(``disease_scores``: a numpy array over all diseases, the fast path) and explains one disease
on request (``explain``). This module adds the rest once for all scorers: resolving ids,
ranking diseases, and scoring genes by their best disease.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from workbench.knowledge import Knowledge, TermResolution
from workbench.model import Disease, Gene, PhenotypeProfile
from workbench.phenotype.index import PhenotypeIndex


@dataclass(frozen=True)
class TermMatch:
    """How one patient term fared against one disease.

    ``disease_term`` is the disease's feature that matched best (None when nothing did),
    ``common_ancestor`` the most specific term both share, ``information_content`` its IC,
    ``contribution`` what the term added to the disease's score (log10 LR for the LR scorer),
    ``how`` says which rule applied, in words.
    """

    patient_term: str
    disease_term: str | None
    common_ancestor: str | None
    information_content: float
    contribution: float
    excluded: bool = False
    how: str = ""


@dataclass(frozen=True)
class DiseaseMatch:
    """A disease's score for one patient; the explanation is computed when first read."""

    disease: Disease
    score: float
    probability: float | None = None  # post-test probability across diseases (LR scorer only)
    rank: int = 0
    _explain: Callable[[], tuple[TermMatch, ...]] = field(default=tuple, repr=False, compare=False)

    @functools.cached_property
    def explanation(self) -> tuple[TermMatch, ...]:
        return self._explain()


@dataclass(frozen=True)
class GeneMatch:
    """A gene scored by its best disease; ``diseases`` holds all of the gene's diseases, best first."""

    gene: Gene
    score: float
    best: DiseaseMatch
    diseases: tuple[DiseaseMatch, ...]

    @property
    def probability(self) -> float | None:
        """Post-test probability that the diagnosis is one of this gene's diseases."""
        if self.best.probability is None:
            return None
        return min(1.0, sum(d.probability or 0.0 for d in self.diseases))


@dataclass(frozen=True)
class PreparedProfile:
    """A profile mapped to term indices: redundant ancestors dropped, conflicts removed."""

    observed: tuple[int, ...]
    excluded: tuple[int, ...]
    resolution: TermResolution
    warnings: tuple[str, ...]


class PhenotypeScorer:
    """Base of the scorers: subclasses implement ``disease_scores`` and ``explain``."""

    name = "phenotype"

    def __init__(self, knowledge: Knowledge, index: PhenotypeIndex) -> None:
        self.knowledge = knowledge
        self.index = index

    # The per-gene tables are built on first use: ranking a case's candidates needs only
    # ``disease_scores`` and ``explain``, so start-up (CLI, app, cohort workers) skips them.
    @functools.cached_property
    def _diseases(self) -> list[Disease]:
        return [self.knowledge.diseases.by_row(i) for i in range(len(self.knowledge.disease_table))]

    @functools.cached_property
    def _gene_rows(self) -> list[tuple[Gene, np.ndarray]]:
        genes = []
        for hgnc_id, rows in sorted(self.knowledge.disease_rows_by_gene.items()):
            gene = self.knowledge.genes.by_hgnc_id(hgnc_id)
            if gene is not None:
                genes.append((gene, np.asarray(rows, dtype=np.int64)))
        return genes

    @functools.cached_property
    def _gene_pointers(self) -> np.ndarray:
        return np.cumsum([0] + [len(rows) for _, rows in self._gene_rows])

    @functools.cached_property
    def _gene_flat_rows(self) -> np.ndarray:
        rows = [rows for _, rows in self._gene_rows]
        return np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)

    @property
    def genes(self) -> tuple[Gene, ...]:
        """The genes ``gene_score_array`` scores, in its order (HGNC id order)."""
        return tuple(gene for gene, _ in self._gene_rows)

    def gene_score_array(self, disease_scores: np.ndarray) -> np.ndarray:
        """Each gene's best disease score, aligned with ``genes`` (vectorised, for benchmarks
        and rankers that need all genes fast)."""
        return np.maximum.reduceat(disease_scores[self._gene_flat_rows], self._gene_pointers[:-1])

    # -- to implement ------------------------------------------------------------------------
    def disease_scores(self, prepared: PreparedProfile) -> np.ndarray:
        raise NotImplementedError

    def explain(self, prepared: PreparedProfile, disease_row: int) -> tuple[TermMatch, ...]:
        raise NotImplementedError

    def probabilities(self, scores: np.ndarray) -> np.ndarray | None:
        return None

    # -- shared ------------------------------------------------------------------------------
    def prepare(self, profile: PhenotypeProfile) -> PreparedProfile:
        """Resolve ids; keep only the most specific observed terms (an ancestor of another
        observed term adds nothing) and drop excluded terms an observed term implies."""
        hpo = self.knowledge.hpo
        resolution = hpo.resolve([*profile.observed, *profile.excluded])
        current = dict(resolution.replaced)
        unknown = set(resolution.unknown)
        messages = list(resolution.warnings)

        def indices(ids: tuple[str, ...]) -> list[int]:
            found = []
            for raw in ids:
                if raw in unknown:
                    continue
                i = hpo.index[current.get(raw, raw)]
                if i not in found:
                    found.append(i)
            return found

        observed = indices(profile.observed)
        observed_ancestors = {int(a) for q in observed for a in self.index.ancestors(q)}
        implied = {int(a) for q in observed for a in self.index.ancestors(q) if a != q}
        observed = [q for q in observed if q not in implied]
        excluded = []
        for x in indices(profile.excluded):
            term = hpo.terms[x]
            if x in observed_ancestors:
                messages.append(f"{term.id} ({term.label}) is marked excluded but an observed term implies it; ignored")
            else:
                excluded.append(x)
        excluded_set = set(excluded)
        excluded = [x for x in excluded if not (set(self.index.ancestors(x).tolist()) - {x}) & excluded_set]
        return PreparedProfile(tuple(observed), tuple(excluded), resolution, tuple(messages))

    def score_diseases(self, profile: PhenotypeProfile) -> list[DiseaseMatch]:
        """Every disease, best first."""
        prepared = self.prepare(profile)
        scores = self.disease_scores(prepared)
        order = np.argsort(-scores, kind="stable").tolist()
        build = self._builder(prepared, scores)
        return [build(row, rank) for rank, row in enumerate(order, start=1)]

    def _builder(self, prepared: PreparedProfile, scores: np.ndarray) -> Callable[[int, int], DiseaseMatch]:
        """A fast ``(row, rank) -> DiseaseMatch`` for one patient (plain lists, no numpy scalars)."""
        probabilities = self.probabilities(scores)
        score_list = scores.tolist()
        probability_list = [None] * len(score_list) if probabilities is None else probabilities.tolist()
        explain, diseases = self.explain, self._diseases

        def build(row: int, rank: int) -> DiseaseMatch:
            return DiseaseMatch(diseases[row], score_list[row], probability_list[row], rank,
                                functools.partial(explain, prepared, row))

        return build

    def score_genes(self, profile: PhenotypeProfile) -> list[GeneMatch]:
        """One entry per HGNC gene with an HPO disease, scored by its best disease, best first."""
        prepared = self.prepare(profile)
        scores = self.disease_scores(prepared)
        build = self._builder(prepared, scores)
        disease_rank = np.empty(len(scores), dtype=np.int64)
        disease_rank[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
        # every gene's diseases best first, in one vectorised sort: by gene, then by rank
        gene_of_row = np.repeat(np.arange(len(self._gene_rows)), np.diff(self._gene_pointers))
        order = np.lexsort((disease_rank[self._gene_flat_rows], gene_of_row))
        flat = self._gene_flat_rows[order].tolist()
        pointers = self._gene_pointers.tolist()
        ranks = disease_rank.tolist()
        matches: dict[int, DiseaseMatch] = {}
        genes = []
        for k, (gene, _) in enumerate(self._gene_rows):
            diseases = []
            for row in flat[pointers[k]:pointers[k + 1]]:
                match = matches.get(row)
                if match is None:
                    match = matches[row] = build(row, ranks[row])
                diseases.append(match)
            genes.append(GeneMatch(gene, diseases[0].score, diseases[0], tuple(diseases)))
        genes.sort(key=lambda g: (-g.score, g.gene.symbol))
        return genes
