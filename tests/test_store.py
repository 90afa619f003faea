"""The case store on SQLite and PostgreSQL: roles, sign-out, amendments, conflicts, crashes, audit."""
from __future__ import annotations

import hashlib
import logging
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from types import MappingProxyType

import pytest
import sqlalchemy
from sqlalchemy import create_engine, text

from workbench.model import Call, GeneConsequence, Genotype, Impact, InheritanceMode, Sample, Sex, Trio, Variant
from workbench.report.acmg import AcmgAssessment, Classification
from workbench.report.content import PhenotypeItem, ReportedVariant
from workbench.store import (AuthenticationError, CaseStatus, ConflictError, ImmutableReportError, PermissionDenied,
                             Role, StoreError, Tag, Target, VcfFile, open_store)
from workbench.store.schema import LATEST_VERSION, migrate

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

TRIO = Trio(proband=Sample("NB-0042", "FAM-7", Sex.FEMALE, father_id="DAD-7", mother_id="MUM-7"),
            father=Sample("DAD-7", "FAM-7", Sex.MALE), mother=Sample("MUM-7", "FAM-7", Sex.FEMALE))
VCF_TEXT = textwrap.dedent("""\
    ##fileformat=VCFv4.2
    ##contig=<ID=chr2,length=242193529>
    ##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
    #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNB-0042\tDAD-7\tMUM-7
    chr2\t165310406\t.\tG\tA\t50\tPASS\t.\tGT\t0/1\t0/0\t0/0
    """)
SCN2A = ReportedVariant.from_variant(
    Variant("chr2", 165310406, "G", "A", MappingProxyType({"NB-0042": Call(Genotype.HET)}),
            consequences=(GeneConsequence("SCN2A", "missense_variant", Impact.MODERATE, hgnc_id="HGNC:10588",
                                          transcript="NM_021007.3", hgvs_c="c.2558G>A", hgvs_p="p.Arg853Gln",
                                          mane_select=True),)),
    "NB-0042", "SCN2A", InheritanceMode.DE_NOVO, AcmgAssessment.of("PS2", "PM2", "PP3"))


@pytest.fixture
def vcf(tmp_path: Path) -> Path:
    path = tmp_path / "family.vcf"
    path.write_text(VCF_TEXT)
    return path


@pytest.fixture
def people(store):
    return {role: store.add_user(role.value, f"{role.value}-password", role, f"Dr {role.value.title()}", None)
            for role in Role}


@pytest.fixture
def case(store, people, vcf):
    return store.create_case(TRIO, vcf, "HPO 2025-01-16", people[Role.ANALYST], indication="neonatal seizures",
                             annotation_source="VEP CSQ")


def test_case_records_family_vcf_checksum_and_knowledge(store, case, vcf):
    assert case.case_id == "FAM-7-1"
    assert case.proband == TRIO.proband and case.samples == TRIO.samples
    assert case.vcfs == (VcfFile(str(vcf.resolve()), hashlib.sha256(VCF_TEXT.encode()).hexdigest()),)
    assert (case.status, case.row_version, case.knowledge_version) == (CaseStatus.NEW, 1, "HPO 2025-01-16")
    assert store.case(case.case_id) == case and store.cases() == (case,)


def test_case_with_one_vcf_per_sample_and_initial_phenotype(store, people, tmp_path):
    paths = []
    for sample in TRIO.samples:
        paths.append(tmp_path / f"{sample.id}.vcf")
        paths[-1].write_text(VCF_TEXT.replace("NB-0042", sample.id))
    case = store.create_case(TRIO, paths, "HPO", people[Role.ANALYST],
                             phenotype=[PhenotypeItem("HP:0001250", "Seizure"), PhenotypeItem("HP:0001252", "Hypotonia", True)])
    assert [Path(v.path).name for v in case.vcfs] == ["NB-0042.vcf", "DAD-7.vcf", "MUM-7.vcf"]
    assert store.profile(case.case_id).excluded == ("HP:0001252",)
    assert store.audit(case.case_id)[0].after["phenotype"][0]["id"] == "HP:0001250"
    with pytest.raises(StoreError, match="VCF not found: .*missing.vcf"):
        store.create_case(TRIO, [paths[0], tmp_path / "missing.vcf"], "HPO", people[Role.ANALYST])


def test_phenotype_terms_keep_who_and_when(store, people, case):
    clinician = people[Role.CLINICIAN]
    version = store.add_phenotype_term(case.case_id, "HP:0001250", "Seizure", clinician, case.row_version)
    version = store.add_phenotype_term(case.case_id, "HP:0001252", "Hypotonia", clinician, version, excluded=True)
    version = store.add_phenotype_term(case.case_id, "HP:0001263", "Global developmental delay", clinician, version)
    store.remove_phenotype_term(case.case_id, "HP:0001263", people[Role.ANALYST], version)
    entries = store.phenotype(case.case_id)
    assert [(e.term_id, e.excluded, e.added_by) for e in entries] == [("HP:0001250", False, "clinician"),
                                                                      ("HP:0001252", True, "clinician")]
    assert entries[0].added_at.tzinfo is not None
    profile = store.profile(case.case_id)
    assert (profile.observed, profile.excluded) == (("HP:0001250",), ("HP:0001252",))
    assert store.case(case.case_id).status is CaseStatus.IN_REVIEW
    removal = [a for a in store.audit(case.case_id) if a.action == "remove phenotype term"][0]
    assert removal.actor == "analyst" and removal.before["term_id"] == "HP:0001263" and removal.after is None


def test_tags_and_notes_on_genes_and_variants(store, people, case):
    analyst = people[Role.ANALYST]
    version = store.set_tag(case.case_id, Target.gene("SCN2A"), Tag.CANDIDATE, analyst, case.row_version)
    version = store.set_tag(case.case_id, Target.variant(SCN2A.key), Tag.REPORTED, analyst, version)
    version = store.set_tag(case.case_id, Target.gene("SCN2A"), Tag.EXCLUDED, analyst, version)
    version = store.add_note(case.case_id, Target.gene("SCN2A"), "phenotype fits early-onset DEE", analyst, version)
    tags = store.tags(case.case_id)
    assert tags[Target.gene("SCN2A")].tag is Tag.EXCLUDED and tags[Target.variant(SCN2A.key)].tag is Tag.REPORTED
    store.set_tag(case.case_id, Target.gene("SCN2A"), None, analyst, version)
    assert Target.gene("SCN2A") not in store.tags(case.case_id)
    (note,) = store.notes(case.case_id, Target.gene("SCN2A"))
    assert (note.text, note.author) == ("phenotype fits early-onset DEE", "analyst")


def test_role_rules(store, people, case):
    analyst, clinician, director, admin = (people[r] for r in (Role.ANALYST, Role.CLINICIAN, Role.DIRECTOR, Role.ADMIN))
    with pytest.raises(PermissionDenied, match="clinician.*may not tag, annotate, classify"):
        store.save_reported_variant(case.case_id, SCN2A, clinician, case.row_version)
    with pytest.raises(PermissionDenied, match="admin.*may not create a case"):
        store.create_case(TRIO, [v.path for v in case.vcfs], "x", admin)
    with pytest.raises(PermissionDenied, match="analyst.*may not manage users"):
        store.add_user("eve", "long-enough-password", Role.DIRECTOR, "Eve", analyst)
    version = store.save_reported_variant(case.case_id, SCN2A, analyst, case.row_version)
    version = store.save_draft(case.case_id, analyst, version, interpretation="De novo SCN2A variant.")
    with pytest.raises(PermissionDenied, match="only a director may"):
        store.sign_out(case.case_id, analyst, version, password="analyst-password")
    with pytest.raises(PermissionDenied):
        store.sign_out(case.case_id, admin, version, password="admin-password")
    assert not store.report(case.case_id).signed
    signed = store.sign_out(case.case_id, director, version, password="director-password")
    assert signed.signed and signed.signed_by == "director"
    assert signed.content.signature.name == "Dr Director"
    store.set_user_active("analyst", False, admin)
    with pytest.raises(AuthenticationError):
        store.authenticate("analyst", "analyst-password")
    with pytest.raises(PermissionDenied, match="'analyst' is deactivated"):  # a session opened before
        store.add_note(case.case_id, Target.gene("SCN2A"), "still here?", analyst, store.case(case.case_id).row_version)


def test_user_management_rechecks_the_actors_role_and_active_flag_in_the_database(store, people):
    admin = people[Role.ADMIN]  # the session's User object, read at log-in
    with store._engine.begin() as conn:  # demoted since then (e.g. by another admin)
        conn.execute(text("UPDATE users SET role = 'analyst' WHERE username = 'admin'"))
    with pytest.raises(PermissionDenied, match="'admin' \\(analyst\\) may not manage users"):
        store.add_user("eve", "long-enough-password", Role.DIRECTOR, "Eve", admin)
    with pytest.raises(PermissionDenied, match="may not manage users"):
        store.set_user_active("director", False, admin)
    with store._engine.begin() as conn:
        conn.execute(text("UPDATE users SET role = 'admin', active = :f WHERE username = 'admin'"), {"f": False})
    with pytest.raises(PermissionDenied, match="'admin' is deactivated"):
        store.add_user("eve", "long-enough-password", Role.DIRECTOR, "Eve", admin)
    assert [u.username for u in store.users()] == sorted(r.value for r in Role)
    assert all(u.active for u in store.users() if u.username != "admin")
    assert not [e for e in store.audit() if e.action in ("add user", "deactivate user") and e.actor == "admin"]


def test_case_changes_recheck_the_actors_role_in_the_database(store, people, case, vcf):
    analyst, director = people[Role.ANALYST], people[Role.DIRECTOR]
    version = store.save_reported_variant(case.case_id, SCN2A, analyst, case.row_version)
    version = store.save_draft(case.case_id, analyst, version, interpretation="De novo SCN2A variant.")
    with store._engine.begin() as conn:
        conn.execute(text("UPDATE users SET role = 'analyst' WHERE username = 'director'"))
        conn.execute(text("UPDATE users SET role = 'clinician' WHERE username = 'analyst'"))
    with pytest.raises(PermissionDenied, match="'director' \\(analyst\\) may not sign out a report"):
        store.sign_out(case.case_id, director, version, password="director-password")
    with pytest.raises(PermissionDenied, match="'analyst' \\(clinician\\) may not tag, annotate"):
        store.add_note(case.case_id, Target.gene("SCN2A"), "still allowed?", analyst, version)
    with pytest.raises(PermissionDenied, match="'analyst' \\(clinician\\) may not create a case"):
        store.create_case(TRIO, vcf, "HPO 2025-01-16", analyst)
    assert not store.report(case.case_id).signed and store.case(case.case_id).row_version == version
    assert len(store.cases()) == 1


def test_signed_report_is_immutable_and_an_amendment_keeps_both(store, people, case):
    analyst, director = people[Role.ANALYST], people[Role.DIRECTOR]
    version = store.save_reported_variant(case.case_id, SCN2A, analyst, case.row_version)
    version = store.save_draft(case.case_id, analyst, version, interpretation="First reading.")
    store.sign_out(case.case_id, director, version, password="director-password")
    version = store.case(case.case_id).row_version
    assert store.case(case.case_id).status is CaseStatus.SIGNED_OUT
    with pytest.raises(ImmutableReportError, match="signed and cannot change; start an amendment"):
        store.save_draft(case.case_id, analyst, version, interpretation="Changed my mind.")
    with pytest.raises(ImmutableReportError, match="already signed"):
        store.sign_out(case.case_id, director, version, password="director-password")

    upgraded = ReportedVariant(**{**SCN2A.__dict__, "assessment": AcmgAssessment.of("PS2", "PM2", "PP3", "PS3")})
    version = store.start_amendment(case.case_id, "functional study published", director, version)
    version = store.save_reported_variant(case.case_id, upgraded, analyst, version)
    version = store.save_draft(case.case_id, analyst, version, interpretation="Second reading.",
                               indication="refractory neonatal seizures")
    amended = store.sign_out(case.case_id, director, version, password="director-password")

    first, second = store.reports(case.case_id)
    method = first.content.method
    assert (method.test_name, method.annotation_source, method.knowledge_version) == \
        ("Rapid trio genome sequencing", "VEP CSQ", "HPO 2025-01-16")
    assert (first.version, first.content.interpretation) == (1, "First reading.")
    assert first.content.results[0].classification is Classification.LIKELY_PATHOGENIC
    assert (second.version, second.content.interpretation, second.amendment_reason) == \
        (2, "Second reading.", "functional study published")
    assert second.content.results[0].classification is Classification.PATHOGENIC
    assert (first.content.indication, second.content.indication) == ("neonatal seizures",
                                                                     "refractory neonatal seizures")
    assert [(a.version, a.reason) for a in amended.content.amendments] == \
        [(1, "original report"), (2, "functional study published")]
    assert store.case(case.case_id).status is CaseStatus.AMENDED
    assert store.latest_signed(case.case_id) == second

    # The database itself refuses to change signed rows and audit entries, whatever the code does.
    engine = create_engine(store._engine.url)
    for statement in ("UPDATE report_versions SET content_json = '{}' WHERE version = 1",
                      "DELETE FROM report_versions WHERE version = 1",
                      "UPDATE audit_log SET actor = 'nobody'", "DELETE FROM audit_log"):
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="cannot be changed"):
            with engine.begin() as conn:
                conn.execute(text(statement))
    engine.dispose()
    assert store.report(case.case_id, 1) == first


def test_conflicting_edits_are_detected(store, people, case):
    analyst, clinician = people[Role.ANALYST], people[Role.CLINICIAN]
    seen_by_both = store.case(case.case_id).row_version
    store.add_phenotype_term(case.case_id, "HP:0001250", "Seizure", clinician, seen_by_both)
    with pytest.raises(ConflictError, match=r"case FAM-7-1 was changed by clinician at .* UTC since it was read; this change was not saved") as caught:
        store.save_reported_variant(case.case_id, SCN2A, analyst, seen_by_both)
    assert caught.value.changed_by == "clinician"
    assert store.reported_variants(case.case_id) == ()
    reloaded = store.case(case.case_id).row_version
    store.save_reported_variant(case.case_id, SCN2A, analyst, reloaded)
    assert store.reported_variants(case.case_id) == (SCN2A,)


CRASHING_WRITER = textwrap.dedent("""\
    import sys, time
    import workbench.store.casestore as casestore
    from workbench.model import Sample, Sex, Trio
    from workbench.report.content import PhenotypeItem
    from workbench.store import Role, User

    url, action, vcf = sys.argv[1:4]
    store = casestore.open_store(url)
    original_audit = casestore.CaseStore._audit

    def audit_then_hang(self, *args, **kwargs):
        original_audit(self, *args, **kwargs)      # every row of the change is written by now
        print("inside transaction", flush=True)
        time.sleep(120)                             # ... and the parent kills us here

    casestore.CaseStore._audit = audit_then_hang
    analyst = User("analyst", "Dr Analyst", Role.ANALYST)
    if action == "create":
        store.create_case(Trio(Sample("NB-9", "FAM-9", Sex.MALE)), vcf, "HPO", analyst, case_id="FAM-9-1",
                          phenotype=[PhenotypeItem("HP:0001250", "Seizure"), PhenotypeItem("HP:0001263", "GDD")])
    else:
        store.add_phenotype_term("FAM-7-1", "HP:0001250", "Seizure", analyst, 1)
    """)


@pytest.mark.parametrize("action", ["create", "edit"])
def test_killing_a_writer_mid_transaction_leaves_no_half_written_case(store, people, case, database_url, action, vcf):
    before_audit = len(store.audit())
    writer = subprocess.Popen([sys.executable, "-c", CRASHING_WRITER, database_url, action, str(vcf)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = writer.stdout.readline()
        assert line.strip() == "inside transaction", writer.stderr.read()
    finally:
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL

    assert [c.case_id for c in store.cases()] == ["FAM-7-1"]
    assert store.case("FAM-7-1") == case  # version, status, updated_by untouched
    assert store.phenotype("FAM-7-1") == ()
    with store._engine.connect() as conn:  # no orphan rows of the interrupted case either
        assert conn.execute(text("SELECT COUNT(*) FROM phenotype_terms")).scalar() == 0
    assert len(store.audit()) == before_audit
    # Nothing is left locked: the interrupted writes now go through.
    analyst = people[Role.ANALYST]
    store.create_case(Trio(Sample("NB-9", "FAM-9", Sex.MALE)), vcf, "HPO", analyst, case_id="FAM-9-1")
    assert store.add_phenotype_term("FAM-7-1", "HP:0001250", "Seizure", analyst, 1) == 2


def test_the_vcf_is_only_read(store, case, vcf):
    stat = vcf.stat()
    assert store.verify_vcf(case.case_id)
    assert vcf.read_text() == VCF_TEXT and vcf.stat().st_mtime_ns == stat.st_mtime_ns
    vcf.write_text(VCF_TEXT.replace("0/1", "1/1"))
    assert not store.verify_vcf(case.case_id)


def test_audit_log_has_who_what_when_before_after(store, people, case):
    analyst = people[Role.ANALYST]
    version = store.set_indication(case.case_id, "refractory seizures", analyst, case.row_version)
    store.save_reported_variant(case.case_id, SCN2A, analyst, version)
    entries = store.audit(case.case_id)
    assert [e.action for e in entries] == ["create case", "set indication", "classify variant"]
    indication = entries[1]
    assert (indication.actor, indication.before, indication.after) == \
        ("analyst", {"indication": "neonatal seizures"}, {"indication": "refractory seizures"})
    assert entries[2].after["assessment"]["criteria"][0]["criterion"] == "PS2"
    assert entries[0].at <= entries[1].at <= entries[2].at


def test_log_in(store, people):
    assert store.authenticate("director", "director-password") == people[Role.DIRECTOR]
    with pytest.raises(AuthenticationError, match="unknown user, wrong password"):
        store.authenticate("director", "wrong-password")
    with pytest.raises(AuthenticationError):
        store.authenticate("nobody", "director-password")
    failed = [e for e in store.audit() if e.action == "failed log-in"]
    assert [e.after for e in failed] == [{"username": "director"}, {"username": "nobody"}]
    assert "password" not in str(store.audit()).replace("password_hash", "")
    with pytest.raises(ValueError, match="at least 10 characters"):
        store.add_user("short", "short", Role.ANALYST, "Short", None)
    with pytest.raises(StoreError, match="already exists"):
        store.add_user("director", "another-password", Role.ANALYST, "Again", None)
    with store._engine.connect() as conn:
        hashes = conn.execute(text("SELECT password_hash FROM users")).scalars().all()
    assert all(h.startswith("$argon2id$") for h in hashes) and len(set(hashes)) == len(hashes)


def test_application_logs_carry_no_patient_data(store, people, case, caplog):
    caplog.set_level(logging.DEBUG)
    analyst, director = people[Role.ANALYST], people[Role.DIRECTOR]
    version = store.add_phenotype_term(case.case_id, "HP:0001250", "Seizure", analyst, case.row_version)
    version = store.save_reported_variant(case.case_id, SCN2A, analyst, version)
    version = store.save_draft(case.case_id, analyst, version, interpretation="De novo SCN2A.")
    store.sign_out(case.case_id, director, version, password="director-password")
    logged = caplog.text
    assert "sign out report v1" in logged
    for private in ("NB-0042", "FAM-7 ", "HP:0001250", "Seizure", "SCN2A", "c.2558G>A", "165310406"):
        assert private not in logged


def test_migrations_upgrade_an_older_database(database_url):
    engine = create_engine(database_url)
    with engine.begin() as conn:
        assert migrate(conn, upto=1) == [1]
    engine.dispose()
    for _ in range(2):  # the second opening applies nothing
        store = open_store(database_url)
        assert store.schema_version() == LATEST_VERSION
        store.close()


def test_simultaneous_writers_with_the_same_version_one_wins(store, people, case):
    """Two threads race to save on the same case version: exactly one commits, the other is told."""
    import threading

    analyst, clinician = people[Role.ANALYST], people[Role.CLINICIAN]
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def write(action) -> None:
        start.wait()
        try:
            outcomes.append(action())
        except ConflictError as conflict:
            outcomes.append(conflict)

    threads = [threading.Thread(target=write, args=(lambda: store.save_reported_variant(
                   case.case_id, SCN2A, analyst, case.row_version),)),
               threading.Thread(target=write, args=(lambda: store.add_phenotype_term(
                   case.case_id, "HP:0001250", "Seizure", clinician, case.row_version),))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "int"]
    assert store.case(case.case_id).row_version == case.row_version + 1
    assert len(store.reported_variants(case.case_id)) + len(store.phenotype(case.case_id)) == 1
