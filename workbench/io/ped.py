"""PED (PLINK pedigree) files: who is related to whom, their sex and affection.

The pedigree, never the VCF column order, decides who the proband and the parents are.
Problems a clinician can fix (a father listed as female, a loop in the ancestry, two rows for
one person) are refused with a message naming the file, line and sample.

>>> import io
>>> ped = read_pedigree(io.StringIO("FAM kid dad mum 1 2\\nFAM dad 0 0 1 1\\nFAM mum 0 0 2 1\\n"))
>>> trio = ped.trio()
>>> trio.proband.id, trio.father.id, trio.mother.id, trio.family_kind
('kid', 'dad', 'mum', 'trio')
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Mapping

from workbench.io.errors import InputError
from workbench.model import Affection, Sample, Sex, Trio

_SEX = {"1": Sex.MALE, "2": Sex.FEMALE, "m": Sex.MALE, "f": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE}
_AFFECTION = {"2": Affection.AFFECTED, "1": Affection.UNAFFECTED}
_MISSING_PARENT = {"0", "", "."}


@dataclass(frozen=True)
class Pedigree:
    """The people of a PED file, by sample id, in file order; ``source`` names the file."""

    samples: Mapping[str, Sample]
    source: str = "<pedigree>"

    def trio(self, proband_id: str | None = None) -> Trio:
        """The proband with whichever parents the PED lists as individuals.

        Without ``proband_id`` the proband is the one affected person who has a parent in the
        file (or the only affected person, or the only person); anything else is ambiguous and
        refused, because guessing the proband would analyse the wrong child.
        """
        if proband_id is None:
            proband_id = self._guess_proband()
        proband = self.samples.get(proband_id)
        if proband is None:
            raise InputError(f"{self.source}: proband {proband_id!r} is not in the pedigree "
                             f"(it lists {', '.join(self.samples)})")
        return Trio(proband=proband,
                    father=self.samples.get(proband.father_id) if proband.father_id else None,
                    mother=self.samples.get(proband.mother_id) if proband.mother_id else None)

    def _guess_proband(self) -> str:
        if len(self.samples) == 1:
            return next(iter(self.samples))
        affected = [s for s in self.samples.values() if s.affection is Affection.AFFECTED]
        with_parents = [s for s in affected if s.father_id in self.samples or s.mother_id in self.samples]
        for group in (with_parents, affected):
            if len(group) == 1:
                return group[0].id
        names = ", ".join(s.id for s in (with_parents or affected)) or "none"
        raise InputError(f"{self.source}: cannot tell who the proband is (affected children: {names}); "
                         "choose the proband explicitly")


def read_pedigree(source: str | Path | IO[str]) -> Pedigree:
    """Read a 6-column PED file (family, individual, father, mother, sex, phenotype).

    Columns may be separated by tabs or spaces; lines starting with ``#`` are comments.
    Sex: 1/2 (or male/female), anything else unknown. Phenotype: 2 affected, 1 unaffected,
    anything else unknown.
    """
    if hasattr(source, "read"):
        name = getattr(source, "name", "<pedigree>")
        text = source.read()  # type: ignore[union-attr]
    else:
        name = str(source)
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(f"{name}: cannot read the pedigree ({exc.strerror or exc})") from exc
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not a text PED file (byte {exc.start} is not UTF-8)") from exc
    samples: dict[str, Sample] = {}
    lines: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) < 6:
            raise InputError(f"{name} line {number}: expected 6 columns (family, individual, father, mother, "
                             f"sex, phenotype), found {len(fields)}")  # never quoted: it may not be a PED at all
        family, sample_id, father, mother, sex, phenotype = fields[:6]
        if sample_id in samples:
            raise InputError(f"{name} line {number}: sample {sample_id!r} is listed twice "
                             f"(first on line {lines[sample_id]})")
        if sample_id in (father, mother):
            raise InputError(f"{name} line {number}: sample {sample_id!r} is listed as its own parent")
        samples[sample_id] = Sample(id=sample_id, family_id=family, sex=_SEX.get(sex.lower(), Sex.UNKNOWN),
                                    affection=_AFFECTION.get(phenotype, Affection.UNKNOWN),
                                    father_id=None if father in _MISSING_PARENT else father,
                                    mother_id=None if mother in _MISSING_PARENT else mother)
        lines[sample_id] = number
    if not samples:
        raise InputError(f"{name}: the pedigree lists nobody")
    _check_parent_sexes(samples, lines, name)
    _check_no_cycle(samples, name)
    return Pedigree(samples=samples, source=name)


def _check_parent_sexes(samples: Mapping[str, Sample], lines: Mapping[str, int], name: str) -> None:
    for child in samples.values():
        for parent_id, role, wrong in ((child.father_id, "father", Sex.FEMALE), (child.mother_id, "mother", Sex.MALE)):
            parent = samples.get(parent_id) if parent_id else None
            if parent is not None and parent.sex is wrong:
                raise InputError(f"{name} line {lines[parent.id]}: {parent.id!r} is the {role} of {child.id!r} "
                                 f"but is listed as {wrong.value}")
        if child.father_id and child.father_id == child.mother_id:
            raise InputError(f"{name} line {lines[child.id]}: {child.id!r} has {child.father_id!r} "
                             "as both father and mother")


def _check_no_cycle(samples: Mapping[str, Sample], name: str) -> None:
    """Refuse a pedigree where someone is their own ancestor (a copy-paste slip, usually)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(sample_id: str, path: list[str]) -> None:
        if state.get(sample_id) == 2 or sample_id not in samples:
            return
        if state.get(sample_id) == 1:
            loop = path[path.index(sample_id):] + [sample_id]
            raise InputError(f"{name}: the pedigree has a cycle: " + " is a child of ".join(loop))
        state[sample_id] = 1
        sample = samples[sample_id]
        for parent in (sample.father_id, sample.mother_id):
            if parent:
                visit(parent, path + [sample_id])
        state[sample_id] = 2

    for sample_id in samples:
        visit(sample_id, [])
