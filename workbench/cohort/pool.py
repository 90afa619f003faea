"""All cores of one machine: fork workers after the knowledge and scorer are loaded.

The parent loads once; ``fork`` hands every worker the same pages copy-on-write (``gc.freeze``
keeps the collector from touching, and so copying, what was loaded), so a worker starts in
milliseconds with no knowledge load of its own. A worker that dies takes only its own cases:
they are reported as failed and the driver carries on.
"""
from __future__ import annotations

import gc
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Iterable, Iterator

from workbench.cohort.manifest import CaseSpec
from workbench.cohort.runner import FAILED, CaseRunner, CaseStatus

_RUNNER: CaseRunner | None = None  # set in the parent before the fork; the workers inherit it


def _rank(spec: CaseSpec, inputs: str) -> CaseStatus:
    return _RUNNER(spec, inputs)


def run_pool(items: Iterable[tuple[CaseSpec, str]], runner: CaseRunner, workers: int) -> Iterator[CaseStatus]:
    """Each case's status as it finishes (in completion order)."""
    global _RUNNER
    _RUNNER = runner
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            futures = {pool.submit(_rank, spec, inputs): (spec, inputs) for spec, inputs in items}
            for future in as_completed(futures):
                try:
                    yield future.result()
                except BrokenProcessPool as error:
                    spec, inputs = futures[future]
                    yield CaseStatus(case_id=spec.case_id, status=FAILED, line_no=spec.line_no, inputs=inputs,
                                     error=f"the worker process died ({error}); rerun to retry")
    finally:
        _RUNNER = None
        gc.unfreeze()
