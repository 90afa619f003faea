"""Genome-scale speed: full ingest + QC + inheritance versus `bcftools view -H` of the same file.

    python benchmarks/wgs_speed.py [--runs 3] [--wgs /tmp/wgs]

Makes (once, cached in --wgs) the ~4.9M-site simulated trio with the benchmark's simtrio.py,
then alternates, in the same run, `bcftools view -H FILE > /dev/null` and a fresh Python
process doing read_family_vcf (QC over every record, rare proband alleles prefiltered) plus
analyse_inheritance. Prints wall and CPU seconds of each, the median ratio and the peak RSS of
our process tree. The machine is shared: medians of interleaved runs, never single timings.
Floors: ratio <= 3.0 and peak RSS <= 2 GB (aim 1.5 and 1.5 GB).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCHMARK = REPO.parent / "shared" / "benchmark"

# Runs in a child process so that peak RSS (VmHWM of it and its worker processes) is ours alone.
_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter(); c0 = time.process_time()
from workbench.io import read_family_vcf, read_pedigree
vcf, ped = sys.argv[1], sys.argv[2]
calls = read_family_vcf(vcf, read_pedigree(ped))
t1 = time.perf_counter()
stage = {"ingest_qc_s": t1 - t0}
try:
    from workbench.inheritance import analyse_inheritance
except ImportError:
    analyse_inheritance = None
candidates = None
if analyse_inheritance is not None:
    result = analyse_inheritance(calls.variants, calls.trio)
    candidates = len(result.candidates)
t2 = time.perf_counter()
stage["inheritance_s"] = t2 - t1
self_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"records": calls.records_read, "variants": len(calls.variants), "candidates": candidates,
                  "problems": calls.problem_count, "alarms": list(calls.qc.alarms),
                  "peak_rss_mb": max(self_rss, child_rss) / 1024, "sum_rss_mb": (self_rss + child_rss) / 1024,
                  **stage}))
"""


def ensure_genome(outdir: Path) -> tuple[Path, Path]:
    found = sorted(outdir.glob("*/case.vcf.gz"))
    if not found:
        subprocess.run([sys.executable, str(BENCHMARK / "simtrio.py"), "genome",
                        str(BENCHMARK / "cases_dev.jsonl.gz"), str(outdir)], check=True)
        found = sorted(outdir.glob("*/case.vcf.gz"))
    vcf = found[0]
    return vcf, vcf.parent / "case.ped"


def time_bcftools(vcf: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run(["bcftools", "view", "-H", str(vcf)], stdout=sink, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter() - start, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def time_workbench(vcf: Path, ped: Path) -> tuple[float, float, dict]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _CHILD, str(vcf), str(ped)], check=True, capture_output=True,
                         text=True, cwd=REPO)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return time.perf_counter() - start, cpu, json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wgs", type=Path, default=Path("/tmp/wgs"))
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args(argv)
    vcf, ped = ensure_genome(a.wgs)
    print(f"file: {vcf} ({vcf.stat().st_size / 1e6:.0f} MB), cores available: {len(os.sched_getaffinity(0))}, "
          f"load average: {os.getloadavg()[0]:.1f}")
    rows = []
    for run in range(1, a.runs + 1):
        b_wall, b_cpu = time_bcftools(vcf)
        w_wall, w_cpu, info = time_workbench(vcf, ped)
        rows.append((b_wall, b_cpu, w_wall, w_cpu, info))
        print(f"run {run}: bcftools view -H {b_wall:6.1f} s wall {b_cpu:5.1f} s cpu | workbench {w_wall:6.1f} s wall "
              f"{w_cpu:5.1f} s cpu (ingest+QC {info['ingest_qc_s']:.1f} s, inheritance {info['inheritance_s']:.1f} s)"
              f" | ratio {w_wall / b_wall:.2f} | peak RSS {info['peak_rss_mb']:.0f} MB")
    b_wall = statistics.median(r[0] for r in rows)
    w_wall = statistics.median(r[2] for r in rows)
    ratio = statistics.median(r[2] / r[0] for r in rows)
    cpu_ratio = statistics.median(r[3] / r[1] for r in rows)
    peak = max(r[4]["peak_rss_mb"] for r in rows)
    info = rows[-1][4]
    print(f"records {info['records']:,}; proband rare alleles {info['variants']:,}; candidate genes/modes "
          f"{info['candidates']}; input problems {info['problems']}; QC alarms {len(info['alarms'])}")
    print(f"median: bcftools {b_wall:.1f} s, workbench {w_wall:.1f} s, wall ratio {ratio:.2f} (floor 3.0, aim 1.5), "
          f"CPU ratio {cpu_ratio:.2f}, peak RSS {peak:.0f} MB (floor 2048, aim 1536)")


if __name__ == "__main__":
    main()
