"""Reanalysis of N stored exome-size cases, one process, beside ranking the same cases from a manifest.

Simulates N cases with ``../shared/benchmark/simtrio.py`` (reused from ``/tmp/reanalysis-<n>``),
registers them in a throw-away SQLite case store with their HPO terms, records each case's
baseline ranking, then times whole processes, each in a fresh process (knowledge load included):

* ``workbench reanalyse`` with the per-case candidate cache emptied first: what a new knowledge
  release costs (every VCF is read again);
* ``workbench reanalyse`` with the cache warm: a rerun under the same release;
* ``workbench reanalyse --workers 2``: the same on forked workers (this process still records);
* baseline, same run: ``workbench rank --manifest --workers 1`` over the same cases (one process,
  like the reanalysis: reads every VCF, writes tables, no store).

Prints seconds per case (wall, median of ``--runs``) and the ratio to the manifest run.

    python benchmarks/reanalysis_speed.py --n 500 --runs 3
"""
from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCHMARK = REPO.parent / "shared" / "benchmark"


def simulate(n: int) -> Path:
    out = Path(f"/tmp/reanalysis-{n}")
    if not (out / "manifest.tsv").exists():
        subprocess.run([sys.executable, str(BENCHMARK / "simtrio.py"), "cases", str(BENCHMARK / "cases_dev.jsonl.gz"),
                        str(out), "--limit", str(n)], check=True)
    return out


def register(manifest: Path, url: str) -> int:
    """Put every manifest case in the store, as an analyst registering it would."""
    sys.path.insert(0, str(REPO))
    from workbench.io import read_pedigree
    from workbench.knowledge import load_knowledge
    from workbench.report.content import PhenotypeItem
    from workbench.store import Role, open_store

    store = open_store(url)
    user = store.add_user("bench", "benchmark-password", Role.ANALYST, "Benchmark", None)
    version = load_knowledge().version
    with open(manifest, newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        terms = [PhenotypeItem(t, t, excluded) for column, excluded in (("hpo", False), ("excluded_hpo", True))
                 for t in (row.get(column) or "").split(",") if t]
        trio = read_pedigree(row["ped"]).trio(row["proband"])
        store.create_case(trio, row["vcf"], version, user, pedigree_path=row["ped"], case_id=row["case_id"],
                          phenotype=terms)
    return len(rows)


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=False, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cases = simulate(args.n)
    work = Path(tempfile.mkdtemp(prefix="reanalysis-bench-"))
    url = f"sqlite:///{work / 'cases.sqlite3'}"
    cache = work / "cache"
    env = {**os.environ, "PYTHONPATH": str(REPO), "WORKBENCH_CACHE_DIR": str(cache)}
    try:
        count = register(cases / "manifest.tsv", url)
        reanalyse = [sys.executable, "-m", "workbench", "reanalyse", "--database", url]
        manifest = [sys.executable, "-m", "workbench", "rank", "--manifest", str(cases / "manifest.tsv"),
                    "--outdir", str(work / "ranked")]
        subprocess.run(reanalyse, check=True, env=env, cwd=REPO, stdout=subprocess.DEVNULL)  # baselines
        figures: dict[str, list[float]] = {"reanalyse, new release (cold case cache)": [],
                                           "reanalyse, same release (warm case cache)": [],
                                           "reanalyse --workers 2 (cold case cache)": [],
                                           "baseline: rank --manifest --workers 1 (cold)": []}
        for _ in range(args.runs):
            shutil.rmtree(cache / "cases", ignore_errors=True)
            figures["reanalyse, new release (cold case cache)"].append(timed(reanalyse, env))
            figures["reanalyse, same release (warm case cache)"].append(timed(reanalyse, env))
            shutil.rmtree(cache / "cases", ignore_errors=True)
            figures["reanalyse --workers 2 (cold case cache)"].append(timed(reanalyse + ["--workers", "2"], env))
            shutil.rmtree(cache / "cases", ignore_errors=True)
            figures["baseline: rank --manifest --workers 1 (cold)"].append(
                timed(manifest + ["--no-cache", "--workers", "1"], env))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = statistics.median(figures["baseline: rank --manifest --workers 1 (cold)"]) / count
    print(f"{count} stored exome-size cases, {args.runs} runs, whole processes (knowledge load included); "
          f"load average {os.getloadavg()[0]:.1f}")
    for name, seconds in figures.items():
        per_case = statistics.median(seconds) / count
        print(f"  {name:45s} {per_case:6.3f} s/case (median; min {min(seconds) / count:.3f}, "
              f"max {max(seconds) / count:.3f})  x{per_case / base:.2f} of baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
