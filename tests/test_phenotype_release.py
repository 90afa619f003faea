"""Phenotype engine on the pinned HPO 2025-01-16 release (the knowledge cache makes this fast)."""
from __future__ import annotations

import pytest

from workbench.knowledge import load_knowledge
from workbench.model import PhenotypeProfile
from workbench.phenotype import LikelihoodRatioScorer, ResnikScorer

MARFAN = ("HP:0001083", "HP:0002616", "HP:0001166", "HP:0000098")  # ectopia lentis, aortic root aneurysm, arachnodactyly, tall stature


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


@pytest.fixture(scope="module")
def lr_scorer(kb):
    return LikelihoodRatioScorer(kb)


@pytest.mark.parametrize("make", [LikelihoodRatioScorer, ResnikScorer])
def test_marfan_features_rank_fbn1_first(kb, make):
    genes = make(kb).score_genes(PhenotypeProfile(observed=MARFAN))
    assert genes[0].gene.symbol == "FBN1"


def test_fbn1_explanation_names_marfan_features(lr_scorer):
    best = lr_scorer.score_genes(PhenotypeProfile(observed=MARFAN))[0]
    assert "FBN1" in best.best.disease.gene_symbols
    assert all(m.contribution > 0 for m in best.best.explanation)
    assert {m.patient_term for m in best.best.explanation} == set(MARFAN)
    assert best.probability > 0.5


def test_excluded_term_lowers_a_disease_that_has_it(lr_scorer):
    observed = ("HP:0001083", "HP:0001166")
    before = {m.disease.id: m.score for m in lr_scorer.score_diseases(PhenotypeProfile(observed=observed))}
    after = {m.disease.id: m.score for m in lr_scorer.score_diseases(PhenotypeProfile(observed=observed, excluded=("HP:0002616",)))}
    assert after["OMIM:154700"] < before["OMIM:154700"] - 0.3  # Marfan syndrome has aortic root aneurysm in 78%
    # a disease without it gains a little
    assert after["OMIM:225100"] > before["OMIM:225100"]


def test_unrelated_nicu_findings_do_not_bury_the_right_gene(lr_scorer):
    noise = ("HP:0001943", "HP:0000952")  # hypoglycemia, jaundice
    genes = lr_scorer.score_genes(PhenotypeProfile(observed=MARFAN[:3] + noise))
    assert [g.gene.symbol for g in genes[:5]].count("FBN1") == 1


def test_related_terms_count_less_than_independent_ones(lr_scorer):
    """Three face findings are not three independent pieces of evidence; a seizure beside them is."""
    # long palpebral fissure, upslanted palpebral fissure, bulbous nose
    face = ("HP:0000637", "HP:0000582", "HP:0000414")
    seizure = "HP:0001250"
    match = lr_scorer.score_diseases(PhenotypeProfile(observed=(*face, seizure)))[0]
    by_term = {m.patient_term: m for m in match.explanation}
    assert sum(m.contribution for m in match.explanation) == pytest.approx(match.score)
    # each term scored alone is its full, unweighted contribution
    unweighted = {t: lr_scorer.score_diseases(PhenotypeProfile(observed=(t,))) for t in (*face, seizure)}
    whole = 1 / (1 + 3 * 0.05)  # all four findings share a cause (PROFILE_TERM_CORRELATION)
    for term in face:
        alone = next(m for m in unweighted[term] if m.disease.id == match.disease.id).score
        assert by_term[term].contribution == pytest.approx(whole * alone / (1 + 2 * 0.25))
        assert "one of 3 terms under Abnormality of the face" in by_term[term].how
    alone = next(m for m in unweighted[seizure] if m.disease.id == match.disease.id).score
    assert by_term[seizure].contribution == pytest.approx(whole * alone)


def test_phenotypic_abnormality_alone_says_nothing(lr_scorer):
    scores = [m.score for m in lr_scorer.score_diseases(PhenotypeProfile(observed=("HP:0000118",)))]
    assert max(scores) - min(scores) < 0.2


def test_each_gene_keeps_every_disease_with_inheritance(lr_scorer, kb):
    genes = {g.gene.symbol: g for g in lr_scorer.score_genes(PhenotypeProfile(observed=MARFAN))}
    fbn1 = genes["FBN1"]
    assert len(fbn1.diseases) == len(kb.diseases_for_gene(fbn1.gene.hgnc_id))
    assert all(a.score >= b.score for a, b in zip(fbn1.diseases, fbn1.diseases[1:]))
    assert any(d.disease.inheritance for d in fbn1.diseases)


def test_obsolete_and_alternative_ids_from_curators_are_mapped(kb):
    resolution = kb.hpo.resolve(["HP:0002306", "HP:0000057", "HP:9999999"])
    assert resolution.ids == ("HP:0001250", "HP:0008665")
    assert resolution.unknown == ("HP:9999999",)


def test_search_finds_seizure_first(kb):
    assert kb.hpo.search("seiz")[0].id == "HP:0001250"
    assert kb.hpo.search("Seizure")[0].id == "HP:0001250"
    assert kb.hpo.search("hypotonia")[0].label.lower().startswith("hypotonia")
    assert kb.hpo.search("ectopia len")[0].id == "HP:0001083"


def test_knowledge_version_names_every_source(kb):
    assert kb.version.startswith("HPO 2025-01-16") and "HGNC" in kb.version
