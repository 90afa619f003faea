"""Knowledge layer on the hand-built HPO slice (tests/fixtures/hpo_slice): exact values."""
from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from workbench.knowledge import load_knowledge
from workbench.knowledge.knowledge import cache_file
from workbench.model import DiseaseInheritance

SLICE = Path(__file__).parent / "fixtures" / "hpo_slice"


@pytest.fixture()
def kb(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    return load_knowledge(SLICE)


def test_version_and_counts(kb):
    assert kb.version == "HPO 2024-01-01"
    assert len(kb.diseases) == 3
    assert kb.hpo.annotation_count("HP:0001250") == 2  # A through Focal-onset seizure, B directly
    assert kb.hpo.annotation_count("HP:0000001") == 3


def test_information_content_is_propagated_by_the_true_path_rule(kb):
    assert kb.hpo.information_content("HP:0000001") == 0.0
    assert kb.hpo.information_content("HP:0000118") == 0.0
    assert kb.hpo.information_content("HP:0001250") == pytest.approx(math.log(3 / 2))
    assert kb.hpo.information_content("HP:0007359") == pytest.approx(math.log(3))
    # no disease reaches Generalized-onset seizure: IC of a term annotated once, not infinity
    assert kb.hpo.information_content("HP:0002197") == pytest.approx(math.log(3))


def test_ancestors_include_the_term_itself(kb):
    assert kb.hpo.ancestors("HP:0007359") == {"HP:0007359", "HP:0001250", "HP:0000707", "HP:0000118", "HP:0000001"}
    assert kb.hpo.ancestors("HP:0002306") == kb.hpo.ancestors("HP:0001250")  # alternative id
    assert kb.hpo.ancestors("HP:7777777") == frozenset()


def test_disease_features_frequencies_exclusions_inheritance(kb):
    a, b, c = (kb.diseases[f"OMIM:10000{i}"] for i in (1, 2, 3))
    assert {(f.term_id, f.frequency) for f in a.features} == {("HP:0007359", 0.5), ("HP:0001263", 0.895)}
    # alt id in the annotation file is mapped to the primary term; no frequency stays None
    assert {(f.term_id, f.frequency) for f in b.features} == {("HP:0001250", None), ("HP:0000545", 0.75)}
    assert b.excluded_features == ("HP:0001263",)
    assert b.inheritance == {DiseaseInheritance.AUTOSOMAL_RECESSIVE}
    # two references for Myopia: the highest stated frequency is kept
    assert dict((f.term_id, f.frequency) for f in c.features) == {"HP:0001083": 1.0, "HP:0000545": 0.17}


def test_gene_links_use_current_hgnc_symbols(kb):
    assert kb.diseases["OMIM:100002"].gene_symbols == ("GENEB",)  # listed under previous symbol OLDB
    assert [d.id for d in kb.diseases_for_gene("HGNC:1")] == ["OMIM:100001", "OMIM:100003"]
    assert [d.id for d in kb.diseases_for_gene("GENEC")] == ["OMIM:100003"]
    assert kb.diseases_for_gene("HGNC:4") == ()


@pytest.mark.parametrize("text, symbol", [
    ("genea", "GENEA"), ("HGNC:2", "GENEB"), ("OLDB", "GENEB"), ("ALIASA", "GENEA"),
    ("ENSG00000000003.7", "GENEC"), ("1004", "GENED"), ("SHARED", None), ("NOPE", None),
])
def test_gene_lookup(kb, text, symbol):
    gene = kb.genes.lookup(text)
    assert (gene.symbol if gene else None) == symbol


def test_resolve_maps_alternative_and_obsolete_ids_and_reports_unknown(kb):
    result = kb.hpo.resolve(["HP:0002306", "HP:0009999", "HP:0009998", "HP:0001250", "HP:0001083", "HP:0007395", "nonsense"])
    assert result.ids == ("HP:0001250", "HP:0001083")  # duplicates after mapping collapse
    assert dict(result.replaced) == {"HP:0002306": "HP:0001250", "HP:0009999": "HP:0001083", "HP:0009998": "HP:0001250"}
    assert result.unknown == ("HP:0007395", "nonsense")
    text = "\n".join(result.warnings)
    assert "HP:0002306 is an alternative id of HP:0001250 (Seizure)" in text
    assert "HP:0009999 (Lens luxation) is replaced by HP:0001083" in text
    assert "HP:0009998 (Fits) is obsolete; HPO suggests considering HP:0001250" in text
    assert "'HP:0007395' is not a term" in text and "did you mean HP:0007359 (Focal-onset seizure)" in text


def test_resolve_accepts_labels_synonyms_and_bare_numbers(kb):
    assert kb.hpo.resolve(["dislocated lens", "Myopia", "1250", "HP_0001263"]).ids == (
        "HP:0001083", "HP:0000545", "HP:0001250", "HP:0001263")


def test_search_ranks_label_prefix_and_common_terms_first(kb):
    assert [t.id for t in kb.hpo.search("seiz")] == ["HP:0001250", "HP:0007359", "HP:0002197"]
    # exact synonym beats label-word matches
    assert kb.hpo.search("epilepsy")[0].id == "HP:0001250"
    assert kb.hpo.search("partial")[0].id == "HP:0007359"
    assert kb.hpo.search("HP:0002306")[0].id == "HP:0001250"
    assert [t.id for t in kb.hpo.search("seizure foc")] == ["HP:0007359"]  # words in any order
    assert [t.id for t in kb.hpo.search("f seizure")] == ["HP:0007359"]  # a one-letter word too
    assert kb.hpo.search("s f") == []  # one-letter words alone: no scattered guesses
    # obsolete terms are not offered (the current term that shares a word is, as a partial match)
    assert "HP:0009999" not in [t.id for t in kb.hpo.search("lens luxation")]
    assert kb.hpo.search("   ") == []


def test_cache_is_written_and_rebuilt_when_a_source_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "knowledge"
    shutil.copytree(SLICE, folder)
    first = load_knowledge(folder)
    assert cache_file(folder).exists()
    assert load_knowledge(folder) is first  # in-memory cache
    old_cache = cache_file(folder)
    hpoa = folder / "phenotype.hpoa"
    hpoa.write_text(hpoa.read_text().replace("Disease A", "Disease A prime"))
    assert load_knowledge(folder).diseases["OMIM:100001"].name == "Disease A prime"
    assert cache_file(folder).exists() and not old_cache.exists()  # the stale state is removed


def test_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "knowledge"
    shutil.copytree(SLICE, folder)
    cache_file(folder).write_bytes(b"not a pickle")
    assert len(load_knowledge(folder).diseases) == 3


def test_malformed_source_names_the_file(tmp_path, monkeypatch):
    from workbench.knowledge import SourceError

    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "knowledge"
    shutil.copytree(SLICE, folder)
    (folder / "phenotype.hpoa").write_text("#only a comment\nwrong\theader\n")
    with pytest.raises(SourceError, match="phenotype.hpoa: line 2: header lacks"):
        load_knowledge(folder)


_ORPHANET_ROWS = (
    "ORPHA:200003\tDisease C (Orphanet)\t\tHP:0000545\tORPHA:200003\tTAS\t\tHP:0040281\t\t\tP\tORPHA:orphadata\n"
    "ORPHA:200009\tDisease without a twin\t\tHP:0001083\tORPHA:200009\tTAS\t\t\t\t\tP\tORPHA:orphadata\n"
)
_MONDO_SSSOM = (
    "# curie_map:\n#   MONDO: http://purl.obolibrary.org/obo/MONDO_\n"
    "subject_id\tsubject_label\tpredicate_id\tobject_id\tobject_label\tmapping_justification\n"
    "MONDO:0000003\tdisease c\tskos:exactMatch\tOMIM:100003\tdisease c\tsemapv:UnspecifiedMatching\n"
    "MONDO:0000003\tdisease c\tskos:exactMatch\tOrphanet:200003\tDisease C\tsemapv:UnspecifiedMatching\n"
    "MONDO:0000009\tdisease x\tskos:broadMatch\tOMIM:100001\tdisease a\tsemapv:UnspecifiedMatching\n"
    "MONDO:0000009\tdisease x\tskos:exactMatch\tOrphanet:200009\tdisease x\tsemapv:UnspecifiedMatching\n"
)


def _slice_with_orphanet(tmp_path, monkeypatch, mondo: bool) -> Path:
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "knowledge"
    shutil.copytree(SLICE, folder)
    hpoa = folder / "phenotype.hpoa"
    hpoa.write_text(hpoa.read_text() + _ORPHANET_ROWS)
    if mondo:
        (folder / "mondo.sssom.tsv").write_text(_MONDO_SSSOM)
    return folder


def test_an_orphanet_disease_takes_the_genes_of_the_omim_disease_mondo_calls_the_same(tmp_path, monkeypatch):
    # genes_to_phenotype links only some Orphanet entries to genes; Mondo's exact match says
    # ORPHA:200003 is OMIM:100003, so its own (often richer) annotations count for GENEA/GENEC too
    kb = load_knowledge(_slice_with_orphanet(tmp_path, monkeypatch, mondo=True))
    assert kb.diseases["ORPHA:200003"].gene_symbols == ("GENEA", "GENEC")
    assert [d.id for d in kb.diseases_for_gene("GENEC")] == ["OMIM:100003", "ORPHA:200003"]
    # only an exact match to a linked OMIM disease counts (a broad match does not)
    assert kb.diseases["ORPHA:200009"].gene_symbols == ()
    assert "Mondo" in kb.version


def test_without_the_mondo_file_orphanet_twins_stay_unlinked_and_a_warning_says_so(tmp_path, monkeypatch):
    kb = load_knowledge(_slice_with_orphanet(tmp_path, monkeypatch, mondo=False))
    assert kb.diseases["ORPHA:200003"].gene_symbols == ()
    assert any("mondo.sssom.tsv" in w and "Orphanet" in w for w in kb.warnings)
    assert "Mondo" not in kb.version


_CONSTRAINT = (
    "gene\ttranscript\tcanonical\toe_lof_upper\tmis_z\tpLI\n"
    "GENEA\tENST1\ttrue\t0.12\t4.5\t1.0\n"
    "GENEA\tENST2\tfalse\t1.90\t-1.0\t0.0\n"
    "OLDB\tENST3\ttrue\t1.30\tNaN\t0.0\n"
    "NOTAGENE\tENST4\ttrue\t0.50\t1.0\t0.1\n"
)


def test_gnomad_constraint_is_joined_through_hgnc_and_named_in_the_version(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "knowledge"
    shutil.copytree(SLICE, folder)
    (folder / "gnomad_v2.1_constraint.txt").write_text(_CONSTRAINT)
    kb = load_knowledge(folder)
    assert len(kb.constraint) == 2  # canonical transcripts of approved genes only
    loss = kb.constraint.evidence("HGNC:1", "loss of function", "dominant", known=True)
    assert loss is not None and loss.text.startswith("gnomAD LOEUF 0.12")
    # GENEB is found through its previous symbol; its missing missense Z gives no evidence
    assert kb.constraint.evidence("HGNC:2", "loss of function", "recessive", known=True) is not None
    assert kb.constraint.evidence("HGNC:2", "missense", "recessive", known=True) is None
    assert "gnomAD constraint" in kb.version


def test_without_a_constraint_table_the_ranking_says_it_ranks_without_it(tmp_path, monkeypatch):
    from workbench.model import PhenotypeProfile
    from workbench.ranking import analyse_case

    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    kb = load_knowledge(SLICE)
    assert kb.constraint is None
    ranking_fixtures = Path(__file__).parent / "fixtures" / "ranking"
    analysis = analyse_case(ranking_fixtures / "trio.vcf", ranking_fixtures / "trio.ped", knowledge=kb, use_cache=False)
    warnings = analysis.rank(PhenotypeProfile(observed=("HP:0001250",))).warnings
    assert any("no gnomAD constraint table" in w for w in warnings)


@pytest.mark.parametrize("name, text, message", [
    ("mondo.sssom.tsv", "# a comment\nwrong\theader\n", "mondo.sssom.tsv: line 2: not an SSSOM mapping table"),
    ("gnomad_v2.1_constraint.txt", "gene\ttranscript\n", "gnomad_v2.1_constraint.txt: line 1: header lacks"),
])
def test_a_malformed_mondo_or_constraint_file_names_the_file_and_line(tmp_path, monkeypatch, name, text, message):
    from workbench.knowledge import SourceError

    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "knowledge"
    shutil.copytree(SLICE, folder)
    (folder / name).write_text(text)
    with pytest.raises(SourceError, match=message):
        load_knowledge(folder)
