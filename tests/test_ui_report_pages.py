"""The log-in, report draft, sign-out and history pages through Streamlit's AppTest, on a SQLite store."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pytest
from streamlit.testing.v1 import AppTest

from workbench.model import Call, Disease, GeneConsequence, Genotype, Impact, InheritanceMode, Variant
from workbench.report.acmg import AcmgAssessment, Classification
from workbench.report.content import ReportedVariant
from workbench.store import CaseStatus, Role, open_store

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
PAGES = Path(__file__).resolve().parent.parent / "workbench" / "ui" / "pages"
VARIANT = Variant("chr2", 165310406, "G", "A", MappingProxyType({"NB-1": Call(Genotype.HET),
                                                                 "DAD-1": Call(Genotype.HOM_REF),
                                                                 "MUM-1": Call(Genotype.HOM_REF)}),
                  consequences=(GeneConsequence("SCN2A", "missense_variant", Impact.MODERATE, hgnc_id="HGNC:10588",
                                                transcript="NM_021007.3", hgvs_c="c.2558G>A", hgvs_p="p.Arg853Gln",
                                                mane_select=True),),
                  population_af=None, scores=(("REVEL", 0.93),))


@dataclass(frozen=True)
class RankedGeneLike:
    """What the report page reads of a ranked gene (workbench.ranking's RankedGene has these)."""

    gene_symbol: str
    mode: InheritanceMode | None
    variants: tuple[Variant, ...]
    disease: Disease | None


CANDIDATES = (RankedGeneLike("SCN2A", InheritanceMode.DE_NOVO, (VARIANT,),
                             Disease("OMIM:613721", "Developmental and epileptic encephalopathy 11")),)


@pytest.fixture
def store(role_store):
    return role_store


def page(name: str, store, user: str | None = None, **state) -> AppTest:
    at = AppTest.from_file(str(PAGES / f"{name}.py"), default_timeout=60)
    at.session_state["store"] = store
    at.session_state["user"] = store.authenticate(user, f"{user}-password") if user else None
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_login_page_logs_in_and_out(store):
    at = page("login", store)
    at.text_input(key="login_username").input("director")
    at.text_input(key="login_password").input("wrong-password")
    at.form_submit_button[0].click().run()
    assert "Log-in failed" in at.error[0].value and at.session_state["user"] is None
    at.text_input(key="login_password").input("director-password")
    at.form_submit_button[0].click().run()
    assert at.session_state["user"].role is Role.DIRECTOR
    assert "Logged in as **Dr Director**" in at.success[0].value
    at.button(key="logout").click().run()
    assert at.session_state["user"] is None


def test_login_page_without_users_explains_how_to_create_one(tmp_path):
    at = page("login", open_store(f"sqlite:///{tmp_path / 'empty.sqlite3'}"))
    assert "workbench add-user" in at.info[0].value


def test_admin_adds_a_user(store):
    at = page("login", store, "admin")
    at.text_input(key="new_username").input("nina")
    at.text_input(key="new_name").input("Dr Nina Neonatologist")
    at.selectbox(key="new_role").select("clinician")
    at.text_input(key="new_password").input("nina-password")
    next(b for b in at.form_submit_button if b.label == "Add user").click().run()
    assert not at.exception
    assert store.authenticate("nina", "nina-password").role is Role.CLINICIAN


def test_report_page_needs_a_login(store):
    at = page("report", store, case_id="FAM-1-1")
    assert "Log in" in at.warning[0].value


def test_acmg_assistant_prefills_criteria_and_the_draft_is_saved(store):
    at = page("report", store, "analyst", case_id="FAM-1-1", report_candidates=CANDIDATES)
    assert at.checkbox(key=next(k for k in keys(at) if k.endswith("_PM6"))).value  # de novo, parentage unconfirmed
    at.checkbox(key="fact_parentage").check().run()
    ticked = sorted(k.rsplit("_", 1)[1] for k in keys(at) if at.checkbox(key=k).value)
    assert ticked == ["PM2", "PP3", "PS2"]
    assert any("Likely pathogenic" in m.value for m in at.markdown)
    at.button(key="add_variant").click().run()
    (saved,) = store.reported_variants("FAM-1-1")
    assert saved.classification is Classification.LIKELY_PATHOGENIC and saved.condition_id == "OMIM:613721"

    at.text_area(key="interpretation_FAM-1-1").input("De novo SCN2A variant explains the seizures.")
    at.text_input(key="indication_FAM-1-1").input("Refractory neonatal seizures")
    at.button(key="save_draft").click().run()
    assert not at.exception and at.success[0].value == "Draft saved."
    draft = store.report("FAM-1-1")
    assert (draft.version, draft.signed, draft.content.interpretation) == \
        (1, False, "De novo SCN2A variant explains the seizures.")
    assert draft.content.indication == store.case("FAM-1-1").indication == "Refractory neonatal seizures"
    assert store.case("FAM-1-1").status is CaseStatus.REPORT_DRAFTED
    assert at.download_button(key="draft_pdf").label == "Draft PDF (version 1)"


def keys(at: AppTest) -> list[str]:
    return [c.key for c in at.checkbox if c.key.startswith("acmg_")]


def test_report_page_refuses_a_stale_save_and_names_who_changed_the_case(store):
    at = page("report", store, "analyst", case_id="FAM-1-1")
    clinician = store.authenticate("clinician", "clinician-password")
    store.add_phenotype_term("FAM-1-1", "HP:0001250", "Seizure", clinician, store.case("FAM-1-1").row_version)
    at.text_area(key="interpretation_FAM-1-1").input("Written while someone else edited.")
    at.button(key="save_draft").click().run()
    assert "case FAM-1-1 was changed by clinician at" in at.error[0].value and "Reload" in at.error[0].value
    assert store.report("FAM-1-1") is None
    at.run()  # any later look at the page says so before a save is tried
    assert "was changed by clinician" in at.warning[0].value
    at.button(key="reload_case").click().run()
    at.button(key="save_draft").click().run()
    assert store.report("FAM-1-1").content.interpretation == "Written while someone else edited."
    assert [p.id for p in store.report("FAM-1-1").content.phenotype] == ["HP:0001250"]


def draft(store) -> None:
    analyst = store.authenticate("analyst", "analyst-password")
    variant = ReportedVariant.from_variant(VARIANT, "NB-1", "SCN2A", InheritanceMode.DE_NOVO,
                                           AcmgAssessment.of("PS2", "PM2", "PP3"))
    version = store.save_reported_variant("FAM-1-1", variant, analyst, store.case("FAM-1-1").row_version)
    store.save_draft("FAM-1-1", analyst, version, interpretation="De novo SCN2A.")


def test_only_a_director_signs_and_needs_the_password(store):
    draft(store)
    at = page("signout", store, "analyst", case_id="FAM-1-1")
    assert "Only a laboratory director can sign" in at.error[0].value
    assert not [b for b in at.button if b.key == "sign_out"]

    at = page("signout", store, "director", case_id="FAM-1-1")
    assert not [w for w in at.warning if "was changed by" in w.value]  # not stale (the draft banners are expected)
    log_ins = [e for e in store.audit() if "log-in" in e.action]
    at.checkbox(key="signout_reviewed").check().run()
    at.text_input(key="signout_password").input("not-my-password")
    at.button(key="sign_out").click().run()
    assert "Password not accepted" in at.error[0].value and not store.report("FAM-1-1").signed
    at.text_input(key="signout_password").input("director-password")
    at.button(key="sign_out").click().run()
    signed = store.report("FAM-1-1")
    assert signed.signed and signed.content.signature.name == "Dr Director"
    assert any("Report version 1 signed." in s.value for s in at.success)
    # the audit log says what happened: a failed signature, then the signing; signing is not a log-in
    assert [e for e in store.audit() if "log-in" in e.action] == log_ins
    assert [(e.action, e.actor) for e in store.audit("FAM-1-1")][-2:] == [
        ("failed signature password", "director"), ("sign out report v1", "director")]


def test_signed_report_is_amended_from_the_report_page_and_history_shows_both(store):
    draft(store)
    director = store.authenticate("director", "director-password")
    store.sign_out("FAM-1-1", director, store.case("FAM-1-1").row_version, password="director-password")

    at = page("report", store, "analyst", case_id="FAM-1-1")  # only a director may reopen a signed report
    assert not [b for b in at.button if b.key == "start_amendment"]
    assert "Only a laboratory director can open an amendment" in at.info[0].value
    assert store.report("FAM-1-1").version == 1

    at = page("report", store, "director", case_id="FAM-1-1")
    assert "can no longer change" in at.success[0].value
    at.text_input(key="amendment_reason").input("parental sample re-tested").run()
    at.button(key="start_amendment").click().run()
    assert store.report("FAM-1-1").version == 2 and not store.report("FAM-1-1").signed
    assert "Amending: draft version 2" in at.info[0].value

    at = page("history", store, "clinician", case_id="FAM-1-1")
    assert [e.label.split(":")[0] for e in at.expander] == ["Version 2", "Version 1"]
    labels = {b.key for b in at.download_button}
    assert {"history_1_pdf", "history_1_fhir", "history_1_phenopacket", "history_2_pdf"} <= labels
    at.button(key="verify_vcf").click().run()
    assert "unchanged since the case was registered" in at.success[0].value
    actions = list(at.dataframe[-1].value["what"])
    assert actions[0] == "create case" and "sign out report v1" in actions and actions[-1] == "start amendment v2"


def test_report_page_registers_the_open_triage_case_with_its_phenotype(store, tmp_path):
    from workbench.model import PhenotypeProfile
    from workbench.ui.state import CaseFiles

    (tmp_path / "trio.ped").write_text("FAM-2\tNB-2\tDAD-2\tMUM-2\t2\t2\nFAM-2\tDAD-2\t0\t0\t1\t1\n"
                                       "FAM-2\tMUM-2\t0\t0\t2\t1\n")
    (tmp_path / "trio.vcf").write_text("##fileformat=VCFv4.2\n")
    triage = CaseFiles("FAM-2-upload", (str(tmp_path / "trio.vcf"),), str(tmp_path / "trio.ped"), "NB-2",
                       PhenotypeProfile(observed=("HP:0001250",), excluded=("HP:0001252",)))
    at = page("report", store, "analyst", case=triage, report_candidates=())  # () = don't rank the triage case
    assert "not yet in the case store" in at.info[0].value
    at.button(key="register_case").click().run()
    assert not at.exception, [e.value for e in at.exception]
    case = store.case("FAM-2-upload")
    assert (case.proband_id, case.family_id, len(case.samples)) == ("NB-2", "FAM-2", 3)
    assert case.knowledge_version.startswith("HPO ")
    assert [(p.term_id, p.label, p.excluded) for p in store.phenotype("FAM-2-upload")] == \
        [("HP:0001250", "Seizure", False), ("HP:0001252", "Hypotonia", True)]
    assert at.session_state["case_id"] == "FAM-2-upload"


def test_sign_out_warns_when_classifications_changed_after_the_draft(store):
    draft(store)
    analyst = store.authenticate("analyst", "analyst-password")
    upgraded = ReportedVariant.from_variant(VARIANT, "NB-1", "SCN2A", InheritanceMode.DE_NOVO,
                                            AcmgAssessment.of("PS2", "PM2", "PP3", "PS3"))
    store.save_reported_variant("FAM-1-1", upgraded, analyst, store.case("FAM-1-1").row_version)
    at = page("signout", store, "director", case_id="FAM-1-1")
    assert any("changed after this draft was saved" in w.value for w in at.warning)


def test_history_offers_every_download_and_builds_each_version_pdf_once(store, monkeypatch):
    import json

    from streamlit.runtime.media_file_manager import MediaFileManager

    import workbench.report.pdf
    from workbench.ui.state import exported_report

    draft(store)
    director = store.authenticate("director", "director-password")
    for reason in ("parental sample re-tested", "phenotype revised"):
        store.sign_out("FAM-1-1", director, store.case("FAM-1-1").row_version, password="director-password")
        store.start_amendment("FAM-1-1", reason, director, store.case("FAM-1-1").row_version)
    exported_report.clear()  # another test may have exported the same content
    built = []
    real_pdf = workbench.report.pdf.render_pdf
    monkeypatch.setattr(workbench.report.pdf, "render_pdf", lambda content: built.append(content) or real_pdf(content))
    deferred = {}
    real_add = MediaFileManager.add_deferred
    monkeypatch.setattr(MediaFileManager, "add_deferred", lambda self, data, mime, coordinates, **kw:
                        deferred.setdefault(kw["file_name"], data) and real_add(self, data, mime, coordinates, **kw))

    from workbench.report import ReportContent

    serialised = []
    real_to_json = ReportContent.to_json
    monkeypatch.setattr(ReportContent, "to_json", lambda self: serialised.append(self) or real_to_json(self))

    at = page("history", store, "clinician", case_id="FAM-1-1")
    assert {b.key for b in at.download_button} == {f"history_{v}_{fmt}" for v in (1, 2, 3)
                                                   for fmt in ("pdf", "fhir", "phenopacket")}
    assert built == []  # a run builds nothing: a file is made when its button is clicked
    assert len(serialised) == 3  # each version's content is keyed once, not once per format
    files = {name: make() for name, make in deferred.items()}
    assert len(files) == 9 and files["FAM-1-1-v3-DRAFT.pdf"].startswith(b"%PDF")
    bundle = json.loads(files["FAM-1-1-v1.fhir.json"])
    report = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "DiagnosticReport")
    assert report["presentedForm"][0]["contentType"] == "application/pdf"
    assert len(built) == 3  # one PDF per version, shared by its PDF and FHIR downloads
    at.run()
    assert {name: make() for name, make in deferred.items()} == files and len(built) == 3
