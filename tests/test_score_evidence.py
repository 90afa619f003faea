"""In-silico scores and ClinVar from a real-shaped VEP + ClinVar VCF, weighed at published strengths."""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from phenotype_stubs import NeutralPhenotype
from workbench.io import read_family_vcf, read_pedigree
from workbench.model import Disease, DiseaseInheritance, InheritanceMode
from workbench.ranking import evidence
from workbench.ranking.rank import GeneCandidates, rank_genes
from workbench.ranking.score_evidence import ODDS_OF_PATHOGENICITY, score_evidence

FIXTURES = Path(__file__).parent / "fixtures" / "vcf"


@pytest.fixture(scope="module")
def calls():
    pedigree = read_pedigree(FIXTURES / "inh_trio.ped")
    reading = read_family_vcf(FIXTURES / "scores_vep_clinvar.vcf", pedigree, proband_id="KID")
    return reading, {v.pos: v for v in reading.variants}


def lr(level: str) -> float:
    return math.log10(ODDS_OF_PATHOGENICITY[level])


def test_scores_and_clinvar_review_status_are_read(calls):
    _, variants = calls
    scores = dict(variants[165991236].scores)
    assert scores["REVEL"] == pytest.approx(0.953)
    assert scores["AlphaMissense"] == pytest.approx(0.9912)
    assert scores["BayesDel"] == pytest.approx(0.45)
    assert scores["SpliceAI_max_DS"] == pytest.approx(0.01)
    expert = variants[43093454]
    assert expert.clinvar == "Pathogenic" and dict(expert.scores)["ClinVar_stars"] == 3
    assert dict(variants[43094000].scores)["ClinVar_stars"] == 1


def test_one_missense_predictor_counts_at_its_calibrated_strength(calls):
    _, variants = calls
    found = score_evidence(variants[165991236], "missense")
    counted = [p for p in found.parts if p.counted]
    assert [p.name for p in counted] == ["REVEL"]  # REVEL first; AlphaMissense, BayesDel, CADD shown only
    assert found.log10_lr == pytest.approx(lr("strong"))
    assert "Pejaver 2022" in found.sentence() and "AlphaMissense 0.991 (PP3 strong, Bergquist 2025)" in found.sentence()


def test_benign_prediction_counts_once_against_the_variant(calls):
    _, variants = calls
    found = score_evidence(variants[166000000], "missense")  # REVEL 0.105 (BP4 moderate), SpliceAI 0.02
    assert found.log10_lr == pytest.approx(-lr("moderate"))
    assert sum(p.counted for p in found.parts) == 1


def test_spliceai_flags_a_synonymous_change_that_breaks_a_donor(calls):
    _, variants = calls
    found = score_evidence(variants[117590409], "synonymous")
    assert found.log10_lr == pytest.approx(lr("supporting")) and "Walker 2023" in found.sentence()


def test_clinvar_weighs_by_review_status_and_replaces_the_predictors(calls):
    _, variants = calls
    assert score_evidence(variants[43093454], "loss of function").log10_lr == pytest.approx(lr("strong"))
    benign = score_evidence(variants[43094000], "missense")  # one-star likely benign; REVEL 0.70 says damaging
    assert benign.log10_lr == pytest.approx(-lr("supporting"))
    assert "REVEL 0.702 (PP3 supporting, Pejaver 2022): ×2.1 (shown, not counted)" in benign.sentence()


def test_no_scores_no_evidence(calls):
    _, variants = calls
    bare = variants[43093454].__class__("chr1", 1, "A", "G", {})
    assert score_evidence(bare, "missense").parts == ()


def test_the_ranking_counts_the_scores_and_explains_them(calls):
    reading, variants = calls
    disease = Disease("OMIM:607208", "Dravet syndrome", inheritance=frozenset({DiseaseInheritance.AUTOSOMAL_DOMINANT}))

    def ranked(variant):
        gene = GeneCandidates("SCN1A", "HGNC:10585", (disease,), ((InheritanceMode.DE_NOVO, (variant,)),))
        return rank_genes([gene], reading.trio, evidence.ModeBackground({InheritanceMode.DE_NOVO: 1}), NeutralPhenotype(),
                          5000, "test").genes[0]

    scored, bare = ranked(variants[165991236]), ranked(dataclasses.replace(variants[165991236], scores=()))
    assert "REVEL 0.953 (PP3 strong, Pejaver 2022): ×19" in scored.explanation.variant
    assert scored.variant_log10_lr - bare.variant_log10_lr == pytest.approx(lr("strong"))


def test_the_candidate_table_shows_what_was_counted(calls):
    from workbench.ui.tables import SCORES, candidate_frame

    reading, variants = calls
    genes = [GeneCandidates("SCN1A", "HGNC:10585", (), ((InheritanceMode.DE_NOVO, (variants[165991236],)),)),
             GeneCandidates("BRCA1", "HGNC:1100", (), ((InheritanceMode.DE_NOVO, (variants[43093454],)),))]
    ranking = rank_genes(genes, reading.trio, evidence.ModeBackground({InheritanceMode.DE_NOVO: 2}),
                         NeutralPhenotype(), 5000, "test")
    cells = candidate_frame(ranking.genes, reading.trio).set_index("gene")[SCORES]
    assert cells["SCN1A"] == "REVEL 0.953 ×19"
    assert cells["BRCA1"] == "ClinVar Pathogenic ×19"
