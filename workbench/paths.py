"""Where the pinned knowledge files and the local cache live (overridable for tests)."""
from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def knowledge_dir() -> Path:
    """The folder of pinned HPO, HGNC and gene-table files (``ontology/`` in the repo)."""
    return Path(os.environ.get("WORKBENCH_ONTOLOGY_DIR", REPO_ROOT / "ontology"))


def data_dir() -> Path:
    """The user's workbench data folder (under XDG_DATA_HOME): the case store and uploads, never disposable.

    >>> data_dir().name
    'workbench'
    """
    return Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "workbench"


def cache_dir() -> Path:
    """Where derived caches are written; never inside the pinned knowledge folder."""
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "workbench"
    path = Path(os.environ.get("WORKBENCH_CACHE_DIR", default))
    path.mkdir(parents=True, exist_ok=True)
    return path
