"""Pharmacogenomic and secondary-finding results in the case's report, and the audit of CDS answers.

The PGx panel and (with the family's consent) the secondary findings are written into the current
*draft* report version, so they are signed, hashed and frozen with it; the CDS service reads them
back only from *signed* versions (:func:`signed_panel`).
"""
from __future__ import annotations

import functools
import json
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import text

from workbench.pgx.model import PgxPanel
from workbench.report.content import ReportContent, from_plain
from workbench.secondary.analysis import SecondaryFindings
from workbench.store.casestore import CaseStore, ImmutableReportError, StoreError
from workbench.store.consent import consent
from workbench.store.users import Permission, User, require


def attach_results(store: CaseStore, case_id: str, actor: User, expected_version: int, *,
                   pgx: PgxPanel | None = None, secondary: SecondaryFindings | None = None) -> int:
    """Put ``pgx`` and/or ``secondary`` into the case's unsigned draft; returns the case's new row version."""
    require(actor, Permission.CURATE)
    if secondary is not None:
        decision = consent(store, case_id)
        if decision is None or not decision.consented:
            raise StoreError(f"case {case_id}: the family's consent to secondary findings is not recorded; "
                             "secondary findings cannot be added to the report")
    with store._transaction() as conn:
        version = store._bump(conn, case_id, expected_version, actor, Permission.CURATE)
        latest = store._latest_report_row(conn, case_id)
        if latest is None:
            raise StoreError(f"case {case_id} has no draft report yet: save a draft first")
        if latest.signed_at:
            raise ImmutableReportError(f"report version {latest.version} of case {case_id} is signed and cannot "
                                       "change; start an amendment")
        content = ReportContent.from_json(latest.content_json)
        updated = replace(content, pharmacogenomics=pgx if pgx is not None else content.pharmacogenomics,
                          secondary_findings_result=secondary if secondary is not None
                          else content.secondary_findings_result)
        conn.execute(text("UPDATE report_versions SET content_json = :j, updated_by = :u, updated_at = :at "
                          "WHERE case_id = :c AND version = :v AND signed_at IS NULL"),
                     {"j": updated.to_json(), "u": actor.username, "c": case_id, "v": latest.version,
                      "at": datetime.now(timezone.utc).isoformat()})
        store._audit(conn, actor, case_id, f"add pharmacogenomic/secondary-finding results to draft report "
                     f"v{latest.version}", _summary(content), _summary(updated))
    return version


def _summary(content: ReportContent) -> dict[str, Any]:
    """What the audit keeps: one line per gene and finding, not the evidence."""
    return {"pharmacogenomics": [g.summary for g in content.pharmacogenomics.genes]
            if content.pharmacogenomics else None,
            "secondary_findings": [f"{f.gene} {f.hgvs} ({f.basis})" for f in content.secondary_findings_result.findings]
            if content.secondary_findings_result else None}


@functools.lru_cache(maxsize=256)
def _parse_panel(case_id: str, version: int, signed_at: str, content_json: str) -> PgxPanel | None:
    """Signed versions never change, so their parsed panel is kept (keyed by case, version and signing time)."""
    plain = json.loads(content_json).get("pharmacogenomics")
    return None if plain is None else from_plain(PgxPanel, plain)


def signed_panel(store: CaseStore, patient_id: str) -> tuple[str, int, PgxPanel | None] | None:
    """(case id, version, panel) of the newest signed report of the patient (proband sample id or case id).

    Drafts are never read. None when the patient has no case or no signed report.
    """
    with store._transaction() as conn:
        row = conn.execute(text(
            "SELECT r.case_id, r.version, r.signed_at, r.content_json FROM report_versions r JOIN cases c "
            "ON c.case_id = r.case_id WHERE (c.proband_id = :p OR c.case_id = :p) AND r.signed_at IS NOT NULL "
            "ORDER BY r.signed_at DESC, r.version DESC LIMIT 1"), {"p": patient_id}).first()
    if row is None:
        return None
    return row.case_id, row.version, _parse_panel(row.case_id, row.version, row.signed_at, row.content_json)


def record_event(store: CaseStore, case_id: str | None, action: str, details: dict[str, Any], actor_name: str) -> None:
    """Append one audit entry for a system action (a CDS answer) through the store's own audit log."""
    with store._transaction() as conn:
        store._audit(conn, None, case_id, action, None, details, actor_name=actor_name)
