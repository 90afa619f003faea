"""How input problems are reported: refuse (InputError) or count and carry on (InputProblem)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Collection

from workbench.model import Trio


class InputError(Exception):
    """A user's file cannot be used as given; the message names the file and the line or sample."""


@dataclass(frozen=True)
class InputProblem:
    """A recoverable problem (e.g. one malformed record in a genome), counted and shown, not fatal.

    ``line`` is the 1-based line in ``file`` when known.
    """

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file} line {self.line}" if self.line is not None else self.file
        return f"{where}: {self.message}"


def check_pedigree_samples(trio: Trio, present: Collection[str], where: str, file: str = "") -> None:
    """Refuse VCFs that lack someone of the pedigree, naming each person and role; one wording for every reader.

    >>> from workbench.model import Sample
    >>> check_pedigree_samples(Trio(Sample("KID", "F1")), ["MUM"], "a.vcf")
    Traceback (most recent call last):
    workbench.io.errors.InputError: KID (proband) from the pedigree is not a sample in a.vcf
    """
    missing = [f"{s.id} ({role})" for role, s in trio.members if s.id not in present]
    if missing:
        raise InputError(f"{file + ': ' if file else ''}{', '.join(missing)} from the pedigree "
                         f"{'is' if len(missing) == 1 else 'are'} not a sample in {where}")


def check_term_conflicts(observed: Collection[str], excluded: Collection[str], where: str) -> None:
    """Refuse an HPO term given both observed and excluded: which one the clinician meant is unknown.

    >>> check_term_conflicts(["HP:0001250"], ["HP:0001250", "HP:0001263"], "case.json")
    Traceback (most recent call last):
    workbench.io.errors.InputError: case.json: HP:0001250 is given both observed and excluded: keep it in one list only
    """
    seen = set(observed)
    both = [term for term in dict.fromkeys(excluded) if term in seen]
    if both:
        raise InputError(f"{where}: {', '.join(both)} {'is' if len(both) == 1 else 'are'} given both observed and "
                         "excluded: keep it in one list only")
