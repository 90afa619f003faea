"""Cohort runs: many cases ranked on all cores of a machine or on a Dask cluster, resumably.

One design, three backends over the same per-case runner (:mod:`workbench.cohort.runner`):
this process, forked workers sharing the loaded knowledge (:mod:`workbench.cohort.pool`), or
Dask distributed (:mod:`workbench.cohort.dask_backend`). Each case's table is written
atomically and its status appended to ``status.jsonl``, so outputs are identical whichever
backend ran them and a rerun skips what is done. ``workbench rank --manifest`` is a thin call
into :func:`run_cohort`.
"""
from workbench.cohort.driver import STATUS_FILE, CohortResult, read_status, run_cohort, summary
from workbench.cohort.manifest import MANIFEST_COLUMNS, CaseSpec, read_cases, read_manifest
from workbench.cohort.runner import CaseRunner, CaseStatus

__all__ = ["MANIFEST_COLUMNS", "STATUS_FILE", "CaseRunner", "CaseSpec", "CaseStatus", "CohortResult", "read_cases",
           "read_manifest", "read_status", "run_cohort", "summary"]
