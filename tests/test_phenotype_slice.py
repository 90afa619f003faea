"""Phenotype scorers on the hand-built HPO slice: exact IC, similarity and LR values.

Background frequencies (unknown frequency 0.5, three diseases):
bg(Focal-onset seizure) = 0.5/3, bg(Seizure) = (0.5 + 0.5)/3, bg(Global developmental delay) = 0.895/3,
bg(Abnormality of the nervous system) = (0.895 + 0.5)/3.
"""
from __future__ import annotations

import gc
import math
import weakref
from pathlib import Path

import pytest

from workbench.knowledge import load_knowledge
from workbench.model import PhenotypeProfile
from workbench.phenotype import LikelihoodRatioScorer, ResnikScorer
from workbench.phenotype.index import PhenotypeIndex

SLICE = Path(__file__).parent / "fixtures" / "hpo_slice"
FLOOR = 0.05


def floor_for(ic: float) -> float:
    """The floor for a term of this IC: terms carried by more than 10% of diseases get a milder one."""
    return FLOOR ** min(1.0, ic / math.log(10))


FLOOR_FOR_IC_LN3 = floor_for(math.log(3))  # every specific term of the slice: 1 of 3 diseases


@pytest.fixture()
def kb(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    return load_knowledge(SLICE)


def scores(scorer, observed=(), excluded=()):
    return {m.disease.id[-1]: m.score for m in scorer.score_diseases(PhenotypeProfile(tuple(observed), tuple(excluded)))}


def test_exact_match_and_disease_term_more_general(kb):
    lr = scores(LikelihoodRatioScorer(kb, floor=FLOOR), ["HP:0007359"])  # Focal-onset seizure
    assert lr["1"] == pytest.approx(math.log10(0.5 / (0.5 / 3)))  # exact: f / bg = 3
    assert lr["2"] == pytest.approx(math.log10(0.5 / (1 / 3)))  # B has Seizure: f(Seizure) / bg(Seizure) = 1.5
    assert lr["3"] == pytest.approx(math.log10(FLOOR_FOR_IC_LN3))  # only Phenotypic abnormality in common (IC 0)


def test_patient_term_more_general_takes_the_descendant_frequency(kb):
    lr = scores(LikelihoodRatioScorer(kb, floor=FLOOR), ["HP:0001250"])  # Seizure
    assert lr["1"] == pytest.approx(math.log10(0.5 / (1 / 3)))
    assert lr["2"] == pytest.approx(math.log10(0.5 / (1 / 3)))


def test_shared_ancestor_gets_partial_credit_by_information_content(kb):
    lr = scores(LikelihoodRatioScorer(kb, floor=FLOOR), ["HP:0002197"])  # Generalized-onset seizure: nobody has it
    share = math.log(3 / 2) / math.log(3)  # IC(shared ancestor) / IC(patient term)
    floor = FLOOR_FOR_IC_LN3
    # through Abnormality of the nervous system: f = 0.895 (Global developmental delay)
    full = 0.895 / ((0.895 + 0.5) / 3)
    expected_a = math.exp(math.log(floor) + share * (math.log(full) - math.log(floor)))
    assert lr["1"] == pytest.approx(math.log10(expected_a))
    assert lr["2"] == pytest.approx(math.log10(1.5))  # B is annotated to Seizure itself
    assert lr["3"] == pytest.approx(math.log10(floor))


def test_not_annotation_gives_the_floor(kb):
    lr = scores(LikelihoodRatioScorer(kb, floor=FLOOR), ["HP:0001263"])  # B is annotated NOT GDD
    assert lr["1"] == pytest.approx(math.log10(0.895 / (0.895 / 3)))
    assert lr["2"] == pytest.approx(math.log10(FLOOR_FOR_IC_LN3))


def test_excluded_term_counts_against_diseases_that_have_it(kb):
    lr = scores(LikelihoodRatioScorer(kb, floor=FLOOR, excluded_weight=1.0), excluded=["HP:0001263"])
    background = 0.895 / 3
    assert lr["1"] == pytest.approx(math.log10((1 - 0.895) / (1 - background)))
    assert lr["2"] == pytest.approx(math.log10(1 / (1 - background)))
    assert lr["3"] == pytest.approx(math.log10(1 / (1 - background)))
    tempered = scores(LikelihoodRatioScorer(kb, floor=FLOOR), excluded=["HP:0001263"])  # default weight 0.5
    assert tempered == pytest.approx({k: v / 2 for k, v in lr.items()})


def test_scores_add_up_and_explanations_match(kb):
    scorer = LikelihoodRatioScorer(kb, floor=FLOOR)
    profile = PhenotypeProfile(observed=("HP:0007359", "HP:0001083"), excluded=("HP:0000545",))
    for match in scorer.score_diseases(profile):
        assert sum(t.contribution for t in match.explanation) == pytest.approx(match.score)
    top = scorer.score_diseases(profile)[0]
    focal = top.explanation[0]
    assert (focal.patient_term, focal.disease_term, focal.common_ancestor) == ("HP:0007359", "HP:0007359", "HP:0007359")
    assert focal.how == "exact; counted ×0.95, one of the patient's findings, which share a cause"  # 2 terms
    assert focal.information_content == pytest.approx(math.log(3))
    assert top.explanation[-1].excluded


def test_general_terms_are_neutral_and_redundant_ancestors_dropped(kb):
    scorer = LikelihoodRatioScorer(kb, floor=FLOOR)
    alone = scores(scorer, ["HP:0007359"])
    with_general = scores(scorer, ["HP:0007359", "HP:0001250", "HP:0000118", "HP:0000001"])
    assert with_general == pytest.approx(alone)


def test_probabilities_sum_to_one(kb):
    matches = LikelihoodRatioScorer(kb).score_diseases(PhenotypeProfile(observed=("HP:0007359",)))
    assert sum(m.probability for m in matches) == pytest.approx(1.0)
    assert matches[0].probability == pytest.approx(3 / (3 + 1.5 + FLOOR_FOR_IC_LN3))


def test_gene_takes_its_best_disease_and_keeps_all(kb):
    genes = LikelihoodRatioScorer(kb).score_genes(PhenotypeProfile(observed=("HP:0001083",)))
    by_symbol = {g.gene.symbol: g for g in genes}
    assert set(by_symbol) == {"GENEA", "GENEB", "GENEC"}
    gene_a = by_symbol["GENEA"]
    assert gene_a.best.disease.id == "OMIM:100003"  # Ectopia lentis is Disease C's feature
    assert [d.disease.id for d in gene_a.diseases] == ["OMIM:100003", "OMIM:100001"]
    assert gene_a.score == pytest.approx(math.log10(1.0 / (1 / 3)))
    assert gene_a.probability == pytest.approx(sum(d.probability for d in gene_a.diseases))


def test_unknown_and_obsolete_ids_are_mapped_or_skipped(kb):
    scorer = LikelihoodRatioScorer(kb)
    prepared = scorer.prepare(PhenotypeProfile(observed=("HP:0009999", "HP:7654321")))
    assert [kb.hpo.terms[i].id for i in prepared.observed] == ["HP:0001083"]
    assert any("HP:7654321" in w for w in prepared.warnings)


def test_contradictory_exclusion_is_ignored_with_a_warning(kb):
    prepared = LikelihoodRatioScorer(kb).prepare(PhenotypeProfile(observed=("HP:0007359",), excluded=("HP:0001250",)))
    assert prepared.excluded == ()
    assert any("implies it" in w for w in prepared.warnings)


def test_resnik_patient_to_disease_and_symmetric(kb):
    forward = scores(ResnikScorer(kb), ["HP:0007359"])
    assert forward == pytest.approx({"1": math.log(3), "2": math.log(3 / 2), "3": 0.0})
    symmetric = scores(ResnikScorer(kb, symmetric=True), ["HP:0007359"])
    # Disease A -> patient: Focal-onset seizure matches itself (ln 3), GDD shares the nervous system (ln 1.5)
    assert symmetric["1"] == pytest.approx((math.log(3) + (math.log(3) + math.log(1.5)) / 2) / 2)
    explanation = ResnikScorer(kb).score_diseases(PhenotypeProfile(observed=("HP:0007359",)))[1].explanation
    assert explanation[0].common_ancestor == "HP:0001250" and explanation[0].disease_term == "HP:0001250"


def test_a_dropped_index_is_freed_with_its_term_caches(kb):
    """The per-term caches belong to the index: after an ontology update the old index (tens of
    MB on the real release) must not stay alive through a cache shared by every index."""
    index = PhenotypeIndex(kb, unknown_frequency=0.5)
    seizure = kb.hpo.index["HP:0001250"]
    assert index.depth_below(seizure, seizure) == 0
    assert seizure in index.ancestor_set(seizure)
    dropped = weakref.ref(index)
    del index
    gc.collect()
    assert dropped() is None
