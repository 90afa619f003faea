"""All cores of one machine: fork workers after the knowledge and scorer are loaded.

The parent loads once; ``fork`` hands every worker the same pages copy-on-write (the driver's
:func:`~workbench.cohort.runner.batch_collector` freezes them, so the collector never touches, and
so copies, what was loaded), so a worker starts in milliseconds with no knowledge load of its own. A worker that dies costs only the case it was
ranking (see :func:`run_pool`); the others finish.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Callable, Generator, Iterable, Iterator

from workbench.cohort.manifest import CaseSpec
from workbench.cohort.runner import FAILED, CaseStatus

_RUNNER: Callable[[CaseSpec, str], CaseStatus] | None = None  # set before the fork; the workers inherit it


def _rank(spec: CaseSpec, inputs: str) -> CaseStatus:
    return _RUNNER(spec, inputs)


def run_pool(items: Iterable[tuple[CaseSpec, str]], runner: Callable[[CaseSpec, str], CaseStatus],
             workers: int) -> Iterator[CaseStatus]:
    """Each case's status as it finishes (in completion order).

    A worker that dies (killed for memory, a crash in a C library) breaks the whole executor:
    the cases it had not finished run again in a fresh one; when a round finishes none, each is
    run alone, and the one whose worker dies again is reported failed.
    """
    global _RUNNER
    _RUNNER = runner
    try:
        pending = list(items)
        while pending:
            unfinished = yield from _round(pending, workers)
            if len(unfinished) == len(pending):
                for item in unfinished:
                    for spec, inputs in (yield from _round([item], 1)):
                        yield CaseStatus(case_id=spec.case_id, status=FAILED, line_no=spec.line_no, inputs=inputs,
                                         error="the worker process died while ranking this case "
                                               "(out of memory, or a crash in a library); rerun to retry")
                return
            pending = unfinished
    finally:
        _RUNNER = None


def _round(items: list[tuple[CaseSpec, str]], workers: int
           ) -> Generator[CaseStatus, None, list[tuple[CaseSpec, str]]]:
    """Run ``items`` on a fresh executor; yield what finishes, return what a dead worker took down."""
    unfinished = []
    with ProcessPoolExecutor(max_workers=min(workers, len(items)), mp_context=get_context("fork")) as pool:
        futures = {pool.submit(_rank, spec, inputs): (spec, inputs) for spec, inputs in items}
        for future in as_completed(futures):
            try:
                status = future.result()
            except BrokenProcessPool:
                unfinished.append(futures[future])
                continue
            yield status
    unfinished.sort(key=lambda item: item[0].line_no)
    return unfinished
