"""Ranking: the right gene first on a tiny real-shaped trio, evidence parts, determinism."""
from __future__ import annotations

import io
import json
import math
import random
from pathlib import Path
from types import MappingProxyType

import pytest

from phenotype_stubs import NeutralPhenotype
from workbench.model import (Call, Disease, DiseaseInheritance, GeneConsequence, Genotype, Impact, InheritanceMode,
                             PhenotypeProfile, Sample, Sex, Trio, Variant)
from workbench.ranking import analyse_case
from workbench.ranking import evidence
from workbench.ranking.rank import PHENOTYPE_EXPANSION_SHARE, GeneCandidates, homozygous_af_counts, rank_genes

FIXTURES = Path(__file__).parent / "fixtures" / "ranking"
SEIZURES = PhenotypeProfile(observed=("HP:0001250", "HP:0002133", "HP:0001263"))  # seizure, status epilepticus, delay
MARFANOID = PhenotypeProfile(observed=("HP:0001166", "HP:0001083", "HP:0002616"))  # arachnodactyly, ectopia lentis, aortic root dilatation


@pytest.fixture(scope="module")
def knowledge():
    from workbench.knowledge import load_knowledge

    return load_knowledge()


@pytest.fixture(scope="module")
def analysis(knowledge, tmp_path_factory):
    return analyse_case(FIXTURES / "trio.vcf", FIXTURES / "trio.ped", knowledge=knowledge, use_cache=False)


def test_true_gene_ranks_first_and_rerank_follows_the_phenotype(analysis):
    first = analysis.rank(SEIZURES)
    assert first.genes[0].gene_symbol == "SCN1A"
    assert first.genes[0].mode is InheritanceMode.DE_NOVO
    assert [v.key for v in first.genes[0].variants] == ["chr2:166000000:A:AT"]
    # only the phenotype changes: no VCF re-read, another gene on top
    second = analysis.rank(MARFANOID)
    assert second.genes[0].gene_symbol == "FBN1"
    assert second.genes[0].disease is not None and "Marfan" in second.genes[0].disease.name


def test_probabilities_and_evidence_parts_add_up(analysis):
    ranking = analysis.rank(SEIZURES)
    total = sum(g.probability for g in ranking.genes) + ranking.none_probability
    assert total == pytest.approx(1.0)
    top = ranking.genes[0]
    assert top.score == pytest.approx(top.prior_log10 + top.phenotype_log10_lr + top.variant_log10_lr
                                      + top.inheritance_log10_lr)
    assert top.phenotype_log10_lr > 0 and top.inheritance_log10_lr > 0
    assert "frameshift" in top.explanation.variant
    assert top.explanation.terms and all(t.patient_term.startswith("HP:") for t in top.explanation.terms)
    assert ranking.knowledge_version == analysis.knowledge.version


def test_biallelic_recessive_hit_found_and_obsolete_terms_mapped(analysis, knowledge):
    # cystic fibrosis features: the homozygous CFTR stop-gain should lead
    ranking = analysis.rank(PhenotypeProfile(observed=("HP:0006528", "HP:0001508", "HP:0002024")))
    assert ranking.genes[0].gene_symbol == "CFTR"
    assert ranking.genes[0].mode is InheritanceMode.HOMOZYGOUS_RECESSIVE
    obsolete = next(t for t in knowledge.hpo.terms if t.obsolete and t.replaced_by)
    mapped = analysis.rank(PhenotypeProfile(observed=(obsolete.id,) + SEIZURES.observed))
    assert any(obsolete.id in w for w in mapped.warnings)


def test_tsv_and_json_outputs(analysis):
    ranking = analysis.rank(SEIZURES)
    tsv = io.StringIO()
    ranking.write_tsv(tsv)
    header, first = tsv.getvalue().splitlines()[:2]
    for column in ("rank", "gene", "score", "disease_id", "disease_name", "mode", "variants"):
        assert column in header.split("\t")
    assert first.split("\t")[1] == "SCN1A"
    data = json.loads(_json(ranking))
    explanation = data["genes"][0]["explanation"]
    assert set(explanation) == {"prior", "phenotype", "variant", "inheritance"}
    assert explanation["phenotype"]["terms"] and all(t["how"] for t in explanation["phenotype"]["terms"])
    assert data["knowledge_version"] == ranking.knowledge_version


def _json(ranking) -> str:
    out = io.StringIO()
    ranking.write_json(out)
    return out.getvalue()


# -- inheritance compatibility and tie-breaking on hand-made candidates -----------------------------
KID = Sample("kid", "F", Sex.MALE, father_id="dad", mother_id="mum")
TRIO = Trio(KID, Sample("dad", "F", Sex.MALE), Sample("mum", "F", Sex.FEMALE))


def _variant(pos: int, gene: str, consequence: str = "missense_variant", kid: Genotype = Genotype.HET) -> Variant:
    good = lambda g: Call(g, 15 if g is Genotype.HET else 0, 15 if g is not Genotype.HOM_REF else 0, 30, 99)  # noqa: E731
    return Variant("chr1", pos, "A", "G", MappingProxyType({"kid": good(kid), "dad": good(Genotype.HOM_REF),
                                                           "mum": good(Genotype.HOM_REF)}),
                   consequences=(GeneConsequence(gene, consequence, Impact.MODERATE),))


def _disease(name: str, *inheritance: DiseaseInheritance) -> Disease:
    return Disease(id=f"OMIM:{abs(hash(name)) % 10**6}", name=name, inheritance=frozenset(inheritance))


def test_inheritance_fit_of_mode_and_disease():
    background = evidence.ModeBackground({InheritanceMode.DE_NOVO: 2, InheritanceMode.HOMOZYGOUS_RECESSIVE: 3})
    dominant = evidence.inheritance_groups({DiseaseInheritance.AUTOSOMAL_DOMINANT})
    recessive = evidence.inheritance_groups({DiseaseInheritance.AUTOSOMAL_RECESSIVE})
    x_linked = evidence.inheritance_groups({DiseaseInheritance.X_LINKED_RECESSIVE})
    assert background.log10_lr(InheritanceMode.DE_NOVO, dominant) > background.log10_lr(InheritanceMode.DE_NOVO, recessive) + 1
    assert background.log10_lr(InheritanceMode.HOMOZYGOUS_RECESSIVE, recessive) > 2
    assert background.log10_lr(InheritanceMode.X_LINKED_HEMIZYGOUS, x_linked) > 2
    # a mode seen in hundreds of genes of this case carries little evidence
    crowded = evidence.ModeBackground({InheritanceMode.HETEROZYGOUS_UNPHASED: 900})
    assert crowded.log10_lr(InheritanceMode.HETEROZYGOUS_UNPHASED, dominant) < 1.5


def test_de_novo_in_dominant_gene_beats_de_novo_in_recessive_only_gene():
    genes = [GeneCandidates("RECGENE", "HGNC:2", (_disease("rec", DiseaseInheritance.AUTOSOMAL_RECESSIVE),),
                            ((InheritanceMode.DE_NOVO, (_variant(200, "RECGENE"),)),)),
             GeneCandidates("DOMGENE", "HGNC:1", (_disease("dom", DiseaseInheritance.AUTOSOMAL_DOMINANT),),
                            ((InheritanceMode.DE_NOVO, (_variant(100, "DOMGENE"),)),))]
    ranking = rank_genes(genes, TRIO, evidence.ModeBackground({InheritanceMode.DE_NOVO: 2}), NeutralPhenotype(),
                         5000, "test")
    assert [g.gene_symbol for g in ranking.genes] == ["DOMGENE", "RECGENE"]


def test_an_entry_without_recorded_inheritance_takes_the_gene_s_other_diseases():
    """Orphanet entries record no inheritance: a de novo hit in a recessive-only gene must not
    escape through one of them as if the gene were newly found."""
    orphanet = Disease(id="ORPHA:141", name="Canavan disease (Orphanet)")
    canavan = _disease("Canavan", DiseaseInheritance.AUTOSOMAL_RECESSIVE)
    recessive_gene = GeneCandidates("ASPA", "HGNC:756", (canavan, orphanet),
                                    ((InheritanceMode.DE_NOVO, (_variant(200, "ASPA"),)),))
    new_gene = GeneCandidates("NEWGENE", "HGNC:9", (orphanet,),
                              ((InheritanceMode.DE_NOVO, (_variant(300, "NEWGENE"),)),))
    background = evidence.ModeBackground({InheritanceMode.DE_NOVO: 2})

    class OrphanetFitsBest(NeutralPhenotype):
        def log10_lr(self, disease_id):
            return 1.0 if disease_id == "ORPHA:141" else 0.0

    ranking = rank_genes([recessive_gene, new_gene], TRIO, background, OrphanetFitsBest(), 5000, "test")
    aspa, only_orphanet = (next(g for g in ranking.genes if g.gene_symbol == s) for s in ("ASPA", "NEWGENE"))
    recessive = evidence.inheritance_groups({DiseaseInheritance.AUTOSOMAL_RECESSIVE})
    assert aspa.inheritance_log10_lr == pytest.approx(background.log10_lr(InheritanceMode.DE_NOVO, recessive))
    assert aspa.disease.id == "ORPHA:141"
    assert "recessive (recorded for the gene's other diseases; none for this entry)" in aspa.explanation.inheritance
    # a gene whose only disease records no inheritance keeps the mixture of a newly found gene
    unknown = background.log10_lr(InheritanceMode.DE_NOVO, frozenset())
    assert only_orphanet.inheritance_log10_lr == pytest.approx(unknown)
    assert "a disease of unknown inheritance" in only_orphanet.explanation.inheritance


def test_ties_are_broken_by_variant_evidence_then_symbol_whatever_the_input_order():
    disease = _disease("dom", DiseaseInheritance.AUTOSOMAL_DOMINANT)
    genes = [GeneCandidates(symbol, f"HGNC:{i}", (disease,),
                            ((InheritanceMode.DE_NOVO, (_variant(100 + i, symbol),)),))
             for i, symbol in enumerate(["ZZZ1", "AAA1", "MMM1"])]
    # identical evidence in three genes: equal scores, so the HGNC symbol decides
    expected = ["AAA1", "MMM1", "ZZZ1"]
    for seed in range(5):
        random.Random(seed).shuffle(genes)
        ranking = rank_genes(genes, TRIO, evidence.ModeBackground({InheritanceMode.DE_NOVO: 3}), NeutralPhenotype(),
                             5000, "test")
        assert [g.gene_symbol for g in ranking.genes] == expected
        assert len({round(g.score, 9) for g in ranking.genes}) == 1


def test_unlinked_gene_can_win_on_a_de_novo_loss_of_function():
    genes = [GeneCandidates("NEWGENE", None, (), ((InheritanceMode.DE_NOVO,
                                                   (_variant(100, "NEWGENE", "stop_gained"),)),)),
             GeneCandidates("OLDGENE", "HGNC:1", (_disease("dom", DiseaseInheritance.AUTOSOMAL_DOMINANT),),
                            ((InheritanceMode.REDUCED_PENETRANCE, (_variant(200, "OLDGENE"),)),))]
    ranking = rank_genes(genes, TRIO, evidence.ModeBackground({InheritanceMode.DE_NOVO: 1,
                                                               InheritanceMode.REDUCED_PENETRANCE: 400}),
                         NeutralPhenotype(), 5000, "test")
    assert ranking.genes[0].gene_symbol == "NEWGENE"
    assert "not yet linked" in ranking.genes[0].explanation.prior


def test_gene_constraint_weighs_a_de_novo_loss_of_function_and_says_so():
    from workbench.knowledge.constraint import GeneConstraint

    # four known dominant-disease genes; the intolerant one (LOEUF 0.1) and a tolerant one (1.8)
    # each carry the same de novo stop-gain, all else equal
    constraint = GeneConstraint({"HGNC:1": (0.1, 4.0), "HGNC:2": (1.8, -1.0), "HGNC:3": (0.2, 3.0),
                                 "HGNC:4": (1.5, 0.5), "HGNC:5": (1.2, 0.0), "HGNC:6": (1.9, -2.0)},
                                {h: frozenset({"dominant"}) for h in ("HGNC:1", "HGNC:2", "HGNC:3")}
                                | {"HGNC:4": frozenset({"recessive"})}, bins=2)
    disease = _disease("dom", DiseaseInheritance.AUTOSOMAL_DOMINANT)
    genes = [GeneCandidates(symbol, hgnc, (disease,), ((InheritanceMode.DE_NOVO, (_variant(pos, symbol, "stop_gained"),)),))
             for symbol, hgnc, pos in (("ATOLERANT", "HGNC:2", 100), ("INTOLERANT", "HGNC:1", 200))]
    background = evidence.ModeBackground({InheritanceMode.DE_NOVO: 2})
    ranking = rank_genes(genes, TRIO, background, NeutralPhenotype(), 5000, "test", constraint=constraint)
    top, second = ranking.genes
    assert (top.gene_symbol, second.gene_symbol) == ("INTOLERANT", "ATOLERANT")  # against the symbol tie-break
    assert top.variant_log10_lr > second.variant_log10_lr
    assert "gnomAD LOEUF 0.10" in top.explanation.variant and "dominant" in top.explanation.variant
    # without constraint data the two are tied and the symbol decides, as before
    plain = rank_genes(genes, TRIO, background, NeutralPhenotype(), 5000, "test")
    assert [g.gene_symbol for g in plain.genes] == ["ATOLERANT", "INTOLERANT"]
    assert plain.genes[0].score == pytest.approx(plain.genes[1].score)
    assert "gnomAD" not in plain.genes[0].explanation.variant
    # an X-linked hemizygous call takes no constraint evidence (gnomAD v2 X constraint mixes sexes)
    assert evidence.constraint_group(InheritanceMode.X_LINKED_HEMIZYGOUS) is None


class _PoorFitPhenotype(NeutralPhenotype):
    """Every described disease fits the terms very badly (LR 10^-6)."""

    def log10_lr(self, disease_id):
        return -6.0


def test_known_gene_with_an_undescribed_presentation_is_not_buried():
    # a newly published presentation of a known gene: the terms fit none of its HPO diseases
    genes = [GeneCandidates("OLDGENE", "HGNC:1", (_disease("dom", DiseaseInheritance.AUTOSOMAL_DOMINANT),),
                            ((InheritanceMode.DE_NOVO, (_variant(100, "OLDGENE", "stop_gained"),)),))]
    ranking = rank_genes(genes, TRIO, evidence.ModeBackground({InheritanceMode.DE_NOVO: 2}), _PoorFitPhenotype(),
                         5000, "test")
    top = ranking.genes[0]
    assert top.phenotype_log10_lr == pytest.approx(math.log10(PHENOTYPE_EXPANSION_SHARE), abs=0.01)
    assert "LR 10^-6.0" in top.explanation.phenotype and "phenotype expansion" in top.explanation.phenotype


def test_call_quality_weighs_lowish_balance_and_parental_alt_reads():
    def variant(kid: Call, dad: Call) -> Variant:
        return Variant("chr1", 1, "A", "G", MappingProxyType({"kid": kid, "dad": dad,
                                                             "mum": Call(Genotype.HOM_REF, 30, 0, 30, 99)}))

    clean = variant(Call(Genotype.HET, 15, 15, 30, 99), Call(Genotype.HOM_REF, 30, 0, 30, 99))
    lowish = variant(Call(Genotype.HET, 22, 8, 30, 99), Call(Genotype.HOM_REF, 30, 0, 30, 99))
    leaky = variant(Call(Genotype.HET, 15, 15, 30, 99), Call(Genotype.HOM_REF, 26, 4, 30, 99))
    assert evidence.quality_log10_lr(clean, TRIO, InheritanceMode.DE_NOVO) == (0.0, [])
    score, notes = evidence.quality_log10_lr(lowish, TRIO, InheritanceMode.DE_NOVO)
    assert score < 0 and "allele balance" in notes[0]
    score, notes = evidence.quality_log10_lr(leaky, TRIO, InheritanceMode.DE_NOVO)
    assert score <= -1.5 and "dad has 4 alt reads" in notes[0]


def test_homozygous_frequency_evidence_follows_the_case_background():
    # one rare homozygous stop-gain, once in an outbred child (few chance homozygotes, all at
    # common-ish frequencies) and once in an autozygous child (hundreds absent from gnomAD)
    hom = _variant(100, "RECGENE", "stop_gained", kid=Genotype.HOM_ALT)
    gene = GeneCandidates("RECGENE", "HGNC:2", (_disease("rec", DiseaseInheritance.AUTOSOMAL_RECESSIVE),),
                          ((InheritanceMode.HOMOZYGOUS_RECESSIVE, (hom,)),))
    assert homozygous_af_counts([gene, gene]) == (1, 0, 0, 0, 0, 0)  # each allele counted once

    def variant_lr(counts):
        background = evidence.ModeBackground({InheritanceMode.HOMOZYGOUS_RECESSIVE: 10}, homozygous_af_counts=counts)
        return rank_genes([gene], TRIO, background, NeutralPhenotype(), 5000, "test").genes[0].variant_log10_lr

    outbred, autozygous = variant_lr((1, 0, 1, 4, 4, 0)), variant_lr((400, 100, 40, 20, 10, 0))
    assert outbred > autozygous + 1  # absence from gnomAD means little in an autozygous genome


def test_ranking_scores_the_transcript_the_report_prints():
    # two transcripts of one gene: a non-MANE frameshift listed first, the MANE Select missense second
    base = _variant(100, "DOMGENE")
    variant = Variant(base.chrom, base.pos, base.ref, base.alt, base.calls, consequences=(
        GeneConsequence("DOMGENE", "frameshift_variant", Impact.HIGH, hgnc_id="HGNC:1", transcript="ENST2"),
        GeneConsequence("DOMGENE", "missense_variant", Impact.MODERATE, hgnc_id="HGNC:1", transcript="ENST1",
                        mane_select=True)))
    gene = GeneCandidates("DOMGENE", "HGNC:1", (_disease("dom", DiseaseInheritance.AUTOSOMAL_DOMINANT),),
                          ((InheritanceMode.DE_NOVO, (variant,)),))
    top = rank_genes([gene], TRIO, evidence.ModeBackground({InheritanceMode.DE_NOVO: 2}), NeutralPhenotype(),
                     5000, "test").genes[0]
    assert "missense_variant" in top.explanation.variant and "frameshift" not in top.explanation.variant
    assert variant.reported_consequence("DOMGENE").transcript == "ENST1"


def test_an_affected_parent_makes_the_inherited_dominant_hit_the_likelier_one():
    disease = _disease("dom", DiseaseInheritance.AUTOSOMAL_DOMINANT)
    genes = [GeneCandidates("DNGENE", "HGNC:1", (disease,), ((InheritanceMode.DE_NOVO, (_variant(100, "DNGENE"),)),)),
             GeneCandidates("FAMGENE", "HGNC:2", (disease,),
                            ((InheritanceMode.DOMINANT_INHERITED, (_variant(200, "FAMGENE"),)),))]
    counts = {InheritanceMode.DE_NOVO: 2, InheritanceMode.DOMINANT_INHERITED: 20}

    def order(affected_parent: bool) -> list[str]:
        background = evidence.ModeBackground(counts, affected_parent=affected_parent)
        ranking = rank_genes(genes, TRIO, background, NeutralPhenotype(), 5000, "test")
        return [g.gene_symbol for g in ranking.genes]

    assert order(affected_parent=False) == ["DNGENE", "FAMGENE"]
    assert order(affected_parent=True) == ["FAMGENE", "DNGENE"]


def test_an_affected_parent_weighs_against_a_recessive_explanation():
    """Carrier parents of a recessive disease are healthy: a PED that marks a parent affected
    points to a dominant disease the parent passed on, not to a homozygous background hit."""
    dominant = _disease("dom", DiseaseInheritance.AUTOSOMAL_DOMINANT)
    recessive = _disease("rec", DiseaseInheritance.AUTOSOMAL_RECESSIVE)
    genes = [GeneCandidates("FAMGENE", "HGNC:2", (dominant,),
                            ((InheritanceMode.DOMINANT_INHERITED, (_variant(200, "FAMGENE"),)),)),
             GeneCandidates("HOMGENE", "HGNC:3", (recessive,),
                            ((InheritanceMode.HOMOZYGOUS_RECESSIVE, (_variant(300, "HOMGENE"),)),))]
    counts = {InheritanceMode.DOMINANT_INHERITED: 60, InheritanceMode.HOMOZYGOUS_RECESSIVE: 8}
    homozygous_calls = (10, 0, 0, 0, 0, 0)  # a child with some autozygosity: absence from gnomAD weighs little

    def order(affected_parent: bool) -> list[str]:
        background = evidence.ModeBackground(counts, affected_parent=affected_parent,
                                             homozygous_af_counts=homozygous_calls)
        return [g.gene_symbol for g in rank_genes(genes, TRIO, background, NeutralPhenotype(), 5000, "test").genes]

    assert order(affected_parent=False) == ["HOMGENE", "FAMGENE"]
    assert order(affected_parent=True) == ["FAMGENE", "HOMGENE"]
    background = evidence.ModeBackground(counts, affected_parent=True, homozygous_af_counts=homozygous_calls)
    explained = rank_genes(genes, TRIO, background, NeutralPhenotype(), 5000, "test").genes[1].explanation
    assert "carrier parents of a recessive disease are healthy" in explained.inheritance
