"""How fast the knowledge loads and a patient is scored (medians over repeats).

    python benchmarks/phenotype_speed.py [--repeats 7] [--cold-repeats 1]

Cold = parse hp.obo/hpoa/genes/HGNC from source; warm = a fresh process reading the cache
(import included, as a user starting the app sees it). Floors: warm <= 1.5 s, scoring <= 0.3 s.
Wall and CPU time are both printed: on a shared machine the wall time also counts waiting
for a core (the load average is printed too), the CPU time is what the code costs.
"""
from __future__ import annotations

import argparse
import os
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
    "import time; t, c = time.perf_counter(), time.process_time(); from workbench.knowledge import load_knowledge; "
    "load_knowledge(); print(time.perf_counter() - t, time.process_time() - c)"
)


def timed(function, repeats: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``function()``."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--cold-repeats", type=int, default=1)
    args = parser.parse_args()
    directory = paths.knowledge_dir()

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    cold, cold_cpu = timed(lambda: build_knowledge(directory), args.cold_repeats)
    print(f"cold load from source (parse obo/hpoa/genes/HGNC): wall {cold:6.2f} s, cpu {cold_cpu:6.2f} s  (median of {args.cold_repeats})")

    load_knowledge()  # make sure the cache exists
    runs = [subprocess.run([sys.executable, "-c", WARM_SNIPPET], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(args.repeats)]
    warm = statistics.median(float(wall) for wall, _ in runs)
    warm_cpu = statistics.median(float(cpu) for _, cpu in runs)
    print(f"warm load from cache (fresh process, import incl.): wall {warm:6.2f} s, cpu {warm_cpu:6.2f} s  "
          f"(median of {args.repeats}; floor 1.5 s) -> {cold_cpu / warm_cpu:.0f}x less cpu than cold")

    kb = load_knowledge()
    start, start_cpu = time.perf_counter(), time.process_time()
    lr = LikelihoodRatioScorer(kb)
    print(f"LR scorer precompute (indexes, once per process): wall {time.perf_counter() - start:6.2f} s, "
          f"cpu {time.process_time() - start_cpu:6.2f} s")
    resnik = ResnikScorer(kb, symmetric=True)
    print(f"10-term patient (+2 excluded) against {len(kb.diseases)} diseases / {len(lr.genes)} genes, "
          f"median of {args.repeats} (wall / cpu):")
    for scorer in (lr, resnik):
        arrays = timed(lambda: scorer.gene_score_array(scorer.disease_scores(scorer.prepare(PATIENT))), args.repeats)
        objects = timed(lambda: scorer.score_genes(PATIENT), args.repeats)
        explain = timed(lambda: [m.best._explain() for m in scorer.score_genes(PATIENT)[:20]], 3)
        print(f"  {scorer.name:20s} gene arrays {arrays[0] * 1000:5.0f} / {arrays[1] * 1000:5.0f} ms | "
              f"score_genes() {objects[0] * 1000:5.0f} / {objects[1] * 1000:5.0f} ms (floor 300 ms) | "
              f"+ explain top 20 {max(explain[1] - objects[1], 0) * 1000:5.0f} ms cpu")
    search_per_keystroke(kb, args.repeats)


# What a neonatologist types into the term box, one call per keystroke from the third on.
TYPED = ("seizure", "respiratory distress", "a seizure", "s focal", "resp distress", "short l",
         "h cardiomyopathy", "abnormal heart m", "d delay", "neonatal hypo")


def search_per_keystroke(kb, repeats: int) -> None:
    """Autocomplete latency: every prefix of TYPED; the one-word prefixes (a bisect on the sorted
    keys) are the baseline the several-word ones (words in any order) are compared with."""
    prefixes = [phrase[:k] for phrase in TYPED for k in range(3, len(phrase) + 1)]
    single = [p for p in prefixes if " " not in p.strip()]
    several = [p for p in prefixes if " " in p.strip()]
    medians = {}
    for name, queries in (("one word", single), ("several words", several)):
        times = []
        for _ in range(repeats):
            for query in queries:
                start = time.perf_counter()
                kb.hpo.search(query)
                times.append(time.perf_counter() - start)
        medians[name] = statistics.median(times)
        print(f"search per keystroke, {name:13s} ({len(queries):3d} prefixes): median {medians[name] * 1000:5.2f} ms, "
              f"max {max(times) * 1000:5.1f} ms")
    print(f"  several words / one word: {medians['several words'] / medians['one word']:.1f}x")


if __name__ == "__main__":
    main()
