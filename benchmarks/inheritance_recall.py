"""Is the causal variant kept under a mode that fits how it was inherited, in every simulated case?

Reads each simtrio case (``case.vcf.gz``, ``case.ped``) with the workbench reader, runs the
inheritance analysis, and checks ``truth.json``: the causal variant(s) must appear in a
candidate of the causal gene whose mode fits ``truth.json["inheritance"]`` for the family that
was sequenced (a de novo allele in a duo can only be "heterozygous, origin unknown").
Prints misses with the reason each causal allele was dropped, candidate genes per mode per
case (median / mean) and de novo candidates per case (the simulator writes two true de novo
variants plus artifacts per trio).

    python benchmarks/inheritance_recall.py /tmp/bench200 [/tmp/bench200-mixed ...]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from workbench.inheritance import InheritanceOptions, analyse_inheritance
from workbench.io import read_family_vcf, read_pedigree
from workbench.model import InheritanceMode as M

# modes that state how each simulated inheritance happened
EXACT = {
    "de_novo": {M.DE_NOVO, M.X_LINKED_DE_NOVO},
    "inherited_affected_parent": {M.DOMINANT_INHERITED},
    "inherited_unaffected_parent": {M.REDUCED_PENETRANCE},
    "homozygous": {M.HOMOZYGOUS_RECESSIVE, M.X_LINKED_HEMIZYGOUS},
    "compound_het": {M.COMPOUND_HETEROZYGOUS},
    # in trans, though the phase of a confidently de novo allele is unknown
    "compound_het_de_novo": {M.COMPOUND_HETEROZYGOUS, M.POSSIBLE_COMPOUND_HETEROZYGOUS},
    "x_de_novo": {M.X_LINKED_DE_NOVO},
    "x_maternal": {M.X_LINKED_HEMIZYGOUS},
    "mitochondrial": {M.MITOCHONDRIAL},
}
# modes that leave origin or phase open, as a missing or doubtful parental call does: true, less precise
OPEN = {
    "de_novo": {M.HETEROZYGOUS_UNPHASED},
    "inherited_affected_parent": {M.HETEROZYGOUS_UNPHASED},
    "inherited_unaffected_parent": {M.HETEROZYGOUS_UNPHASED},
    "compound_het": {M.POSSIBLE_COMPOUND_HETEROZYGOUS},
    "x_de_novo": {M.X_LINKED_HEMIZYGOUS},
}


def fitting_modes(truth: dict, chroms: set[str]) -> tuple[set[M], set[M]]:
    """(exact, open) modes under which finding the causal variant counts."""
    how = truth["inheritance"]
    exact = set(EXACT[how]) | ({M.MITOCHONDRIAL} if "chrM" in chroms else set())
    return exact, OPEN.get(how, set())


def run_case(case_dir: Path, options: InheritanceOptions) -> dict:
    truth = json.loads((case_dir / "truth.json").read_text())
    pedigree = read_pedigree(case_dir / "case.ped")
    calls = read_family_vcf(case_dir / "case.vcf.gz", pedigree)
    result = analyse_inheritance(calls.variants, calls.trio, options)
    causal = {f"{v['chrom']}:{v['pos']}:{v['ref']}:{v['alt']}" for v in truth["variants"]}
    exact, open_modes = fitting_modes(truth, {v["chrom"] for v in truth["variants"]})
    hit = {c.mode for c in result.candidates
           if c.gene_symbol == truth["gene"] and c.mode in exact | open_modes and causal <= {v.key for v in c.variants}}
    found_in = sorted({c.mode.value for c in result.candidates if causal & {v.key for v in c.variants}})
    reasons = [f"{d.variant.key}: {d.reason}" for d in result.dropped if d.variant.key in causal]
    read = {v.key for v in calls.variants}
    reasons += [f"{k}: not among the reader's proband variants" for k in causal - read]
    de_novo = {c.variants[0].key for c in result.candidates if c.mode in (M.DE_NOVO, M.X_LINKED_DE_NOVO)}
    return {"case": truth["case_id"], "family": truth["family"], "how": truth["inheritance"], "kept": bool(hit), "exact": bool(hit & exact),
            "found_in": found_in, "reasons": reasons, "genes_by_mode": result.genes_by_mode(),
            "de_novo": len(de_novo), "candidates": len(result.candidates), "variants": len(calls.variants)}


def summarise(label: str, rows: list[dict], seconds: float) -> int:
    misses = [r for r in rows if not r["kept"]]
    print(f"\n== {label}: causal variant kept under a fitting mode in {len(rows) - len(misses)}/{len(rows)} cases "
          f"({seconds:.1f} s, {seconds / max(1, len(rows)):.2f} s/case)")
    for r in misses:
        print(f"  MISS {r['case']} ({r['family']}, {r['how']}): found under {r['found_in'] or 'no mode'}; "
              + " | ".join(r["reasons"] or ["no drop reason recorded"]))
    print("  candidate genes per case, by mode: median / mean / max")
    for mode in M:
        counts = [len(r["genes_by_mode"].get(mode, ())) for r in rows]
        print(f"    {mode.value:45s} {statistics.median(counts):7.1f} {statistics.mean(counts):8.1f} {max(counts):6d}")
    all_genes = [len(frozenset().union(*r["genes_by_mode"].values())) for r in rows]
    print(f"    {'any mode':45s} {statistics.median(all_genes):7.1f} {statistics.mean(all_genes):8.1f} "
          f"{max(all_genes):6d}")
    open_only = [r for r in rows if r["kept"] and not r["exact"]]
    print(f"  kept only under a mode that leaves origin/phase open: {len(open_only)} "
          f"({sum(r['family'] == 'trio' for r in open_only)} in trios)")
    trios = [r["de_novo"] for r in rows if r["family"] == "trio"]
    if trios:
        print(f"  de novo candidate alleles per trio (2 true background + causal when de novo): "
              f"median {statistics.median(trios):.1f}, mean {statistics.mean(trios):.2f}, max {max(trios)}")
    by_how: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in rows:
        by_how[r["how"]][0] += r["kept"]
        by_how[r["how"]][1] += 1
    print("  by inheritance: " + ", ".join(f"{h} {k}/{n}" for h, (k, n) in sorted(by_how.items())))
    return len(misses)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folders", nargs="+", type=Path, help="simtrio output folders (with manifest.tsv)")
    ap.add_argument("--limit", type=int, default=None)
    a = ap.parse_args(argv)
    options = InheritanceOptions()
    total_misses = 0
    for folder in a.folders:
        cases = sorted(p.parent for p in folder.glob("*/truth.json"))[: a.limit]
        start = time.perf_counter()
        rows = [run_case(c, options) for c in cases]
        total_misses += summarise(str(folder), rows, time.perf_counter() - start)
    return 1 if total_misses else 0


if __name__ == "__main__":
    sys.exit(main())
