"""What CNV/SV calls add to a case's ranking time, beside the same cases without them.

1. **Manifest mode** (one process, knowledge loaded once, no case cache): the first ``--n``
   cases of a ``simtrio.py cases ... --sv`` folder (about 4,400 CNV records each) are read and
   ranked without and with their ``case.sv.vcf.gz``, alternating, and the per-case medians are
   printed (wall and CPU seconds; the issue's budget is +0.1 s per case).
2. **A 50,000-record CNV VCF** (:mod:`benchmarks.make_sv_vcf`) with the first case's small
   variants: one ranking without and with it (budget: 2 s).

    python benchmarks/sv_speed.py [--n 20] [--cases /tmp/acc-sv-500]

The machine's load shows in the wall times; CPU times are what the code costs.
"""
from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCHMARK = REPO.parent / "shared" / "benchmark"
sys.path.insert(0, str(REPO))


def _cases(folder: Path, n: int) -> list[dict[str, str]]:
    if not (folder / "manifest.tsv").exists():
        print(f"simulating {n} --sv cases into {folder} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(BENCHMARK / "simtrio.py"), "cases", str(BENCHMARK / "cases_dev.jsonl.gz"),
                        str(folder), "--limit", str(n), "--sv"], check=True)
    with open(folder / "manifest.tsv") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))[:n]


def _time_case(row: dict[str, str], sv: list[str], kb, scorer) -> tuple[float, float]:
    from workbench.model import PhenotypeProfile
    from workbench.ranking.case import analyse_case

    wall, cpu = time.perf_counter(), time.process_time()
    analysis = analyse_case(row["vcf"], row["ped"], row.get("proband") or None, knowledge=kb, scorer=scorer,
                            use_cache=False, sv_vcf=sv)
    analysis.rank(PhenotypeProfile(observed=tuple(t for t in row["hpo"].split(",") if t)))
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20, help="cases for the manifest-mode comparison")
    parser.add_argument("--cases", default=None, help="a simtrio --sv folder (default /tmp/sv-speed-<n>)")
    parser.add_argument("--records", type=int, default=50_000)
    args = parser.parse_args(argv)
    from benchmarks.make_sv_vcf import main as make_sv_vcf
    from workbench.knowledge import load_knowledge
    from workbench.knowledge.sv_knowledge import load_sv_knowledge
    from workbench.phenotype import LikelihoodRatioScorer

    rows = _cases(Path(args.cases or f"/tmp/sv-speed-{args.n}"), args.n)
    kb = load_knowledge()
    scorer = LikelihoodRatioScorer(kb)
    start = time.perf_counter()
    load_sv_knowledge()
    print(f"CNV knowledge (ClinGen dosage, gnomAD v4 SV) loaded once in {time.perf_counter() - start:.2f} s")
    _time_case(rows[0], [rows[0]["sv_vcf"]], kb, scorer)  # warm: gene table, first-use imports
    times: dict[str, list[tuple[float, float]]] = {"no SV": [], "with SV": []}
    for i, row in enumerate(rows):
        order = (("no SV", []), ("with SV", [row["sv_vcf"]]))
        for label, sv in (order if i % 2 == 0 else order[::-1]):
            times[label].append(_time_case(row, sv, kb, scorer))
    print(f"\nmanifest mode, {len(rows)} cases (about 4,400 CNV records each), median per case:")
    medians = {}
    for label, values in times.items():
        medians[label] = (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
        print(f"  {label:<8} wall {medians[label][0]:.3f} s   CPU {medians[label][1]:.3f} s")
    extra = [(b[0] - a[0], b[1] - a[1]) for a, b in zip(times["no SV"], times["with SV"])]
    print(f"  added    wall {statistics.median(w for w, _ in extra):+.3f} s   "
          f"CPU {statistics.median(c for _, c in extra):+.3f} s   (budget +0.1 s)")

    big = Path(f"/tmp/sv-speed-{args.records}.sv.vcf.gz")
    if not big.exists():
        make_sv_vcf(["--ped", rows[0]["ped"], "--out", str(big), "--records", str(args.records)])
    base = _time_case(rows[0], [], kb, scorer)
    large = _time_case(rows[0], [str(big)], kb, scorer)
    print(f"\n{args.records:,}-record CNV VCF with the case's small variants, one ranking:")
    print(f"  no SV    wall {base[0]:.3f} s   CPU {base[1]:.3f} s")
    print(f"  with SV  wall {large[0]:.3f} s   CPU {large[1]:.3f} s   (budget 2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
