"""Case details the VCF cannot give: entered, checked, versioned, audited, and carried into the report."""
from __future__ import annotations

import pytest

from test_store import SCN2A, TRIO  # noqa: F401  (fixtures below reuse the store test's case)
from test_store import case, people, vcf  # noqa: F401
from workbench.report.content import CaseDetails
from workbench.store import ConflictError, PermissionDenied, Role, StoreError

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

DETAILS = CaseDetails(patient_name="Baby Girl Çağlar", date_of_birth="2026-11-20", mrn="MRN-0042",
                      specimen_id="SP-77", specimen_type="EDTA blood", collected_on="2026-11-21",
                      received_on="2026-11-22", ordering_clinician="Dr Nadia Neo", institution="St Elsewhere NICU",
                      platform="Illumina NovaSeq X, PCR-free 2x150 bp", pipeline="DRAGEN 4.2", mean_coverage="38x")


def test_details_are_versioned_audited_and_reach_the_report(store, people, case):
    clinician, analyst = people[Role.CLINICIAN], people[Role.ANALYST]
    assert store.case_details(case.case_id) == CaseDetails() and CaseDetails().missing()
    version = store.set_case_details(case.case_id, DETAILS, clinician, case.row_version)
    fixed = CaseDetails(**{**DETAILS.__dict__, "mrn": "MRN-0043"})
    version = store.set_case_details(case.case_id, fixed, analyst, version)
    assert store.set_case_details(case.case_id, fixed, analyst, version) == version  # no change, no revision
    assert store.case_details(case.case_id).mrn == "MRN-0043" and not fixed.missing()
    assert [(r.revision, r.details.mrn, r.set_by) for r in store.case_details_history(case.case_id)] == \
        [(1, "MRN-0042", "clinician"), (2, "MRN-0043", "analyst")]
    audit = [e for e in store.audit(case.case_id) if e.action == "set case details"]
    assert audit[-1].before == {"mrn": "MRN-0042"} and audit[-1].after == {"mrn": "MRN-0043"}

    version = store.save_reported_variant(case.case_id, SCN2A, analyst, version)
    store.save_draft(case.case_id, analyst, version, interpretation="De novo SCN2A.")
    report = store.report(case.case_id).content
    assert report.details.mrn == "MRN-0043" and [s.id for s in report.family] == ["NB-0042", "DAD-7", "MUM-7"]
    assert "Genetic counselling is recommended" in report.recommendations


def test_bad_details_are_refused_naming_the_field_and_stale_edits_conflict(store, people, case):
    clinician, admin = people[Role.CLINICIAN], people[Role.ADMIN]
    with pytest.raises(StoreError, match="Date of birth '20.11.2026' is not a date"):
        store.set_case_details(case.case_id, CaseDetails(date_of_birth="20.11.2026"), clinician, case.row_version)
    with pytest.raises(StoreError, match="Collection date 2999-01-01 is in the future"):
        store.set_case_details(case.case_id, CaseDetails(collected_on="2999-01-01"), clinician, case.row_version)
    with pytest.raises(StoreError, match="Patient name is 201 characters long"):
        store.set_case_details(case.case_id, CaseDetails(patient_name="x" * 201), clinician, case.row_version)
    with pytest.raises(PermissionDenied):
        store.set_case_details(case.case_id, DETAILS, admin, case.row_version)
    store.set_case_details(case.case_id, DETAILS, clinician, case.row_version)
    with pytest.raises(ConflictError):
        store.set_case_details(case.case_id, CaseDetails(mrn="other"), clinician, case.row_version)


def test_free_text_is_cleaned_at_every_store_entry_point(store, people, case):
    analyst = people[Role.ANALYST]
    version = store.set_indication(case.case_id, "Seizures\x00 day 2\x1b", analyst, case.row_version)
    version = store.add_phenotype_term(case.case_id, "HP:0001250", "Seiz\ud800ure", analyst, version)
    assert store.case(case.case_id).indication == "Seizures day 2"
    assert store.phenotype(case.case_id)[0].label == "Seiz\ufffdure"
    with pytest.raises(StoreError, match="the interpretation is 20,001 characters long"):
        store.save_draft(case.case_id, analyst, version, interpretation="x" * 20_001)
