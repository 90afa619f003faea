"""QC figures against the range expected for the data type, with an alarm outside it (issue 16)."""
from __future__ import annotations

import pytest

from test_qc_trio import qc
from workbench.qc.ranges import assess, infer_data_type


def test_good_trio_parent_checks_are_within_range_and_a_swapped_father_alarms():
    good = {(a.role, a.measure): a for a in assess(qc("qc_good_trio.vcf.gz"), "genome")}
    assert good[("father", "Mendelian errors")].status == "within range"
    assert good[("mother", "Kinship to proband")].expected_text == "0.177–0.354 (genome)"
    swapped = {(a.role, a.measure): a for a in assess(qc("qc_swapped_father.vcf.gz"), "genome")}
    errors = swapped[("father", "Mendelian errors")]
    assert errors.status == "outside range" and "outside the 0%–1% (genome) expected" in errors.alarm


def test_ti_tv_range_depends_on_the_data_type_and_nothing_is_called_normal_without_data():
    figures = assess(qc("qc_good_trio.vcf.gz"), "exome")
    titv = next(a for a in figures if a.measure == "Ti/Tv")
    assert titv.expected_text == "2.6–3.3 (exome)"
    assert infer_data_type(80_000) == "exome" and infer_data_type(4_500_000) == "genome"
    with pytest.raises(ValueError, match="data type 'panel'"):
        assess(qc("qc_good_trio.vcf.gz"), "panel")
    from workbench.qc.ranges import RANGES, QcAssessment
    empty = QcAssessment("P1", "proband", "Ti/Tv", float("nan"), RANGES["Ti/Tv"]["exome"], "exome")
    assert (empty.status, empty.value_text, empty.alarm) == ("not assessed", "n/a", None)
