"""The pandas views behind the Candidates and Gene detail tables, and the candidate filter."""
from dataclasses import replace
from types import MappingProxyType

from workbench.model import (Call, Disease, GeneConsequence, Genotype, Impact, InheritanceMode, Sample, Sex, Trio,
                             Variant)
from workbench.ranking.result import Explanation, RankedGene
from workbench.ui.tables import NOT_ANNOTATED, CandidateFilter, candidate_frame, variant_frame

TRIO = Trio(Sample("kid", "F1", Sex.FEMALE), Sample("dad", "F1", Sex.MALE), Sample("mum", "F1", Sex.FEMALE))


def variant(pos: int, consequence: str, impact: Impact, af: float | None, gq: int | None) -> Variant:
    calls = {"kid": Call(Genotype.HET, 10, 9, 19, gq), "dad": Call(Genotype.HOM_REF, 20, 0, 20, 60),
             "mum": Call(Genotype.HOM_REF, 18, 0, 18, 55)}
    return Variant("chr9", pos, "C", "A", MappingProxyType(calls), population_af=af,
                   consequences=(GeneConsequence("GENE1", consequence, impact, hgvs_p="ENSP00000362396:p.Thr56Lys"),))


def gene(symbol: str, mode: InheritanceMode, *variants: Variant, rank: int = 1) -> RankedGene:
    return RankedGene(rank, symbol, None, 0.5, 1.0, 0.5, 0.3, -4.0, Disease("OMIM:1", "A disease"), mode,
                      tuple(variants), Explanation("prior", "phenotype", "variant", "inheritance"))


MISSENSE = variant(100, "missense_variant", Impact.MODERATE, None, 80)
RARE_STOP = variant(200, "stop_gained", Impact.HIGH, 0.0001, 20)
UNANNOTATED = Variant("chr9", 300, "C", "A", MappingProxyType({"kid": Call(Genotype.HET)}))


def test_a_gene_passes_when_any_of_its_variants_passes():
    de_novo = gene("GENE1", InheritanceMode.DE_NOVO, MISSENSE, RARE_STOP)
    assert CandidateFilter(classes=frozenset({"loss of function"})).gene_passes(de_novo, TRIO)
    assert not CandidateFilter(classes=frozenset({"synonymous"})).gene_passes(de_novo, TRIO)
    assert CandidateFilter(max_frequency=0.00001).gene_passes(de_novo, TRIO)  # unseen missense passes
    assert not CandidateFilter(min_quality=90).gene_passes(de_novo, TRIO)
    assert not CandidateFilter(modes=frozenset({"homozygous recessive"})).gene_passes(de_novo, TRIO)


def test_missing_annotation_and_quality_are_classes_of_their_own():
    plain = gene("GENE2", InheritanceMode.HETEROZYGOUS_UNPHASED, UNANNOTATED)
    assert CandidateFilter(classes=frozenset({NOT_ANNOTATED})).gene_passes(plain, TRIO)
    assert CandidateFilter().gene_passes(plain, TRIO)
    assert not CandidateFilter(min_quality=1).gene_passes(plain, TRIO)  # no GQ cannot prove quality


def test_candidate_frame_names_the_key_variant_and_tag():
    frame = candidate_frame([gene("GENE1", InheritanceMode.DE_NOVO, RARE_STOP)], TRIO, {"GENE1": "candidate"})
    row = frame.iloc[0]
    assert (row["gene"], row["mode"], row["key variant"], row["HGVS"], row["class"], row["GQ"], row["tag"]) == (
        "GENE1", "de novo", "chr9:200:C:A", "p.Thr56Lys", "loss of function", 20, "candidate")


def test_variant_frame_shows_each_family_member_by_role():
    frame = variant_frame([MISSENSE], "GENE1", TRIO)
    row = frame.iloc[0]
    assert (row["proband GT"], row["proband AD"], row["father GT"], row["mother GQ"]) == ("0/1", "10,9", "0/0", 55)
    assert list(frame.columns[:4]) == ["variant", "HGVS p.", "consequence", "proband GT"]


def test_candidate_frame_shows_the_gene_constraint_behind_the_variant_score():
    from workbench.knowledge.constraint import GeneConstraint

    constraint = GeneConstraint({"HGNC:1": (0.12, 3.4), "HGNC:2": (1.4, float("nan"))}, {"HGNC:1": frozenset({"dominant"})})
    ranked = [replace(gene("GENE1", InheritanceMode.DE_NOVO, RARE_STOP), hgnc_id="HGNC:1"),
              replace(gene("GENE2", InheritanceMode.DE_NOVO, MISSENSE), hgnc_id="HGNC:3")]  # GENE2: no data
    frame = candidate_frame(ranked, TRIO, constraint=constraint)
    assert (frame.iloc[0]["LOEUF"], frame.iloc[0]["missense Z"]) == (0.12, 3.4)
    assert frame.iloc[1][["LOEUF", "missense Z"]].isna().all()
    assert "LOEUF" not in candidate_frame(ranked, TRIO).columns  # no constraint table: no empty columns
