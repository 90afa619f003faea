"""A manifest of cases: one row per case, read and checked in one place for every backend.

Columns ``case_id, vcf, ped`` are required; ``proband``, ``hpo`` and ``excluded_hpo`` (ids
comma- or semicolon-separated) are optional, other columns are ignored. A row that cannot run
(e.g. a bad case id) becomes a :class:`CaseSpec` carrying its ``problem``, so it is reported
as failed beside the others instead of stopping the batch.

    >>> spec = case_spec({"case_id": "c1", "vcf": "a.vcf", "ped": "a.ped", "hpo": "HP:0001250; HP:0001263"}, 2)
    >>> spec.observed, spec.proband, spec.problem
    (('HP:0001250', 'HP:0001263'), None, None)
    >>> case_spec({"case_id": "../x", "vcf": "a.vcf", "ped": "a.ped"}, 3).problem
    "line 3: bad case_id '../x' (it names the output file: no '/')"
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from workbench.io.errors import InputError

MANIFEST_COLUMNS = ("case_id", "vcf", "ped")


@dataclass(frozen=True)
class CaseSpec:
    """One case to rank: where its files are and the phenotype to rank for (picklable, small)."""

    case_id: str
    vcf: str
    ped: str
    proband: str | None = None
    observed: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    line_no: int = 0
    problem: str | None = None  # set when the row cannot run; reported as the case's failure

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
            for path in (self.vcf, self.ped):
                h.update(_file_digest(Path(path)))
        except OSError:
            return ""
        return h.hexdigest()[:32]


def ids(text: str | None) -> tuple[str, ...]:
    """HPO ids from a comma- or semicolon-separated cell."""
    return tuple(t.strip() for t in (text or "").replace(";", ",").split(",") if t.strip())


def case_spec(row: Mapping[str, str | None], line_no: int) -> CaseSpec:
    """A manifest row as a case; a row that cannot run carries its ``problem``."""
    case_id = (row.get("case_id") or "").strip()
    problem = None
    if not case_id or "/" in case_id or case_id.startswith("."):
        problem = f"line {line_no}: bad case_id {case_id!r} (it names the output file: no '/')"
    return CaseSpec(case_id=case_id or f"line-{line_no}", vcf=(row.get("vcf") or "").strip(),
                    ped=(row.get("ped") or "").strip(), proband=(row.get("proband") or "").strip() or None,
                    observed=ids(row.get("hpo")), excluded=ids(row.get("excluded_hpo")), line_no=line_no,
                    problem=problem)


def read_manifest(path: Path) -> list[dict[str, str]]:
    """The manifest's rows as dicts (header names as keys); InputError for a missing file or column."""
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh, delimiter="\t")
            missing = [c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise InputError(f"{path}: manifest lacks column(s) {', '.join(missing)}")
            return list(reader)
    except OSError as error:
        raise InputError(f"{path}: cannot read the manifest ({error.strerror or error})") from None


def read_cases(path: Path) -> list[CaseSpec]:
    """Every case of the manifest (line numbers as in the file: the header is line 1)."""
    return [case_spec(row, line_no) for line_no, row in enumerate(read_manifest(path), start=2)]
