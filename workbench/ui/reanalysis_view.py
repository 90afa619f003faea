"""The Cases page's reanalysis part: which cases have new evidence, the before/after, and the run.

Thin over :mod:`workbench.reanalysis`: the store decides who may do what (a run is a director's,
marking changes reviewed an analyst's or director's); this only draws it.
"""
from __future__ import annotations

import streamlit as st

from workbench.store import CaseStatus, Permission, PermissionDenied, StoreError
from workbench.ui import state

SIGNED = (CaseStatus.SIGNED_OUT, CaseStatus.AMENDED)


def new_evidence(case) -> str:
    """The Cases table's column: empty, "new evidence", or "new evidence since sign-out"."""
    from workbench.reanalysis import pending_changes

    changes = pending_changes(state.store(), case.case_id)
    if not changes:
        return ""
    return f"{len(changes)} change(s)" + (" since sign-out" if case.status in SIGNED else "")


def panel(cases) -> None:
    """Flagged cases with their diff; a director can reanalyse every stored case from here."""
    from workbench.reanalysis import acknowledge, pending_changes

    store, user = state.store(), state.user()
    flagged = [(c, pending_changes(store, c.case_id)) for c in cases]
    flagged = [(c, changes) for c, changes in flagged if changes]
    st.subheader("New evidence from reanalysis")
    if not flagged:
        st.caption("No stored case has unreviewed changes from a reanalysis.")
    for case, changes in flagged:
        snapshots = store.snapshots(case.case_id)
        after = snapshots[-1]
        before = next((s for s in snapshots if s.id == after.baseline_id), None)
        label = f"{case.case_id}: {len(changes)} change(s)" + (" since sign-out" if case.status in SIGNED else "")
        with st.expander(label, icon=":material/new_releases:"):
            if case.status in SIGNED:
                st.warning("The signed report is unchanged. Open the case and start an amendment (Report page) "
                           "if the new evidence changes the result.")
            for change in changes:
                st.markdown(f"- **{change.kind}**: {change.text}")
            left, right = st.columns(2)
            for column, title, snap in ((left, "Before", before), (right, "After", after)):
                column.markdown(f"**{title}** · {snap.knowledge_version if snap else 'unknown'}")
                if snap:
                    column.dataframe([{"rank": g.rank, "gene": g.gene_symbol, "probability": round(g.probability, 3),
                                       "disease": g.disease_id or ""} for g in snap.genes[:10]],
                                     hide_index=True, key=f"reanalysis_{title}_{case.case_id}")
            if user.role.may(Permission.CURATE) and st.button("Mark reviewed", key=f"reanalysis_ack_{case.case_id}"):
                try:
                    acknowledge(store, case.case_id, user)
                except (StoreError, PermissionDenied) as problem:
                    st.error(str(problem))
                else:
                    st.rerun()
    if user.role.may(Permission.SIGN_OUT):
        _run_button(store, user, cases)


def _run_button(store, user, cases) -> None:
    from workbench.reanalysis import reanalyse

    if not st.button(f"Reanalyse all {len(cases)} stored cases with {state.knowledge().version}",
                     key="reanalysis_run"):
        return
    bar = st.progress(0.0, text="Reanalysing…")

    def progress(done: int, total: int, outcome) -> None:
        bar.progress(done / total, text=f"{done}/{total}: {outcome.case_id} {outcome.status}")

    try:
        outcomes = reanalyse(store, state.knowledge(), cases, actor=user, progress=progress)
    except (StoreError, PermissionDenied) as problem:
        st.error(str(problem))
        return
    failed = [o for o in outcomes if o.status == "failed"]
    changed = sum(o.status == "changed" for o in outcomes)
    st.success(f"{len(outcomes)} case(s) reanalysed: {changed} with new evidence, {len(failed)} failed.")
    for outcome in failed:
        st.error(f"{outcome.case_id}: {outcome.message}")
