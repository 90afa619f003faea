"""Re-ranking speed: a case's VCF read once, then its genes re-ranked for new phenotype terms.

The promise is <= 0.3 s per re-rank (a clinician editing terms sees the new list at once).
Prints, for a few simulated trios, the one-off analysis time (VCF read + inheritance), the
median re-rank time over several phenotype profiles, and their ratio; the first re-rank of a
process is reported apart (it warms the scorer's caches).

    python benchmarks/rerank_speed.py [--cases /tmp/bench200] [--n 5] [--repeats 10]
"""
from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path

from workbench.knowledge import load_knowledge
from workbench.model import PhenotypeProfile
from workbench.phenotype import LikelihoodRatioScorer
from workbench.ranking import analyse_case


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", default="/tmp/acc-full-500", help="a simtrio output folder with manifest.tsv")
    parser.add_argument("--n", type=int, default=5, help="cases to time")
    parser.add_argument("--repeats", type=int, default=10, help="re-ranks per case")
    args = parser.parse_args(argv)
    manifest = Path(args.cases) / "manifest.tsv"
    if not manifest.exists():
        print(f"no manifest at {manifest}: run benchmarks/accuracy.py first (or pass --cases)", file=sys.stderr)
        return 2
    with open(manifest) as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))[: args.n]
    start = time.perf_counter()
    kb = load_knowledge()
    scorer = LikelihoodRatioScorer(kb)
    print(f"knowledge + scorer: {time.perf_counter() - start:.2f} s (once per process)")
    reads, first, reranks, gene_counts = [], [], [], []
    for row in rows:
        began = time.perf_counter()
        analysis = analyse_case(row["vcf"], row["ped"], row["proband"] or None, knowledge=kb, scorer=scorer,
                                use_cache=False)
        reads.append(time.perf_counter() - began)
        gene_counts.append(len(analysis.candidates.genes))
        terms = [t for t in row["hpo"].split(",") if t]
        profiles = [PhenotypeProfile(observed=tuple(terms[: k + 1])) for k in range(min(len(terms), args.repeats))]
        for k, profile in enumerate(profiles):
            began = time.perf_counter()
            ranking = analysis.rank(profile)
            _ = ranking.genes[0].explanation.terms  # what the UI shows at once
            (first if k == 0 and not first else reranks).append(time.perf_counter() - began)
    print(f"cases: {len(rows)}; candidate genes per case: median {statistics.median(gene_counts):.0f}")
    print(f"analyse_case (VCF read + inheritance): median {statistics.median(reads):.3f} s")
    print(f"first re-rank (warm-up): {first[0]:.3f} s")
    print(f"re-rank: median {statistics.median(reranks):.3f} s, max {max(reranks):.3f} s over {len(reranks)} "
          f"(promise <= 0.3 s); read/re-rank ratio {statistics.median(reads) / statistics.median(reranks):.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
