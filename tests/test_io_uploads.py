"""Header-only upload checks agree with the full read and answer before it."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbench.io import InputError, read_family_vcf, read_pedigree
from workbench.io.uploads import check_upload

FIXTURES = Path(__file__).parent / "fixtures" / "vcf"


def test_per_person_files_are_mapped_to_the_family() -> None:
    people = [FIXTURES / f"io_person_{p}.vcf" for p in ("mum", "kid", "dad")]
    check = check_upload(people, FIXTURES / "io_trio.ped")
    assert check.files_by_sample["KID"].endswith("io_person_kid.vcf") and check.warnings == ()


@pytest.mark.parametrize("vcf, ped, message", [
    ("io_trio.vcf", "io_missing_sample.ped", r"MUM2 \(mother\) from the pedigree is not a sample"),
    ("io_grch37.vcf", "io_trio.ped", "GRCh37"),
    ("io_empty.vcf", "io_trio.ped", "the file is empty"),
    ("io_trio.vcf", "io_cycle.ped", "cycle"),
])
def test_refusals_match_the_full_read(vcf: str, ped: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_upload(FIXTURES / vcf, FIXTURES / ped)
    with pytest.raises(InputError, match=message):
        read_family_vcf(FIXTURES / vcf, read_pedigree(FIXTURES / ped))


def test_bgzf_cut_at_a_block_boundary_is_flagged(tmp_path: Path) -> None:
    data = (FIXTURES / "io_trio_bgzf.vcf.gz").read_bytes()
    cut = tmp_path / "cut.vcf.gz"
    cut.write_bytes(data[:-28])  # drop the end-of-file block: every record is still there
    assert any("end-of-file marker is missing" in w for w in check_upload(cut, FIXTURES / "io_trio.ped").warnings)
    calls = read_family_vcf(cut, read_pedigree(FIXTURES / "io_trio.ped"))
    assert len(calls.variants) == 7 and calls.problems == () and "end-of-file marker" in calls.warnings[0]
    cut.write_bytes(data[:-40])  # into the data block
    with pytest.raises(InputError, match=r"cut\.vcf\.gz: the compressed file is damaged or truncated"):
        read_family_vcf(cut, read_pedigree(FIXTURES / "io_trio.ped"))


def test_a_file_with_nobody_of_the_family_is_refused_like_the_full_read(tmp_path: Path) -> None:
    stranger = tmp_path / "stranger.vcf"
    stranger.write_text((FIXTURES / "io_person_mum.vcf").read_text().replace("\tMUM\n", "\tSTRANGER\n"))
    files = [FIXTURES / f"io_person_{p}.vcf" for p in ("mum", "kid", "dad")] + [stranger]
    message = r"stranger\.vcf: none of its samples \(STRANGER\) is in the pedigree"
    with pytest.raises(InputError, match=message):
        read_family_vcf(files, read_pedigree(FIXTURES / "io_trio.ped"))
    with pytest.raises(InputError, match=message):
        check_upload(files, FIXTURES / "io_trio.ped")


def test_the_app_refuses_a_wrong_family_from_the_headers_before_reading_the_vcf(monkeypatch):
    from workbench.ui import state

    def read_whole_vcf(*args, **kwargs):
        raise AssertionError("the VCF was read although its headers already refuse it")

    monkeypatch.setattr(state, "analysis", read_whole_vcf)
    case, problem = state.case_from_files([FIXTURES / "io_grch37.vcf"], FIXTURES / "io_trio.ped", None, None)
    assert case is None and "GRCh37" in problem
