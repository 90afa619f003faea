"""Input issues as typed records, carried from the readers to every result that people see.

Modelled on gpsea's preprocessing Notepad: each problem found while reading a case is an
:class:`InputIssue` with a level, a message, a suggested fix and the section of the input it
concerns. Readers create them (``workbench.io``), inheritance and ranking add their own, and
the ranking result carries all of them, so the CLI, the app and the report show the same list;
a doubt raised while reading can never be dropped silently on the way.

>>> issue = InputIssue(Level.WARNING, "trio.vcf: the BGZF end-of-file marker is missing", "re-copy the file", "vcf")
>>> str(issue)
'trio.vcf: the BGZF end-of-file marker is missing (fix: re-copy the file)'
>>> as_issues(["proband sex unknown", issue])[0].level
<Level.WARNING: 'warning'>
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterable


class Level(Enum):
    """How bad: an ERROR makes the input unusable for ranking; a WARNING is a doubt to show."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class InputIssue:
    """One problem with a case's input: what, how to fix it, and which part of the input."""

    level: Level
    message: str
    fix: str = ""
    section: str = ""  # "vcf", "pedigree", "phenotype", "qc", "inheritance", "knowledge", "manifest"

    def __str__(self) -> str:
        return f"{self.message} (fix: {self.fix})" if self.fix else self.message

    def to_dict(self) -> dict[str, str]:
        return {"level": self.level.value, "section": self.section, "message": self.message, "fix": self.fix}


def as_issues(items: Iterable[str | InputIssue], section: str = "") -> tuple[InputIssue, ...]:
    """Issues from a mix of issues and plain warning texts (a text becomes a WARNING), duplicates once."""
    out = [item if isinstance(item, InputIssue) else InputIssue(Level.WARNING, item, section=section)
           for item in items]
    return tuple(dict.fromkeys(out))


def errors(issues: Iterable[InputIssue]) -> tuple[InputIssue, ...]:
    return tuple(i for i in issues if i.level is Level.ERROR)
