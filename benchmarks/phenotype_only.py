"""Phenotype-only gene recall on the solved cases of ../shared/benchmark/cases_dev.jsonl.gz.

    python benchmarks/phenotype_only.py [--limit 1500] [--seed 1] [--sweep] [--genes all|fit|check]

For each case the scorers rank every gene with an HPO disease (about 5,100) by the case's
observed/excluded terms alone; printed: top-1/5/10 recall of the causal gene for all cases
and for cases whose gene HPO links to a disease ("known"), the same within 200 random genes
plus the causal one (what the phenotype must do once genotype evidence has narrowed the
candidates), and the median log10 LR of the causal gene. Two regimes: the curated terms as
published ("full") and as a NICU records them ("nicu": <= 4 terms, some replaced by a
parent, plus 1-2 unrelated common NICU findings; the benchmark's own simtrio.nicu_phenotype,
seeded). ``--sweep`` varies the LR scorer's constants one at a time (floor, unknown
frequency, excluded weight).
Ties are ranked at their middle. Nothing here is fitted to particular cases.
"""
from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import statistics
import sys
import time
from dataclasses import dataclass, field

import numpy as np

from accuracy import gene_half  # the same fit/check split of genes as the accuracy benchmark
from workbench import paths
from workbench.knowledge import load_knowledge
from workbench.model import PhenotypeProfile
from workbench.phenotype import LikelihoodRatioScorer, PhenotypeScorer, ResnikScorer

BENCHMARK = paths.REPO_ROOT.parent / "shared" / "benchmark"
CANDIDATES = 200


def load_simtrio():
    spec = importlib.util.spec_from_file_location("simtrio", BENCHMARK / "simtrio.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["simtrio"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def read_cases(limit: int, seed: int) -> list[dict]:
    with gzip.open(BENCHMARK / "cases_dev.jsonl.gz", "rt") as handle:
        cases = [json.loads(line) for line in handle]
    if limit and limit < len(cases):
        chosen = np.random.default_rng(seed).choice(len(cases), size=limit, replace=False)
        cases = [cases[i] for i in sorted(chosen)]
    return cases


@dataclass
class Tally:
    ranks_all: list[float] = field(default_factory=list)  # inf when the gene is unknown to HPO
    ranks_candidates: list[float] = field(default_factory=list)  # known genes only
    true_scores: list[float] = field(default_factory=list)

    def recall(self, ranks: list[float], k: int) -> float:
        return sum(r <= k for r in ranks) / len(ranks) if ranks else float("nan")


def mid_rank(scores: np.ndarray, target: int) -> float:
    value = scores[target]
    greater = int(np.count_nonzero(scores > value))
    ties = int(np.count_nonzero(scores == value)) - 1
    return 1 + greater + ties / 2


def evaluate(scorer: PhenotypeScorer, profiles: list[tuple[PhenotypeProfile, str | None]], seed: int) -> Tally:
    position = {gene.hgnc_id: i for i, gene in enumerate(scorer.genes)}
    n_genes = len(position)
    tally = Tally()
    for k, (profile, hgnc_id) in enumerate(profiles):
        target = position.get(hgnc_id) if hgnc_id else None
        if target is None:
            tally.ranks_all.append(float("inf"))
            continue
        gene_scores = scorer.gene_score_array(scorer.disease_scores(scorer.prepare(profile)))
        tally.ranks_all.append(mid_rank(gene_scores, target))
        rng = np.random.default_rng(seed * 100003 + k)
        others = rng.choice(n_genes - 1, size=CANDIDATES, replace=False)
        others[others >= target] += 1
        subset = np.concatenate(([gene_scores[target]], gene_scores[others]))
        tally.ranks_candidates.append(mid_rank(subset, 0))
        tally.true_scores.append(float(gene_scores[target]))
    return tally


def report_line(name: str, tally: Tally) -> str:
    known = [r for r in tally.ranks_all if r != float("inf")]
    cells = [f"{tally.recall(tally.ranks_all, k):5.1%}" for k in (1, 5, 10)]
    cells += [f"{tally.recall(known, k):5.1%}" for k in (1, 5, 10)]
    cells += [f"{tally.recall(tally.ranks_candidates, k):5.1%}" for k in (1, 5, 10)]
    median_rank = statistics.median(known) if known else float("nan")
    median_score = statistics.median(tally.true_scores) if tally.true_scores else float("nan")
    return f"  {name:32s} " + " ".join(cells) + f" | {median_rank:7.1f} | {median_score:6.2f}"


HEADER = ("  {:32s} ".format("scorer") + " ".join(f"{h:>5s}" for h in ("all@1", "@5", "@10", "kn@1", "@5", "@10", "c@1", "@5", "@10"))
          + " | med.rank | med.score")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=int, default=1500, help="seeded sample of cases (0 = all 7,614)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sweep", action="store_true", help="also sweep the LR floor and unknown frequency")
    parser.add_argument("--regimes", default="full,nicu")
    parser.add_argument("--genes", choices=("all", "fit", "check"), default="all",
                        help="only cases whose causal gene is in this half of the genes (accuracy.py's tuning split)")
    args = parser.parse_args()
    if not (BENCHMARK / "cases_dev.jsonl.gz").exists():
        sys.exit(f"benchmark data not found at {BENCHMARK}")

    kb = load_knowledge()
    simtrio = load_simtrio()
    cases = [case for case in read_cases(args.limit, args.seed)
             if args.genes == "all" or gene_half(case["gene"]) == args.genes]
    genes = [kb.genes.lookup(case["gene"]) for case in cases]
    hgnc_ids = [g.hgnc_id if g else None for g in genes]
    known = sum(1 for h in hgnc_ids if h in kb.disease_rows_by_gene)
    print(f"{len(cases)} cases (seed {args.seed}, {args.genes} genes); causal gene linked to an HPO disease in {known} ({known / len(cases):.1%}); "
          f"{kb.version}")
    print("columns: top-1/5/10 recall among all HPO genes for all cases | for known genes | "
          f"within {CANDIDATES} random genes + the causal one (known genes) | median rank (known) | median score of the causal gene")

    regimes: dict[str, list[tuple[PhenotypeProfile, str | None]]] = {}
    for regime in args.regimes.split(","):
        profiles = []
        for k, case in enumerate(cases):
            if regime == "nicu":
                rng = np.random.default_rng(args.seed * 7919 + k)
                profile = PhenotypeProfile(observed=tuple(simtrio.nicu_phenotype(case["present"], rng, 4)))
            else:
                profile = PhenotypeProfile(observed=tuple(case["present"]), excluded=tuple(case["excluded"]))
            profiles.append((profile, hgnc_ids[k]))
        regimes[regime] = profiles

    scorers: list[PhenotypeScorer] = [LikelihoodRatioScorer(kb), ResnikScorer(kb), ResnikScorer(kb, symmetric=True)]
    for regime, profiles in regimes.items():
        print(f"\nregime: {regime}")
        print(HEADER)
        for scorer in scorers:
            start = time.perf_counter()
            tally = evaluate(scorer, profiles, args.seed)
            elapsed = (time.perf_counter() - start) / len(profiles) * 1000
            print(report_line(scorer.name, tally) + f"   ({elapsed:.0f} ms/case)")

    if args.sweep:
        for regime, profiles in regimes.items():
            print(f"\nLR sweep, regime {regime} (defaults: floor 0.05, unknown frequency 0.5, excluded weight 0.5)")
            print(HEADER)
            settings = [dict(floor=f) for f in (0.01, 0.1, 0.2, 0.5)] + [dict(unknown_frequency=0.9)]
            if regime == "full":  # the NICU regime has no excluded terms
                settings += [dict(excluded_weight=w) for w in (0.0, 0.25, 1.0)]
            for setting in settings:
                scorer = LikelihoodRatioScorer(kb, **setting)
                label = ", ".join(f"{k} {v}" for k, v in setting.items())
                print(report_line(label, evaluate(scorer, profiles, args.seed)))


if __name__ == "__main__":
    main()
