"""Phenotype engine: score every disease and gene against a patient's observed/excluded HPO terms.

    >>> from workbench.phenotype import LikelihoodRatioScorer          # doctest: +SKIP
    >>> scorer = LikelihoodRatioScorer(load_knowledge())               # doctest: +SKIP
    >>> scorer.score_genes(PhenotypeProfile(observed=("HP:0001083",)))[0].gene.symbol  # doctest: +SKIP
"""
from workbench.phenotype.base import DiseaseMatch, GeneMatch, PhenotypeScorer, PreparedProfile, TermMatch
from workbench.phenotype.likelihood import LikelihoodRatioScorer
from workbench.phenotype.resnik import ResnikScorer

__all__ = [
    "DiseaseMatch",
    "GeneMatch",
    "LikelihoodRatioScorer",
    "PhenotypeScorer",
    "PreparedProfile",
    "ResnikScorer",
    "TermMatch",
]
