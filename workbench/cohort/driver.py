"""Run a cohort: skip what is done, spread the rest over a backend, record every case's status.

The status file (``status.jsonl`` in the output folder) gets one JSON line per case attempt as
it finishes, so a driver or a person can follow a long run with ``tail -f`` and a crash loses
nothing: a rerun skips every case whose last line is ``ok`` for the same inputs and knowledge
version, the same workbench code, and whose table exists (tables are written atomically:
present means complete).
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Iterator, Sequence

from workbench.cohort.manifest import CaseSpec
from workbench.cohort.runner import FAILED, OK, CaseRunner, CaseStatus, batch_collector, code_digest

STATUS_FILE = "status.jsonl"


@dataclass(frozen=True)
class CohortResult:
    """What a run did: the cases it ran (in completion order) and the ones it skipped."""

    statuses: tuple[CaseStatus, ...]
    skipped: tuple[str, ...]
    seconds: float
    backend: str

    @property
    def failed(self) -> tuple[CaseStatus, ...]:
        return tuple(s for s in self.statuses if s.status == FAILED)


def read_status(path: Path) -> dict[str, CaseStatus]:
    """The last recorded status of each case (a torn last line, from a crash, is ignored)."""
    found: dict[str, CaseStatus] = {}
    if not path.exists():
        return found
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                status = CaseStatus.from_dict(json.loads(line))
            except (ValueError, TypeError):
                continue
            found[status.case_id] = status
    return found


def default_workers() -> int:
    """One worker per core this process may use."""
    return len(os.sched_getaffinity(0))


def run_cohort(specs: Sequence[CaseSpec], outdir: Path, *, workers: int | None = None, dask: str | None = None,
               use_cache: bool = True, resume: bool = True, log: IO[str] | None = None,
               dask_processes: bool = True, parquet: bool = False) -> CohortResult:
    """Rank every case into ``outdir/<case_id>.tsv``.

    ``workers``: processes on this machine (default: one per core; 1 runs in this process).
    ``dask``: ``"local"`` for a LocalCluster sized to the machine, or a scheduler address.
    ``log``: where failures and progress go (default: stderr at call time).
    ``parquet``: also write ``<case_id>.parquet`` (the table with ``case_id`` and
    ``knowledge_version`` columns), so the folder's ``*.parquet`` files read as one table
    (``pandas.read_parquet(sorted(outdir.glob("*.parquet")))``, DuckDB ``'out/*.parquet'``).
    """
    from workbench.knowledge import load_knowledge

    started = time.perf_counter()
    log = log or sys.stderr
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    knowledge = load_knowledge()
    previous = read_status(outdir / STATUS_FILE) if resume else {}
    code = code_digest()
    todo: list[tuple[CaseSpec, str]] = []
    skipped: list[str] = []
    for spec in specs:
        inputs = "" if spec.problem else spec.fingerprint()
        last = previous.get(spec.case_id)
        if (last is not None and last.status == OK and inputs and last.inputs == inputs
                and last.knowledge_version == knowledge.version and last.code == code
                and (outdir / spec.output_name).exists() and (not parquet or (outdir / spec.parquet_name).exists())):
            skipped.append(spec.case_id)
        else:
            todo.append((spec, inputs))
    workers = workers or default_workers()
    if dask:
        from workbench.cohort.dask_backend import run_dask

        backend = f"dask ({'LocalCluster' if dask == 'local' else dask})"
        results = run_dask(todo, str(outdir), use_cache, address=None if dask == "local" else dask,
                           workers=workers if dask == "local" else None, processes=dask_processes, parquet=parquet)
    elif workers > 1 and len(todo) > 1:
        from workbench.cohort.pool import run_pool

        backend = f"{min(workers, len(todo))} forked workers"
        results = run_pool(todo, CaseRunner(outdir, use_cache, knowledge, parquet=parquet), min(workers, len(todo)))
    else:
        backend = "this process"
        # one case but several cores: let a genome's scan use them (0 = the cores idle now)
        runner = CaseRunner(outdir, use_cache, knowledge, parquet=parquet, scan_workers=0 if workers > 1 else 1)
        results = (runner(spec, inputs) for spec, inputs in todo)
    if skipped:
        print(f"skipping {len(skipped)} case(s) already ranked with these inputs and {knowledge.version}", file=log)
    with batch_collector():  # set before the pool forks: its workers inherit it
        statuses = tuple(_record(results, outdir / STATUS_FILE, len(todo), log, started))
    return CohortResult(statuses, tuple(skipped), time.perf_counter() - started, backend)


def _record(results: Iterator[CaseStatus], path: Path, total: int, log: IO[str],
            started: float) -> Iterator[CaseStatus]:
    """Append each status as it arrives; show failures at once and progress every tenth."""
    step = max(1, total // 10)
    failed = 0
    with open(path, "a", encoding="utf-8") as fh:
        for done, status in enumerate(results, start=1):
            fh.write(json.dumps(status.to_dict()) + "\n")
            fh.flush()
            if status.status == FAILED:
                failed += 1
                print(f"case {status.case_id} (line {status.line_no}): {status.error}", file=log)
            if done % step == 0 or done == total:
                print(f"[{done}/{total}] {100 * done // total}% · {failed} failed · "
                      f"{time.perf_counter() - started:.1f} s", file=log)
            yield status


def summary(result: CohortResult) -> str:
    """One paragraph for the end of a run: counts, per-case cost, failures."""
    ran = [s for s in result.statuses if s.status == OK]
    lines = [f"{len(ran)} case(s) ranked, {len(result.failed)} failed, {len(result.skipped)} skipped "
             f"in {result.seconds:.1f} s on {result.backend}"]
    if ran:
        lines.append(f"per case: median {statistics.median(s.wall_s for s in ran):.3f} s wall, "
                     f"{statistics.median(s.cpu_s for s in ran):.3f} s CPU; "
                     f"worker peak memory {max(s.worker_peak_mb for s in ran):.0f} MB")
    versions = sorted({s.knowledge_version for s in ran})
    if len(versions) > 1:  # a cluster whose workers hold different knowledge releases
        lines.append(f"warning: the cases were ranked with {len(versions)} different knowledge versions "
                     f"({'; '.join(versions)}): status.jsonl says which case got which")
    if result.failed:
        lines.append(f"failed: {', '.join(s.case_id for s in result.failed)}")
    return "\n".join(lines)
