"""How the app shows a result's input issues (workbench.notepad): one box per issue, its fix beneath.

The hook every page uses through ``layout.provenance``; the CLI and the report list the same
issues, so what a reader doubted is seen wherever the ranking is.
"""
from __future__ import annotations

import re
from typing import Iterable

import streamlit as st

from workbench.notepad import InputIssue, Level


_FOLDERS = re.compile(r"(?<![\w.~])/(?:[^/\s'\"]+/)+(?=[^/\s'\"])")


def without_folders(text: str) -> str:
    """The text with server folders cut from absolute paths: a page names a file, never where it is kept.

    >>> without_folders("VCF /root/.local/share/workbench/uploads/3f2a/kid.vcf.gz: file ends early")
    'VCF kid.vcf.gz: file ends early'
    """
    return _FOLDERS.sub("", text)


def show_issues(issues: Iterable[InputIssue]) -> None:
    for issue in issues:
        box = st.error if issue.level is Level.ERROR else st.warning
        box(without_folders(issue.message + (f"  \n*Fix:* {issue.fix}" if issue.fix else "")),
            icon=":material/warning:")
