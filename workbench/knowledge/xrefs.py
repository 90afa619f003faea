"""The same disease under its other ids: an Orphanet entry's OMIM twin(s) and back (Mondo exact matches).

A report names the condition by the id HPO annotated (often ``ORPHA:``); clinicians and the
ACMG standard expect the OMIM number too.

>>> condition_xrefs("ORPHA:1496")
('OMIM:218000',)
>>> condition_xrefs("OMIM:218000")
('ORPHA:1496',)
>>> condition_xrefs("DECIPHER:1")
()
"""
from __future__ import annotations

import functools
from collections import defaultdict
from pathlib import Path

from workbench import paths
from workbench.knowledge.sources import MONDO_FILE, read_orphanet_twins, source_path


@functools.lru_cache(maxsize=2)
def _twins(directory: Path) -> dict[str, tuple[str, ...]]:
    path = source_path(directory, MONDO_FILE)
    if not path.exists():
        return {}
    both: dict[str, set[str]] = defaultdict(set)
    for orpha, omims in read_orphanet_twins(path).items():
        both[orpha] |= omims
        for omim in omims:
            both[omim].add(orpha)
    return {k: tuple(sorted(v)) for k, v in both.items()}


def condition_xrefs(condition_id: str | None, directory: Path | None = None) -> tuple[str, ...]:
    """Other ids of the condition (none when the knowledge folder has no Mondo mapping)."""
    if not condition_id:
        return ()
    return _twins(Path(directory or paths.knowledge_dir()).resolve()).get(condition_id, ())
