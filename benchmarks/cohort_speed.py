"""Cohort speed: the same `workbench rank --manifest` command in one process, on forked workers, on Dask.

    python benchmarks/cohort_speed.py [--n 500] [--runs 1] [--cases /tmp/cohort-bench]

Makes (once) N exome-size cases with the shared benchmark's simtrio.py (seed 1), then runs,
interleaved, each into a fresh output folder, with ``--no-cache`` so every case reads its VCF:

* ``--workers 1``: one process, the sequential baseline;
* ``--workers <cores>``: forked workers sharing the knowledge loaded once (copy-on-write);
* ``--dask``: a LocalCluster sized to the machine (one single-threaded worker per core).

Each is timed as a whole process tree from outside (wall; CPU from ``wait4``, which includes the
workers the command reaped; peak tree RSS sampled from /proc, see wgs_speed.py). Per-case CPU
seconds and each worker's peak memory come from the run's status.jsonl. The tables of the three
runs are compared byte for byte. Floors: issue 20, <= 0.1 s wall per case on 2 cores with
forked workers; issue 19, Dask >= 1.6x the single process (2,000 cases asked; say if fewer).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from wgs_speed import BENCHMARK, REPO, run_process


def ensure_cases(folder: Path, n: int) -> Path:
    """A manifest of the first ``n`` seed-1 cases (generated once into ``folder``)."""
    manifest = folder / "manifest.tsv"
    if not manifest.exists() or sum(1 for _ in open(manifest)) - 1 < n:
        subprocess.run([sys.executable, str(BENCHMARK / "simtrio.py"), "cases", str(BENCHMARK / "cases_dev.jsonl.gz"),
                        str(folder), "--limit", str(n)], check=True)
    with open(manifest, newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        rows = list(reader)[:n]
        fields = reader.fieldnames
    subset = folder / f"manifest-{n}.tsv"
    with open(subset, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return subset


def tables(outdir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in outdir.glob("*.tsv")}


def statuses(outdir: Path) -> list[dict]:
    with open(outdir / "status.jsonl") as fh:
        return [json.loads(line) for line in fh]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=500)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--cases", type=Path, default=Path("/tmp/cohort-bench"))
    ap.add_argument("--only", default="single,pool,dask", help="comma-separated subset of single,pool,dask")
    a = ap.parse_args(argv)
    manifest = ensure_cases(a.cases, a.n)
    cores = len(os.sched_getaffinity(0))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    base = [sys.executable, "-m", "workbench", "rank", "--manifest", str(manifest), "--no-cache"]
    variants = {"single": ["--workers", "1"], "pool": ["--workers", str(cores)], "dask": ["--dask"]}
    variants = {k: v for k, v in variants.items() if k in a.only.split(",")}
    work = Path(tempfile.mkdtemp(prefix="cohort-speed-"))
    print(f"{a.n} exome-size cases (seed 1) from {manifest}; cores: {cores}; "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, extra in variants.items():
        print(f"  {name}: workbench rank --manifest M --outdir O --no-cache {' '.join(extra)}")
    results: dict[str, list[dict]] = defaultdict(list)
    reference = None
    for run in range(1, a.runs + 1):
        for name, extra in variants.items():
            outdir = work / f"{name}-{run}"
            figures = run_process(base + ["--outdir", str(outdir)] + extra, env=env, check=False)
            found = tables(outdir)
            lines = statuses(outdir)
            per_worker = defaultdict(float)
            for line in lines:
                per_worker[line["worker"]] = max(per_worker[line["worker"]], line["worker_peak_mb"])
            figures.update(cases=len(found), failed=sum(line["status"] == "failed" for line in lines),
                           cpu_per_case=statistics.median(line["cpu_s"] for line in lines if line["status"] == "ok"),
                           worker_peak=max(per_worker.values()), workers=len(per_worker))
            if reference is None:
                reference = found
            figures["identical"] = found == reference
            results[name].append(figures)
            print(f"run {run} {name:>6}: {figures['wall']:6.1f} s wall ({figures['wall'] / a.n:.3f} s/case), "
                  f"{figures['cpu']:6.1f} s CPU; {figures['cases']} tables, {figures['failed']} failed, "
                  f"same tables as the first run: {figures['identical']}; median case CPU "
                  f"{figures['cpu_per_case']:.3f} s; {figures['workers']} worker(s), peak {figures['worker_peak']:.0f} MB "
                  f"each at most, tree peak {figures['tree_mb']:.0f} MB")
            shutil.rmtree(outdir, ignore_errors=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    wall = {name: statistics.median(f["wall"] for f in rows) for name, rows in results.items()}
    for name, rows in results.items():
        line = (f"{name:>6}: median {wall[name]:.1f} s wall = {wall[name] / a.n:.3f} s per case, "
                f"CPU {statistics.median(f['cpu'] for f in rows):.1f} s, outputs identical: "
                f"{all(f['identical'] for f in rows)}")
        if "single" in wall and name != "single":
            line += f"; speed-up over one process {wall['single'] / wall[name]:.2f}x"
        print(line)


if __name__ == "__main__":
    main()
