"""Issue 16's screens through AppTest: QC ranges, plain readings, the whole report at Sign-out, case details,
evidence by hand, and every write safe against a double click and a stale screen."""
from __future__ import annotations

import pytest

from test_ui_app import button, demo_top_gene, goto, start  # noqa: F401  (fixtures)
from test_ui_report_pages import CANDIDATES, draft, page
from workbench.model import Sex

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


@pytest.fixture
def store(role_store):
    return role_store


def test_qc_page_holds_each_figure_against_its_range_and_alarms_outside(start):
    at = goto(start(), "qc")
    assert at.radio(key="qc_data_type_demo_nicu_trio").value == "exome"  # inferred, and said so
    assert any("inferred from the VCF" in c.value for c in at.caption)
    table = next(d.value for d in at.dataframe if "expected" in d.value.columns)
    assert {"Ti/Tv", "Call rate", "Heterozygous / homozygous-alt"} <= set(table["figure"])
    titv = table[(table["figure"] == "Ti/Tv") & table["person"].str.startswith("proband")].iloc[0]
    assert titv["expected"] == "2.6–3.3 (exome)"
    if titv["assessment"].endswith("outside range"):
        assert any("Ti/Tv of the proband" in e.value for e in at.error)
    mendelian = table[table["figure"] == "Mendelian errors"]
    if (mendelian["value"] == "0.00%").all():
        assert any("No Mendelian errors" in s.value for s in at.success)


def test_candidates_and_gene_detail_read_numbers_in_words(start, demo_top_gene):
    at = start()
    frame = next(d.value for d in at.dataframe if "reading" in d.value.columns)
    assert not frame["gnomAD"].isin(["None", "nan", ""]).any()
    assert set(frame["reading"]) <= {"likely", "possible", "unlikely", "very unlikely"}
    assert any("None of these genes: <abbr" in c.value for c in at.caption)
    at = goto(at, "gene")
    metrics = {m.label: m for m in at.metric}
    assert metrics["Phenotype"].value in {"strong support", "moderate support", "weak support", "neutral",
                                          "weak evidence against", "moderate evidence against",
                                          "strong evidence against"}
    assert any("<abbr title=" in m.value for m in at.markdown)  # figures behind tooltips in the sentences


def test_registering_a_case_from_the_ui_stores_its_annotation_source(start, store):
    at = goto(start(user=store.authenticate("analyst", "analyst-password")), "cases")
    button(at, "register_open_case").click().run()
    assert store.case("demo_nicu_trio").annotation_source.startswith("VEP")


def test_case_details_are_saved_once_however_often_the_button_is_clicked(store):
    at = page("report", store, "analyst", case_id="FAM-1-1", report_candidates=CANDIDATES)
    at.text_input(key="detail_FAM-1-1_mrn").input("MRN-1")
    at.text_input(key="detail_FAM-1-1_date_of_birth").input("2026-11-20")
    submit = next(b for b in at.button if "details_form_FAM-1-1" in b.form_id)
    submit.click().run()
    next(b for b in at.button if "details_form_FAM-1-1" in b.form_id).click().run()  # a second click
    assert not at.exception and store.case_details("FAM-1-1").mrn == "MRN-1"
    assert len(store.case_details_history("FAM-1-1")) == 1
    at.text_input(key="detail_FAM-1-1_collected_on").input("21/11/2026")
    next(b for b in at.button if "details_form_FAM-1-1" in b.form_id).click().run()
    assert "Collection date '21/11/2026' is not a date" in at.error[0].value


def test_a_stale_screen_is_refused_not_overwritten_for_details_and_evidence(store):
    draft(store)
    at = page("report", store, "analyst", case_id="FAM-1-1")
    clinician = store.authenticate("clinician", "clinician-password")
    store.add_phenotype_term("FAM-1-1", "HP:0001250", "Seizure", clinician, store.case("FAM-1-1").row_version)
    (item,) = store.reported_variants("FAM-1-1")
    at.text_input(key=f"evidence_reason_{item.key}").input("functional study PMID 1")
    next(b for b in at.button if f"evidence_form_{item.key}" in b.form_id).click().run()
    assert not at.exception and "was changed by clinician" in at.error[0].value
    assert store.reported_variants("FAM-1-1") == (item,)


def test_evidence_added_by_hand_needs_a_reason_and_is_saved_with_it(store):
    draft(store)
    at = page("report", store, "analyst", case_id="FAM-1-1")
    (item,) = store.reported_variants("FAM-1-1")
    at.selectbox(key=f"evidence_code_{item.key}").set_value("PS3")
    next(b for b in at.button if f"evidence_form_{item.key}" in b.form_id).click().run()
    assert "PS3 added by hand needs a reason" in at.error[0].value
    at.selectbox(key=f"evidence_code_{item.key}").set_value("PS3")
    at.selectbox(key=f"evidence_strength_{item.key}").set_value("Moderate")
    at.text_input(key=f"evidence_reason_{item.key}").input("patch clamp, PMID 1")
    next(b for b in at.button if f"evidence_form_{item.key}" in b.form_id).click().run()
    (saved,) = store.reported_variants("FAM-1-1")
    added = saved.assessment.criteria[-1]
    assert (added.label, added.reason, added.manual) == ("PS3_Moderate", "patch clamp, PMID 1", True)


def test_sign_out_shows_the_whole_report_and_what_it_lacks(store):
    draft(store)
    at = page("signout", store, "director", case_id="FAM-1-1")
    text = " ".join(m.value for m in at.markdown)
    for section in ("Clinical indication", "HPO terms", "Variants", "Interpretation", "Recommendations",
                    "Limitations", "Secondary findings", "Method and QC", "Patient, family and specimen"):
        assert section in text, section
    assert any("This draft lacks" in w.value and "MRN" in w.value for w in at.warning)
    assert store.case("FAM-1-1").proband.sex is Sex.FEMALE


def test_history_download_reads_fhir(store):
    draft(store)
    at = page("history", store, "analyst", case_id="FAM-1-1")
    assert {b.label for b in at.download_button} >= {"PDF", "FHIR", "Phenopacket"}


def test_new_case_saves_the_details_typed_with_the_upload(start, store):
    from test_ui_app import REPO

    at = goto(start(user=store.authenticate("analyst", "analyst-password")), "new_case")
    demo = REPO / "case_data" / "demo_nicu_trio"
    at.file_uploader(key="upload_vcfs").set_value(
        [("case.vcf.gz", (demo / "case.vcf.gz").read_bytes(), "application/gzip"),
         ("case.vcf.gz.tbi", (demo / "case.vcf.gz.tbi").read_bytes(), "application/octet-stream")])
    at.file_uploader(key="upload_ped").set_value(("case.ped", (demo / "case.ped").read_bytes(), "text/plain"))
    at.text_input(key="new_case_mrn").input("MRN-9")
    at.text_input(key="new_case_specimen_id").input("SP-9")
    at.run()
    button(at, "analyse_upload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    case_id = at.session_state["case"].case_id
    details = store.case_details(case_id)
    assert (details.mrn, details.specimen_id) == ("MRN-9", "SP-9")
    assert store.case(case_id).annotation_source.startswith("VEP")
