"""PED reading: the pedigree decides roles; broken pedigrees are refused with file/line/sample."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from workbench.io import InputError, read_pedigree
from workbench.model import Affection, Sex

FIXTURES = Path(__file__).parent / "fixtures" / "vcf"


def test_trio_roles_sex_and_affection_come_from_the_ped() -> None:
    trio = read_pedigree(FIXTURES / "io_trio.ped").trio()
    assert (trio.proband.id, trio.father.id, trio.mother.id) == ("KID", "DAD", "MUM")
    assert trio.proband.sex is Sex.MALE and trio.mother.sex is Sex.FEMALE
    assert trio.proband.affection is Affection.AFFECTED and trio.father.affection is Affection.UNAFFECTED


def test_duo_and_singleton_and_explicit_proband() -> None:
    duo = read_pedigree(io.StringIO("F kid 0 mum 2 2\nF mum 0 0 2 1\n")).trio()
    assert duo.family_kind == "duo" and duo.mother.id == "mum" and duo.father is None
    assert read_pedigree(io.StringIO("F kid 0 0 0 0\n")).trio().family_kind == "singleton"
    sibs = read_pedigree(io.StringIO("F a dad 0 1 2\nF b dad 0 2 2\nF dad 0 0 1 1\n"))
    with pytest.raises(InputError, match="cannot tell who the proband is"):
        sibs.trio()
    assert sibs.trio("b").proband.sex is Sex.FEMALE


def test_cycle_is_refused_naming_the_loop() -> None:
    with pytest.raises(InputError, match=r"io_cycle\.ped: the pedigree has a cycle: .*KID.*DAD"):
        read_pedigree(FIXTURES / "io_cycle.ped")


def test_father_listed_as_female_is_refused_with_line() -> None:
    with pytest.raises(InputError, match=r"io_father_female\.ped line 2: 'DAD' is the father of 'KID' but is listed "
                                         r"as female"):
        read_pedigree(FIXTURES / "io_father_female.ped")


def test_short_rows_and_duplicates_name_the_line() -> None:
    with pytest.raises(InputError, match="line 1: expected 6 columns"):
        read_pedigree(io.StringIO("F kid dad mum 1\n"))
    with pytest.raises(InputError, match="line 2: sample 'kid' is listed twice"):
        read_pedigree(io.StringIO("F kid 0 0 1 2\nF kid 0 0 1 2\n"))
    with pytest.raises(InputError, match="no such file|cannot read"):
        read_pedigree(FIXTURES / "no_such.ped")
