"""A manifest of cases: one row per case, read and checked in one place for every backend.

Columns ``case_id, vcf, ped`` are required; ``proband``, ``hpo`` and ``excluded_hpo`` (ids
comma- or semicolon-separated) are optional, other columns are ignored. ``vcf`` is one joint VCF,
or one VCF per person separated by commas (merged by position and allele). A row that cannot run
(a bad or repeated case id, a short row, a term both observed and excluded) becomes a
:class:`CaseSpec` carrying its ``problem``, so it is reported as failed beside the others
instead of stopping the batch.

    >>> spec = case_spec({"case_id": "c1", "vcf": "a.vcf", "ped": "a.ped", "hpo": "HP:0001250; HP:0001263"}, 2)
    >>> spec.observed, spec.proband, spec.problem
    (('HP:0001250', 'HP:0001263'), None, None)
    >>> case_spec({"case_id": "c2", "vcf": "kid.vcf, mum.vcf,dad.vcf", "ped": "a.ped"}, 3).vcf
    ('kid.vcf', 'mum.vcf', 'dad.vcf')
    >>> case_spec({"case_id": "../x", "vcf": "a.vcf", "ped": "a.ped"}, 3).problem
    "line 3: bad case_id '../x' (it names the output file: no '/')"
"""
from __future__ import annotations

import csv
import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from workbench.io.errors import InputError, check_term_conflicts

MANIFEST_COLUMNS = ("case_id", "vcf", "ped")


@dataclass(frozen=True)
class CaseSpec:
    """One case to rank: where its files are and the phenotype to rank for (picklable, small)."""

    case_id: str
    vcf: str | tuple[str, ...]  # one joint VCF, or one per person
    ped: str
    proband: str | None = None
    observed: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    line_no: int = 0
    problem: str | None = None  # set when the row cannot run; reported as the case's failure
    sv_vcf: tuple[str, ...] = ()  # optional column sv_vcf: the family's CNV/SV VCF(s) (issue 22)

    @property
    def vcf_paths(self) -> tuple[str, ...]:
        return (self.vcf,) if isinstance(self.vcf, str) else self.vcf

    @property
    def output_name(self) -> str:
        return f"{self.case_id}.tsv"

    @property
    def parquet_name(self) -> str:
        return f"{self.case_id}.parquet"

    def fingerprint(self) -> str:
        """What the case's output depends on besides knowledge and code: the files' cheap
        fingerprints (size, time, head and tail), the proband and the terms. '' when a file
        cannot be read (the run then reports why)."""
        from workbench.ranking.case import _file_digest

        h = hashlib.sha256(f"{self.proband}|{','.join(self.observed)}|{','.join(self.excluded)}|".encode())
        try:
            for path in (*self.vcf_paths, self.ped, *self.sv_vcf):
                h.update(_file_digest(Path(path)))
        except OSError:
            return ""
        return h.hexdigest()[:32]


def ids(text: str | None) -> tuple[str, ...]:
    """HPO ids from a comma- or semicolon-separated cell."""
    return tuple(t.strip() for t in (text or "").replace(";", ",").split(",") if t.strip())


def case_spec(row: Mapping[str, str | None], line_no: int, where: str = "", refusal: str | None = None) -> CaseSpec:
    """A manifest row as a case; a row that cannot run carries its ``problem`` (``refusal`` when
    the manifest as a whole already refused it, see :func:`manifest_refusals`)."""
    case_id = (row.get("case_id") or "").strip()
    vcfs = tuple(p.strip() for p in (row.get("vcf") or "").split(",") if p.strip())
    spec = CaseSpec(case_id=case_id or f"line-{line_no}", vcf=vcfs if len(vcfs) > 1 else "".join(vcfs),
                    ped=(row.get("ped") or "").strip(), proband=(row.get("proband") or "").strip() or None,
                    observed=ids(row.get("hpo")), excluded=ids(row.get("excluded_hpo")), line_no=line_no,
                    sv_vcf=ids(row.get("sv_vcf")))
    problem = refusal
    if problem is None and (not case_id or "/" in case_id or case_id.startswith(".")):
        problem = f"{where}line {line_no}: bad case_id {case_id!r} (it names the output file: no '/')"
    if problem is None:
        try:
            check_term_conflicts(spec.observed, spec.excluded, f"{where}line {line_no}")
        except InputError as error:
            problem = str(error)
    return dataclasses.replace(spec, problem=problem) if problem else spec


def read_manifest(path: Path) -> list[dict[str, str]]:
    """The manifest's rows as dicts (header names as keys); InputError for a missing file or column."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh, delimiter="\t")
            missing = [c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise InputError(f"{path}: manifest lacks column(s) {', '.join(missing)}")
            return list(reader)
    except OSError as error:
        raise InputError(f"{path}: cannot read the manifest ({error.strerror or error})") from None


def manifest_refusals(rows: list[dict[str, str]], manifest: Path) -> dict[int, str]:
    """Why a row cannot run, by line: a short row (missing columns) or a repeated case_id."""
    refused: dict[int, str] = {}
    first_line: dict[str, int] = {}
    for line_no, row in enumerate(rows, start=2):
        missing = [column for column in MANIFEST_COLUMNS if not (row.get(column) or "").strip()]
        if missing:
            refused[line_no] = (f"{manifest} line {line_no}: no {', '.join(missing)} (the row has "
                                f"{sum(v is not None for k, v in row.items() if k is not None)} of the header's "
                                f"{len([k for k in row if k is not None])} columns)")
            continue
        case_id = row["case_id"].strip()
        if case_id in first_line:
            refused[line_no] = (f"{manifest} line {line_no}: case_id {case_id!r} is already used on line "
                                f"{first_line[case_id]}; its table would overwrite that case's: give each case its "
                                "own id")
        else:
            first_line[case_id] = line_no
    return refused


def read_cases(path: Path) -> list[CaseSpec]:
    """Every case of the manifest (line numbers as in the file: the header is line 1)."""
    rows = read_manifest(path)
    refused = manifest_refusals(rows, path)
    return [case_spec(row, line_no, f"{path} ", refused.get(line_no)) for line_no, row in enumerate(rows, start=2)]
