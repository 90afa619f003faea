"""How the app shows a result's input issues (workbench.notepad): one box per issue, its fix beneath.

The hook every page uses through ``layout.provenance``; the CLI and the report list the same
issues, so what a reader doubted is seen wherever the ranking is.
"""
from __future__ import annotations

from typing import Iterable

import streamlit as st

from workbench.notepad import InputIssue, Level


def show_issues(issues: Iterable[InputIssue]) -> None:
    for issue in issues:
        box = st.error if issue.level is Level.ERROR else st.warning
        box(issue.message + (f"  \n*Fix:* {issue.fix}" if issue.fix else ""), icon=":material/warning:")
