"""Gene ranking: phenotype, variant and inheritance evidence combined into a posterior per gene.

    >>> from workbench.ranking import analyse_case          # doctest: +SKIP
    >>> analysis = analyse_case("trio.vcf.gz", "trio.ped")  # reads the VCF once  # doctest: +SKIP
    >>> analysis.rank(PhenotypeProfile(observed=("HP:0001250",))).genes[0].gene_symbol  # doctest: +SKIP

The model is described in :mod:`workbench.ranking.rank`; its constants in
:mod:`workbench.ranking.evidence`.
"""
from workbench.ranking.case import CaseAnalysis, analyse_case, resolve_profile
from workbench.ranking.result import Explanation, RankedGene, Ranking, TermEvidence

__all__ = ["CaseAnalysis", "Explanation", "RankedGene", "Ranking", "TermEvidence", "analyse_case", "resolve_profile"]
