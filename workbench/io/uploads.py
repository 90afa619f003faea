"""A quick look at uploaded files before the full read: headers only, answers in milliseconds.

The upload page can tell the user at once that the PED names a sample the VCF lacks, that
the VCF is GRCh37, or that it has no annotation, instead of after a minute-long genome read.
The full read (:func:`workbench.io.read_family_vcf`) repeats these checks, so this is a
courtesy, never a gate that could disagree with it.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO, Iterable, Sequence

from workbench.io.annotation import AnnotationParser
from workbench.io.bgzf import has_eof_marker
from workbench.io.build import check_build
from workbench.io.errors import InputError
from workbench.io.merge import family_files
from workbench.io.ped import read_pedigree
from workbench.io.vcf_text import file_kind
from workbench.model import Trio


@dataclass(frozen=True)
class UploadCheck:
    """What the headers say: the family, where each person's calls are, build and annotation."""

    trio: Trio
    files_by_sample: dict[str, str]  # trio sample id -> VCF file holding it
    genome_build: str
    annotation_source: str
    warnings: tuple[str, ...] = ()


def check_upload(vcf: str | Path | Sequence[str | Path], ped: str | Path | IO[str],
                 proband_id: str | None = None) -> UploadCheck:
    """Check PED and VCF headers; raises InputError naming the file and sample, like the full read.

    >>> from pathlib import Path
    >>> here = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "vcf"
    >>> check = check_upload(here / "io_trio.vcf", here / "io_trio.ped")
    >>> check.trio.proband.id, check.genome_build, check.annotation_source
    ('KID', 'GRCh38', 'VEP CSQ')
    """
    trio = read_pedigree(ped).trio(proband_id)
    paths = [Path(vcf)] if isinstance(vcf, (str, Path)) else [Path(p) for p in vcf]
    owner, headers = family_files(paths, trio)
    builds, labels, warnings = [], [], []
    for path, header in headers.items():
        build = check_build(header.text, header.contig_lengths, str(path))
        builds.append(build.name)
        warnings += build.warnings
        if file_kind(path) == "bgzf" and not has_eof_marker(path):
            warnings.append(f"{path}: the BGZF end-of-file marker is missing: the file may have been cut short")
        labels.append(AnnotationParser.from_header(header.text).source_label)
    files = {sample: str(path) for sample, path in owner.items()}
    return UploadCheck(trio=trio, files_by_sample=files, genome_build=builds[0],
                       annotation_source=labels[0] if len(set(labels)) == 1 else " / ".join(labels),
                       warnings=tuple(warnings))


DEFAULT_MAX_UPLOAD_MB = 500  # a trio exome or a small genome; bigger files: "files already on this server"
COPY_CHUNK = 4 << 20


def max_upload_bytes() -> int:
    """The per-upload size limit: ``WORKBENCH_MAX_UPLOAD_MB`` (default 500 MB)."""
    try:
        megabytes = float(os.environ.get("WORKBENCH_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))
    except ValueError:
        megabytes = DEFAULT_MAX_UPLOAD_MB
    return int(megabytes * (1 << 20))


def upload_name(name: str) -> str:
    """The uploaded file's own name, without any folder the browser sent; refuses names that are not one.

    >>> upload_name("../../etc/trio.vcf.gz")
    'trio.vcf.gz'
    >>> upload_name("..")
    Traceback (most recent call last):
    workbench.io.errors.InputError: '..' is not a usable file name: rename the file and upload it again
    """
    base = Path(name.replace("\\", "/")).name
    if not base or base.startswith(".") or "\x00" in base or len(base) > 255:
        raise InputError(f"{base[:80]!r} is not a usable file name: rename the file and upload it again")
    return base


def save_uploads(files: Iterable[tuple[str, BinaryIO]], folder: Path, limit: int | None = None) -> Path:
    """Copy uploaded files, unmodified and in chunks (never a second copy in memory), into ``folder``.

    The files are written to a temporary folder beside it and moved into place only when all are
    complete and within ``limit`` bytes each (default :func:`max_upload_bytes`); a refused or failed
    upload leaves nothing behind. Messages name the file as the user called it, never a server path.
    """
    limit = max_upload_bytes() if limit is None else limit
    folder.parent.mkdir(parents=True, exist_ok=True)
    incoming = Path(tempfile.mkdtemp(prefix=f".incoming-{uuid.uuid4().hex[:6]}-", dir=folder.parent))
    try:
        for name, handle in files:
            base = upload_name(name)
            if getattr(handle, "seekable", lambda: False)():
                handle.seek(0)  # Streamlit's UploadedFile may have been read already
            written = 0
            with open(incoming / base, "wb") as out:
                while chunk := handle.read(COPY_CHUNK):
                    written += len(chunk)
                    if written > limit:
                        raise InputError(f"{base} is larger than the {limit >> 20} MB upload limit: put genome-size "
                                         "files in a data folder on the server and use \"files already on this server\"")
                    out.write(chunk)
        incoming.rename(folder)
    except OSError as error:
        raise InputError(f"the upload could not be saved on the server ({error.strerror or 'write error'})") from None
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    return folder
