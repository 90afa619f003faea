"""Pharmacogenomic calling on tiny hand-written trio VCFs, each result checked by hand against the pinned tables."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbench.io import read_pedigree
from workbench.knowledge.pgx_tables import load_pgx_tables
from workbench.pgx import CallStatus, PgxOptions, run_panel

HEADER = """##fileformat=VCFv4.2
##reference=GRCh38
##contig=<ID=chr1,length=248956422>
##contig=<ID=chr10,length=133797422>
##contig=<ID=chrX,length=156040895>
##contig=<ID=chrM,length=16569>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID\tDAD\tMUM
"""
# CYP2C19*2 is 10-94775367-A-G + 10-94781859-G-A; *1 (vs the GRCh38 reference *38) is 10-94842866-A-G;
# CYP2C9*3 is 10-94981296-A-C; G6PD A- 202A_376G is X-154535277-T-C + X-154536002-C-T; MT-RNR1 m.1555A>G.
CYP2C9_BACKGROUND = "chr10\t94942000\t.\tG\tA\t50\tPASS\t.\tGT\t0/1\t0/1\t0/0\n"  # a call inside CYP2C9


def family(tmp_path: Path, records: str, kid_sex: str = "1", parents: bool = True) -> tuple[Path, Path]:
    vcf = tmp_path / "trio.vcf"
    vcf.write_text(HEADER + records)
    ped = tmp_path / "trio.ped"
    ped.write_text(f"F\tKID\t{'DAD' if parents else '0'}\t{'MUM' if parents else '0'}\t{kid_sex}\t2\n"
                   "F\tDAD\t0\t0\t1\t1\nF\tMUM\t0\t0\t2\t1\n")
    return vcf, ped


def panel_of(tmp_path: Path, records: str, kid_sex: str = "1", parents: bool = True, **options):
    vcf, ped = family(tmp_path, records, kid_sex, parents)
    return run_panel(vcf, read_pedigree(ped), "KID", PgxOptions(**options))


def test_mt_rnr1_m1555a_g_means_avoid_aminoglycosides(tmp_path):
    panel = panel_of(tmp_path, "chrM\t1555\t.\tA\tG\t50\tPASS\t.\tGT\t1\t0\t1\n")
    gene = panel.gene("MT-RNR1")
    assert gene.diplotype == "m.1555A>G/m.1555A>G"
    assert gene.phenotype == "Increased Risk of Aminoglycoside-Induced Hearing Loss"
    gentamicin = next(d for d in gene.drugs if d.drug == "gentamicin")
    assert gentamicin.actionable and gentamicin.recommendation.startswith("Avoid aminoglycoside antibiotics")
    assert gene.drugs[0].drug == "gentamicin"  # NICU drugs first


def test_g6pd_hemizygous_male_is_deficient_rasburicase_contraindicated(tmp_path):
    records = ("chrX\t154535277\t.\tT\tC\t50\tPASS\t.\tGT\t1\t0\t0/1\n"
               "chrX\t154536002\t.\tC\tT\t50\tPASS\t.\tGT\t1/1\t0\t0/1\n")  # a caller may write 1/1 for his X
    gene = panel_of(tmp_path, records).gene("G6PD")
    assert gene.status is CallStatus.CALLED
    assert gene.diplotype == "A- 202A_376G/MALE" and gene.phenotype == "G6PD Deficient"
    drugs = {d.drug: d for d in gene.drugs}
    assert drugs["rasburicase"].actionable and "contraindicated" in drugs["rasburicase"].recommendation
    assert drugs["dapsone"].actionable  # CPIC level A; its text is not in the pinned tables: named, not invented
    assert drugs["dapsone"].guideline_url


def test_g6pd_heterozygous_female_is_variable(tmp_path):
    records = ("chrX\t154535277\t.\tT\tC\t50\tPASS\t.\tGT\t0/1\t1\t0/0\n"
               "chrX\t154536002\t.\tC\tT\t50\tPASS\t.\tGT\t0/1\t1\t0/0\n")
    gene = panel_of(tmp_path, records, kid_sex="2").gene("G6PD")
    assert gene.phased_by_trio and gene.phenotype == "G6PD Variable"


def test_cyp2c19_star2_homozygous_is_a_poor_metabolizer(tmp_path):
    records = ("chr10\t94775367\t.\tA\tG\t50\tPASS\t.\tGT\t1/1\t0/1\t0/1\n"
               "chr10\t94781859\t.\tG\tA\t50\tPASS\t.\tGT\t1/1\t0/1\t0/1\n"
               "chr10\t94842866\t.\tA\tG\t50\tPASS\t.\tGT\t1/1\t1/1\t1/1\n")
    gene = panel_of(tmp_path, records).gene("CYP2C19")
    assert (gene.diplotype, gene.phenotype, gene.status) == ("*2/*2", "Poor Metabolizer", CallStatus.CALLED)
    voriconazole = next(d for d in gene.drugs if d.drug == "voriconazole")
    assert voriconazole.actionable and voriconazole.recommendation.startswith("Choose an alternative agent")


def test_trio_phases_what_a_singleton_leaves_ambiguous(tmp_path):
    records = ("chr10\t94775367\t.\tA\tG\t50\tPASS\t.\tGT\t0/1\t0/1\t0/0\n"
               "chr10\t94781859\t.\tG\tA\t50\tPASS\t.\tGT\t0/1\t0/1\t0/0\n")
    trio = panel_of(tmp_path, records).gene("CYP2C19")
    assert (trio.status, trio.diplotype, trio.phased_by_trio) == (CallStatus.CALLED, "*2/*38", True)
    assert trio.phenotype == "Intermediate Metabolizer"
    alone = panel_of(tmp_path, records, parents=False).gene("CYP2C19")
    assert alone.status is CallStatus.AMBIGUOUS and alone.diplotype == "*2/*38" and alone.alternatives
    assert alone.phenotype == "Intermediate Metabolizer"  # every phase gives one no-function allele
    assert "cannot phase" in alone.reason


def test_cyp2d6_and_hla_are_not_assessed_never_normal(tmp_path):
    panel = panel_of(tmp_path, CYP2C9_BACKGROUND)
    for gene in ("CYP2D6", "HLA-A", "HLA-B"):
        result = panel.gene(gene)
        assert result.status is CallStatus.NOT_ASSESSED and result.phenotype == "" and not result.actionable
    assert "structural" in panel.gene("CYP2D6").reason


def test_missing_call_at_a_defining_position_is_not_assessed(tmp_path):
    gene = panel_of(tmp_path, CYP2C9_BACKGROUND + "chr10\t94981296\t.\tA\tC\t50\tPASS\t.\tGT\t./.\t0/0\t0/1\n"
                    ).gene("CYP2C9")
    assert gene.status is CallStatus.NOT_ASSESSED and gene.phenotype == ""
    assert "chr10:94981296" in gene.reason and "no call" in gene.reason


def test_absent_positions_are_reference_only_where_the_gene_was_called(tmp_path):
    panel = panel_of(tmp_path, CYP2C9_BACKGROUND)
    cyp2c9 = panel.gene("CYP2C9")
    assert (cyp2c9.diplotype, cyp2c9.phenotype) == ("*1/*1", "Normal Metabolizer")
    assert cyp2c9.positions_read_as_reference == cyp2c9.positions_total
    assert panel.gene("TPMT").status is CallStatus.NOT_ASSESSED  # no record anywhere in TPMT
    strict = panel_of(tmp_path, CYP2C9_BACKGROUND, absent_sites="no call").gene("CYP2C9")
    assert strict.status is CallStatus.NOT_ASSESSED and "no record" in strict.reason


def test_cyp2c9_activity_score_gives_phenytoin_dose(tmp_path):
    gene = panel_of(tmp_path, CYP2C9_BACKGROUND + "chr10\t94981296\t.\tA\tC\t50\tPASS\t.\tGT\t1/1\t0/1\t0/1\n"
                    ).gene("CYP2C9")
    assert (gene.diplotype, gene.activity_score, gene.phenotype) == ("*3/*3", 0.0, "Poor Metabolizer")
    phenytoin = next(d for d in gene.drugs if d.drug == "phenytoin")
    assert "50% less" in phenytoin.recommendation and phenytoin.actionable


def test_a_filtered_record_at_a_defining_position_is_not_evidence(tmp_path):
    gene = panel_of(tmp_path, CYP2C9_BACKGROUND + "chr10\t94981296\t.\tA\tC\t50\tLowQual\t.\tGT\t0/1\t0/1\t0/0\n"
                    ).gene("CYP2C9")
    assert gene.status is CallStatus.NOT_ASSESSED and "FILTER LowQual" in gene.reason


def test_grch37_vcf_is_refused(tmp_path):
    from workbench.io import InputError
    vcf, ped = family(tmp_path, "")
    vcf.write_text(HEADER.replace("248956422", "249250621"))
    with pytest.raises(InputError, match="GRCh37"):
        run_panel(vcf, read_pedigree(ped), "KID")


def test_every_callable_gene_has_defining_positions_in_the_pinned_tables():
    tables = load_pgx_tables()
    from workbench.pgx import CALLABLE_GENES
    assert all(tables.genes[g].defining_variants for g in CALLABLE_GENES)
    assert len(tables.secondary_findings) == 81


def test_report_exports_carry_pgx_and_consented_secondary_findings(tmp_path):
    import json
    import subprocess
    from types import MappingProxyType

    from workbench.model import Call, GeneConsequence, Genotype, Impact, Sample, Sex, Trio, Variant
    from workbench.report.content import Method, ReportContent
    from workbench.report.fhir import fhir_json
    from workbench.report.pdf import render_pdf
    from workbench.report.phenopacket import phenopacket_json
    from workbench.secondary import find_secondary

    panel = panel_of(tmp_path, "chrM\t1555\t.\tA\tG\t50\tPASS\t.\tGT\t1\t0\t1\n")
    kid = Sample("KID", "F", Sex.MALE)
    brca2 = Variant("chr13", 32340300, "GT", "G", MappingProxyType({"KID": Call(Genotype.HET)}),
                    consequences=(GeneConsequence("BRCA2", "frameshift_variant", Impact.HIGH, hgvs_c="c.5946del"),))
    myh7 = Variant("chr14", 23415000, "C", "T", MappingProxyType({"KID": Call(Genotype.HET)}),
                   consequences=(GeneConsequence("MYH7", "missense_variant", Impact.MODERATE),))
    sf = find_secondary([brca2, myh7], Trio(kid), load_pgx_tables().secondary_findings, "ACMG SF v3.2", False)
    assert [f.gene for f in sf.findings] == ["BRCA2"] and sf.not_assessed[0].startswith("MYH7")
    content = ReportContent("C1", "F", kid, Method("test"), pharmacogenomics=panel, secondary_findings_result=sf)
    assert ReportContent.from_json(content.to_json()) == content
    (tmp_path / "r.pdf").write_bytes(render_pdf(content))
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Pharmacogenomic results" in text and "Gentamicin, tobramycin" in text and "not assessed" in text
    assert "BRCA2" in text and "loss of function" in text
    bundle = json.loads(fhir_json(content))
    profiles = [e["resource"]["meta"]["profile"][0].rsplit("/", 1)[1] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "Observation"]
    assert "genotype" in profiles and "therapeutic-implication" in profiles
    packet = json.loads(phenopacket_json(content))
    assert [i["id"] for i in packet["interpretations"]][1:] == ["C1-v1-pharmacogenomics", "C1-v1-secondary-findings"]


def test_pgx_page_shows_the_panel_and_hides_secondary_findings_without_consent(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from workbench.paths import REPO_ROOT
    from workbench.store.casestore import open_store
    monkeypatch.setenv("WORKBENCH_UPLOAD_DIR", str(tmp_path / "uploads"))
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=120)
    at.session_state["store"] = store
    at.session_state["user"] = None
    at.run()
    at.switch_page("workbench/ui/pages/pgx.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Pharmacogenomics"
    table = at.dataframe[0].value
    assert "CYP2D6" in set(table["gene"]) and table.set_index("gene").loc["CYP2D6", "status"].startswith("not assessed")
    assert any("opt-in" in i.value for i in at.info)  # nothing analysed before consent
    store.close()


def test_an_indexed_bgzf_vcf_gives_the_same_panel_as_a_full_scan(tmp_path):
    import dataclasses

    import pysam
    records = ("chr10\t94775367\t.\tA\tG\t50\tPASS\t.\tGT\t0/1\t0/1\t0/0\n"
               "chr10\t94781859\t.\tG\tA\t50\tPASS\t.\tGT\t0/1\t0/1\t0/0\n" + CYP2C9_BACKGROUND)  # sorted
    vcf, ped = family(tmp_path, records)
    scanned = run_panel(vcf, read_pedigree(ped), "KID")
    indexed_path = pysam.tabix_index(str(vcf), preset="vcf", keep_original=True)
    assert Path(indexed_path + ".tbi").is_file()
    indexed = run_panel(indexed_path, read_pedigree(ped), "KID")
    assert [dataclasses.replace(g, evidence=()) for g in indexed.genes] == \
        [dataclasses.replace(g, evidence=()) for g in scanned.genes]
    assert indexed.gene("CYP2C19").diplotype == "*2/*38"


def test_a_call_fitting_neither_parent_is_left_unphased_with_a_warning(tmp_path):
    gene = panel_of(tmp_path, "chr10\t94775367\t.\tA\tG\t50\tPASS\t.\tGT\t0/1\t0/0\t0/0\n"
                              "chr10\t94781859\t.\tG\tA\t50\tPASS\t.\tGT\t0/1\t0/1\t0/0\n").gene("CYP2C19")
    assert any("fits neither parent" in w for w in gene.warnings)
    assert gene.phenotype == "Intermediate Metabolizer"


def test_cyp2c19_star17_on_the_usual_star1_background_is_rapid(tmp_path):
    # GRCh38 carries the rare *38 haplotype, so almost everyone is 1/1 at *1's 94842866A>G; *17 is 94761900C>T
    gene = panel_of(tmp_path, "chr10\t94761900\t.\tC\tT\t50\tPASS\t.\tGT\t0/1\t0/1\t0/0\n"
                              "chr10\t94842866\t.\tA\tG\t50\tPASS\t.\tGT\t1/1\t1/1\t1/1\n").gene("CYP2C19")
    assert (gene.diplotype, gene.phenotype) == ("*1/*17", "Rapid Metabolizer")


def test_an_indel_written_at_another_position_is_not_read_as_reference(tmp_path):
    # UGT1A1*28 is defined as 2-233760233-C-CAT; a caller may left-align the TA insertion elsewhere in the repeat
    header_chr2 = "##contig=<ID=chr2,length=242193529>\n"
    vcf, ped = family(tmp_path, "chr2\t233760228\t.\tA\tAAT\t50\tPASS\t.\tGT\t0/1\t0/1\t0/0\n")
    vcf.write_text(vcf.read_text().replace("##contig=<ID=chr1,", header_chr2 + "##contig=<ID=chr1,"))
    gene = run_panel(vcf, read_pedigree(ped), "KID").gene("UGT1A1")
    assert gene.status is CallStatus.NOT_ASSESSED and "bcftools norm" in gene.reason


@pytest.mark.usefixtures("fast_password_hashing")
def test_pgx_page_shows_secondary_findings_only_after_consent_and_adds_them_to_the_draft(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from workbench.paths import REPO_ROOT
    from workbench.store.casestore import Role, open_store
    from workbench.store.consent import record_consent
    from workbench.ui.state import DEMO_CASE, case_from_folder
    monkeypatch.setenv("WORKBENCH_UPLOAD_DIR", str(tmp_path / "uploads"))
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    director = store.add_user("director", "director-password", Role.DIRECTOR, "Dr Director", None)
    demo = case_from_folder(DEMO_CASE)
    case = store.create_case(read_pedigree(demo.ped).trio(demo.proband_id), list(demo.vcfs), "k", director,
                             case_id=demo.case_id, pedigree_path=demo.ped)
    store.save_draft(case.case_id, director, case.row_version, interpretation="Pending.")
    at = AppTest.from_file(str(REPO_ROOT / "app.py"), default_timeout=180)
    at.session_state["store"] = store
    at.session_state["user"] = director
    at.run()
    at.switch_page("workbench/ui/pages/pgx.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("No consent recorded" in i.value for i in at.info)
    assert not any(b.key == "pgx_attach" for b in at.button)
    next(b for b in at.button if b.key == "pgx_attach_panel").click().run()
    assert store.report(case.case_id).content.pharmacogenomics is not None
    assert store.report(case.case_id).content.secondary_findings_result is None
    record_consent(store, case.case_id, True, director, "parents signed the opt-in form")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Secondary findings" in h.value for h in at.header)
    next(b for b in at.button if b.key == "pgx_attach").click().run()
    assert not at.exception, [e.value for e in at.exception]
    content = store.report(case.case_id).content
    assert content.pharmacogenomics is not None and content.secondary_findings_result is not None
    store.close()


def test_pgx_command_prints_the_panel_and_names_a_bad_file(tmp_path, capsys):
    import json

    from workbench.cli import main
    vcf, ped = family(tmp_path, "chrM\t1555\t.\tA\tG\t50\tPASS\t.\tGT\t1\t0\t1\n")
    assert main(["pgx", str(vcf), "--ped", str(ped)]) == 0
    out = capsys.readouterr().out
    assert "MT-RNR1 m.1555A>G/m.1555A>G: Increased Risk" in out and "gentamicin: Avoid" in out
    assert main(["pgx", str(vcf), "--ped", str(ped), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["genes"][0]["gene"] == "MT-RNR1"
    assert main(["pgx", str(tmp_path / "missing.vcf"), "--ped", str(ped)]) == 1
    assert "missing.vcf: no such file" in capsys.readouterr().err
