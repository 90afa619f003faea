"""The pinned copy-number knowledge as one versioned object: ClinGen dosage, gnomAD SV frequencies.

Loaded once per process and cached on disk like :mod:`workbench.knowledge.knowledge` (a pickle
keyed by the files' names, sizes and modification times), since parsing the 886,000 gnomAD
sites takes a few seconds and the pickle a few tens of milliseconds. A missing file is not
fatal: the part it feeds is "not assessed", and :attr:`SvKnowledge.warnings` says so.
"""
from __future__ import annotations

import functools
import hashlib
import logging
import pickle
from dataclasses import dataclass
from pathlib import Path

from workbench import paths
from workbench.knowledge.dosage import DOSAGE_FILE, DosageTable, read_dosage
from workbench.knowledge.knowledge import write_cache
from workbench.knowledge.sources import read_sources_manifest
from workbench.knowledge.sv_frequency import SV_FREQUENCY_FILE, SvFrequencyTable, read_sv_frequencies

log = logging.getLogger(__name__)
CACHE_FORMAT = 2


@dataclass
class SvKnowledge:
    """``dosage`` / ``frequencies`` are None when their file is missing (see ``warnings``)."""

    dosage: DosageTable | None
    frequencies: SvFrequencyTable | None
    version: str
    warnings: tuple[str, ...] = ()
    calibrated_for: tuple | None = None  # which Knowledge the dosage LRs were worked out against


def build_sv_knowledge(directory: Path) -> SvKnowledge:
    manifest = read_sources_manifest(directory)
    warnings, parts = [], []
    dosage = frequencies = None
    if (directory / DOSAGE_FILE).exists():
        dosage = read_dosage(directory / DOSAGE_FILE)
        parts.append(manifest.get("clingen_dosage", {}).get("version", "ClinGen dosage (unversioned)"))
    else:
        warnings.append(f"{DOSAGE_FILE} is missing: CNVs are ranked without ClinGen dosage sensitivity")
    if (directory / SV_FREQUENCY_FILE).exists():
        frequencies = read_sv_frequencies(directory / SV_FREQUENCY_FILE)
        parts.append(manifest.get("gnomad_sv", {}).get("version", "gnomAD SV (unversioned)"))
    else:
        warnings.append(f"{SV_FREQUENCY_FILE} is missing: CNV population frequency is not assessed")
    return SvKnowledge(dosage, frequencies, " · ".join(parts) or "no CNV knowledge", tuple(warnings))


def _cache_key(directory: Path) -> str:
    digest = hashlib.sha256(f"sv format {CACHE_FORMAT} {directory}\n".encode())
    for name in (DOSAGE_FILE, SV_FREQUENCY_FILE, "SOURCES.json"):
        path = directory / name
        stat = path.stat() if path.exists() else None
        digest.update(f"{name} {stat.st_size if stat else '-'} {stat.st_mtime_ns if stat else '-'}\n".encode())
    return digest.hexdigest()[:24]


def knowledge_key(directory: Path | None = None) -> str:
    """The state of the CNV knowledge files (names, sizes, times): changes when they are replaced."""
    return _cache_key(Path(directory or paths.knowledge_dir()).resolve())


def load_sv_knowledge(directory: Path | None = None) -> SvKnowledge:
    """The CNV knowledge of ``directory`` (default: the pinned ``ontology/`` folder), cached."""
    directory = Path(directory or paths.knowledge_dir()).resolve()
    return _load(directory, _cache_key(directory))


@functools.lru_cache(maxsize=2)
def _load(directory: Path, key: str) -> SvKnowledge:
    path = paths.cache_dir() / f"sv-knowledge-{key}.pickle"
    if path.exists():
        try:
            with open(path, "rb") as fh:
                value = pickle.load(fh)
            if isinstance(value, SvKnowledge):
                return value
        except Exception as error:  # a damaged cache is rebuilt, never fatal
            log.warning("ignoring unreadable CNV knowledge cache %s (%s)", path, error)
    value = build_sv_knowledge(directory)
    write_cache(path, value)
    return value


def calibrated_sv_knowledge(knowledge, directory: Path | None = None) -> SvKnowledge:
    """:func:`load_sv_knowledge` with ClinGen's score classes weighed against the diseases of
    ``knowledge`` (a :class:`~workbench.knowledge.Knowledge`); worked out once per pair."""
    sv = load_sv_knowledge(directory)
    marker = (id(knowledge), knowledge.version)
    if sv.dosage is not None and sv.calibrated_for != marker:
        groups = {}
        for hgnc_id in knowledge.disease_rows_by_gene:
            groups[hgnc_id] = frozenset(i.group for d in knowledge.diseases_for_gene(hgnc_id) for i in d.inheritance)
        sv.dosage.calibrate(groups)
        sv.calibrated_for = marker
    return sv
