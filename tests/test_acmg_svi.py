"""ClinGen SVI refinements in the ACMG assistant, and evidence added by hand with a reason, audited."""
from __future__ import annotations

from dataclasses import replace

import pytest

from test_store import SCN2A, TRIO  # noqa: F401
from test_store import case, people, vcf  # noqa: F401
from workbench.knowledge.transcripts import nmd_prediction
from workbench.report.acmg import AcmgAssessment, AcmgEvidence, AppliedCriterion, Classification, suggest_criteria
from workbench.store import Role


def labels(**facts) -> list[str]:
    return [c.label for c in suggest_criteria(AcmgEvidence(**facts))]


@pytest.mark.parametrize(("consequence", "nmd", "pvs1"), [
    ("stop_gained", "predicted", "PVS1"),
    ("frameshift_variant", "escapes (last exon)", "PVS1_Moderate"),
    ("stop_gained", "escapes (last 50 nt of the penultimate exon)", "PVS1_Moderate"),
    ("start_lost", None, "PVS1_Moderate"),
    ("stop_gained", None, "PVS1"),  # not assessable: the reason says so
    ("transcript_ablation", None, "PVS1"),
])
def test_pvs1_strength_follows_the_decision_tree_where_the_data_allow(consequence, nmd, pvs1):
    (found,) = [c for c in suggest_criteria(AcmgEvidence(consequence, lof_mechanism=True, nmd=nmd))
                if c.criterion.code == "PVS1"]
    assert found.label == pvs1
    if nmd is None and consequence == "stop_gained":
        assert "not assessed" in found.reason


def test_pm2_is_supporting_and_revel_sets_pp3_bp4_strength_by_calibrated_thresholds():
    assert labels(consequence="missense_variant", revel=0.95) == ["PM2_Supporting", "PP3_Strong"]
    assert labels(consequence="missense_variant", revel=0.80) == ["PM2_Supporting", "PP3_Moderate"]
    assert labels(consequence="missense_variant", revel=0.70) == ["PM2_Supporting", "PP3"]
    assert labels(consequence="missense_variant", population_af=0.002, revel=0.01) == ["BP4_Strong"]
    assert labels(consequence="missense_variant", revel=0.5) == ["PM2_Supporting"]  # between: nothing


def test_nmd_prediction_reads_the_mane_exons_on_either_strand():
    assert nmd_prediction("chr17", 7668500, "TP53") == "escapes (last exon)"  # minus strand: lowest exon is last
    assert nmd_prediction("chr17", 7670620, "TP53") == "escapes (last 50 nt of the penultimate exon)"
    assert nmd_prediction("chr17", 7670700, "TP53") == "predicted"
    assert nmd_prediction("chr17", 7670700, "NOT_A_GENE") is None


def test_evidence_added_by_hand_needs_a_reason_replaces_its_code_and_is_audited(store, people, case):
    with pytest.raises(ValueError, match="PS3 added by hand needs a reason"):
        AppliedCriterion.of("PS3", "  ", manual=True)
    with pytest.raises(ValueError, match="only BA1 is stand-alone"):
        AppliedCriterion.of("PS3_StandAlone")
    functional = AppliedCriterion.of("PS3_Moderate", "patch clamp: loss of current (PMID 12345678)", manual=True)
    assessment = AcmgAssessment.of("PS2", "PM2_Supporting").with_criterion(functional)
    assert assessment.codes == ("PS2", "PM2_Supporting", "PS3_Moderate")
    assert assessment.classification is Classification.LIKELY_PATHOGENIC
    stronger = assessment.with_criterion(AppliedCriterion.of("PS3", "published knock-in mouse", manual=True))
    assert stronger.codes == ("PS2", "PM2_Supporting", "PS3") and stronger.classification is Classification.PATHOGENIC

    analyst = people[Role.ANALYST]
    store.save_reported_variant(case.case_id, replace(SCN2A, assessment=stronger), analyst, case.row_version)
    (saved,) = store.reported_variants(case.case_id)
    assert saved.assessment == stronger and saved.assessment.criteria[-1].manual
    entry = store.audit(case.case_id)[-1]
    assert entry.action == "classify variant" and entry.actor == "analyst"
    assert {"criterion": "PS3", "strength": "STRONG", "reason": "published knock-in mouse", "manual": True} in \
        entry.after["assessment"]["criteria"]
