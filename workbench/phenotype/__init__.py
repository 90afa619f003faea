"""Phenotype engine: score every disease and gene against a patient's observed/excluded HPO terms.

On the tiny test slice (the real call is ``LikelihoodRatioScorer(load_knowledge())``):

    >>> from workbench.knowledge import load_knowledge
    >>> from workbench.model import PhenotypeProfile
    >>> from workbench.paths import REPO_ROOT
    >>> scorer = LikelihoodRatioScorer(load_knowledge(REPO_ROOT / "tests" / "fixtures" / "hpo_slice"))
    >>> best = scorer.score_genes(PhenotypeProfile(observed=("HP:0007359",)))[0]
    >>> best.gene.symbol, best.best.disease.name, round(best.score, 3)   # log10 LR = log10(3)
    ('GENEA', 'Disease A', 0.477)
    >>> best.best.explanation[0].how
    'exact'
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
