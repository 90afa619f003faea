"""``workbench ontology update``: replace the pinned HPO with a newer release, safely.

The new file is downloaded next to the old one, parsed in full (it must be OBO with a
data-version), and only then swapped in with an atomic rename; the old file is kept under
``previous/`` with its version in the name, SOURCES.json records the new version and
checksum, and the knowledge cache is invalidated. Any failure leaves the folder untouched: a
swap that fails part-way puts back the files it had already replaced.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import requests

from workbench import paths
from workbench.knowledge.knowledge import _load, cache_file
from workbench.knowledge.sources import (
    open_binary,
    GENES_TO_PHENOTYPE_FILE,
    HGNC_FILE,
    HPOA_FILE,
    OBO_FILE,
    SourceError,
    read_gene_disease_links,
    read_hgnc,
    read_hpoa,
    read_obo,
    read_obo_version,
    source_path,
)

HPO_RELEASE = "https://github.com/obophenotype/human-phenotype-ontology/releases/latest/download"
DEFAULT_OBO_URL = f"{HPO_RELEASE}/hp.obo"
DEFAULT_HPOA_URL = f"{HPO_RELEASE}/phenotype.hpoa"
DEFAULT_GENES_URL = f"{HPO_RELEASE}/genes_to_phenotype.txt"
GZIP_MAGIC = b"\x1f\x8b"


class UpdateError(RuntimeError):
    """The update could not be done; the knowledge folder was left as it was."""


@dataclass(frozen=True)
class UpdateResult:
    old_version: str
    new_version: str
    replaced: tuple[str, ...]  # file names swapped in
    backups: tuple[Path, ...]


def _download(url: str, destination: Path, timeout: float) -> None:
    try:
        with requests.get(url, stream=True, timeout=timeout) as response:
            response.raise_for_status()
            with open(destination, "wb") as handle:
                for chunk in response.iter_content(chunk_size=1 << 20):
                    handle.write(chunk)
    except requests.RequestException as error:
        raise UpdateError(f"could not download {url}: {error}") from error


def _store_like(downloaded: Path, target: Path) -> Path:
    """Write the download compressed or plain, as the file it replaces is, beside it."""
    with open(downloaded, "rb") as handle:
        is_gzip = handle.read(2) == GZIP_MAGIC
    staged = target.with_name(f".{target.name}.incoming")
    want_gzip = target.suffix == ".gz"
    if is_gzip == want_gzip:
        shutil.copyfile(downloaded, staged)
    else:
        opener = gzip.open if is_gzip else open
        with opener(downloaded, "rb") as source, (gzip.open if want_gzip else open)(staged, "wb") as sink:
            shutil.copyfileobj(source, sink)
    return staged


def _sha256_uncompressed(path: Path) -> str:
    digest = hashlib.sha256()
    with open_binary(path) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def update_ontology(
    directory: Path | None = None,
    obo_url: str = DEFAULT_OBO_URL,
    hpoa_url: str | None = None,
    timeout: float = 120.0,
    force: bool = False,
    genes_url: str | None = None,
) -> UpdateResult:
    """Fetch, verify and swap in a new hp.obo, with phenotype.hpoa and genes_to_phenotype.txt
    of the same release when their URLs are given (annotations and gene links should move
    together: new diseases have no genes otherwise)."""
    directory = Path(directory or paths.knowledge_dir())
    obo_target = source_path(directory, OBO_FILE)
    if not obo_target.exists():
        raise UpdateError(f"{directory}: no {OBO_FILE} to update (is this the knowledge folder?)")
    old_version = read_obo_version(obo_target)
    stale_cache = cache_file(directory)
    staged: list[tuple[Path, Path]] = []

    def fetch(url: str, name: str, scratch: str) -> Path:
        target = source_path(directory, name)
        raw = Path(scratch) / f"{name}.download"
        _download(url, raw, timeout)
        incoming = _store_like(raw, target)
        staged.append((incoming, target))
        return incoming

    with tempfile.TemporaryDirectory(dir=directory, prefix=".update-") as scratch:
        try:
            try:
                new_ontology = read_obo(fetch(obo_url, OBO_FILE, scratch))
            except SourceError as error:
                raise UpdateError(f"{obo_url} is not a usable HPO release: {error}") from error
            if new_ontology.version == old_version and not force:
                raise UpdateError(f"{obo_url} is HPO {old_version}, the release already installed (use --force to reinstall)")
            if hpoa_url:
                try:
                    read_hpoa(fetch(hpoa_url, HPOA_FILE, scratch))
                except SourceError as error:
                    raise UpdateError(f"{hpoa_url} is not a usable annotation file: {error}") from error
            if genes_url:
                try:
                    read_gene_disease_links(fetch(genes_url, GENES_TO_PHENOTYPE_FILE, scratch),
                                            read_hgnc(source_path(directory, HGNC_FILE)))
                except SourceError as error:
                    raise UpdateError(f"{genes_url} is not a usable gene-disease file: {error}") from error
        except BaseException:
            for incoming, _ in staged:
                incoming.unlink(missing_ok=True)
            raise
    backups = _swap_in(directory, staged, old_version, new_ontology.version, obo_url)
    stale_cache.unlink(missing_ok=True)
    _load.cache_clear()
    return UpdateResult(old_version, new_ontology.version, tuple(t.name for _, t in staged), tuple(backups))


def _swap_in(directory: Path, staged: list[tuple[Path, Path]], old_version: str, new_version: str,
             url: str) -> list[Path]:
    """Replace every target with its staged file and record them, or, if any step fails, none.

    Each os.replace is atomic, but a release is several files: a failure part-way (disk full,
    permissions) puts the files already swapped back from their backups, so the folder never
    mixes two releases. Returns the backups under ``previous/``.
    """
    previous = directory / "previous"
    made_previous = not previous.exists()
    backups: list[Path] = []
    new_backups: list[Path] = []  # written by this run (not an older run's copy): removed on failure
    swapped: list[tuple[Path, Path]] = []  # (target, its backup) already replaced
    try:
        previous.mkdir(exist_ok=True)
        for _, target in staged:
            backup = previous / target.name.replace(".", f".{old_version}.", 1)
            if not backup.exists():
                new_backups.append(backup)
            shutil.copy2(target, backup)
            backups.append(backup)
        for (incoming, target), backup in zip(staged, backups):
            os.replace(incoming, target)  # atomic: readers see the old file or the new one
            swapped.append((target, backup))
        _record_in_manifest(directory, new_version, url, [target for _, target in staged])
    except BaseException as error:
        for target, backup in reversed(swapped):
            restoring = target.with_name(f".{target.name}.restoring")
            shutil.copy2(backup, restoring)  # keeps the old mtime: the old knowledge cache stays valid
            os.replace(restoring, target)
        for path in [incoming for incoming, _ in staged] + new_backups:
            path.unlink(missing_ok=True)
        if made_previous and previous.exists() and not any(previous.iterdir()):
            previous.rmdir()
        if isinstance(error, OSError):
            raise UpdateError(f"could not swap in the new release ({error}); the previous files were put back") \
                from error
        raise
    return backups


def _record_in_manifest(directory: Path, version: str, url: str, files: list[Path]) -> None:
    manifest_path = directory / "SOURCES.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    hpo = manifest.setdefault("hpo", {})
    hpo["version"] = version
    hpo["source"] = url
    hpo.setdefault("files", {})
    for path in files:
        hpo["files"][path.name] = {"uncompressed_sha256": _sha256_uncompressed(path)}
    staged = manifest_path.with_name(".SOURCES.json.incoming")
    staged.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(staged, manifest_path)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ontology", help="manage the pinned HPO knowledge")
    commands = parser.add_subparsers(dest="ontology_command", required=True)
    update = commands.add_parser("update", help="fetch a newer HPO release, verify it, swap it in (old one kept)")
    update.add_argument("--url", default=DEFAULT_OBO_URL, help="hp.obo to install (plain or gzip; default: latest HPO release)")
    update.add_argument("--annotations-url", default=None, help=f"phenotype.hpoa to install with it (optional; e.g. {DEFAULT_HPOA_URL})")
    update.add_argument("--genes-url", default=None, help=f"genes_to_phenotype.txt to install with it (optional; e.g. {DEFAULT_GENES_URL})")
    update.add_argument("--dir", type=Path, default=None, help="knowledge folder (default: WORKBENCH_ONTOLOGY_DIR or ontology/)")
    update.add_argument("--timeout", type=float, default=120.0, help="seconds per download")
    update.add_argument("--force", action="store_true", help="install even if it is the same release")
    update.set_defaults(run=_run_update)


def _run_update(args: argparse.Namespace) -> int:
    try:
        result = update_ontology(args.dir, args.url, args.annotations_url, args.timeout, args.force, args.genes_url)
    except (UpdateError, SourceError) as error:
        print(f"ontology update failed: {error}; nothing was changed", file=sys.stderr)
        return 1
    print(f"HPO {result.old_version} -> {result.new_version}: replaced {', '.join(result.replaced)}")
    for backup in result.backups:
        print(f"previous file kept at {backup}")
    return 0
