"""Case details the VCF cannot give (patient, specimen, ordering clinician, platform), versioned and audited.

The table ``case_details`` (schema migration 6, append-only) holds one row per revision. Each
change appends a revision (never updates one), bumps the case's version like every other
edit (optimistic locking) and writes an audit entry with the fields before and after, so the
report of any date can say who entered which identifier when. Text is cleaned and checked at
entry (:func:`workbench.report.text.clean_text`); dates must be ISO ``YYYY-MM-DD`` and not in the future.

    version = store.set_case_details(case_id, CaseDetails(patient_name="Baby Doe", ...), user, version)
    store.case_details(case_id).patient_name
"""
from __future__ import annotations

import json
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, text

from workbench.report.content import DATA_TYPES, DETAIL_FIELDS, CaseDetails, from_plain, to_plain
from workbench.report.text import SHORT_TEXT, TextError, clean_text
from workbench.store.users import Permission, User, require

if TYPE_CHECKING:
    from workbench.store.casestore import CaseStore

_LABELS = {name: label for name, label, _ in DETAIL_FIELDS}
_DATES = tuple(name for name, _, kind in DETAIL_FIELDS if kind == "date")


@dataclass(frozen=True)
class DetailsRevision:
    revision: int
    details: CaseDetails
    set_by: str
    set_at: datetime


def checked_details(details: CaseDetails, today: date | None = None) -> CaseDetails:
    """The details with every field cleaned; ValueError naming the first bad field.

    >>> checked_details(CaseDetails(patient_name=" Baby\\x00 Doe ", collected_on="2026-11-21"), date(2026, 12, 1)).patient_name
    'Baby Doe'
    >>> checked_details(CaseDetails(date_of_birth="21/11/2026"))
    Traceback (most recent call last):
    ...
    ValueError: Date of birth '21/11/2026' is not a date: write it as YYYY-MM-DD
    """
    today = today or datetime.now(timezone.utc).date()
    cleaned: dict[str, Any] = {}
    for f in fields(CaseDetails):
        label = _LABELS.get(f.name, f.name)
        try:
            cleaned[f.name] = clean_text(getattr(details, f.name), field=label, limit=SHORT_TEXT,
                                         single_line=True).strip()
        except TextError as problem:
            raise ValueError(str(problem)) from None
    for name in _DATES:
        value = cleaned[name]
        if not value:
            continue
        try:
            when = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{_LABELS[name]} {value!r} is not a date: write it as YYYY-MM-DD") from None
        if when > today:
            raise ValueError(f"{_LABELS[name]} {value} is in the future")
        cleaned[name] = when.isoformat()
    if cleaned["data_type"] not in ("", *DATA_TYPES):
        raise ValueError(f"Data type {cleaned['data_type']!r} is not one of {', '.join(DATA_TYPES)}")
    return replace(details, **cleaned)


def current(conn: Connection, case_id: str) -> CaseDetails:
    """The latest revision inside the caller's transaction (empty details when none was entered)."""
    row = conn.execute(text("SELECT details_json FROM case_details WHERE case_id = :c ORDER BY revision DESC LIMIT 1"),
                       {"c": case_id}).first()
    return from_plain(CaseDetails, json.loads(row.details_json)) if row else CaseDetails()


def set_details(store: CaseStore, case_id: str, details: CaseDetails, actor: User, expected_version: int) -> int:
    """Record a new revision; returns the case's new version (a no-op change is not recorded)."""
    from workbench.store.casestore import StoreError

    require(actor, Permission.EDIT_PHENOTYPE)
    try:
        details = checked_details(details)
    except ValueError as problem:
        raise StoreError(str(problem)) from None
    with store._transaction() as conn:
        before = current(conn, case_id)
        if before == details:
            store._case_row(conn, case_id)
            return expected_version
        version = store._bump(conn, case_id, expected_version, actor, Permission.EDIT_PHENOTYPE)
        revision = conn.execute(text("SELECT COALESCE(MAX(revision), 0) FROM case_details WHERE case_id = :c"),
                                {"c": case_id}).scalar() + 1
        conn.execute(text("INSERT INTO case_details (case_id, revision, details_json, set_by, set_at) "
                          "VALUES (:c, :r, :j, :u, :at)"),
                     {"c": case_id, "r": revision, "j": json.dumps(to_plain(details), sort_keys=True),
                      "u": actor.username, "at": datetime.now(timezone.utc).isoformat()})
        changed = {f.name for f in fields(CaseDetails) if getattr(before, f.name) != getattr(details, f.name)}
        store._audit(conn, actor, case_id, "set case details",
                     {k: getattr(before, k) for k in sorted(changed)}, {k: getattr(details, k) for k in sorted(changed)})
    return version


def details(store: CaseStore, case_id: str) -> CaseDetails:
    with store._transaction() as conn:
        store._case_row(conn, case_id)
        return current(conn, case_id)


def history(store: CaseStore, case_id: str) -> tuple[DetailsRevision, ...]:
    with store._transaction() as conn:
        rows = conn.execute(text("SELECT * FROM case_details WHERE case_id = :c ORDER BY revision"),
                            {"c": case_id}).all()
    return tuple(DetailsRevision(r.revision, from_plain(CaseDetails, json.loads(r.details_json)), r.set_by,
                                 datetime.fromisoformat(r.set_at)) for r in rows)
