"""CNV/SV calls in the app (issue 22): the New case page takes the SV VCF, QC shows counts and sizes per person."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from test_ui_app import goto, start, store  # noqa: F401  (the app tests' session fixtures, shared)
from workbench.io import read_pedigree
from workbench.store import Role

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures" / "sv"


@pytest.fixture
def app(start, monkeypatch):
    """The app tests' fresh session, with the SV fixtures as a server data folder."""
    monkeypatch.setenv("WORKBENCH_DATA_DIRS", str(FIXTURES))
    return start


def click(at: AppTest, key: str) -> AppTest:
    next(b for b in at.button if b.key == key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_counts_and_sizes_per_person():
    from workbench.knowledge import load_knowledge
    from workbench.ranking.case import find_candidates
    from workbench.ui.structural_view import counts_frame, proband_sizes_frame

    found = find_candidates(FIXTURES / "small.vcf", FIXTURES / "trio.ped", None, load_knowledge(),
                            sv_vcf=[FIXTURES / "trio.sv.vcf"])
    counts = counts_frame(found.structural, found.trio).set_index("person")
    assert counts.loc["proband kid", "DEL"] == 6 and counts.loc["proband kid", "DUP"] == 1
    assert counts.loc["mother mum", "total"] == 3 and counts.loc["father dad", "total"] == 1  # HBB; his X is reference
    sizes = proband_sizes_frame(found.structural)
    nipbl = sizes[sizes["genes"].str.contains("NIPBL")].iloc[0]
    assert nipbl["type"] == "DEL" and nipbl["size"] == "500 kb" and nipbl["region"] == "chr5:36,800,001-37,300,000"
    assert list(sizes["size (bp)"]) == sorted(sizes["size (bp)"], reverse=True)
    assert sizes.set_index("region").loc["chr5:140,000,001-140,050,000", "filter"] == "LowQual"


def test_a_person_without_calls_is_not_given_rather_than_zero():
    from workbench.ranking.sv_case import StructuralSummary
    from workbench.ui.structural_view import counts_frame

    trio = read_pedigree(FIXTURES / "trio.ped").trio(None)
    counts = counts_frame(StructuralSummary(counts={"kid": {"DEL": 2}}), trio).set_index("person")
    assert counts.loc["proband kid", "DEL"] == 2 and counts.loc["father dad", "DEL"] == "not given"


def test_qc_says_when_no_cnv_calls_were_given(app):
    at = goto(app(), "qc")
    assert any("No CNV/SV calls given" in i.value for i in at.info)


def test_uploaded_sv_vcf_is_analysed_and_shown_on_qc(app, tmp_path):
    at = goto(app(), "new_case")
    at.file_uploader(key="upload_vcfs").set_value(("small.vcf", (FIXTURES / "small.vcf").read_bytes(), "text/plain"))
    at.file_uploader(key="upload_ped").set_value(("trio.ped", (FIXTURES / "trio.ped").read_bytes(), "text/plain"))
    at.file_uploader(key="upload_sv_vcfs").set_value(
        ("trio.sv.vcf", (FIXTURES / "trio.sv.vcf").read_bytes(), "text/plain"))
    click(at, "analyse_upload")
    assert not at.error, [e.value for e in at.error]
    case = at.session_state["case"]
    assert len(case.sv_vcfs) == 1 and Path(case.sv_vcfs[0]).is_relative_to(tmp_path)
    goto(at, "qc")
    counts = next(d.value for d in at.dataframe if "person" in d.value.columns and "DEL" in d.value.columns)
    assert counts.set_index("person").loc["proband kid", "DEL"] == 6
    assert not any("No CNV/SV calls given" in i.value for i in at.info)


def test_sv_upload_named_like_the_vcf_is_refused(app):
    at = goto(app(), "new_case")
    at.file_uploader(key="upload_vcfs").set_value(("small.vcf", (FIXTURES / "small.vcf").read_bytes(), "text/plain"))
    at.file_uploader(key="upload_ped").set_value(("trio.ped", (FIXTURES / "trio.ped").read_bytes(), "text/plain"))
    at.file_uploader(key="upload_sv_vcfs").set_value(("small.vcf", b"##fileformat=VCFv4.2\n", "text/plain"))
    click(at, "analyse_upload")
    assert "same file name" in at.error[0].value


@pytest.mark.usefixtures("fast_password_hashing")
def test_server_sv_path_keeps_the_data_folder_rule(app, store):
    analyst = store.add_user("ana", "analyst-password", Role.ANALYST, "Ana Analyst", None)
    at = goto(app(user=analyst), "new_case")
    at.text_area(key="server_vcfs").set_value(str(FIXTURES / "small.vcf"))
    at.text_input(key="server_ped").set_value(str(FIXTURES / "trio.ped"))
    at.text_area(key="server_sv_vcfs").set_value("/etc/passwd")
    click(at, "analyse_server_files")
    assert at.error and "/etc/passwd" not in at.session_state.get("case").sv_vcfs
    at.text_area(key="server_sv_vcfs").set_value(str(FIXTURES / "trio.sv.vcf"))
    click(at, "analyse_server_files")
    assert not at.error, [e.value for e in at.error]
    assert at.session_state["case"].sv_vcfs == (str(FIXTURES / "trio.sv.vcf"),)


def test_copy_number_per_person_and_the_gene_models_of_the_region():
    from workbench.knowledge import load_knowledge
    from workbench.knowledge.gene_table import load_gene_table
    from workbench.ranking.case import find_candidates
    from workbench.ranking.sv_case import SV_GENE_TYPES
    from workbench.ui.charts import cnv_region
    from workbench.ui.structural_view import copies_over, region_genes

    found = find_candidates(FIXTURES / "small.vcf", FIXTURES / "trio.ped", None, load_knowledge(),
                            sv_vcf=[FIXTURES / "trio.sv.vcf"])
    trio = found.trio
    by_key = {a.key: a for a in found.structural.alleles}
    nipbl = by_key["chr5:36800001-37300000:DEL"]
    assert [copies_over(nipbl, s) for s in trio.samples] == [1, 2, 2]  # de novo: proband 1, parents 2
    dmd = by_key["chrX:31500001-31600000:DEL"]
    assert [copies_over(dmd, s) for _, s in trio.members] == [0, 1, 1]  # boy 0, father's one X, mother 1 of 2
    genes = region_genes(nipbl, load_gene_table(gene_types=SV_GENE_TYPES), 125_000)
    assert {"NIPBL", "CPLANE1", "NUP155"} <= {g.symbol for g in genes}
    figure = cnv_region(nipbl, trio, genes, 125_000)
    proband = next(t for t in figure.data if t.name.startswith("proband"))
    assert proband.name == "proband kid: CN 1" and min(proband.y) == 1
    assert any(a.text.startswith("NIPBL") for a in figure.layout.annotations)


def test_gene_page_draws_the_cnv_only_for_a_gene_whose_key_variant_is_one(app):
    at = goto(app(), "new_case")
    at.file_uploader(key="upload_vcfs").set_value(("small.vcf", (FIXTURES / "small.vcf").read_bytes(), "text/plain"))
    at.file_uploader(key="upload_ped").set_value(("trio.ped", (FIXTURES / "trio.ped").read_bytes(), "text/plain"))
    at.file_uploader(key="upload_sv_vcfs").set_value(
        ("trio.sv.vcf", (FIXTURES / "trio.sv.vcf").read_bytes(), "text/plain"))
    click(at, "analyse_upload")
    at.session_state["gene"] = "NIPBL"
    goto(at, "gene")
    assert any(s.value == "Copy number over the region" for s in at.subheader)
    at.selectbox(key="gene").set_value("DMD").run()  # a male X deletion: drawn against one normal copy
    assert not at.exception and any(s.value == "Copy number over the region" for s in at.subheader)
    demo = goto(app(), "gene")  # the demo case's top gene has a small key variant: no CNV chart
    assert demo.subheader and not any(s.value == "Copy number over the region" for s in demo.subheader)


def test_a_case_folder_whose_phenopacket_names_a_cnv_vcf_takes_it(tmp_path):
    import json

    from workbench.io.server_files import PathNotAllowed
    from workbench.ui.state import case_from_folder

    def case_folder(name: str, sv_uri) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for fixture in ("small.vcf", "trio.sv.vcf"):
            (folder / fixture).write_bytes((FIXTURES / fixture).read_bytes())
        (folder / "case.ped").write_bytes((FIXTURES / "trio.ped").read_bytes())
        (folder / "phenopacket.json").write_text(json.dumps({
            "id": "p1", "subject": {"id": "kid", "sex": "MALE"},
            "files": [{"uri": (folder / "small.vcf").as_uri(), "fileAttributes": {"fileFormat": "vcf"}},
                      {"uri": sv_uri(folder), "fileAttributes": {
                          "fileFormat": "vcf", "description": "copy-number and structural variant calls"}}]}))
        return folder

    named = case_folder("cdls", lambda folder: (folder / "trio.sv.vcf").as_uri())
    assert case_from_folder(named).sv_vcfs == (str(named / "trio.sv.vcf"),)
    with pytest.raises(PathNotAllowed):  # a file uri may not lead out of the case's folder
        case_from_folder(case_folder("escaping", lambda folder: "file:///etc/passwd"))
