"""The turnaround clock: each case's milestones read from its audit log, and the lab's figures.

Times come only from stored, audited events (never from when someone opens a page), so the
dashboard can be recomputed at any time and says the same thing. A stage a case has not reached
is simply absent: the figures count only the cases that reached it, and say how many.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from workbench.store.casestore import AuditEntry, CaseStore

# Milestones in the order a case reaches them; each is the FIRST audit entry that matches.
STAGES: tuple[str, ...] = ("files received", "QC done", "ranked", "first analyst view", "candidate tagged",
                           "report drafted", "signed", "amended")
POSITIVE = frozenset({"PATHOGENIC", "LIKELY_PATHOGENIC", "Pathogenic", "Likely pathogenic"})


def _stage(entry: AuditEntry) -> str | None:
    action = entry.action
    if action == "create case":
        return "files received"
    if action == "qc done":
        return "QC done"
    if action.startswith("ranking snapshot"):
        return "ranked"
    if action == "first analyst view":
        return "first analyst view"
    if action == "set tag" and isinstance(entry.after, dict) and entry.after.get("tag") == "candidate":
        return "candidate tagged"
    if action.startswith("save draft report"):
        return "report drafted"
    signed = re.fullmatch(r"sign out report v(\d+)", action)
    if signed:
        return "signed" if signed.group(1) == "1" else "amended"
    return None


@dataclass(frozen=True)
class CaseTimeline:
    case_id: str
    milestones: dict[str, datetime]

    def hours_to(self, stage: str, start: str = "files received") -> float | None:
        """Hours from ``start`` to ``stage``; None when the case has not reached either."""
        if stage not in self.milestones or start not in self.milestones:
            return None
        return (self.milestones[stage] - self.milestones[start]).total_seconds() / 3600


def timelines(entries: Iterable[AuditEntry]) -> list[CaseTimeline]:
    """One timeline per case that has audit entries, in case-creation order.

    >>> from datetime import timezone
    >>> t = lambda h: datetime(2026, 1, 1, h, tzinfo=timezone.utc)
    >>> log = [AuditEntry(1, t(1), "ana", "c1", "create case", None, {}),
    ...        AuditEntry(2, t(3), "ana", "c1", "set tag", None, {"tag": "candidate"}),
    ...        AuditEntry(3, t(9), "dir", "c1", "sign out report v1", None, {})]
    >>> [(s, tl.hours_to(s)) for tl in timelines(log) for s in ("candidate tagged", "signed")]
    [('candidate tagged', 2.0), ('signed', 8.0)]
    """
    by_case: dict[str, dict[str, datetime]] = {}
    for entry in sorted(entries, key=lambda e: e.id):
        if entry.case_id is None:
            continue
        stage = _stage(entry)
        milestones = by_case.setdefault(entry.case_id, {})
        if stage is not None and stage not in milestones:
            milestones[stage] = entry.at
    return [CaseTimeline(case_id, milestones) for case_id, milestones in by_case.items()]


def stage_table(lines: Sequence[CaseTimeline]):
    """Median and 90th percentile hours from files received to each stage, with the case count."""
    import pandas as pd

    rows = []
    for stage in STAGES[1:]:
        hours = pd.Series([h for t in lines if (h := t.hours_to(stage)) is not None], dtype=float)
        rows.append({"stage": stage, "cases": int(hours.size),
                     "median hours": round(float(hours.median()), 2) if hours.size else None,
                     "90th percentile hours": round(float(hours.quantile(0.9)), 2) if hours.size else None})
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class LabFigures:
    """What a health system asks of rapid genomes: volume, speed, yield, and what reanalysis added."""

    timelines: list[CaseTimeline]
    signed: int
    signed_positive: int
    reanalysed: int
    reanalysis_new_top: int

    @property
    def diagnostic_yield(self) -> float | None:
        return self.signed_positive / self.signed if self.signed else None

    @property
    def reanalysis_yield(self) -> float | None:
        return self.reanalysis_new_top / self.reanalysed if self.reanalysed else None

    def cases_per_month(self):
        import pandas as pd

        months = [t.milestones["files received"].strftime("%Y-%m") for t in self.timelines
                  if "files received" in t.milestones]
        return pd.Series(months, dtype=str).value_counts().sort_index().rename_axis("month").reset_index(name="cases")

    def per_case_frame(self):
        """One row per case: each stage's time and hours since files received (the CSV export)."""
        import pandas as pd

        rows = []
        for line in self.timelines:
            row = {"case_id": line.case_id}
            for stage in STAGES:
                when = line.milestones.get(stage)
                row[stage] = when.isoformat() if when else ""
                if stage != "files received":
                    hours = line.hours_to(stage)
                    row[f"hours to {stage}"] = round(hours, 2) if hours is not None else ""
            rows.append(row)
        return pd.DataFrame(rows)


def lab_figures(store: CaseStore) -> LabFigures:
    """Gather the figures from the store: audit log, signed reports and reanalysis snapshots."""
    from workbench.store.rankings import SnapshotReason

    entries = store.audit()
    lines = timelines(entries)
    reanalysed = len({e.case_id for e in entries if e.action.startswith("reanalysed under")})
    signed = positive = new_top = 0
    for case in store.cases():
        report = store.latest_signed(case.case_id)
        if report is not None:
            signed += 1
            classes = {v.assessment.classification.name for v in report.content.results}
            positive += bool(classes & POSITIVE)
        new_top += any(c.kind == "new top-1" for s in store.snapshots(case.case_id)
                       if s.reason is SnapshotReason.REANALYSIS for c in s.changes)
    return LabFigures(lines, signed, positive, reanalysed, new_top)
