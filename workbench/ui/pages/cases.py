"""Cases: the families in the case store and those opened in this session; open, register or create one."""
import streamlit as st

from workbench.ui import readings, reanalysis_view, state

st.title("Cases")
current = state.current_case()


def top_gene(case) -> str:
    ranking = state.ranking_if_analysed(case)
    if ranking is None:
        return "open to rank"
    if not ranking.genes:
        return "none"
    best = ranking.genes[0]
    return f"{best.gene_symbol} ({readings.probability_reading(best.probability)}, {best.probability:.2f})"


openable: dict[str, object] = {}
if state.user() is not None:
    st.subheader("Case store")
    registered = state.store().cases()
    rows = []
    for case in registered:
        files = state.case_from_store(case)  # the row in hand: no second query per case
        openable[case.case_id] = files
        rows.append({"case": case.case_id, "family": case.family_id, "status": case.status.value,
                     "created": f"{case.created_at:%Y-%m-%d %H:%M}", "by": case.created_by,
                     "top gene": top_gene(files), "new evidence": reanalysis_view.new_evidence(case),
                     "open now": "◀" if case.case_id == current.case_id else ""})
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
        reanalysis_view.panel(registered)
    else:
        st.info("No case in the store yet.")
    if not state.stored(current):
        st.caption(f"The open case {current.case_id} is kept for this session only.")
        if st.button(f"Register {current.case_id} in the case store", key="register_open_case"):
            problem = state.register(current)
            if problem:
                st.error(problem)
            else:
                st.rerun()
else:
    st.info("Log in to see the case store and keep phenotype, tags and notes; without it they last for this session.")

st.subheader("This session")
session_rows = []
for case_id, (case, when) in st.session_state.get("cases", {}).items():
    openable.setdefault(case_id, case)
    tags = set(state.tags(case).values())
    session_rows.append({
        "case": case_id,
        "status": "reported" if "reported" in tags else ("in triage" if tags else "new"),
        "opened": f"{when:%Y-%m-%d %H:%M}",
        "top gene": top_gene(case),
        "source": case.origin,
        "open now": "◀" if case_id == current.case_id else "",
    })
st.dataframe(session_rows, hide_index=True, width="stretch")
st.caption("Status: new, in triage (something tagged) or reported (a gene tagged reported); top gene with its "
           "probability under the current phenotype.")

choices = list(openable)
pick = st.selectbox("Case", choices, index=choices.index(current.case_id) if current.case_id in choices else 0,
                    key="cases_pick")
left, right = st.columns([1, 5])
if left.button("Open", key="cases_open"):
    state.open_case(openable[pick])
    st.switch_page("workbench/ui/pages/candidates.py")
right.page_link("workbench/ui/pages/new_case.py", label="New case: upload a trio or open an example", icon=":material/add:")
