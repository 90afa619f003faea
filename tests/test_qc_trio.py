"""Trio QC on small simulated trios: a good family, a swapped father, a 'male' with chrX hets."""
from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np

from workbench.io import read_family_vcf, read_pedigree
from workbench.model import Sex
from workbench.qc import summarise_trio
from workbench.qc import tally as T

FIXTURES = Path(__file__).parent / "fixtures" / "vcf"


def qc(name: str):
    return read_family_vcf(FIXTURES / name, read_pedigree(FIXTURES / "qc_trio.ped")).qc


def test_good_trio_has_parent_child_kinship_and_no_alarms() -> None:
    report = qc("qc_good_trio.vcf.gz")
    assert report.alarms == () and report.ok
    for parent in report.parents:
        assert abs(parent.kinship - 0.25) < 0.05 and parent.opposite_homozygotes == 0 and parent.looks_like_parent
    sexes = {s.role: s.inferred_sex for s in report.samples}
    assert sexes == {"proband": Sex.MALE, "father": Sex.MALE, "mother": Sex.FEMALE}
    proband = report.samples[0]
    assert proband.call_rate == 1.0 and 1.5 < proband.het_hom_ratio < 5 and proband.ti_tv > 0


def test_swapped_father_raises_a_plain_language_alarm() -> None:
    report = qc("qc_swapped_father.vcf.gz")
    father = next(p for p in report.parents if p.role == "father")
    mother = next(p for p in report.parents if p.role == "mother")
    assert father.kinship < 0.1 and father.mendelian_error_rate > 0.03 and father.looks_like_parent is False
    assert mother.looks_like_parent
    assert len(report.alarms) == 1 and "father DAD does not look like the proband's parent" in report.alarms[0]


def test_male_with_many_chrx_hets_is_a_sex_mismatch() -> None:
    report = qc("qc_male_x_hets.vcf.gz")
    proband = report.samples[0]
    assert proband.ped_sex is Sex.MALE and proband.inferred_sex is Sex.FEMALE and proband.sex_agrees is False
    assert any(a.startswith("Sex mismatch: the pedigree says proband KID is male") for a in report.alarms)


def test_write_and_frame_are_readable() -> None:
    report = qc("qc_swapped_father.vcf.gz")
    out = io.StringIO()
    report.write(out)
    text = out.getvalue()
    assert "kinship" in text and "ALARMS" in text and "call rate 100.0%" in text
    frame = report.to_frame()
    assert list(frame["role"]) == ["proband", "father", "mother"]
    assert math.isnan(frame.loc[0, "kinship_to_proband"]) and frame.loc[1, "kinship_to_proband"] < 0.1


def test_too_little_data_gives_no_verdict_rather_than_a_false_alarm() -> None:
    trio = read_pedigree(FIXTURES / "qc_trio.ped").trio()
    counts = np.zeros(T.TALLY_SIZE, dtype=np.int64)
    counts[T.tally_index(T.AUTOSOME, T.TRANSITION, T.HOM_ALT, T.HOM_REF, T.HOM_REF)] += 5
    report = summarise_trio(T.as_array(counts), trio)
    assert report.alarms == ()
    assert all(p.looks_like_parent is None for p in report.parents)
    assert all(s.inferred_sex is Sex.UNKNOWN for s in report.samples)
    assert np.isnan(report.samples[0].x_het_fraction)


def test_qc_command_reports_alarms_and_refusals(capsys, tmp_path: Path) -> None:
    from workbench.cli import main

    table = tmp_path / "qc.tsv"
    assert main(["qc", "--vcf", str(FIXTURES / "qc_swapped_father.vcf.gz"), "--ped", str(FIXTURES / "qc_trio.ped"),
                 "--tsv", str(table)]) == 1
    assert "does not look like the proband's parent" in capsys.readouterr().out
    assert table.read_text().startswith("sample\trole\t")
    assert main(["qc", "--vcf", str(FIXTURES / "qc_good_trio.vcf.gz"), "--ped", str(FIXTURES / "qc_trio.ped")]) == 0
    assert main(["qc", "--vcf", str(FIXTURES / "io_grch37.vcf"), "--ped", str(FIXTURES / "io_trio.ped")]) == 2
    assert "GRCh37" in capsys.readouterr().err


def test_qc_command_prints_file_level_warnings(capsys, tmp_path: Path) -> None:
    """A BGZF file cut at a block boundary reads, but the QC report must say it may be incomplete."""
    from workbench.cli import main

    cut = tmp_path / "cut.vcf.gz"
    cut.write_bytes((FIXTURES / "io_trio_bgzf.vcf.gz").read_bytes()[:-28])  # no end-of-file block
    assert main(["qc", "--vcf", str(cut), "--ped", str(FIXTURES / "io_trio.ped")]) == 2  # damaged: not "clean"
    printed = capsys.readouterr()
    assert "end-of-file marker is missing" in printed.out and "end-of-file marker is missing" in printed.err
