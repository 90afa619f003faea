"""Calibration and per-mode breakdown for ``benchmarks/accuracy.py`` (issue 17).

With ``--negatives F`` the simulator writes a share F of cases whose calls do not contain the
causal variant (``truth.json`` gene ``null``): at a real diagnostic yield most genomes hold no
answer, and a probability is only honest if it is right on those too. Per regime this prints

* the expected calibration error (ECE: 10 equal-width bins, the case-weighted mean gap between
  the mean stated probability and the observed share in each bin) of the top gene's probability
  (was the top gene the diagnosis?) and of "none of these genes" (did the case have none?);
* how often a case without a diagnosis still gets a top gene at p >= 0.5;
* known-gene top-1/top-10 per way the causal variant came (``truth.json``'s ``inheritance``),
  and for the missed cases, the winner's mode and how the winner beat the truth part by part
  (mean log10 difference of prior, phenotype, variant and inheritance evidence);
* for the cases without a diagnosis whose top gene got p >= 0.5, who took the probability: each
  winning gene and mode with how many such cases it won and its mean evidence parts. The
  simulator draws each case's background from eight genomes per sex, so one background variant
  that looks causal (e.g. a rare homozygous frameshift in a recessive disease gene) recurs in
  many cases: the count of distinct winners says how many independent findings the share rests on;

and writes a reliability chart (plotly HTML). ``summary`` returns the numbers as a flat dict so
a run can be saved (``--save``) and printed beside a previous one (``--compare``).

>>> round(expected_calibration_error([(0.05, False), (0.95, True), (0.95, False)]), 3)
0.317
"""
from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

BINS = 10
PARTS = ("prior_log10", "phenotype_log10_lr", "variant_log10_lr", "inheritance_log10_lr")
MODE_LABELS = {
    "de_novo": "de novo",
    "homozygous": "recessive, homozygous",
    "compound_het": "compound het",
    "compound_het_de_novo": "compound het, one allele de novo",
    "inherited_affected_parent": "inherited from an affected parent",
    "inherited_unaffected_parent": "reduced penetrance (unaffected parent)",
    "x_maternal": "X-linked, from the mother",
    "x_de_novo": "X-linked, de novo",
    "mitochondrial": "mitochondrial",
}


@dataclass
class CaseResult:
    """One ranked case: what the model said and what was true."""

    positive: bool
    known: bool
    inheritance: str
    rank: int
    top_probability: float
    none_probability: float
    top_row: dict = field(default_factory=dict)
    truth_row: dict | None = None

    @property
    def top_correct(self) -> bool:
        return self.positive and self.rank == 1


def read_ranking(tsv: Path, gene_symbols: set[str]) -> tuple[int | None, float, float, dict, dict | None]:
    """(rank of the truth or None, top probability, none probability, top row, truth row).

    "None of these genes" is what the genes leave: 1 - the sum of the table's probabilities
    (the table lists every candidate gene)."""
    if not tsv.exists():
        return None, 0.0, 1.0, {}, None
    with open(tsv) as fh:
        rows = list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))
    total = sum(float(r["probability"]) for r in rows)
    truth = next((r for r in rows if r["gene"] in gene_symbols), None)
    top = rows[0] if rows else {}
    return (int(truth["rank"]) if truth else None, float(top.get("probability", 0.0)),
            min(max(1.0 - total, 0.0), 1.0), top, truth)


def expected_calibration_error(pairs: list[tuple[float, bool]], bins: int = BINS) -> float:
    """ECE over equal-width probability bins: sum_b n_b/N |observed_b - mean p_b|."""
    if not pairs:
        return float("nan")
    grouped: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for p, hit in pairs:
        grouped[min(int(p * bins), bins - 1)].append((p, hit))
    return sum(len(g) / len(pairs) * abs(sum(h for _, h in g) / len(g) - sum(p for p, _ in g) / len(g))
               for g in grouped.values())


def reliability(pairs: list[tuple[float, bool]], bins: int = BINS) -> list[tuple[float, float, int]]:
    """Per non-empty bin: (mean stated probability, observed share, cases)."""
    grouped: dict[int, list[tuple[float, bool]]] = defaultdict(list)
    for p, hit in pairs:
        grouped[min(int(p * bins), bins - 1)].append((p, hit))
    return [(sum(p for p, _ in g) / len(g), sum(h for _, h in g) / len(g), len(g))
            for _, g in sorted(grouped.items())]


def top_pairs(results: list[CaseResult]) -> list[tuple[float, bool]]:
    return [(r.top_probability, r.top_correct) for r in results]


def none_pairs(results: list[CaseResult]) -> list[tuple[float, bool]]:
    return [(r.none_probability, not r.positive) for r in results]


def summary(results: list[CaseResult], not_found: int) -> dict[str, float]:
    """The regime's calibration and per-mode numbers as a flat dict (percentages and ECEs)."""
    out: dict[str, float] = {}
    negatives = [r for r in results if not r.positive]
    out["cases"] = len(results)
    out["negatives"] = len(negatives)
    if negatives:
        out["ECE top-1 probability"] = expected_calibration_error(top_pairs(results))
        out["ECE none of these genes"] = expected_calibration_error(none_pairs(results))
        out["negatives with top gene p>=0.5 %"] = 100 * sum(r.top_probability >= 0.5 for r in negatives) / len(negatives)
        out["mean P(none) on negatives"] = sum(r.none_probability for r in negatives) / len(negatives)
        positives = [r for r in results if r.positive]
        if positives:
            out["mean P(none) on positives"] = sum(r.none_probability for r in positives) / len(positives)
    known = [r for r in results if r.positive and r.known]
    for mode in [None, *MODE_LABELS]:
        group = [r for r in known if mode is None or r.inheritance == mode]
        if not group:
            continue
        label = "known genes" if mode is None else f"known, {MODE_LABELS[mode]}"
        out[f"{label} n"] = len(group)
        out[f"{label} top-1 %"] = 100 * sum(r.rank == 1 for r in group) / len(group)
        out[f"{label} top-10 %"] = 100 * sum(r.rank <= 10 for r in group) / len(group)
    return out


def losers(results: list[CaseResult]) -> dict[str, list[CaseResult]]:
    """Known-gene positives that missed top-1, by how the causal variant came."""
    out: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        if r.positive and r.known and r.rank != 1:
            out[r.inheritance].append(r)
    return out


def false_winners(results: list[CaseResult], threshold: float = 0.5) -> list[tuple[str, str, int, dict[str, float]]]:
    """Cases without a diagnosis whose top gene got p >= ``threshold``, grouped by the winning
    gene and mode: (gene, mode, cases, mean of each evidence part), most cases first."""
    grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in results:
        if not r.positive and r.top_probability >= threshold and r.top_row:
            grouped[(r.top_row.get("gene", "?"), r.top_row.get("mode", "?"))].append(r.top_row)
    return [(gene, mode, len(rows), {part: sum(float(row[part]) for row in rows) / len(rows) for part in PARTS})
            for (gene, mode), rows in sorted(grouped.items(), key=lambda kv: (-len(kv[1]), kv[0]))]


def print_report(regime: str, results: list[CaseResult], previous: dict[str, float] | None) -> dict[str, float]:
    """Print the regime's calibration, per-mode table and winners; returns the summary."""
    numbers = summary(results, 0)
    print(f"  -- calibration and per-mode breakdown ({regime}) --")
    for key, value in numbers.items():
        before = "" if previous is None or key not in previous else f"   (previous {_fmt(previous[key])})"
        print(f"  {key:<58} {_fmt(value):>8}{before}")
    for label, pairs in (("top-1 probability", top_pairs(results)), ("none of these genes", none_pairs(results))):
        if any(not r.positive for r in results):
            table = "  ".join(f"{p:.2f}->{obs:.2f} (n={n})" for p, obs, n in reliability(pairs))
            print(f"  reliability, {label}: stated->observed per bin: {table}")
    for mode, missed in sorted(losers(results).items()):
        modes = Counter(r.top_row.get("mode", "?") for r in missed)
        with_truth = [r for r in missed if r.truth_row]
        gaps = {part: sum(float(r.top_row[part]) - float(r.truth_row[part]) for r in with_truth) / len(with_truth)
                for part in PARTS} if with_truth else {}
        print(f"  missed top-1, {MODE_LABELS.get(mode, mode)} (n={len(missed)}): winners' modes "
              + ", ".join(f"{m} {c}" for m, c in modes.most_common())
              + ("; winner minus truth, mean log10: " + ", ".join(f"{p.split('_')[0]} {g:+.2f}" for p, g in gaps.items())
                 if gaps else "") + f"; truth not ranked in {len(missed) - len(with_truth)}")
    winners = false_winners(results)
    if winners:
        print(f"  without a diagnosis, top gene p >= 0.5: {sum(n for _, _, n, _ in winners)} cases, "
              f"{len(winners)} distinct winners (gene, mode: cases; mean log10 prior / phenotype / variant / inheritance)")
        for gene, mode, n, parts in winners:
            print(f"    {gene}, {mode}: {n}; " + " / ".join(f"{parts[p]:+.2f}" for p in PARTS))
    return numbers


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}" if abs(value) < 1 else f"{value:.1f}"


def write_chart(path: Path, per_regime: dict[str, list[CaseResult]], title: str) -> None:
    """Reliability chart: stated vs observed per bin, one line per regime and quantity."""
    import plotly.graph_objects as go

    figure = go.Figure()
    figure.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfectly calibrated",
                                line={"dash": "dot", "color": "grey"}))
    for regime, results in per_regime.items():
        for label, pairs in (("top gene", top_pairs(results)), ("none of these genes", none_pairs(results))):
            points = reliability(pairs)
            if not points:
                continue
            figure.add_trace(go.Scatter(
                x=[p for p, _, _ in points], y=[o for _, o, _ in points], mode="lines+markers",
                name=f"{regime}: {label} (ECE {expected_calibration_error(pairs):.3f})",
                text=[f"{n} cases" for _, _, n in points],
                marker={"size": [6 + 14 * (n / max(m for _, _, m in points)) ** 0.5 for _, _, n in points]}))
    figure.update_layout(title=title, xaxis_title="stated probability (bin mean)",
                         yaxis_title="observed share", xaxis_range=[0, 1], yaxis_range=[0, 1], width=800, height=650)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.write_html(str(path), include_plotlyjs=True)


def save(path: Path, numbers: dict[str, dict[str, float]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(numbers, indent=1, sort_keys=True) + "\n")


def load(path: Path | None) -> dict[str, dict[str, float]]:
    if path is None or not path.exists():
        return {}
    return json.loads(path.read_text())
