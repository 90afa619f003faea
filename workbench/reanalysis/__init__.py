"""Reanalysis: re-rank stored cases under the current knowledge and say what changed.

    >>> from workbench.reanalysis import reanalyse      # doctest: +SKIP
    >>> outcomes = reanalyse(store, knowledge)          # every stored case  # doctest: +SKIP

A NICU genome unsolved today is often solved by reanalysis once a new gene-disease link is
published. :func:`reanalyse` re-ranks each stored case, compares the result with the ranking
people last looked at (ranked, reviewed or signed; see :mod:`workbench.store.rankings`), and
records every change as an audited snapshot. A signed report is never touched: its case shows
"new evidence since sign-out" so the director can amend.
"""
from workbench.reanalysis.diff import compare, snapshot_of
from workbench.reanalysis.run import (CaseOutcome, acknowledge, pending_changes, reanalyse, reanalyse_case,
                                      record_ranking, select_cases)

__all__ = ["CaseOutcome", "acknowledge", "compare", "pending_changes", "reanalyse", "reanalyse_case",
           "record_ranking", "select_cases", "snapshot_of"]
