"""Which files on the server the web app may read: only those inside the configured data folders.

A path typed into the app (or a phenopacket's file ``uri``) is resolved to its real location,
links followed, and must then lie inside one of the folders named by ``WORKBENCH_DATA_DIRS``
(separated by ``:``). By default these are the demo cases (``case_data/``) and ``data/`` in the
workbench data home (``$XDG_DATA_HOME/workbench/data``). A refusal never says whether the file
exists, nor where a link leads: both would tell a visitor about the server.

>>> import os, tempfile
>>> root = Path(tempfile.mkdtemp())
>>> (root / "trio.vcf").write_text("##fileformat=VCFv4.2\\n")
21
>>> allowed_path(root / "trio.vcf", [root]) == (root / "trio.vcf").resolve()
True
>>> allowed_path("/etc/shadow", [root])
Traceback (most recent call last):
workbench.io.server_files.PathNotAllowed: /etc/shadow is not inside a data folder this server allows (...)
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Sequence

from workbench.io.errors import InputError
from workbench.paths import REPO_ROOT, data_dir

ENV_VAR = "WORKBENCH_DATA_DIRS"


class PathNotAllowed(InputError):
    """A server path outside the configured data folders (or with ``..``): never read."""


def data_dirs() -> tuple[Path, ...]:
    """The folders the app may read server files from, as configured (see the module docstring)."""
    configured = os.environ.get(ENV_VAR, "")
    if configured.strip():
        return tuple(Path(p).expanduser() for p in configured.split(os.pathsep) if p.strip())
    return REPO_ROOT / "case_data", data_dir() / "data"


def allowed_path(path: str | Path, roots: Sequence[str | Path] | None = None) -> Path:
    """The real path of ``path`` when it lies inside one of ``roots`` (default :func:`data_dirs`), else
    :class:`PathNotAllowed`. ``..`` is refused outright and links are followed before the check, so
    neither can lead outside. The path must be absolute: a relative one would depend on where the
    server was started."""
    text = str(path)
    roots = data_dirs() if roots is None else roots
    where = f"{ENV_VAR}: {', '.join(str(r) for r in roots)}"
    if "\x00" in text or not text.strip():
        raise PathNotAllowed("give the full path of a file inside a data folder")
    given = Path(text)
    if ".." in given.parts:
        raise PathNotAllowed(f"{text}: paths with '..' are not accepted; give the full path inside a data folder ({where})")
    if not given.is_absolute():
        raise PathNotAllowed(f"{text}: give the full path (starting with /) of a file inside a data folder ({where})")
    real = Path(os.path.realpath(given))
    for root in roots:
        if real.is_relative_to(os.path.realpath(root)):
            return real
    raise PathNotAllowed(f"{text} is not inside a data folder this server allows ({where})")


def allowed_paths(paths: Iterable[str | Path], roots: Sequence[str | Path] | None = None) -> list[Path]:
    """:func:`allowed_path` of each path, in order."""
    return [allowed_path(p, roots) for p in paths]
