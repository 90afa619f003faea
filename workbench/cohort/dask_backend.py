"""Many machines (or this one): the same per-case runner on Dask distributed.

``address`` None starts a LocalCluster sized to this machine (one single-threaded worker
process per core: ranking holds the GIL); ``tcp://HOST:PORT`` uses a running scheduler. Cases
go out in partitions (a few per worker, so the scheduler's per-task cost stays small and the
load stays even); a worker plugin loads the knowledge and scorer once per worker when it
joins, and :func:`~workbench.cohort.runner.process_runner` keeps them for every partition
after. A case that fails is a failed status, not an exception; a partition whose worker dies
is retried by Dask and, if it keeps failing, reported case by case while the others finish.
"""
from __future__ import annotations

import logging
import math
import os
from typing import Iterator, Sequence

from workbench.cohort.manifest import CaseSpec
from workbench.cohort.runner import FAILED, CaseStatus, batch_collector, process_runner, run_batch

MAX_PARTITION = 20  # about 4 s of work: the last partitions of a run finish close together
# A batch run shows no dashboard, so the workers' monitors that wake every 1-100 ms for it (GIL
# contention sampling every 1 ms, the sampling profiler every 10 ms, memory every 100 ms) are
# slowed or turned off: measured on 20 exome cases, median CPU per case 0.33 s with Dask's
# defaults, 0.28-0.29 s with these (0.21 s in a plain process). The nanny's default
# MALLOC_TRIM_THRESHOLD_=65536 is left out: it makes glibc hand every freed 64 kB back to the
# kernel, and a case's many short-lived numpy buffers then cost page faults (100 exome cases:
# system time 4.2 s -> 1.4 s, median case CPU 0.203 -> 0.179 s; 0.171 s in one plain process).
# Our workers hold a steady ~230 MB, so there is nothing to trim. Use the same settings in an
# existing cluster's worker configuration.
LOCAL_WORKER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "5s",
    "distributed.admin.tick.interval": "1s",
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
}


def _preload_plugin(outdir: str, use_cache: bool, parquet: bool):
    from distributed.diagnostics.plugin import WorkerPlugin

    class KnowledgePreload(WorkerPlugin):
        """Loads knowledge and scorer when a worker joins, before its first partition."""

        name = "workbench-knowledge"

        def setup(self, worker) -> None:
            process_runner(outdir, use_cache, parquet)
            self.collector = batch_collector()
            self.collector.__enter__()  # for the worker's life: what was loaded stays

        def teardown(self, worker) -> None:
            self.collector.__exit__(None, None, None)

    return KnowledgePreload()


def partitions(items: Sequence, workers: int, size: int | None = None) -> list[list]:
    """Cut ``items`` into partitions of ``size`` (default: about four per worker, at most 20).

    >>> [len(p) for p in partitions(list(range(10)), workers=2)]
    [2, 2, 2, 2, 2]
    """
    size = size or max(1, min(MAX_PARTITION, math.ceil(len(items) / (4 * max(workers, 1)))))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def run_dask(items: Sequence[tuple[CaseSpec, str]], outdir: str, use_cache: bool, address: str | None = None,
             workers: int | None = None, processes: bool = True, partition_size: int | None = None,
             parquet: bool = False) -> Iterator[CaseStatus]:
    """Each case's status as its partition finishes."""
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if address:
        client = Client(address)
    else:
        import dask

        n = workers or len(os.sched_getaffinity(0))
        with dask.config.set(LOCAL_WORKER_CONFIG):  # the nannies hand it to the workers they start
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=processes, dashboard_address=None,
                                   worker_dashboard_address=None,
                                   silence_logs=logging.ERROR)
        client = Client(cluster)
    try:
        client.register_plugin(_preload_plugin(outdir, use_cache, parquet))
        n_workers = max(1, len(client.scheduler_info()["workers"]))
        parts = partitions(list(items), n_workers, partition_size)
        futures = client.map(run_batch, parts, outdir=outdir, use_cache=use_cache, parquet=parquet, pure=False)
        part_of = {f.key: part for f, part in zip(futures, parts)}
        for future in as_completed(futures):
            try:
                yield from future.result()
            except Exception as error:  # the partition's worker died (KilledWorker) or it could not run
                for spec, inputs in part_of[future.key]:
                    yield CaseStatus(case_id=spec.case_id, status=FAILED, line_no=spec.line_no, inputs=inputs,
                                     error=f"the Dask task failed ({type(error).__name__}: {error}); rerun to retry")
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
