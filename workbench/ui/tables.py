"""Plain pandas views of library results for the pages (no Streamlit here, so they test easily)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

import pandas as pd

from workbench.model import StructuralVariant, Trio, Variant
from workbench.ranking.evidence import consequence_class
from workbench.ranking.sv_evidence import structural_class, table_summary
from workbench.ranking.score_evidence import short_summary
from workbench.ui.readings import frequency_text, loeuf_text, probability_reading

if TYPE_CHECKING:
    from workbench.knowledge.constraint import GeneConstraint

NOT_ANNOTATED = "not annotated"
# What the Candidates table shows at 1440 px without scrolling; the rest behind "All columns".
CANDIDATE_MAIN_COLUMNS = ("rank", "gene", "reading", "probability", "disease", "mode", "HGVS", "gnomAD", "GQ",
                          "constraint", "tag")
VARIANT_MAIN_COLUMNS = ("variant", "HGVS p.", "consequence", "proband GT", "proband GQ", "father GT", "mother GT",
                        "gnomAD", "ClinVar")
SCORES = "scores / ClinVar"


def variant_class(variant: Variant, gene_symbol: str) -> str:
    """The ranking's coarse consequence class of the variant on this gene (what it scored)."""
    if isinstance(variant, StructuralVariant):  # CNV/SV allele (issue 22)
        return structural_class(variant)
    consequence = variant.consequence_for(gene_symbol)
    if consequence is None:
        return NOT_ANNOTATED
    return consequence_class(consequence.consequence, consequence.impact) or NOT_ANNOTATED


def _short_hgvs(hgvs: str | None) -> str:
    """'ENSP00000362396:p.Thr56Lys' -> 'p.Thr56Lys' (the full form is on the Gene detail page)."""
    return (hgvs or "").split(":", 1)[-1]


def proband_quality(variant: Variant, trio: Trio) -> int | None:
    call = variant.calls.get(trio.proband.id)
    return None if call is None else call.quality


@dataclass(frozen=True)
class CandidateFilter:
    """What the analyst narrows the candidate table to; a gene passes if any variant passes."""

    modes: frozenset[str] = frozenset()  # InheritanceMode values; empty = all
    classes: frozenset[str] = frozenset()  # consequence classes (see variant_class); empty = all
    max_frequency: float = 1.0  # population AF; unseen alleles (None) always pass
    min_quality: int = 0  # proband GQ; a missing GQ passes only when min_quality is 0

    def variant_passes(self, variant: Variant, gene_symbol: str, trio: Trio) -> bool:
        quality = proband_quality(variant, trio)
        return (
            (not self.classes or variant_class(variant, gene_symbol) in self.classes)
            and (variant.population_af is None or variant.population_af <= self.max_frequency)
            and (self.min_quality <= 0 or (quality is not None and quality >= self.min_quality))
        )

    def gene_passes(self, gene, trio: Trio) -> bool:
        return (not self.modes or gene.mode.value in self.modes) and any(
            self.variant_passes(v, gene.gene_symbol, trio) for v in gene.variants
        )


def candidate_frame(genes: Iterable, trio: Trio, tags: dict[str, str] | None = None,
                    constraint: GeneConstraint | None = None) -> pd.DataFrame:
    """One row per ranked gene with the columns the Candidates page shows; with a constraint
    table, the gene's gnomAD LOEUF and missense Z too (what its variant score was weighed by)."""
    rows = []
    for gene in genes:
        variant = gene.variants[0] if gene.variants else None
        consequence = variant.consequence_for(gene.gene_symbol, gene.hgnc_id) if variant else None
        rows.append({
            "rank": gene.rank,
            "gene": gene.gene_symbol,
            "disease": gene.disease.name if gene.disease is not None else "",
            "mode": gene.mode.value,
            "reading": probability_reading(gene.probability),
            "probability": gene.probability,
            "key variant": variant.key if variant else "",
            "HGVS": (table_summary(variant, trio) if isinstance(variant, StructuralVariant)  # CNV: type, size, genes, CN
                     else _short_hgvs(consequence.hgvs_p or consequence.hgvs_c) if consequence else ""),
            "frequency": variant.population_af if variant else None,
            "gnomAD": frequency_text(variant.population_af) if variant else "",
            "consequence": consequence.consequence.replace("&", ", ") if consequence else "",
            "class": variant_class(variant, gene.gene_symbol) if variant else "",
            "GQ": proband_quality(variant, trio) if variant else None,
            "variants": len(gene.variants),
            "tag": (tags or {}).get(gene.gene_symbol, ""),
        })
        if constraint is not None:
            rows[-1]["LOEUF"], rows[-1]["missense Z"] = constraint.metrics(gene.hgnc_id) or (None, None)
            rows[-1]["constraint"] = loeuf_text(rows[-1]["LOEUF"])
        # in-silico scores / ClinVar the ranking counted (issue 17; only when the annotation has them)
        rows[-1][SCORES] = "; ".join(filter(None, (short_summary(v, variant_class(v, gene.gene_symbol))
                                                   for v in gene.variants)))
    scored = any(row[SCORES] for row in rows)
    return pd.DataFrame(rows, columns=[
        "rank", "gene", "reading", "disease", "mode", "probability", "key variant", "HGVS", "frequency", "gnomAD",
        "consequence", "class", "GQ", "variants", "tag",
        *(("constraint", "LOEUF", "missense Z") if constraint is not None else ()),
        *((SCORES,) if scored else ()),
    ])


def variant_frame(variants: Sequence[Variant], gene_symbol: str, trio: Trio) -> pd.DataFrame:
    """The gene's variants with each family member's genotype and read evidence."""
    roles = [("proband", trio.proband), ("father", trio.father), ("mother", trio.mother)]
    rows = []
    for variant in variants:
        consequence = variant.consequence_for(gene_symbol)
        row: dict[str, object] = {
            "variant": variant.key,
            "HGVS p.": (consequence.hgvs_p or "") if consequence else "",
            "consequence": consequence.consequence.replace("&", ", ") if consequence else "",
        }
        for role, sample in roles:  # the trio's evidence first: it decides de novo vs inherited
            if sample is None:
                continue
            call = variant.calls.get(sample.id)
            if call is None:
                row[f"{role} GT"] = "not called"
                continue
            row[f"{role} GT"] = call.genotype.value
            row[f"{role} AD"] = "" if call.ref_depth is None else f"{call.ref_depth},{call.alt_depth}"
            row[f"{role} DP"] = call.depth
            row[f"{role} GQ"] = call.quality
        row |= {
            "gnomAD": frequency_text(variant.population_af),
            "ClinVar": variant.clinvar or "",
            "scores": ", ".join(f"{name} {value:g}" for name, value in variant.scores),
            "impact": consequence.impact.name if consequence else "",
            "HGVS c.": (consequence.hgvs_c or "") if consequence else "",
            "transcript": (consequence.transcript or "") if consequence else "",
            "QUAL": variant.quality,
            "FILTER": ";".join(variant.filters) or "PASS",
        }
        rows.append(row)
    return pd.DataFrame(rows)
