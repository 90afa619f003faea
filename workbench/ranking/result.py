"""What a ranking hands to people and programs: ranked genes with explained evidence.

Each ``RankedGene`` carries its evidence as log10 likelihood-ratio parts (prior, phenotype,
variant, inheritance) that add up to its score, so a chart of the parts *is* the explanation,
and one readable sentence per part. ``write_tsv`` is the flat table the CLI writes;
``write_json`` carries everything, including the per-term phenotype matches. Both start with the
input issues (:mod:`workbench.notepad`: a reader's doubts, QC alarms, term mapping), so a table
never travels without the warnings behind it: TSV as ``## warning [section]: ...`` lines above
the header (skip lines starting with ``#`` when reading), JSON under ``issues``.
"""
from __future__ import annotations

import csv
import functools
import json
from dataclasses import dataclass, field
from typing import IO, Any, Callable

from workbench.model import Disease, InheritanceMode, Variant
from workbench.notepad import InputIssue

TSV_COLUMNS = ("rank", "gene", "hgnc_id", "score", "probability", "disease_id", "disease_name", "mode",
               "variants", "phenotype_log10_lr", "variant_log10_lr", "inheritance_log10_lr", "prior_log10")


@dataclass(frozen=True)
class TermEvidence:
    """One patient term's contribution to the best disease's phenotype LR."""

    patient_term: str
    disease_term: str | None
    log10_lr: float
    excluded: bool = False
    how: str = ""  # the scorer's words: which rule matched, and why a related term counts less


@dataclass(frozen=True)
class Explanation:
    """Why a gene sits where it does: one sentence per evidence part, plus the term matches.

    ``terms`` (per patient term, its LR against the chosen disease) is computed when first
    read: a ranking holds hundreds of genes and people open a few.
    """

    prior: str
    phenotype: str
    variant: str
    inheritance: str
    variant_notes: tuple[str, ...] = ()
    term_source: Callable[[], tuple[TermEvidence, ...]] = field(default=tuple, repr=False, compare=False)

    @functools.cached_property
    def terms(self) -> tuple[TermEvidence, ...]:
        return self.term_source()

    def sentences(self) -> tuple[str, ...]:
        return (self.phenotype, self.variant, self.inheritance, self.prior)


@dataclass(frozen=True)
class RankedGene:
    """One gene's place in the ranking. ``score`` = sum of the four log10 parts."""

    rank: int
    gene_symbol: str
    hgnc_id: str | None
    probability: float
    phenotype_log10_lr: float
    variant_log10_lr: float
    inheritance_log10_lr: float
    prior_log10: float
    disease: Disease | None
    mode: InheritanceMode
    variants: tuple[Variant, ...]
    explanation: Explanation

    @property
    def score(self) -> float:
        return self.prior_log10 + self.phenotype_log10_lr + self.variant_log10_lr + self.inheritance_log10_lr

    @property
    def variant_keys(self) -> str:
        return ";".join(v.key for v in self.variants)

    def row(self) -> dict[str, Any]:
        return {
            "rank": self.rank, "gene": self.gene_symbol, "hgnc_id": self.hgnc_id or "",
            "score": round(self.score, 3), "probability": float(f"{self.probability:.4g}"),
            "disease_id": self.disease.id if self.disease else "",
            "disease_name": self.disease.name if self.disease else "",
            "mode": self.mode.value, "variants": self.variant_keys,
            "phenotype_log10_lr": round(self.phenotype_log10_lr, 3),
            "variant_log10_lr": round(self.variant_log10_lr, 3),
            "inheritance_log10_lr": round(self.inheritance_log10_lr, 3),
            "prior_log10": round(self.prior_log10, 3),
        }


@dataclass(frozen=True)
class Ranking:
    """Genes best first; ``none_probability`` is the mass left for "none of these genes"."""

    genes: tuple[RankedGene, ...]
    none_probability: float
    knowledge_version: str
    issues: tuple[InputIssue, ...] = ()

    @property
    def warnings(self) -> tuple[str, ...]:
        """The issues in words, as every page, the CLI and the report list them."""
        return tuple(str(issue) for issue in self.issues)

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([g.row() for g in self.genes], columns=list(TSV_COLUMNS))

    def write_tsv(self, fh: IO[str]) -> None:
        for issue in self.issues:
            text = " ".join(str(issue).split())  # one line, whatever the message holds
            fh.write(f"## {issue.level.value}{f' [{issue.section}]' if issue.section else ''}: {text}\n")
        writer = csv.DictWriter(fh, fieldnames=TSV_COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for gene in self.genes:
            writer.writerow(gene.row())

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        genes = self.genes if limit is None else self.genes[:limit]
        return {
            "knowledge_version": self.knowledge_version,
            "warnings": list(self.warnings),
            "issues": [issue.to_dict() for issue in self.issues],
            "none_of_these_probability": self.none_probability,
            "genes": [_gene_dict(g) for g in genes],
        }

    def write_json(self, fh: IO[str], limit: int | None = None) -> None:
        json.dump(self.to_dict(limit), fh, indent=1)
        fh.write("\n")


def in_100(probability: float) -> str:
    """A probability as a count of 100 similar cases, never rounded to a false certainty.

    >>> in_100(0.374), in_100(0.003), in_100(0.9996), in_100(0.0)
    ('37', 'fewer than 1', 'more than 99', '0')
    """
    if probability <= 0:
        return "0"
    if probability < 0.005:
        return "fewer than 1"
    if probability > 0.995:
        return "more than 99"
    return f"{round(100 * probability):d}"


@dataclass(frozen=True)
class PlainProbabilities:
    """What the ranking's probabilities mean, in words a clinician can take literally."""

    top_gene: str | None
    top_sentence: str
    none_sentence: str


def plain_probabilities(ranking: Ranking) -> PlainProbabilities:
    """The top gene's and "none of these genes" probabilities as frequencies among similar cases.

    The probabilities are posteriors over "exactly one candidate gene explains the case" and
    "none of them does" at a NICU diagnostic yield (:mod:`workbench.ranking.rank`); on simulated
    cases at that yield they were checked against how often they came true
    (``benchmarks/accuracy.py --negatives``, docs/calibration.md), which is what licenses
    reading them as "of 100 cases like this".

    >>> r = Ranking(genes=(), none_probability=0.93, knowledge_version="v")
    >>> plain_probabilities(r).none_sentence
    'Of 100 cases like this, about 93 had no diagnosis in any of these genes (none of these genes: 0.930).'
    """
    none = (f"Of 100 cases like this, about {in_100(ranking.none_probability)} had no diagnosis in any of these "
            f"genes (none of these genes: {ranking.none_probability:.3f}).")
    if not ranking.genes:
        return PlainProbabilities(None, "No candidate gene.", none)
    top = ranking.genes[0]
    return PlainProbabilities(
        top.gene_symbol,
        f"Of 100 cases like this, about {in_100(top.probability)} had the diagnosis in {top.gene_symbol} "
        f"(probability {top.probability:.3f}).",
        none)


def _gene_dict(gene: RankedGene) -> dict[str, Any]:
    out = gene.row()
    out["variants"] = [
        {"key": v.key, "consequences": [
            {"gene": c.gene_symbol, "consequence": c.consequence, "impact": c.impact.name,
             "hgvs_c": c.hgvs_c, "hgvs_p": c.hgvs_p} for c in v.consequences],
         "population_af": v.population_af,
         "calls": {sample: {"genotype": call.genotype.value, "depth": call.depth, "quality": call.quality,
                            "allele_balance": call.allele_balance} for sample, call in v.calls.items()}}
        for v in gene.variants]
    e = gene.explanation
    out["explanation"] = {
        "prior": {"log10": gene.prior_log10, "text": e.prior},
        "phenotype": {"log10": gene.phenotype_log10_lr, "text": e.phenotype,
                      "terms": [{"patient_term": t.patient_term, "disease_term": t.disease_term,
                                 "log10_lr": round(t.log10_lr, 3), "excluded": t.excluded, "how": t.how}
                                for t in e.terms]},
        "variant": {"log10": gene.variant_log10_lr, "text": e.variant, "notes": list(e.variant_notes)},
        "inheritance": {"log10": gene.inheritance_log10_lr, "text": e.inheritance},
    }
    return out
