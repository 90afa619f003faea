"""Incomplete penetrance (issue 17): HPO's 'Typified by incomplete penetrance' (HP:0003829, an
inheritance qualifier in phenotype.hpoa's aspect I) is loaded with each disease and makes a
heterozygous allele from an unaffected parent more plausible for a dominant disease."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from phenotype_stubs import NeutralPhenotype
from workbench.knowledge import load_knowledge
from workbench.knowledge import knowledge as knowledge_module
from workbench.knowledge.knowledge import CACHE_FORMAT

SLICE = Path(__file__).parent / "fixtures" / "hpo_slice"

# As in the pinned release: the qualifier and its children, outside 'Mode of inheritance'.
_QUALIFIER_TERMS = """
[Term]
id: HP:0034335
name: Inheritance qualifier
is_a: HP:0000001 ! All

[Term]
id: HP:0003829
name: Typified by incomplete penetrance
alt_id: HP:0003830
is_a: HP:0034335 ! Inheritance qualifier

[Term]
id: HP:4000160
name: Typified by low penetrance
is_a: HP:0003829 ! Typified by incomplete penetrance
"""


def _slice_with_penetrance(tmp_path, monkeypatch, rows: str) -> Path:
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "knowledge"
    shutil.copytree(SLICE, folder)
    (folder / "hp.obo").write_text((folder / "hp.obo").read_text() + _QUALIFIER_TERMS)
    (folder / "phenotype.hpoa").write_text((folder / "phenotype.hpoa").read_text() + rows)
    return folder


def test_a_disease_annotated_with_incomplete_penetrance_carries_it_and_keeps_its_mode(tmp_path, monkeypatch):
    folder = _slice_with_penetrance(
        tmp_path, monkeypatch,
        "OMIM:100001\tDisease A\t\tHP:0003829\tOMIM:100001\tTAS\t\t\t\t\tI\tHPO:test\n")
    kb = load_knowledge(folder)
    a = kb.diseases["OMIM:100001"]
    assert a.incomplete_penetrance
    assert {m.name for m in a.inheritance} == {"AUTOSOMAL_DOMINANT"}  # the qualifier is not a mode
    assert not kb.diseases["OMIM:100003"].incomplete_penetrance
    # the same from the on-disk cache a second process reads
    knowledge_module._load.cache_clear()
    assert load_knowledge(folder).diseases["OMIM:100001"].incomplete_penetrance


def test_an_alternative_id_and_a_finer_penetrance_term_count_too(tmp_path, monkeypatch):
    folder = _slice_with_penetrance(
        tmp_path, monkeypatch,
        "OMIM:100001\tDisease A\t\tHP:0003830\tOMIM:100001\tTAS\t\t\t\t\tI\tHPO:test\n"
        "OMIM:100003\tDisease C\t\tHP:4000160\tOMIM:100003\tTAS\t\t\t\t\tI\tHPO:test\n")
    kb = load_knowledge(folder)
    assert kb.diseases["OMIM:100001"].incomplete_penetrance
    assert kb.diseases["OMIM:100003"].incomplete_penetrance
    assert not kb.diseases["OMIM:100002"].incomplete_penetrance


def test_the_cache_format_changed_so_old_caches_rebuild():
    assert CACHE_FORMAT >= 8


def test_the_pinned_release_marks_about_160_diseases():
    kb = load_knowledge()
    marked = [d for d in kb.diseases if kb.diseases[d].incomplete_penetrance]
    assert 140 <= len(marked) <= 200
    assert "OMIM:602588" in marked  # Branchiootic syndrome 1 (EYA1)


# -- the inheritance evidence ----------------------------------------------------------------------
from types import MappingProxyType  # noqa: E402

from workbench.model import (Affection, Call, Disease, DiseaseInheritance, GeneConsequence, Genotype,  # noqa: E402
                             Impact, InheritanceMode, Sample, Sex, Trio, Variant)
from workbench.ranking import evidence  # noqa: E402
from workbench.ranking.rank import GeneCandidates, rank_genes  # noqa: E402

M = InheritanceMode
DOMINANT = frozenset({"dominant"})
KID = Sample("kid", "F", Sex.FEMALE, Affection.AFFECTED, father_id="dad", mother_id="mum")
TRIO = Trio(KID, Sample("dad", "F", Sex.MALE, Affection.UNAFFECTED), Sample("mum", "F", Sex.FEMALE, Affection.UNAFFECTED))


def _call(genotype: Genotype) -> Call:
    return Call(genotype, 15 if genotype is not Genotype.HOM_ALT else 0, 15 if genotype is not Genotype.HOM_REF else 0,
                30, 99)


def _variant(pos: int, gene: str, father: Genotype = Genotype.HOM_REF, mother: Genotype = Genotype.HOM_REF) -> Variant:
    return Variant("chr1", pos, "A", "G", MappingProxyType({"kid": _call(Genotype.HET), "dad": _call(father),
                                                           "mum": _call(mother)}),
                   consequences=(GeneConsequence(gene, "missense_variant", Impact.MODERATE),))


def _dominant(name: str, incomplete_penetrance: bool) -> Disease:
    return Disease(id=f"OMIM:{600000 + len(name)}", name=name, inheritance=frozenset({DiseaseInheritance.AUTOSOMAL_DOMINANT}),
                   incomplete_penetrance=incomplete_penetrance)


def test_incomplete_penetrance_makes_an_allele_from_a_healthy_parent_likelier_and_de_novo_less_so():
    full = {m: evidence.mode_probability(m, DOMINANT) for m in (M.DE_NOVO, M.DOMINANT_INHERITED, M.REDUCED_PENETRANCE)}
    partial = {m: evidence.mode_probability(m, DOMINANT, incomplete_penetrance=True) for m in full}
    assert partial[M.REDUCED_PENETRANCE] > 4 * full[M.REDUCED_PENETRANCE]
    assert partial[M.DE_NOVO] < full[M.DE_NOVO]
    assert sum(partial.values()) == pytest.approx(sum(full.values()))  # the same causal genotypes, shared differently
    # a recessive disease, or a family whose PED marks a parent affected, is not changed by the qualifier
    assert evidence.mode_probability(M.HOMOZYGOUS_RECESSIVE, frozenset({"recessive"}), incomplete_penetrance=True) \
        == evidence.mode_probability(M.HOMOZYGOUS_RECESSIVE, frozenset({"recessive"}))
    assert evidence.mode_probability(M.DOMINANT_INHERITED, DOMINANT, affected_parent=True, incomplete_penetrance=True) \
        == evidence.mode_probability(M.DOMINANT_INHERITED, DOMINANT, affected_parent=True)


def test_the_dominant_shares_follow_from_penetrance_and_fitness():
    """Haldane: at mutation-selection balance the share of cases from new mutations is the
    selection against carriers, penetrance x (1 - fitness of the affected)."""
    de_novo, affected, unaffected = evidence.dominant_mode_shares(penetrance=1.0, affected_fitness=0.0)
    assert (de_novo, affected, unaffected) == pytest.approx((1.0, 0.0, 0.0))  # lethal, fully penetrant: all new
    de_novo, affected, unaffected = evidence.dominant_mode_shares(penetrance=0.5, affected_fitness=0.0)
    assert (de_novo, affected, unaffected) == pytest.approx((0.5, 0.0, 0.5))  # only healthy carriers pass it on


def test_a_healthy_parent_s_allele_in_an_incompletely_penetrant_disease_gene_outranks_one_in_a_fully_penetrant_one():
    genes = [GeneCandidates(symbol, f"HGNC:{i}", (_dominant(symbol, partial),),
                            ((M.REDUCED_PENETRANCE, (_variant(100 * i, symbol, father=Genotype.HET),)),))
             for i, (symbol, partial) in enumerate((("AFULL", False), ("BPARTIAL", True)), start=1)]
    background = evidence.ModeBackground({M.REDUCED_PENETRANCE: 700, M.DE_NOVO: 2})
    ranking = rank_genes(genes, TRIO, background, NeutralPhenotype(), 5000, "test")
    assert [g.gene_symbol for g in ranking.genes] == ["BPARTIAL", "AFULL"]
    partial, full = ranking.genes
    assert partial.inheritance_log10_lr > full.inheritance_log10_lr + 0.5
    assert "inherited from the unaffected father" in partial.explanation.inheritance.lower()
    assert "recorded with incomplete penetrance" in partial.explanation.inheritance.lower()
    assert "inherited from the unaffected father" in full.explanation.inheritance.lower()
    assert "not recorded with incomplete penetrance" in full.explanation.inheritance.lower()


def test_the_explanation_names_the_mother_when_she_passed_it_on():
    gene = GeneCandidates("CGENE", "HGNC:3", (_dominant("CGENE", True),),
                          ((M.REDUCED_PENETRANCE, (_variant(300, "CGENE", mother=Genotype.HET),)),))
    ranking = rank_genes([gene], TRIO, evidence.ModeBackground({M.REDUCED_PENETRANCE: 700}), NeutralPhenotype(),
                         5000, "test")
    assert "inherited from the unaffected mother" in ranking.genes[0].explanation.inheritance.lower()


def test_an_allele_from_a_parent_the_ped_marks_affected_is_said_so_and_the_qualifier_changes_nothing():
    trio = Trio(KID, Sample("dad", "F", Sex.MALE, Affection.UNAFFECTED), Sample("mum", "F", Sex.FEMALE, Affection.AFFECTED))
    background = evidence.ModeBackground({M.DOMINANT_INHERITED: 300}, affected_parent=trio.has_affected_parent)
    lrs = []
    for partial in (False, True):
        gene = GeneCandidates("DGENE", "HGNC:4", (_dominant("DGENE", partial),),
                              ((M.DOMINANT_INHERITED, (_variant(400, "DGENE", mother=Genotype.HET),)),))
        top = rank_genes([gene], trio, background, NeutralPhenotype(), 5000, "test").genes[0]
        assert top.explanation.inheritance.startswith("Inherited from the affected mother.")
        lrs.append(top.inheritance_log10_lr)
    assert lrs[0] == lrs[1]
