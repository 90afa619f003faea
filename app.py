"""Streamlit entry point: the router. Pages live in ``workbench/ui/pages``; run ``streamlit run app.py``."""
from pathlib import Path

import streamlit as st

from workbench.ui import layout, state

st.set_page_config(page_title="NICU genome workbench", page_icon=":material/genetics:", layout="wide")

PAGES = Path("workbench/ui/pages")


def page(name: str, title: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(PAGES / f"{name}.py", title=title, icon=icon, url_path=name, default=default)


sections = {
    "Triage": [
        page("candidates", "Candidates", ":material/genetics:", default=True),
        page("phenotype", "Phenotype", ":material/stethoscope:"),
        page("gene", "Gene detail", ":material/search:"),
        page("qc", "QC", ":material/monitoring:"),
        page("pgx", "Pharmacogenomics", ":material/medication:"),
    ],
    "Cases": [page("cases", "Cases", ":material/folder_open:"), page("new_case", "New case", ":material/add:"),
              page("dashboard", "Dashboard", ":material/insights:")],
    "Report": [
        page("report", "Report draft", ":material/description:"),
        page("signout", "Sign-out", ":material/verified:"),
        page("history", "History", ":material/history:"),
    ],
    "Account": [page("login", "Log in", ":material/login:")],
}
state.start_run()
layout.sidebar()
st.navigation(sections).run()
