"""Load the pinned knowledge once: parse the sources, or read the compact cache built from them.

The cache (a pickle in ``paths.cache_dir()``) is keyed by the source files' names, sizes and
modification times plus a format number, so replacing a file (``workbench ontology update``)
or upgrading this code rebuilds it; it is written to a temporary file and renamed, so a crash
or a concurrent reader never sees half a cache.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Sequence

import numpy as np

from workbench import paths
from workbench.collector import collector_paused
from workbench.knowledge.constraint import GeneConstraint
from workbench.knowledge.diseases import DiseaseMap, DiseaseTable
from workbench.knowledge.genes import GeneIndex
from workbench.knowledge.ontology import Ontology
from workbench.knowledge.sources import (
    CONSTRAINT_FILE,
    GENES_TO_PHENOTYPE_FILE,
    HGNC_FILE,
    HPOA_FILE,
    MONDO_FILE,
    OBO_FILE,
    SOURCE_FILES,
    build_diseases,
    HgncRecord,
    link_orphanet_twins,
    read_constraint,
    read_gene_disease_links,
    read_hgnc,
    read_hpoa,
    read_obo,
    read_orphanet_twins,
    read_sources_manifest,
    source_path,
)
from workbench.model import Disease, Gene, TermAnnotation

log = logging.getLogger(__name__)

# Bump when the cached structure changes so old caches are ignored.
CACHE_FORMAT = 8  # 8: diseases carry HPO's incomplete-penetrance qualifier


class Knowledge:
    """HPO, its disease annotations, the HGNC genes and gnomAD constraint, as one versioned object.

    ``version`` names every source release, so results can carry what they were computed with.
    ``warnings`` lists what the loader had to leave out (e.g. genes HGNC does not know).
    ``constraint`` is gnomAD's gene constraint, None when the folder has no constraint file.
    """

    def __init__(
        self,
        hpo: Ontology,
        diseases: Sequence[Disease],
        genes: GeneIndex,
        version: str,
        warnings: tuple[str, ...] = (),
        constraint: GeneConstraint | None = None,
    ) -> None:
        self.hpo = hpo
        self.constraint = constraint
        self.version = version
        self.genes = genes
        self.warnings = warnings
        self.disease_table = DiseaseTable(diseases, hpo.index)
        by_gene: dict[str, list[int]] = defaultdict(list)
        for row, disease in enumerate(diseases):
            for symbol in disease.gene_symbols:
                gene = genes.lookup(symbol)
                if gene is not None:
                    by_gene[gene.hgnc_id].append(row)
        self.disease_rows_by_gene: dict[str, tuple[int, ...]] = {h: tuple(rows) for h, rows in by_gene.items()}
        self.diseases: DiseaseMap = DiseaseMap(self.disease_table, [t.id for t in hpo.terms])

    # Set by ``load_knowledge`` to the on-disk cache state this object came from; None when
    # built directly (nothing derived from it is then saved).
    cache_key: str | None = None

    def derived_cache_path(self, name: str) -> Path | None:
        """Where a structure derived from this knowledge (e.g. the phenotype index) is saved:
        beside the knowledge cache, named by its state, so an update or a new format orphans it
        and the loader deletes it with the old cache. None when the knowledge is not cached."""
        return None if self.cache_key is None else _cache_path(self.cache_key).with_suffix(f".{name}")

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["diseases"]  # a view: rebuilt on load, so Disease objects are never pickled
        state.pop("cache_key", None)
        state.pop("disease_genes", None)  # derived on first use
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self.diseases = DiseaseMap(self.disease_table, [t.id for t in self.hpo.terms])

    def diseases_for_gene(self, hgnc_id: str) -> tuple[Disease, ...]:
        """Diseases HPO links to the gene (by HGNC id; a symbol is looked up too)."""
        if hgnc_id not in self.disease_rows_by_gene and not hgnc_id.startswith("HGNC:"):
            gene = self.genes.lookup(hgnc_id)
            hgnc_id = gene.hgnc_id if gene else hgnc_id
        return tuple(self.diseases.by_row(row) for row in self.disease_rows_by_gene.get(hgnc_id, ()))

    @functools.cached_property
    def disease_genes(self) -> tuple[Gene, ...]:
        """Every gene with at least one HPO disease, sorted by symbol (built once: every case's
        ranking asks for it)."""
        found = (self.genes.by_hgnc_id(h) for h in self.disease_rows_by_gene)
        return tuple(sorted((g for g in found if g is not None), key=lambda g: g.symbol))


def _normalise_features(diseases: tuple[Disease, ...], ontology: Ontology) -> tuple[tuple[Disease, ...], list[str]]:
    """Map annotation terms to current ids (alt ids, obsolete -> replacement) once, at load."""
    fixed: list[Disease] = []
    unknown: set[str] = set()

    def current(term_id: str) -> str | None:
        mapped, _ = ontology.current_id(term_id)
        if mapped is None:
            unknown.add(term_id)
        return mapped

    for disease in diseases:
        merged: dict[str, float | None] = {}
        for feature in disease.features:
            term_id = current(feature.term_id)
            if term_id is None:
                continue
            previous = merged.get(term_id)
            merged[term_id] = feature.frequency if previous is None else max(previous, feature.frequency or 0.0)
        excluded = sorted({t for t in map(current, disease.excluded_features) if t})
        fixed.append(Disease(
            id=disease.id,
            name=disease.name,
            features=tuple(TermAnnotation(t, f) for t, f in sorted(merged.items())),
            excluded_features=tuple(excluded),
            inheritance=disease.inheritance,
            gene_symbols=disease.gene_symbols,
            incomplete_penetrance=disease.incomplete_penetrance,
        ))
    notes = [f"{len(unknown)} annotation terms unknown to this HPO release were left out: {', '.join(sorted(unknown)[:10])}"] if unknown else []
    return tuple(fixed), notes


def _disease_counts(ontology: Ontology, diseases: tuple[Disease, ...]) -> np.ndarray:
    """Per term, how many diseases carry it or a descendant (the true-path rule)."""
    counts = np.zeros(len(ontology), dtype=np.int64)
    for disease in diseases:
        reached: set[int] = set()
        for feature in disease.features:
            reached.update(ontology.ancestor_index_array(ontology.index[feature.term_id]).tolist())
        if reached:
            counts[list(reached)] += 1
    return counts


def build_knowledge(directory: Path) -> Knowledge:
    """Parse every source file of ``directory`` (slow: seconds); ``load_knowledge`` caches this."""
    ontology_data = read_obo(source_path(directory, OBO_FILE))
    hgnc = read_hgnc(source_path(directory, HGNC_FILE))
    drafts = read_hpoa(source_path(directory, HPOA_FILE))
    links, unplaced = read_gene_disease_links(source_path(directory, GENES_TO_PHENOTYPE_FILE), hgnc)
    mondo = source_path(directory, MONDO_FILE)
    if mondo.exists():
        links = link_orphanet_twins(links, read_orphanet_twins(mondo))
    diseases = build_diseases(drafts, links, ontology_data, hgnc)
    provisional = Ontology(ontology_data, np.zeros(len(ontology_data.terms), dtype=np.int64), 0)
    diseases, notes = _normalise_features(diseases, provisional)
    if not mondo.exists():
        notes.append(f"{MONDO_FILE} is missing: Orphanet diseases that genes_to_phenotype does not link to a "
                     "gene stay unlinked, even when Mondo calls them the same disease as a linked OMIM entry")
    annotated = tuple(d for d in diseases if d.features)
    ontology = Ontology(ontology_data, _disease_counts(provisional, annotated), len(annotated))
    if unplaced:
        notes.append(f"{len(unplaced)} genes of {GENES_TO_PHENOTYPE_FILE} are not approved HGNC genes and were left out: {', '.join(unplaced[:10])}")
    return Knowledge(ontology, diseases, GeneIndex(hgnc), _version(directory, ontology_data.version), tuple(notes),
                     _constraint(directory, hgnc, diseases))


def _constraint(directory: Path, hgnc: tuple[HgncRecord, ...], diseases: Sequence[Disease]) -> GeneConstraint | None:
    """gnomAD constraint with the inheritance groups of each gene's diseases (None without the file)."""
    path = source_path(directory, CONSTRAINT_FILE)
    if not path.exists():
        return None
    hgnc_of = {g.symbol: g.hgnc_id for g in hgnc}
    groups: dict[str, set[str]] = defaultdict(set)
    for disease in diseases:
        for symbol in disease.gene_symbols:
            groups[hgnc_of[symbol]].update(i.group for i in disease.inheritance)
    return GeneConstraint(read_constraint(path, hgnc), {h: frozenset(g) for h, g in groups.items()})


def _version(directory: Path, hpo_version: str) -> str:
    manifest = read_sources_manifest(directory)
    parts = [f"HPO {hpo_version}"]
    if "hgnc" in manifest:
        parts.append(f"HGNC {manifest['hgnc'].get('version', '?')}")
    if source_path(directory, MONDO_FILE).exists():
        parts.append(f"Mondo {manifest.get('mondo', {}).get('version', 'unversioned')}")
    if source_path(directory, CONSTRAINT_FILE).exists():
        parts.append(manifest.get("gnomad_constraint", {}).get("version", "gnomAD constraint (unversioned)"))
    if "gencode" in manifest:
        parts.append(manifest["gencode"].get("version", "GENCODE ?").split(" (")[0])
    return " · ".join(parts)


def _cache_key(directory: Path) -> str:
    """``<folder>-<state>``: a hash of the folder's path, then of the sources' names, sizes and
    modification times (and SOURCES.json) with the cache format."""
    folder = hashlib.sha256(str(directory).encode()).hexdigest()[:12]
    digest = hashlib.sha256(f"format {CACHE_FORMAT}\n".encode())
    for name in (*SOURCE_FILES, "SOURCES.json"):
        path = source_path(directory, name) if name != "SOURCES.json" else directory / name
        if path.exists():
            stat = path.stat()
            digest.update(f"{path.name} {stat.st_size} {stat.st_mtime_ns}\n".encode())
        else:
            digest.update(f"{name} missing\n".encode())
    return f"{folder}-{digest.hexdigest()[:16]}"


def folder_state(directory: Path | None = None) -> str:
    """The knowledge folder's state, as :func:`load_knowledge` keys its cache, without loading it
    (a case cache can be looked up, and a VCF read, before the knowledge is in memory)."""
    return _cache_key(Path(directory or paths.knowledge_dir()).resolve())


def cache_file(directory: Path) -> Path:
    """Where the cache for this knowledge folder (in its current state) lives."""
    return _cache_path(_cache_key(Path(directory).resolve()))


def _cache_path(key: str) -> Path:
    return paths.cache_dir() / f"knowledge-{key}.pickle"


def load_knowledge(directory: Path | None = None) -> Knowledge:
    """The knowledge of ``directory`` (default: the pinned ``ontology/`` folder).

    Cached twice: in memory per folder state (repeated calls are free) and on disk, so a new
    process reads a pickle (about half a second) instead of parsing the sources (10-40 s).
    """
    directory = Path(directory or paths.knowledge_dir()).resolve()
    return _load(directory, _cache_key(directory))


@functools.lru_cache(maxsize=4)
def _load(directory: Path, key: str) -> Knowledge:
    path = _cache_path(key)
    if path.exists():
        try:
            with open(path, "rb") as handle, collector_paused():  # unpickling: a few hundred thousand objects
                knowledge = pickle.load(handle)
            if isinstance(knowledge, Knowledge):
                knowledge.cache_key = key
                return knowledge
        except Exception as error:  # a damaged cache is rebuilt, never fatal
            log.warning("ignoring unreadable knowledge cache %s (%s)", path, error)
    knowledge = build_knowledge(directory)
    write_cache(path, knowledge)
    knowledge.cache_key = key
    folder = key.split("-", 1)[0]
    for stale in path.parent.glob(f"knowledge-{folder}-*"):  # older states of this folder, derived files too
        if not stale.name.startswith(path.stem + "."):
            stale.unlink(missing_ok=True)
    return knowledge


def write_cache(path: Path, value: object) -> None:
    """Pickle ``value`` to a temporary file beside ``path``, then rename: a reader never sees half a cache.

    A read-only or full cache folder is not fatal: the caller works from memory, and the log says so.
    """
    handle = None
    try:
        handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, suffix=".tmp", delete=False)
        with handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError as error:
        log.warning("could not write knowledge cache %s (%s)", path, error)
        if handle is not None:
            Path(handle.name).unlink(missing_ok=True)
