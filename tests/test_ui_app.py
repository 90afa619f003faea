"""Every page of the app through Streamlit's AppTest, on the committed demo case."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.model import PhenotypeProfile
from workbench.store import Role, Target, open_store

REPO = Path(__file__).resolve().parent.parent
PAGES = "workbench/ui/pages"
TIMEOUT = 120  # the first run loads the knowledge and reads the demo VCF


@pytest.fixture
def store(tmp_path):
    """Pages never touch the user's real case store: each test gets an empty SQLite one."""
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    yield store
    store.close()


@pytest.fixture
def start(store, tmp_path, monkeypatch):
    """Open the app in a fresh session (optionally logged in) and run it once; uploads go to tmp."""
    monkeypatch.setenv("WORKBENCH_UPLOAD_DIR", str(tmp_path / "uploads"))

    def run(user=None) -> AppTest:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT)
        at.session_state["store"] = store
        at.session_state["user"] = user
        at.run()
        assert not at.exception, at.exception
        return at
    return run


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"{PAGES}/{page}.py").run()
    assert not at.exception, (page, [e.value for e in at.exception])
    return at


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def candidate_table(at: AppTest):
    return next(d for d in at.dataframe if "probability" in d.value.columns and "key variant" in d.value.columns).value


@pytest.fixture(scope="module")
def demo_top_gene() -> str:
    """The demo case's top gene, asked of the library directly (not of the UI)."""
    from workbench.ranking import analyse_case
    from workbench.ui.state import DEMO_CASE, case_from_folder, knowledge, scorer

    case = case_from_folder(DEMO_CASE)  # knowledge and scorer: the app's cached ones, built once
    analysis = analyse_case(case.vcfs[0], case.ped, case.proband_id, knowledge=knowledge(), scorer=scorer())
    return analysis.rank(case.initial_profile).genes[0].gene_symbol


def test_first_start_opens_the_demo_case_and_ranks_it(start, demo_top_gene):
    at = start()
    table = candidate_table(at)
    assert table.iloc[0]["gene"] == demo_top_gene
    assert at.session_state["case"].case_id == "demo_nicu_trio"
    assert any(c.value.startswith("Knowledge: HPO") for c in at.caption)  # the data version is shown
    assert demo_top_gene in {s.value for s in at.selectbox if s.key == "candidate_pick"}


def test_filters_narrow_the_candidate_table(start):
    at = start()
    everything = len(candidate_table(at))
    next(n for n in at.number_input if n.key == "filter_min_gq").set_value(99).run()
    assert len(candidate_table(at)) <= everything
    next(m for m in at.multiselect if m.key == "filter_modes").set_value(["de novo"]).run()
    assert set(candidate_table(at)["mode"]) <= {"de novo"}


def test_every_page_renders_without_exception(start):
    at = start()
    for page in ["phenotype", "gene", "qc", "cases", "new_case", "report", "signout", "history", "login", "candidates"]:
        goto(at, page)  # asserts no exception, naming it
        assert at.title, page


def test_gene_detail_shows_variants_explanation_and_tags(start, demo_top_gene):
    at = goto(start(), "gene")
    assert at.selectbox(key="gene").value == demo_top_gene
    variants = at.dataframe[0].value
    assert {"variant", "proband GT", "proband GQ"} <= set(variants.columns)
    assert any("phenotype" in m.value.lower() for m in at.markdown)
    at.selectbox(key=f"tag_{demo_top_gene}").set_value("candidate").run()
    assert at.session_state["tags"]["demo_nicu_trio"][Target.gene(demo_top_gene)] == "candidate"
    at.text_input(key=f"note_{demo_top_gene}").input("segregates de novo; check parental mosaicism")
    next(b for b in at.button if "note_form_" + demo_top_gene in b.form_id).click().run()
    assert any("parental mosaicism" in c.value for c in at.caption)
    goto(at, "candidates")
    assert candidate_table(at).set_index("gene").loc[demo_top_gene, "tag"] == "candidate"


def test_adding_an_observed_term_re_ranks(start):
    at = start()
    before = candidate_table(at)[["gene", "probability"]].to_records(index=False).tolist()
    goto(at, "phenotype")
    at.text_input(key="hpo_query").set_value("Hypertrophic cardiomyopathy").run()
    chosen = at.selectbox(key="hpo_choice").value
    assert chosen.label == "Hypertrophic cardiomyopathy"
    button(at, "add_observed").click().run()
    assert not at.exception
    case = at.session_state["case"]
    assert chosen.id in at.session_state["profiles"][case.case_id].observed
    goto(at, "candidates")
    after = candidate_table(at)[["gene", "probability"]].to_records(index=False).tolist()
    assert after != before


def test_removing_and_excluding_terms_update_the_profile(start):
    at = goto(start(), "phenotype")
    case = at.session_state["case"]
    first = case.initial_profile.observed[0]
    button(at, f"flip_observed_{first}").click().run()
    profile: PhenotypeProfile = at.session_state["profiles"][case.case_id]
    assert first in profile.excluded and first not in profile.observed
    button(at, f"remove_excluded_{first}").click().run()
    assert first not in at.session_state["profiles"][case.case_id].excluded


def test_clinical_note_suggestions_can_be_confirmed_or_rejected(start):
    at = goto(start(), "phenotype")
    at.text_area(key="clinical_note").set_value("Hypotonia and poor feeding. No fever.").run()
    button(at, "suggest_terms").click().run()
    suggested = {s.term.id: s.excluded for s in at.session_state["note_suggestions"]}
    assert suggested == {"HP:0001252": False, "HP:0011968": False, "HP:0001945": True}
    button(at, "confirm_HP:0001945").click().run()
    button(at, "reject_HP:0011968").click().run()
    profile = at.session_state["profiles"][at.session_state["case"].case_id]
    assert "HP:0001945" in profile.excluded and "HP:0011968" not in profile.observed
    assert [s.term.id for s in at.session_state["note_suggestions"]] == ["HP:0001252"]


def test_invalid_upload_shows_an_error_not_a_trace(start, tmp_path):
    at = goto(start(), "new_case")
    at.file_uploader(key="upload_vcfs").set_value(("trio.vcf", b"this is not a VCF\n", "text/plain"))
    ped = (REPO / "case_data/demo_nicu_trio/case.ped").read_bytes()
    at.file_uploader(key="upload_ped").set_value(("case.ped", ped, "text/plain"))
    at.run()
    button(at, "analyse_upload").click().run()
    assert not at.exception
    assert at.error and "trio.vcf" in at.error[0].value
    assert not any((tmp_path / "uploads").iterdir())  # the refused copy is not kept


def test_upload_without_a_pedigree_is_refused_plainly(start):
    at = goto(start(), "new_case")
    at.file_uploader(key="upload_vcfs").set_value(("trio.vcf", b"##fileformat=VCFv4.2\n", "text/plain")).run()
    button(at, "analyse_upload").click().run()
    assert not at.exception and "PED" in at.error[0].value


@pytest.mark.usefixtures("fast_password_hashing")
def test_a_logged_in_analyst_keeps_phenotype_and_tags_in_the_case_store(start, store, demo_top_gene):
    analyst = store.add_user("ana", "analyst-password", Role.ANALYST, "Ana Analyst", None)
    at = goto(start(user=analyst), "cases")
    button(at, "register_open_case").click().run()
    assert store.case("demo_nicu_trio").proband_id == "FAM1575B1-P1"
    first = at.session_state["case"].initial_profile.observed[0]
    assert first in store.profile("demo_nicu_trio").observed

    goto(at, "phenotype")
    button(at, f"flip_observed_{first}").click().run()
    assert first in store.profile("demo_nicu_trio").excluded
    goto(at, "gene")
    at.selectbox(key=f"tag_{demo_top_gene}").set_value("reported").run()
    assert store.tags("demo_nicu_trio")[Target.gene(demo_top_gene)].tag.value == "reported"

    again = goto(start(user=analyst), "phenotype")  # a new session sees what was saved
    assert any(b.key == f"flip_excluded_{first}" for b in again.button)
    report = goto(again, "report")
    assert demo_top_gene in [label.split(" · ")[0] for label in report.selectbox(key="report_pick").options]


@pytest.mark.usefixtures("fast_password_hashing")
def test_the_report_page_offers_a_gene_tagged_on_its_detail_page(start, store):
    analyst = store.add_user("ana", "analyst-password", Role.ANALYST, "Ana Analyst", None)
    at = goto(start(user=analyst), "cases")
    button(at, "register_open_case").click().run()
    goto(at, "gene")
    symbols = at.selectbox(key="gene").options
    assert len(symbols) > 20
    far = symbols[-1]  # ranked below the top 20, offered only because it is tagged
    at.selectbox(key="gene").set_value(far).run()
    at.selectbox(key=f"tag_{far}").set_value("candidate").run()
    goto(at, "report")  # straight from Gene detail, without passing by Candidates
    assert far in {label.split(" · ")[0] for label in at.selectbox(key="report_pick").options}


@pytest.mark.usefixtures("fast_password_hashing")
def test_a_registered_case_reuses_the_analysis_of_its_files(start, store, demo_top_gene):
    analyst = store.add_user("ana", "analyst-password", Role.ANALYST, "Ana Analyst", None)
    at = goto(start(user=analyst), "cases")  # the first run read the demo VCF
    button(at, "register_open_case").click().run()
    stored = next(d for d in at.dataframe if "by" in d.value.columns).value
    assert stored.loc[stored["case"] == "demo_nicu_trio", "top gene"].iloc[0].startswith(demo_top_gene)


@pytest.mark.usefixtures("fast_password_hashing")
def test_a_page_run_asks_the_store_for_the_open_case_once(start, store, monkeypatch, demo_top_gene):
    from workbench.store.casestore import CaseStore

    analyst = store.add_user("ana", "analyst-password", Role.ANALYST, "Ana Analyst", None)
    at = goto(start(user=analyst), "cases")
    unregistered = at.session_state["case"].case_id
    asked = []
    real_case = CaseStore.case
    monkeypatch.setattr(CaseStore, "case", lambda self, case_id: asked.append(case_id) or real_case(self, case_id))
    goto(at, "candidates")
    assert asked == [unregistered]  # not registered yet: asked once, the answer is "session only"
    goto(at, "cases")
    button(at, "register_open_case").click().run()
    for name in ("candidates", "phenotype", "gene"):
        asked.clear()
        goto(at, name)
        assert asked == ["demo_nicu_trio"], name
    at.selectbox(key=f"tag_{demo_top_gene}").set_value("candidate").run()  # a write still reaches the store
    assert store.tags("demo_nicu_trio")[Target.gene(demo_top_gene)].tag.value == "candidate"


def test_a_valid_upload_is_analysed_and_opened(start, tmp_path):
    at = goto(start(), "new_case")
    demo = REPO / "case_data/demo_nicu_trio"
    at.file_uploader(key="upload_vcfs").set_value([
        ("trio.vcf.gz", (demo / "case.vcf.gz").read_bytes(), "application/gzip"),
        ("trio.vcf.gz.tbi", (demo / "case.vcf.gz.tbi").read_bytes(), "application/octet-stream"),
    ])
    at.file_uploader(key="upload_ped").set_value(("family.ped", (demo / "case.ped").read_bytes(), "text/plain"))
    at.file_uploader(key="upload_phenopacket").set_value(
        ("packet.json", (demo / "phenopacket.json").read_bytes(), "application/json"))
    at.run()
    button(at, "analyse_upload").click().run()
    assert not at.exception and not at.error
    case = at.session_state["case"]
    assert case.case_id.startswith("FAM1575B1-") and case.origin == "upload"
    assert case.initial_profile.observed == ("HP:0007359", "HP:0001263", "HP:0011097", "HP:0002521")
    uploaded = Path(case.vcfs[0])
    assert uploaded.read_bytes() == (demo / "case.vcf.gz").read_bytes()  # stored unmodified
    assert (uploaded.parent / "trio.vcf.gz.tbi").exists() and uploaded.is_relative_to(tmp_path)


@pytest.mark.usefixtures("fast_password_hashing")
def test_files_on_the_server_are_analysed_in_place_and_bad_paths_refused(start, store):
    demo = REPO / "case_data/demo_nicu_trio"  # case_data/ is a data folder by default
    analyst = store.add_user("ana", "analyst-password", Role.ANALYST, "Ana Analyst", None)
    at = goto(start(user=analyst), "new_case")
    at.text_area(key="server_vcfs").set_value(str(demo / "missing.vcf.gz"))
    at.text_input(key="server_ped").set_value(str(demo / "case.ped"))
    button(at, "analyse_server_files").click().run()
    assert not at.exception and "missing.vcf.gz" in at.error[0].value
    at.text_area(key="server_vcfs").set_value(str(demo / "case.vcf.gz"))
    button(at, "analyse_server_files").click().run()
    assert not at.exception and not at.error
    assert at.session_state["case"].vcfs == (str(demo / "case.vcf.gz"),)


def gene_page_after_another_users_change(start, store) -> AppTest:
    """Analyst A registers the demo case, sees its Report and opens Gene detail; clinician B then
    adds a phenotype term, so A's next write carries a stale case version."""
    analyst = store.add_user("ana", "analyst-password", Role.ANALYST, "Ana Analyst", None)
    clinician = store.add_user("cleo", "clinician-password", Role.CLINICIAN, "Cleo Clinician", None)
    at = goto(start(user=analyst), "cases")
    button(at, "register_open_case").click().run()
    goto(at, "report")
    goto(at, "gene")
    store.add_phenotype_term("demo_nicu_trio", "HP:0001250", "Seizure", clinician,
                             store.case("demo_nicu_trio").row_version)
    return at


@pytest.mark.usefixtures("fast_password_hashing")
def test_a_tag_edit_refused_after_another_users_change_leaves_the_session_able_to_edit(start, store, demo_top_gene):
    at = gene_page_after_another_users_change(start, store)
    at.selectbox(key=f"tag_{demo_top_gene}").set_value("candidate").run()
    assert "changed by cleo" in at.error[0].value and "latest version" in at.error[0].value
    assert Target.gene(demo_top_gene) not in store.tags("demo_nicu_trio")
    assert at.selectbox(key=f"tag_{demo_top_gene}").value == ""  # the screen shows what is stored
    at.run()  # a rerun does not retry the refused edit behind the user's back
    assert Target.gene(demo_top_gene) not in store.tags("demo_nicu_trio") and not at.error
    at.selectbox(key=f"tag_{demo_top_gene}").set_value("candidate").run()  # redone: saved
    assert not at.error
    assert store.tags("demo_nicu_trio")[Target.gene(demo_top_gene)].tag.value == "candidate"
    assert "HP:0001250" in store.profile("demo_nicu_trio").observed  # B's change is kept
    goto(at, "report")  # A's report view is still stale until Reload
    assert any("was changed by" in w.value for w in at.warning)
    button(at, "reload_case").click().run()
    assert not any("was changed by" in w.value for w in at.warning)


@pytest.mark.usefixtures("fast_password_hashing")
def test_own_edits_do_not_make_the_report_view_stale(start, store, demo_top_gene):
    analyst = store.add_user("ana", "analyst-password", Role.ANALYST, "Ana Analyst", None)
    at = goto(start(user=analyst), "cases")
    button(at, "register_open_case").click().run()
    goto(at, "report")
    goto(at, "gene")
    at.selectbox(key=f"tag_{demo_top_gene}").set_value("candidate").run()
    goto(at, "report")
    assert not any("was changed by" in w.value for w in at.warning)


@pytest.mark.usefixtures("fast_password_hashing")
def test_a_note_refused_after_another_users_change_is_shown_not_dropped(start, store, demo_top_gene):
    at = gene_page_after_another_users_change(start, store)
    at.text_input(key=f"note_{demo_top_gene}").input("check parental mosaicism")
    next(b for b in at.button if "note_form_" + demo_top_gene in b.form_id).click().run()
    assert "changed by cleo" in at.error[0].value
    assert any("not saved: check parental mosaicism" in c.value for c in at.caption)
    at.text_input(key=f"note_{demo_top_gene}").input("check parental mosaicism")
    next(b for b in at.button if "note_form_" + demo_top_gene in b.form_id).click().run()
    assert [n.text for n in store.notes("demo_nicu_trio", Target.gene(demo_top_gene))] == ["check parental mosaicism"]


@pytest.mark.usefixtures("fast_password_hashing")
def test_dashboard_and_reanalysis_flags_read_stored_events(start, store, demo_top_gene):
    from workbench.store.rankings import Change, SnapshotReason

    analyst = store.add_user("ana", "analyst-password", Role.ANALYST, "Ana Analyst", None)
    director = store.add_user("dora", "director-password", Role.DIRECTOR, "Dr Dora", None)
    at = goto(start(user=analyst), "cases")
    button(at, "register_open_case").click().run()
    goto(at, "candidates")  # the first view of a stored case: QC done, ranked, first analyst view
    actions = [e.action for e in store.audit("demo_nicu_trio")]
    assert {"qc done", "ranking snapshot (ranked)", "first analyst view"} <= set(actions)
    goto(at, "candidates")
    assert [e.action for e in store.audit("demo_nicu_trio")] == actions  # recorded once, not per view

    dash = goto(at, "dashboard")
    stages = next(d for d in dash.dataframe if "stage" in d.value.columns).value.set_index("stage")
    assert stages.loc["first analyst view", "cases"] == 1 and stages.loc["signed", "cases"] == 0
    assert [m.value for m in dash.metric][:2] == ["1", "not assessed"]

    baseline = store.baseline_snapshot("demo_nicu_trio")
    store.record_snapshot(baseline.__class__(
        "demo_nicu_trio", baseline.knowledge_version + " (next)", SnapshotReason.REANALYSIS, baseline.genes[::-1],
        baseline.none_probability, (Change("new top-1", baseline.genes[-1].gene_symbol, "a new gene is first"),),
        baseline_id=baseline.id), None)
    cases = goto(at, "cases")
    table = next(d for d in cases.dataframe if "new evidence" in d.value.columns).value
    assert list(table["new evidence"]) == ["1 change(s)"]
    assert any("a new gene is first" in m.value for m in cases.markdown)
    assert not any(b.key == "reanalysis_run" for b in cases.button)  # a run is a director's
    button(cases, "reanalysis_ack_demo_nicu_trio").click().run()
    assert not cases.exception and store.baseline_snapshot("demo_nicu_trio").reason is SnapshotReason.REVIEWED

    directed = goto(start(user=director), "cases")
    button(directed, "reanalysis_run").click().run()
    assert not directed.exception
    assert any("1 case(s) reanalysed" in s.value for s in directed.success)


def test_candidates_show_none_of_these_genes_beside_the_top_gene(start, demo_top_gene):
    """Issue 17: "none of these genes" is as prominent as the top gene, both said as 'of 100 cases'."""
    at = start()
    labels = [m.label for m in at.metric]
    assert labels[:2] == [f"Top gene: {demo_top_gene}", "None of these genes"]
    sentences = [c.value for c in at.caption if c.value.startswith("Of 100 cases like this")]
    assert len(sentences) == 2 and demo_top_gene in sentences[0] and "none of these genes" in sentences[1]
