"""Genome end to end, as the user runs it: `workbench rank --no-cache` versus `bcftools view -H`.

    python benchmarks/wgs_speed.py [--runs 3] [--wgs /tmp/wgs] [--workers N]

Makes (once, kept in --wgs) the ~4.9M-record simulated trio with the benchmark's simtrio.py, then
in the same run, interleaved (bcftools, workbench, bcftools, workbench, ...):

* ``bcftools view -H FILE > /dev/null``: the decode floor, one process;
* ``python -m workbench rank --vcf FILE --ped PED --hpo TERMS --no-cache --out TMP``: the whole
  command, imports, knowledge, scorer, VCF scan (with its forked workers), inheritance,
  grouping, ranking and writing.

Each command is timed as a whole process from outside: wall clock, and CPU (user + system) from
``wait4``, which includes every worker the process reaped. Peak memory is the largest sum of
RSS over the process tree, sampled every 20 ms from /proc (shared pages counted once per
process, so it over- rather than under-states), beside the kernel's peak of the largest single
process. Medians of the runs, ratios taken run by run.

Then, separately and labelled as such:

* **stages**: one in-process run of the same pipeline with a clock between steps (imports,
  knowledge, scorer, VCF scan + QC, inheritance + grouping, ranking + writing); start-up is
  imports + knowledge + scorer;
* **cached rerun**: the same command without ``--no-cache`` after one run that filled the
  candidate cache (what reopening a case costs), never mixed into the figures above.

The machine is shared: the load average is printed before and after; quote medians and ratios.
Floors (issue 20): CPU and wall ratio <= 1.2 on 2 cores, peak tree RSS <= 300 MB, start-up <= 0.5 s.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCHMARK = REPO.parent / "shared" / "benchmark"

# The same steps as `workbench rank`, with a clock between them (run in a fresh process).
_STAGES = r"""
import json, sys, time
t0 = time.perf_counter()
from workbench.ranking.case import CaseAnalysis
from workbench.model import PhenotypeProfile
from workbench.knowledge import load_knowledge
from workbench.phenotype import LikelihoodRatioScorer
t1 = time.perf_counter()
kb = load_knowledge()
t2 = time.perf_counter()
scorer = LikelihoodRatioScorer(kb)
t3 = time.perf_counter()
startup_cpu = time.process_time()  # CPU since the interpreter started: robust to a loaded machine
from workbench.io import ReadOptions, read_family_vcf, read_pedigree
from workbench.inheritance import analyse_inheritance
from workbench.ranking import case as C
from workbench.ranking.rank import group_candidates
vcf, ped, hpo, out = sys.argv[1:5]
calls = read_family_vcf(vcf, read_pedigree(ped), options=ReadOptions(genic_only=True))  # as ranking reads
t4 = time.perf_counter()
result = analyse_inheritance(calls.variants, calls.trio, C._ranking_options())
genes, counts = group_candidates(result.candidates, kb.genes.lookup, kb.diseases_for_gene)
t5 = time.perf_counter()
analysis = CaseAnalysis(C.CaseCandidates(reading=calls, genes=tuple(genes), genes_per_mode=counts, issues=()),
                        kb, scorer)
ranking = analysis.rank(PhenotypeProfile(observed=tuple(hpo.split(","))))
with open(out, "w") as fh:
    ranking.write_tsv(fh)
t6 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "knowledge": t2 - t1, "scorer": t3 - t2, "scan_qc": t4 - t3,
                  "inheritance_grouping": t5 - t4, "rank_write": t6 - t5, "startup_cpu": startup_cpu, "records": calls.records_read,
                  "rare_alleles": len(calls.variants), "genes": len(genes)}))
"""


def ensure_genome(outdir: Path) -> tuple[Path, Path, str]:
    """The simulated genome's VCF, PED and observed HPO terms (made once)."""
    found = sorted(outdir.glob("*/case.vcf.gz"))
    if not found:
        subprocess.run([sys.executable, str(BENCHMARK / "simtrio.py"), "genome",
                        str(BENCHMARK / "cases_dev.jsonl.gz"), str(outdir)], check=True)
        found = sorted(outdir.glob("*/case.vcf.gz"))
    vcf = found[0]
    with open(outdir / "manifest.tsv", newline="") as fh:
        row = next(csv.DictReader(fh, delimiter="\t"))
    return vcf, vcf.parent / "case.ped", row["hpo"]


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                parent = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, ()))
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def run_process(cmd: list[str], stdout=subprocess.DEVNULL, env: dict | None = None, check: bool = True) -> dict:
    """Wall, CPU (user + sys of the process and every child it reaped) and peak memory of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, cwd=REPO, env=env)
    peak_tree = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak_tree[0] = max(peak_tree[0], sum(_rss_kb(p) for p in _tree(proc.pid)))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if check and proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr.decode()[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "tree_mb": peak_tree[0] / 1024,
            "largest_mb": usage.ru_maxrss / 1024}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wgs", type=Path, default=Path("/tmp/wgs"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None, help="pass --workers N to workbench rank")
    a = ap.parse_args(argv)
    vcf, ped, hpo = ensure_genome(a.wgs)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = Path(tempfile.mkdtemp(prefix="wgs-speed-")) / "ranked.tsv"
    rank = [sys.executable, "-m", "workbench", "rank", "--vcf", str(vcf), "--ped", str(ped), "--hpo", hpo,
            "--out", str(out)]
    if a.workers is not None:
        rank += ["--workers", str(a.workers)]
    bcftools = ["bcftools", "view", "-H", str(vcf)]
    print(f"file: {vcf} ({vcf.stat().st_size / 1e6:.0f} MB); cores: {len(os.sched_getaffinity(0))}; "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"A: {' '.join(rank[2:])} --no-cache\nB: bcftools view -H FILE > /dev/null")
    run_process(bcftools)  # warm the page cache for both
    rows = []
    for run in range(1, a.runs + 1):
        b = run_process(bcftools)
        w = run_process(rank + ["--no-cache"], env=env)
        rows.append((w, b))
        print(f"run {run}: bcftools {b['wall']:5.2f} s wall {b['cpu']:5.2f} s cpu | workbench rank {w['wall']:5.2f} s "
              f"wall {w['cpu']:5.2f} s cpu, tree peak {w['tree_mb']:.0f} MB (largest process {w['largest_mb']:.0f} MB)"
              f" | wall ratio {w['wall'] / b['wall']:.2f}, CPU ratio {w['cpu'] / b['cpu']:.2f}")

    def med(f):
        return statistics.median(f(w, b) for w, b in rows)

    print(f"median of {a.runs}: bcftools {med(lambda w, b: b['wall']):.2f} s wall {med(lambda w, b: b['cpu']):.2f} s cpu; "
          f"workbench rank --no-cache {med(lambda w, b: w['wall']):.2f} s wall {med(lambda w, b: w['cpu']):.2f} s cpu")
    print(f"END TO END (--no-cache): wall ratio {med(lambda w, b: w['wall'] / b['wall']):.2f}, "
          f"CPU ratio {med(lambda w, b: w['cpu'] / b['cpu']):.2f} (floors 1.2); "
          f"peak tree RSS {max(w['tree_mb'] for w, _ in rows):.0f} MB (floor 300)")

    stages = []
    for _ in range(a.runs):
        proc = subprocess.run([sys.executable, "-c", _STAGES, str(vcf), str(ped), hpo, str(out) + ".stages"],
                              capture_output=True, text=True, cwd=REPO, env=env, check=True)
        stages.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    keys = ("imports", "knowledge", "scorer", "scan_qc", "inheritance_grouping", "rank_write")
    median = {k: statistics.median(s[k] for s in stages) for k in keys}
    startup = statistics.median(s["imports"] + s["knowledge"] + s["scorer"] for s in stages)
    print("STAGES (in-process, median of %d): " % a.runs + ", ".join(f"{k} {median[k]:.2f} s" for k in keys))
    info = stages[-1]
    print(f"  records {info['records']:,}; proband rare alleles in genes kept {info['rare_alleles']:,}; "
          f"candidate genes {info['genes']}")
    startup_cpu = statistics.median(s["startup_cpu"] for s in stages)
    print(f"START-UP (imports + knowledge + scorer): {startup:.2f} s wall, {startup_cpu:.2f} s CPU including the "
          f"interpreter's own start (floor 0.5)")

    run_process(rank, env=env)  # fills the candidate cache
    cached = [run_process(rank, env=env) for _ in range(a.runs)]
    print(f"CACHED RERUN (separate: candidates from the cache, VCF not read): "
          f"{statistics.median(c['wall'] for c in cached):.2f} s wall, {statistics.median(c['cpu'] for c in cached):.2f} s cpu")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
