"""ACMG SF v3.2 secondary findings: only loss of function where that is the mechanism, or ClinVar P/LP."""
from __future__ import annotations

from types import MappingProxyType

from workbench.knowledge.pgx_tables import load_pgx_tables
from workbench.model import Call, GeneConsequence, Genotype, Impact, Sample, Sex, Trio, Variant
from workbench.secondary import find_secondary

KID = Trio(Sample("KID", "F", Sex.FEMALE))


def variant(gene: str, consequence: str, genotype: Genotype = Genotype.HET, clinvar: str | None = None,
            pos: int = 1000) -> Variant:
    return Variant("chr1", pos, "C", "T", MappingProxyType({"KID": Call(genotype)}), clinvar=clinvar,
                   consequences=(GeneConsequence(gene, consequence, Impact.HIGH),))


def findings(*variants: Variant):
    return find_secondary(variants, KID, load_pgx_tables().secondary_findings, "ACMG SF v3.2")


def test_gain_of_function_gene_missense_needs_clinvar():
    assert not findings(variant("RYR1", "missense_variant")).findings
    assert not findings(variant("RYR1", "stop_gained")).findings  # loss of function is not RYR1's MH mechanism
    [finding] = findings(variant("RYR1", "missense_variant", clinvar="Pathogenic")).findings
    assert finding.basis == "ClinVar: Pathogenic"


def test_conflicting_or_uncertain_clinvar_is_not_reported():
    result = findings(variant("MYH7", "missense_variant", clinvar="Conflicting_interpretations_of_pathogenicity"),
                      variant("MYH7", "missense_variant", clinvar="Pathogenic/Likely_pathogenic|uncertain_significance",
                              pos=1001))
    assert not result.findings and result.not_assessed == (
        "MYH7: 2 rare variant(s) neither loss of function in a loss-of-function gene nor ClinVar pathogenic/likely "
        "pathogenic",)


def test_recessive_gene_needs_two_alleles():
    assert not findings(variant("MUTYH", "frameshift_variant")).findings  # a carrier
    two = findings(variant("MUTYH", "frameshift_variant"), variant("MUTYH", "stop_gained", pos=1001))
    assert len(two.findings) == 2
    [homozygous] = findings(variant("MUTYH", "stop_gained", Genotype.HOM_ALT)).findings
    assert homozygous.zygosity == "homozygous"


def test_genes_outside_the_list_are_ignored():
    assert not findings(variant("SCN2A", "stop_gained", clinvar="Pathogenic")).findings
