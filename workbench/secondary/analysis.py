"""Which of the proband's rare alleles in ACMG SF genes may be reported, and why."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from workbench.knowledge.pgx_tables import SecondaryFindingGene
from workbench.model import Genotype, Trio, Variant

LOSS_OF_FUNCTION = frozenset({"transcript_ablation", "stop_gained", "frameshift_variant", "splice_acceptor_variant",
                              "splice_donor_variant", "start_lost"})
CLINVAR_PLP = frozenset({"pathogenic", "likely pathogenic"})
_DOUBT = ("benign", "conflicting", "uncertain")
_ZYGOSITY = {Genotype.HET: "heterozygous", Genotype.HOM_ALT: "homozygous", Genotype.HEMIZYGOUS: "hemizygous"}
LIMITATIONS = (
    "Secondary findings were analysed at the family's request in the 81 genes of the ACMG SF v3.2 list. Only "
    "loss-of-function variants (stop-gained, frameshift, canonical splice site, start-lost) in genes where loss of "
    "function causes the disease, and variants the VCF's ClinVar annotation classifies as pathogenic or likely "
    "pathogenic, are reported (recessive genes: two such variants or a homozygous one). Other variants in these "
    "genes were not assessed; loss-of-function variants escaping nonsense-mediated decay, copy-number and "
    "structural variants, repeat expansions and variants absent from the VCF's annotation are not covered. A "
    "negative result does not exclude a risk."
)


@dataclass(frozen=True)
class SecondaryFinding:
    gene: str
    variant_key: str
    hgvs: str
    zygosity: str
    basis: str  # why it is reportable: "loss of function ..." or "ClinVar: Pathogenic"
    domain: str
    inheritance: str
    note: str = ""


@dataclass(frozen=True)
class SecondaryFindings:
    findings: tuple[SecondaryFinding, ...]
    genes_analysed: int
    not_assessed: tuple[str, ...]  # "GENE: n rare variant(s) of a kind not assessed" lines
    knowledge_version: str
    limitations: str = LIMITATIONS
    warnings: tuple[str, ...] = ()


def clinvar_plp(significance: str | None) -> bool:
    """Pathogenic or likely pathogenic, with no benign/conflicting/uncertain word beside it.

    >>> clinvar_plp("Pathogenic/Likely_pathogenic"), clinvar_plp("Conflicting_interpretations_of_pathogenicity")
    (True, False)
    """
    if not significance:
        return False
    text = significance.lower().replace("_", " ")
    tokens = {t.strip() for t in re.split(r"[|&,/;]", text)}
    return bool(tokens & CLINVAR_PLP) and not any(word in text for word in _DOUBT)


def _basis(variant: Variant, gene: SecondaryFindingGene) -> str | None:
    consequence = variant.reported_consequence(gene.symbol)
    terms = set((consequence.consequence if consequence else "").split("&"))
    if clinvar_plp(variant.clinvar):
        return f"ClinVar: {variant.clinvar}"
    if gene.lof_mechanism and terms & LOSS_OF_FUNCTION:
        return f"loss of function ({', '.join(sorted(terms & LOSS_OF_FUNCTION))}) in a loss-of-function gene"
    return None


def find_secondary(variants: Iterable[Variant], trio: Trio, genes: dict[str, SecondaryFindingGene],
                   knowledge_version: str, clinvar_annotated: bool = True) -> SecondaryFindings:
    """The reportable findings among the proband's ``variants`` (as read by io, rare alleles only)."""
    proband = trio.proband.id
    qualifying: dict[str, list[tuple[Variant, str]]] = {}
    other: dict[str, int] = {}
    for variant in variants:
        call = variant.calls.get(proband)
        if call is None or not call.genotype.carries_alt or variant.filters:
            continue
        for symbol in {c.gene_symbol for c in variant.consequences} & genes.keys():
            basis = _basis(variant, genes[symbol])
            if basis is None:
                other[symbol] = other.get(symbol, 0) + 1
            else:
                qualifying.setdefault(symbol, []).append((variant, basis))
    findings = []
    for symbol, hits in sorted(qualifying.items()):
        gene = genes[symbol]
        homozygous = [h for h in hits if h[0].calls[proband].genotype is Genotype.HOM_ALT]
        if gene.inheritance == "AR" and not homozygous and len(hits) < 2:
            other[symbol] = other.get(symbol, 0) + len(hits)
            continue  # one heterozygous allele of a recessive gene: a carrier, not a secondary finding
        for variant, basis in hits:
            consequence = variant.reported_consequence(symbol)
            hgvs = (consequence.hgvs_c or "") + (f" ({consequence.hgvs_p})" if consequence and consequence.hgvs_p
                                                else "") if consequence else ""
            note = gene.note
            if gene.inheritance == "AR" and not homozygous:
                note = (note + "; " if note else "") + "two heterozygous variants: phase not confirmed"
            findings.append(SecondaryFinding(symbol, variant.key, hgvs.strip() or variant.key,
                                             _ZYGOSITY[variant.calls[proband].genotype], basis,
                                             gene.domain, gene.inheritance, note))
    not_assessed = tuple(f"{g}: {n} rare variant(s) neither loss of function in a loss-of-function gene nor "
                         "ClinVar pathogenic/likely pathogenic" for g, n in sorted(other.items()))
    warnings = () if clinvar_annotated else (
        "the VCF carries no ClinVar annotation: only loss-of-function variants were assessed",)
    return SecondaryFindings(tuple(findings), len(genes), not_assessed, knowledge_version, LIMITATIONS, warnings)
