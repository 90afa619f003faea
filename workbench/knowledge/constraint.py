"""gnomAD gene constraint, turned into a likelihood ratio for the gene a candidate allele hits.

A de novo loss-of-function allele is likelier to be the diagnosis in a gene where loss of
function is not tolerated (low LOEUF), a de novo missense allele in a gene depleted of
missense variation (high missense Z). How much likelier is read off the knowledge itself,
never off a benchmark: gnomAD places every gene in a tenth (decile) of each metric, and the
LR of a decile is

    P(decile | a gene HPO links to disease of this inheritance) / P(decile | any gene of its class)

where the class is "known disease gene" for a gene HPO links to a disease and "not yet linked"
otherwise. Dividing within the class keeps the prior's 90/10 split between known and unlinked
genes as it is (the LR averages to 1 over the class), and assumes a gene described next year
looks like the genes described so far. With the pinned releases the most constrained LOEUF tenth
holds genes of dominant disease 1.7 times as often as known disease genes in general (2.5 times
as often as all genes); recessive disease genes sit in the middle.

>>> constraint = GeneConstraint({"HGNC:1": (0.1, 4.0), "HGNC:2": (1.5, -1.0), "HGNC:3": (1.2, 0.0)},
...                             {"HGNC:1": frozenset({"dominant"}), "HGNC:3": frozenset({"recessive"})}, bins=2)
>>> evidence = constraint.evidence("HGNC:1", "loss of function", "dominant", known=True)
>>> evidence.text
'gnomAD LOEUF 0.10, constraint bin 1 of 2 (1 = least tolerant)'
>>> round(10 ** evidence.log10_lr, 2)     # (1+1)/(1+2) dominant genes vs (1+1)/(2+2) known genes
1.33
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np

_METRICS = ("LOEUF", "missense Z")
_METRIC_OF_CLASS = {"loss of function": 0, "missense": 1, "in-frame indel": 1}
_POPULATIONS = ("dominant", "recessive")


@dataclass(frozen=True)
class ConstraintEvidence:
    log10_lr: float
    text: str


class GeneConstraint:
    """Per-gene (LOEUF, missense Z) and the decile shares of each population of genes.

    ``groups_by_gene`` maps every gene HPO links to a disease to the inheritance groups of its
    diseases (possibly empty); genes absent from it are the not-yet-linked class.
    """

    def __init__(self, metrics: Mapping[str, tuple[float, float]],
                 groups_by_gene: Mapping[str, frozenset[str]], bins: int = 10) -> None:
        self._metrics = dict(metrics)
        self._bin_count = bins
        self._bins: dict[str, tuple[int, ...]] = {h: () for h in metrics}  # per metric; -1 = no value
        self._log10_lr: dict[tuple[int, str, bool], list[float]] = {}  # (metric, group, known) -> per bin
        for k in range(len(_METRICS)):
            tolerance = {h: _tolerance(v[k], k) for h, v in metrics.items() if not math.isnan(v[k])}
            edges = np.quantile(np.fromiter(tolerance.values(), dtype=float), np.linspace(0, 1, bins + 1)[1:-1])
            bin_of = dict(zip(tolerance, np.searchsorted(edges, list(tolerance.values()), side="right").tolist()))
            for h in metrics:
                self._bins[h] += (bin_of.get(h, -1),)
            populations = {group: [h for h in tolerance if group in groups_by_gene.get(h, ())]
                           for group in _POPULATIONS}
            populations["known"] = [h for h in tolerance if h in groups_by_gene]
            populations["unlinked"] = [h for h in tolerance if h not in groups_by_gene]
            shares = {}
            for name, genes in populations.items():
                counts = np.bincount([bin_of[h] for h in genes], minlength=bins)
                shares[name] = (counts + 1) / (counts.sum() + bins)  # add-one: no empty bin
            for group in _POPULATIONS:
                for known, peers in ((True, "known"), (False, "unlinked")):
                    self._log10_lr[(k, group, known)] = np.log10(shares[group] / shares[peers]).tolist()

    def __len__(self) -> int:
        return len(self._metrics)

    def metrics(self, hgnc_id: str | None) -> tuple[float, float] | None:
        """The gene's (LOEUF, missense Z) as gnomAD gives them (NaN = not computed), or None."""
        return self._metrics.get(hgnc_id or "")

    def evidence(self, hgnc_id: str | None, consequence_class: str | None, group: str,
                 known: bool) -> ConstraintEvidence | None:
        """The LR of the gene's constraint for an allele of ``consequence_class`` explaining a
        ``group`` ("dominant" or "recessive") disease; None when no metric applies or is known."""
        k = _METRIC_OF_CLASS.get(consequence_class or "")
        bins = self._bins.get(hgnc_id or "")
        if k is None or bins is None or bins[k] < 0 or group not in _POPULATIONS:
            return None
        b = bins[k]
        return ConstraintEvidence(self._log10_lr[(k, group, known)][b],
                                  f"gnomAD {_METRICS[k]} {self._metrics[hgnc_id][k]:.2f}, constraint bin {b + 1} of "
                                  f"{self._bin_count} (1 = least tolerant)")


def _tolerance(value: float, k: int) -> float:
    """Both metrics on one axis, low = constrained (LOEUF as is, missense Z negated)."""
    return value if k == 0 else -value
