"""What the app records for the turnaround clock and for reanalysis, as people work.

Each milestone is an audited store event written once (QC done, ranked, first analyst view);
a ranking snapshot is kept when a stored case is first ranked under a knowledge release and
when its report is signed, so ``workbench reanalyse`` later compares against what people saw.
Nothing here is recorded for a case that is not in the store or for a visitor not logged in.
"""
from __future__ import annotations

import streamlit as st

from workbench.store import Permission
from workbench.store.rankings import SnapshotReason
from workbench.ui import state


def note_ranked(case, ranking) -> None:
    """The open stored case was ranked and shown: QC done, ranked, and (for an analyst) first view."""
    user = state.user()
    if user is None or not state.stored(case):
        return
    seen = st.session_state.setdefault("milestones_noted", set())
    key = (user.username, case.case_id, ranking.knowledge_version)
    if key in seen:
        return
    from workbench.reanalysis import record_ranking

    store = state.store()
    store.record_event(case.case_id, "qc done", user, once=True)
    baseline = store.baseline_snapshot(case.case_id)
    if baseline is None or baseline.knowledge_version != ranking.knowledge_version:
        record_ranking(store, case.case_id, ranking, state.knowledge(), SnapshotReason.RANKED, user)
    if user.role.may(Permission.CURATE):
        store.record_event(case.case_id, "first analyst view", user, once=True)
    seen.add(key)


def note_signed(case_id: str) -> None:
    """The report was just signed: keep the ranking it was signed under as the reanalysis baseline."""
    from workbench.reanalysis import record_ranking

    case = st.session_state.get("case")  # not state.current_case(): that would open the demo case
    if case is None or case.case_id != case_id:
        return
    ranking = state.ranking(case, state.profile(case))
    record_ranking(state.store(), case_id, ranking, state.knowledge(), SnapshotReason.SIGNED, state.user())
