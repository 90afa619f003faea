"""Cases: the families opened so far, with their status and current top gene; open or create one."""
import streamlit as st

from workbench.ui import state

st.title("Cases")
current = state.current_case()
opened = st.session_state.get("cases", {})
rows = []
for case_id, (case, when) in opened.items():
    top = state.ranking(case, state.profile(case)).genes
    tags = [tag for (tagged_case, _), tag in st.session_state.get("tags", {}).items() if tagged_case == case_id]
    rows.append({
        "family": case_id,
        "status": "reported" if "reported" in tags else ("in triage" if tags else "new"),
        "opened": when.strftime("%Y-%m-%d %H:%M"),
        "top gene": f"{top[0].gene_symbol} ({top[0].probability:.2f})" if top else "none",
        "source": case.origin,
        "open now": "◀" if case_id == current.case_id else "",
    })
st.dataframe(rows, hide_index=True, width="stretch")
st.caption("Cases opened in this session; top gene with its probability under the current phenotype.")

choices = list(opened)
pick = st.selectbox("Case", choices, index=choices.index(current.case_id), key="cases_pick")
left, right = st.columns([1, 5])
if left.button("Open", key="cases_open"):
    state.open_case(opened[pick][0])
    st.switch_page("workbench/ui/pages/candidates.py")
right.page_link("workbench/ui/pages/new_case.py", label="New case: upload a trio or open an example", icon=":material/add:")
