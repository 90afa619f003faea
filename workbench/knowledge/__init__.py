"""Pinned biomedical knowledge: the HPO, its disease annotations and HGNC genes.

    >>> from workbench.knowledge import load_knowledge   # doctest: +SKIP
    >>> kb = load_knowledge()                           # doctest: +SKIP
    >>> kb.hpo.search("seiz")[0].label                  # doctest: +SKIP
    'Seizure'
"""
from workbench.knowledge.genes import GeneIndex
from workbench.knowledge.knowledge import Knowledge, build_knowledge, load_knowledge
from workbench.knowledge.ontology import Ontology, TermResolution
from workbench.knowledge.sources import SourceError

__all__ = ["GeneIndex", "Knowledge", "Ontology", "SourceError", "TermResolution", "build_knowledge", "load_knowledge"]
