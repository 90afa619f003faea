"""Frame shared by every page: the open case in the sidebar, the data version, warnings."""
from __future__ import annotations

import streamlit as st

from workbench.ui import milestones, state


def reading_progress(what: str):
    """(placeholder, callback): a progress bar the library's VCF reader fills; empty the placeholder after."""
    bar = st.empty()

    def progress(fraction: float) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"Reading {what}: {fraction:.0%}")

    return bar, progress


def analysed_case():
    """The open case's analysis, with a progress bar the first time its VCF is read.

    A user's file problem stops the page with the library's message (no traceback).
    """
    from workbench.io import InputError

    case = state.current_case()
    bar, progress = reading_progress(case.case_id)
    try:
        result = state.analysis(case, progress)
    except InputError as problem:
        bar.empty()
        st.error(f"Case {case.case_id} cannot be analysed: {problem}")
        st.stop()
    bar.empty()
    return result


def ranked():
    """(case, analysis, ranking) for the open case and its current phenotype."""
    case = state.current_case()
    result = analysed_case()
    ranking = state.ranking(case, state.profile(case))
    milestones.note_ranked(case, ranking)
    return case, result, ranking


def provenance(ranking) -> None:
    """The data version behind the numbers on this page, and the ranking's warnings, visibly."""
    from workbench.ui.issues import show_issues

    st.caption(f"Knowledge: {ranking.knowledge_version}")
    show_issues(ranking.issues)


def sidebar() -> None:
    """Who is working on which case, and whether their edits persist."""
    case = state.current_case()
    profile = state.profile(case)
    user = state.user()
    with st.sidebar:
        st.markdown(f"**Case** `{case.case_id}`")
        st.caption(f"{len(profile.observed)} observed · {len(profile.excluded)} excluded HPO terms")
        if user is None:
            st.caption("Not logged in: phenotype, tags and notes last for this session.")
        elif state.stored(case):
            st.caption(f"{user.display_name} ({user.role.value}) · edits saved in the case store")
        else:
            st.caption(f"{user.display_name} ({user.role.value}) · case not registered: edits last for this "
                       "session (register it on the Cases page)")


def logged_in_user(purpose: str):
    """The logged-in user, or stop the page with a prompt to log in ``purpose`` (e.g. "to sign out reports")."""
    user = st.session_state.get("user")
    if user is None:
        st.warning(f"Log in {purpose}.")
        st.stop()
    return user


def stored_case(store):
    """The open case as the store holds it, or stop the page saying how to register it."""
    from workbench.store import NotFoundError

    case_id = st.session_state.get("case_id") or getattr(st.session_state.get("case"), "case_id", None)
    try:
        case = store.case(case_id) if case_id else None
    except NotFoundError:
        case = None
    if case is None:
        st.info("No stored case is open: register the case on the Cases or Report page first.")
        st.stop()
    return case


def recorded_data_type(case) -> str:
    """The data type (genome/exome) in the stored case's details; "" when not stored or not recorded."""
    from workbench.store import NotFoundError

    if state.user() is None or not state.stored(case):
        return ""
    try:
        return state.store().case_details(case.case_id).data_type
    except NotFoundError:
        return ""


def case_details_inputs(prefix: str, current=None):
    """Input fields for the case details (patient, specimen, ordering clinician, platform), filled with
    ``current``; the CaseDetails as typed. Keys start with ``prefix``."""
    from workbench.report.content import DATA_TYPES, DETAIL_FIELDS, CaseDetails

    current = current or CaseDetails()
    values = {}
    columns = st.columns(3)
    for number, (name, label, kind) in enumerate(DETAIL_FIELDS):
        column = columns[number % 3]
        if kind == "choice":
            options = ["", *DATA_TYPES]
            values[name] = column.selectbox(label, options, index=options.index(getattr(current, name)),
                                            format_func=lambda o: o or "not recorded", key=f"{prefix}_{name}")
        else:
            values[name] = column.text_input(label, value=getattr(current, name),
                                             placeholder="YYYY-MM-DD" if kind == "date" else "",
                                             key=f"{prefix}_{name}")
    return CaseDetails(**values)


def save_case_details(case_id: str, details) -> str | None:
    """Store ``details`` for a just-registered case (nothing when all empty); None, or the refusal."""
    from workbench.report.content import CaseDetails
    from workbench.store import ConflictError, PermissionDenied, StoreError

    if details == CaseDetails():
        return None
    seen = st.session_state.setdefault("seen_versions", {})
    store = state.store()
    before = seen.get(case_id) or store.case(case_id).row_version
    try:
        after = store.set_case_details(case_id, details, state.user(), before)
    except (ConflictError, StoreError, PermissionDenied) as problem:
        return str(problem)
    state.saved_own_write(case_id, before, after)
    return None
