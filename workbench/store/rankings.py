"""Ranking history: what a case's ranking looked like under each knowledge release.

A case is ranked when it is opened, reviewed when an analyst works on it, signed when the
director signs out, and re-ranked by ``workbench reanalyse`` whenever the knowledge changes.
Each of those moments can store a :class:`RankingSnapshot` (the top genes with their
probability, linked diseases and variant evidence, and the knowledge version behind them), so
a later reanalysis compares against what people actually looked at, never against a wall-clock
guess. Snapshots are append-only and every one is an audited event.

The :class:`RankingHistory` mixin gives :class:`~workbench.store.CaseStore` these methods; the
conversion from a live ranking lives in :mod:`workbench.reanalysis`, over ranking and store.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from enum import Enum
from typing import Any

from sqlalchemy import text

from workbench.report.content import from_plain, to_plain
from workbench.store.users import Permission, User, require


class SnapshotReason(Enum):
    """Why a snapshot was taken; every reason but REANALYSIS is a baseline people looked at."""

    RANKED = "ranked"
    REVIEWED = "reviewed"
    SIGNED = "signed"
    REANALYSIS = "reanalysis"

    @property
    def permission(self) -> Permission:
        """Who may record it: anyone who sees the case ranks it; a reanalysis run is a director's."""
        return {SnapshotReason.RANKED: Permission.VIEW, SnapshotReason.REVIEWED: Permission.CURATE,
                SnapshotReason.SIGNED: Permission.SIGN_OUT, SnapshotReason.REANALYSIS: Permission.SIGN_OUT}[self]


@dataclass(frozen=True)
class SnapshotGene:
    """One ranked gene as it stood: enough to say what changed, in words, later."""

    rank: int
    gene_symbol: str
    hgnc_id: str | None
    probability: float
    disease_id: str | None
    linked_diseases: tuple[str, ...]
    variant_keys: tuple[str, ...]
    variant_log10_lr: float
    phenotype_log10_lr: float = 0.0


@dataclass(frozen=True)
class Change:
    """One difference between a baseline and a new ranking, with a sentence for the Cases page."""

    kind: str  # "new top-1", "new in top 5", "newly linked to a disease", "variant evidence changed"
    gene_symbol: str
    text: str


@dataclass(frozen=True)
class RankingSnapshot:
    case_id: str
    knowledge_version: str
    reason: SnapshotReason
    genes: tuple[SnapshotGene, ...]
    none_probability: float
    changes: tuple[Change, ...] = ()
    taken_by: str = ""
    taken_at: datetime | None = None
    baseline_id: int | None = None  # the snapshot a reanalysis compared against
    id: int | None = None

    @property
    def top_gene(self) -> str | None:
        return self.genes[0].gene_symbol if self.genes else None


class RankingHistory:
    """Store methods for ranking snapshots (mixed into CaseStore; uses its transaction and audit)."""

    def record_snapshot(self, snapshot: RankingSnapshot, actor: User | None) -> RankingSnapshot:
        """Append a snapshot and its audit entry in one transaction; return it with id and time.

        ``actor`` None is the local operator (command line); a user needs the reason's permission.
        """
        if actor is not None:
            require(actor, snapshot.reason.permission)
        actor_name = self._actor_name(actor)
        now = datetime.now(timezone.utc)
        body = {"genes": to_plain(snapshot.genes), "none_probability": snapshot.none_probability,
                "changes": to_plain(snapshot.changes)}
        with self._transaction() as conn:
            self._case_row(conn, snapshot.case_id)
            if actor is not None:
                self._require_current(conn, actor, snapshot.reason.permission)
            conn.execute(text("INSERT INTO ranking_snapshots (case_id, knowledge_version, reason, snapshot_json, "
                              "baseline_id, taken_by, taken_at) VALUES (:c, :k, :r, :j, :b, :u, :at)"),
                         {"c": snapshot.case_id, "k": snapshot.knowledge_version, "r": snapshot.reason.value,
                          "j": json.dumps(body, sort_keys=True), "b": snapshot.baseline_id, "u": actor_name,
                          "at": now.isoformat()})
            new_id = conn.execute(text("SELECT MAX(id) FROM ranking_snapshots WHERE case_id = :c"),
                                  {"c": snapshot.case_id}).scalar()
            self._audit(conn, None, snapshot.case_id, f"ranking snapshot ({snapshot.reason.value})", None,
                        {"knowledge_version": snapshot.knowledge_version, "top_gene": snapshot.top_gene,
                         "changes": [c.text for c in snapshot.changes], "snapshot_id": new_id},
                        actor_name=actor_name)
        return replace(snapshot, taken_by=actor_name, taken_at=now, id=new_id)

    def snapshots(self, case_id: str) -> tuple[RankingSnapshot, ...]:
        """Every snapshot of the case, oldest first."""
        with self._transaction() as conn:
            rows = conn.execute(text("SELECT * FROM ranking_snapshots WHERE case_id = :c ORDER BY id"),
                                {"c": case_id}).all()
        return tuple(_snapshot_from_row(r) for r in rows)

    def baseline_snapshot(self, case_id: str) -> RankingSnapshot | None:
        """The latest snapshot people looked at (ranked, reviewed or signed), not a reanalysis."""
        return self._latest(case_id, "AND reason != :r", {"r": SnapshotReason.REANALYSIS.value})

    def latest_snapshot(self, case_id: str) -> RankingSnapshot | None:
        """The case's newest snapshot, of any reason (one row decoded, not the whole history)."""
        return self._latest(case_id)

    def _latest(self, case_id: str, condition: str = "", values: dict | None = None) -> RankingSnapshot | None:
        with self._transaction() as conn:
            row = conn.execute(text(f"SELECT * FROM ranking_snapshots WHERE case_id = :c {condition} "
                                    "ORDER BY id DESC LIMIT 1"), {"c": case_id, **(values or {})}).first()
        return _snapshot_from_row(row) if row is not None else None

    def record_event(self, case_id: str, action: str, actor: User | None, *, once: bool = False,
                     detail: Any = None) -> bool:
        """An audited milestone with no data change (e.g. "first analyst view"); ``once`` skips a repeat.

        Only people who may see the case record its milestones (``actor`` None: the command line).
        """
        if actor is not None:
            require(actor, Permission.VIEW)
        actor_name = self._actor_name(actor)
        with self._transaction() as conn:
            self._case_row(conn, case_id)
            if actor is not None:
                self._require_current(conn, actor, Permission.VIEW)
            if once and conn.execute(text("SELECT 1 FROM audit_log WHERE case_id = :c AND action = :a LIMIT 1"),
                                     {"c": case_id, "a": action}).first():
                return False
            self._audit(conn, None, case_id, action, None, detail, actor_name=actor_name)
        return True


    @staticmethod
    def _actor_name(actor: User | None) -> str:
        from workbench.store.casestore import LOCAL_OPERATOR

        return actor.username if actor else LOCAL_OPERATOR


def _snapshot_from_row(row: Any) -> RankingSnapshot:
    body = json.loads(row.snapshot_json)
    return RankingSnapshot(case_id=row.case_id, knowledge_version=row.knowledge_version,
                           reason=SnapshotReason(row.reason),
                           genes=from_plain(tuple[SnapshotGene, ...], body["genes"]),
                           none_probability=float(body["none_probability"]),
                           changes=from_plain(tuple[Change, ...], body.get("changes", [])),
                           taken_by=row.taken_by, taken_at=datetime.fromisoformat(row.taken_at),
                           baseline_id=row.baseline_id, id=row.id)
