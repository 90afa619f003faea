"""How input problems are reported: refuse (InputError) or count and carry on (InputProblem)."""
from __future__ import annotations

from dataclasses import dataclass


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
