"""Streamlit entry point: the router. Pages live in ``workbench/ui/pages``; run ``streamlit run app.py``."""
from pathlib import Path

import streamlit as st

from workbench.ui import layout

st.set_page_config(page_title="NICU genome workbench", page_icon="🧬", layout="wide")

PAGES = Path("workbench/ui/pages")


def page(name: str, title: str, icon: str, default: bool = False) -> st.Page:
    return st.Page(PAGES / f"{name}.py", title=title, icon=icon, url_path=name, default=default)


sections = {
    "Triage": [
        page("candidates", "Candidates", "🧬", default=True),
        page("phenotype", "Phenotype", "🩺"),
        page("gene", "Gene detail", "🔎"),
        page("qc", "QC", "📊"),
    ],
    "Cases": [page("cases", "Cases", "🗂️"), page("new_case", "New case", "➕")],
}
layout.sidebar()
st.navigation(sections).run()
