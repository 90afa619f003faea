"""The family's consent to secondary findings, one row per case; every change is audited.

Secondary findings are analysed and shown only while the latest recorded decision is "yes" (a "no" also
takes them out of the unsigned draft; a signed report is never changed: amend it). The
table is created on first use (``CREATE TABLE IF NOT EXISTS``: an additive change that needs no
migration number). Recording consent is clinical information, so it takes the permission to edit the
phenotype (clinicians, analysts, directors).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone

from sqlalchemy import Connection, text

from workbench.report.content import ReportContent
from workbench.store.casestore import CaseStore
from workbench.store.users import Permission, User, require

_TABLE = ("CREATE TABLE IF NOT EXISTS sf_consent (case_id TEXT PRIMARY KEY REFERENCES cases(case_id), "
          "consented INTEGER NOT NULL, recorded_by TEXT NOT NULL, recorded_at TEXT NOT NULL, "
          "note TEXT NOT NULL DEFAULT '')")


@dataclass(frozen=True)
class Consent:
    case_id: str
    consented: bool
    recorded_by: str
    recorded_at: datetime
    note: str = ""


def _ensure_table(conn: Connection) -> None:
    conn.execute(text(_TABLE))


def record_consent(store: CaseStore, case_id: str, consented: bool, actor: User, note: str = "") -> Consent:
    """Record the family's decision (yes or no, with who took it down and an optional note)."""
    require(actor, Permission.EDIT_PHENOTYPE)
    now = datetime.now(timezone.utc)
    with store._transaction() as conn:
        store._require_current(conn, actor, Permission.EDIT_PHENOTYPE)
        store._case_row(conn, case_id)
        _ensure_table(conn)
        before = conn.execute(text("SELECT consented, note FROM sf_consent WHERE case_id = :c"), {"c": case_id}).first()
        conn.execute(text("INSERT INTO sf_consent (case_id, consented, recorded_by, recorded_at, note) "
                          "VALUES (:c, :y, :u, :at, :n) ON CONFLICT (case_id) DO UPDATE SET consented = :y, "
                          "recorded_by = :u, recorded_at = :at, note = :n"),
                     {"c": case_id, "y": int(consented), "u": actor.username, "at": now.isoformat(), "n": note})
        store._audit(conn, actor, case_id, "record secondary-findings consent",
                     None if before is None else {"consented": bool(before.consented), "note": before.note},
                     {"consented": consented, "note": note})
        if not consented:
            _withdraw_from_draft(store, conn, case_id, actor)
    return Consent(case_id, consented, actor.username, now, note)


def _withdraw_from_draft(store: CaseStore, conn: Connection, case_id: str, actor: User) -> None:
    """A "no" takes secondary findings out of the unsigned draft, so they cannot be signed by mistake."""
    latest = store._latest_report_row(conn, case_id)
    if latest is None or latest.signed_at:
        return
    content = ReportContent.from_json(latest.content_json)
    if content.secondary_findings_result is None:
        return
    conn.execute(text("UPDATE report_versions SET content_json = :j WHERE case_id = :c AND version = :v "
                      "AND signed_at IS NULL"),
                 {"j": replace(content, secondary_findings_result=None).to_json(), "c": case_id, "v": latest.version})
    store._audit(conn, actor, case_id, f"remove secondary findings from draft report v{latest.version} (consent "
                 "withdrawn)", {"secondary_findings": len(content.secondary_findings_result.findings)}, None)


def consent(store: CaseStore, case_id: str) -> Consent | None:
    """The latest recorded decision, or None when nobody has asked the family yet."""
    with store._transaction() as conn:
        store._case_row(conn, case_id)
        _ensure_table(conn)
        row = conn.execute(text("SELECT * FROM sf_consent WHERE case_id = :c"), {"c": case_id}).first()
    if row is None:
        return None
    return Consent(row.case_id, bool(row.consented), row.recorded_by, datetime.fromisoformat(row.recorded_at),
                   row.note)
