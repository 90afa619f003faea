"""How fast the knowledge loads and a patient is scored (medians over repeats).

    python benchmarks/phenotype_speed.py [--repeats 7] [--cold-repeats 1]

Cold = parse hp.obo/hpoa/genes/HGNC from source; warm = a fresh process reading the cache
(import included, as a user starting the app sees it). Floors: warm <= 1.5 s, scoring <= 0.3 s.
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from workbench import paths
from workbench.knowledge import build_knowledge, load_knowledge
from workbench.model import PhenotypeProfile
from workbench.phenotype import LikelihoodRatioScorer, ResnikScorer

# A 10-term newborn-style profile (cardiac, neuro, skeletal, eye, growth), two excluded terms.
PATIENT = PhenotypeProfile(
    observed=("HP:0001083", "HP:0002616", "HP:0001166", "HP:0000098", "HP:0001250", "HP:0001263",
              "HP:0000252", "HP:0001508", "HP:0002650", "HP:0001252"),
    excluded=("HP:0000545", "HP:0001631"),
)
WARM_SNIPPET = (
    "import time; t = time.perf_counter(); from workbench.knowledge import load_knowledge; "
    "load_knowledge(); print(time.perf_counter() - t)"
)


def timed(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--cold-repeats", type=int, default=1)
    args = parser.parse_args()
    directory = paths.knowledge_dir()

    cold = timed(lambda: build_knowledge(directory), args.cold_repeats)
    print(f"cold load from source (parse obo/hpoa/genes/HGNC): {cold:6.2f} s  (median of {args.cold_repeats})")

    load_knowledge()  # make sure the cache exists
    warm_times = [float(subprocess.run([sys.executable, "-c", WARM_SNIPPET], capture_output=True, text=True, check=True).stdout)
                  for _ in range(args.repeats)]
    warm = statistics.median(warm_times)
    print(f"warm load from cache (fresh process, import incl.): {warm:6.2f} s  (median of {args.repeats}; floor 1.5 s) "
          f"-> {cold / warm:.0f}x faster than cold")

    kb = load_knowledge()
    start = time.perf_counter()
    lr = LikelihoodRatioScorer(kb)
    print(f"LR scorer precompute (indexes, once per process): {time.perf_counter() - start:6.2f} s")
    resnik = ResnikScorer(kb, symmetric=True)
    n_genes, n_diseases = len(lr.genes), len(kb.diseases)
    print(f"10-term patient (+2 excluded) against {n_diseases} diseases / {n_genes} genes:")
    for scorer in (lr, resnik):
        arrays = timed(lambda: scorer.gene_score_array(scorer.disease_scores(scorer.prepare(PATIENT))), args.repeats)
        objects = timed(lambda: scorer.score_genes(PATIENT), args.repeats)
        explain = timed(lambda: [m.best._explain() for m in scorer.score_genes(PATIENT)[:20]], 3) - objects
        print(f"  {scorer.name:28s} arrays {arrays * 1000:6.1f} ms | score_genes() objects {objects * 1000:6.1f} ms "
              f"(floor 300 ms) | explain top 20 +{max(explain, 0) * 1000:5.1f} ms")


if __name__ == "__main__":
    main()
