"""Inheritance modes on tiny hand-written trio, duo and singleton VCF + PED fixtures."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from workbench.inheritance import (InheritanceOptions, InheritanceResult, analyse_inheritance, de_novo,
                                   family_variant, mitochondrial, x_linked_hemizygous)
from workbench.io import read_family_vcf, read_pedigree
from workbench.model import Impact, InheritanceMode as M

FIXTURES = Path(__file__).parent / "fixtures" / "vcf"


def analyse(vcf: str, ped: str = "inh_trio.ped", options: InheritanceOptions = InheritanceOptions()):
    calls = read_family_vcf(FIXTURES / vcf, read_pedigree(FIXTURES / ped))
    return analyse_inheritance(calls.variants, calls.trio, options), calls


def modes_by_gene(result: InheritanceResult) -> dict[str, set[M]]:
    out: dict[str, set[M]] = {}
    for c in result.candidates:
        out.setdefault(c.gene_symbol, set()).add(c.mode)
    return out


def dropped_reasons(result: InheritanceResult) -> dict[int, str]:
    return {d.variant.pos: d.reason for d in result.dropped}


def test_de_novo_and_its_frequency_ceiling():
    result, _ = analyse("inh_de_novo.vcf")
    assert modes_by_gene(result) == {"GENEA": {M.DE_NOVO}}
    [candidate] = result.candidates
    assert "father 0/0" in candidate.explanation and "mother 0/0" in candidate.explanation
    assert "population AF 0.005 above" in dropped_reasons(result)[2000]


def test_de_novo_artifacts_are_not_called_de_novo_and_say_why():
    result, _ = analyse("inh_de_novo_artifacts.vcf")
    genes = modes_by_gene(result)
    # the father shows alt reads: origin unknown (de novo, mosaic father or artifact), never de novo
    assert genes == {"GENEA": {M.HETEROZYGOUS_UNPHASED}}
    [candidate] = result.candidates
    assert "father, called homozygous reference, shows alt reads" in candidate.explanation
    reasons = dropped_reasons(result)
    assert reasons[2000].startswith("proband allele balance 0.13 outside 0.20-0.80")
    assert reasons[3000] == "proband genotype quality 12 < 20"
    assert reasons[4000].startswith("looks de novo but only 0.23 of the proband's reads carry it")
    assert reasons[5000] == "FILTER LowQual"


def test_parental_alt_read_alleles_can_be_dropped_instead():
    result, _ = analyse("inh_de_novo_artifacts.vcf", options=InheritanceOptions(keep_parental_alt_read_alleles=False))
    assert result.candidates == ()
    assert "father, called homozygous reference, shows alt reads (0/0 (6/30 alt reads, GQ 99))" in \
        dropped_reasons(result)[1000]


def test_homozygous_recessive_and_mendelian_error():
    result, _ = analyse("inh_recessive.vcf")
    genes = modes_by_gene(result)
    assert genes["GENEA"] == {M.HOMOZYGOUS_RECESSIVE}  # AF 0.5% is within the 2% recessive ceiling
    assert "GENEB" not in genes
    assert "Mendelian error" in dropped_reasons(result)[2000]
    [gene_c] = [c for c in result.candidates if c.gene_symbol == "GENEC"]
    assert "uniparental disomy" in gene_c.explanation


def test_compound_heterozygous_in_trans_cis_rejected_de_novo_pair_possible():
    result, _ = analyse("inh_compound_het.vcf")
    genes = modes_by_gene(result)
    assert M.COMPOUND_HETEROZYGOUS in genes["TRANS"]
    assert not genes["CIS"] & {M.COMPOUND_HETEROZYGOUS, M.POSSIBLE_COMPOUND_HETEROZYGOUS}
    assert any("CIS" in note and "in cis" in note for note in result.notes)
    assert M.POSSIBLE_COMPOUND_HETEROZYGOUS in genes["DNPAIR"]
    assert M.DE_NOVO in genes["DNPAIR"]
    [pair] = [c for c in result.candidates if c.mode is M.COMPOUND_HETEROZYGOUS]
    assert {v.pos for v in pair.variants} == {1000, 1500} and "in trans" in pair.explanation


def test_x_linked_in_a_male_outside_and_inside_the_pars():
    result, calls = analyse("inh_x_male.vcf")
    genes = modes_by_gene(result)
    assert genes["XGENE"] == {M.X_LINKED_HEMIZYGOUS}  # haploid GT '1'
    assert genes["XGENE2"] == {M.X_LINKED_HEMIZYGOUS}  # diploid 1/1 call in a male
    assert genes["XGENE3"] == {M.X_LINKED_DE_NOVO}
    assert genes["PARGENE"] == {M.REDUCED_PENETRANCE}  # PAR1: inherited from the father like an autosome


def test_inherited_from_affected_or_unaffected_parent_and_counted_for_every_gene_hit():
    unaffected, _ = analyse("inh_inherited.vcf")
    assert modes_by_gene(unaffected) == {"GENEM": {M.REDUCED_PENETRANCE}, "GENEP": {M.REDUCED_PENETRANCE},
                                         "GENEX": {M.REDUCED_PENETRANCE}, "GENEY": {M.REDUCED_PENETRANCE}}
    affected, _ = analyse("inh_inherited.vcf", "inh_trio_affected_mother.ped")
    assert modes_by_gene(affected) == {"GENEM": {M.DOMINANT_INHERITED}, "GENEP": {M.REDUCED_PENETRANCE},
                                       "GENEX": {M.DOMINANT_INHERITED}, "GENEY": {M.DOMINANT_INHERITED}}
    [utr] = [c for c in affected.candidates if c.gene_symbol == "GENEY"]
    assert utr.consequences[0].consequence == "3_prime_UTR_variant"


def test_per_mode_frequency_ceiling_is_configurable():
    strict = InheritanceOptions(max_population_af={M.HOMOZYGOUS_RECESSIVE: 0.001})
    result, _ = analyse("inh_recessive.vcf", options=strict)
    assert "GENEA" not in modes_by_gene(result)
    assert "homozygous recessive ≤ 0.001" in dropped_reasons(result)[1000]


def test_missing_or_shallow_parental_genotype_leaves_origin_open():
    result, _ = analyse("inh_missing_parent_gt.vcf")
    genes = modes_by_gene(result)
    assert genes["GENEA"] == {M.HETEROZYGOUS_UNPHASED}
    assert genes["GENEB"] == {M.HOMOZYGOUS_RECESSIVE}
    assert genes["GENEC"] == {M.HETEROZYGOUS_UNPHASED}  # father's 0/0 at depth 5 cannot confirm de novo


def test_multiallelic_site_alleles_from_each_parent_are_in_trans():
    result, _ = analyse("inh_multiallelic.vcf")
    [pair] = [c for c in result.candidates if c.mode is M.COMPOUND_HETEROZYGOUS]
    assert {v.alt for v in pair.variants} == {"T", "G"}
    assert {c.mode for c in result.candidates if c.mode is not M.COMPOUND_HETEROZYGOUS} == {M.REDUCED_PENETRANCE}


def test_no_chr_naming_mitochondria_and_intronic_kept():
    result, _ = analyse("inh_no_chr_mito.vcf")
    genes = modes_by_gene(result)
    assert genes["GENEI"] == {M.DE_NOVO}  # intronic: kept, the ranking weighs consequence
    assert genes["MT-TL1"] == {M.MITOCHONDRIAL}
    assert genes["XGENE"] == {M.X_LINKED_HEMIZYGOUS}


def test_duo_degrades_to_what_can_be_said():
    result, _ = analyse("inh_duo_mother.vcf", "inh_duo_mother.ped")
    genes = modes_by_gene(result)
    # one allele from the mother, the other absent from her: in trans
    assert M.COMPOUND_HETEROZYGOUS in genes["PAIR"]
    assert genes["SOLO"] == {M.HETEROZYGOUS_UNPHASED}  # de novo or from the unsequenced father
    assert any(note.startswith("duo: father not sequenced") for note in result.notes)


def test_singleton_with_unknown_sex():
    result, _ = analyse("inh_singleton.vcf", "inh_singleton.ped")
    genes = modes_by_gene(result)
    assert genes["PAIR"] == {M.HETEROZYGOUS_UNPHASED, M.POSSIBLE_COMPOUND_HETEROZYGOUS}
    assert genes["HOMGENE"] == {M.HOMOZYGOUS_RECESSIVE}


def test_predicates_compose_and_select():
    result, calls = analyse("inh_x_male.vcf")
    chosen = de_novo() | x_linked_hemizygous()
    assert "de novo" in chosen.description and " or " in chosen.description
    selected = result.select(chosen, calls.trio)
    assert {c.gene_symbol for c in selected} == {"XGENE", "XGENE2"}
    fv = family_variant(calls.variants[0], calls.trio, result.options)
    assert (x_linked_hemizygous() & ~mitochondrial()).test(fv)
    assert not (~x_linked_hemizygous()).test(fv)


def test_minimum_impact_option():
    result, _ = analyse("inh_no_chr_mito.vcf", options=InheritanceOptions(min_impact=Impact.MODERATE))
    assert "GENEI" not in modes_by_gene(result)
    assert "no consequence at least MODERATE" in dropped_reasons(result)[1000]


def test_write_summary():
    result, _ = analyse("inh_de_novo_artifacts.vcf")
    out = io.StringIO()
    result.write(out)
    assert "heterozygous, parental origin unknown: 1" in out.getvalue()
    assert "proband genotype quality" in out.getvalue()


@pytest.mark.parametrize("vcf", ["inh_de_novo.vcf", "inh_compound_het.vcf"])
def test_every_proband_allele_is_a_candidate_or_dropped_with_a_reason(vcf):
    result, calls = analyse(vcf)
    accounted = {v.key for c in result.candidates for v in c.variants} | {d.variant.key for d in result.dropped}
    assert accounted >= {v.key for v in calls.variants}
