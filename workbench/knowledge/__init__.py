"""Pinned biomedical knowledge: the HPO, its disease annotations (joined to genes through HGNC and
Mondo) and gnomAD gene constraint.

``load_knowledge()`` reads the pinned ``ontology/`` folder; here the tiny test slice:

    >>> from workbench.paths import REPO_ROOT
    >>> kb = load_knowledge(REPO_ROOT / "tests" / "fixtures" / "hpo_slice")
    >>> kb.version
    'HPO 2024-01-01'
    >>> [t.label for t in kb.hpo.search("seiz")]
    ['Seizure', 'Focal-onset seizure', 'Generalized-onset seizure']
    >>> kb.hpo.resolve(["HP:0002306"]).warnings[0]
    'HP:0002306 is an alternative id of HP:0001250 (Seizure); using HP:0001250'
    >>> [d.name for d in kb.diseases_for_gene(kb.genes.lookup("OLDB").hgnc_id)]
    ['Disease B']
"""
from workbench.knowledge.genes import GeneIndex
from workbench.knowledge.knowledge import Knowledge, build_knowledge, folder_state, load_knowledge
from workbench.knowledge.ontology import Ontology, TermResolution
from workbench.knowledge.sources import SourceError
from workbench.knowledge.transcripts import ManeTranscript, ManeTranscripts, load_mane

__all__ = ["GeneIndex", "Knowledge", "Ontology", "SourceError", "TermResolution", "build_knowledge", "load_knowledge",
           "ManeTranscript", "ManeTranscripts", "load_mane"]
