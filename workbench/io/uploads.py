"""A quick look at uploaded files before the full read: headers only, answers in milliseconds.

The upload page can tell the user at once that the PED names a sample the VCF lacks, that
the VCF is GRCh37, or that it has no annotation, instead of after a minute-long genome read.
The full read (:func:`workbench.io.read_family_vcf`) repeats these checks, so this is a
courtesy, never a gate that could disagree with it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Sequence

from workbench.io.annotation import AnnotationParser
from workbench.io.bgzf import has_eof_marker
from workbench.io.build import check_build
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
