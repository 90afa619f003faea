"""gnomAD v4 structural-variant frequencies, matched to a call by reciprocal overlap.

Callers never agree to the base, so a CNV is "the same" as another when each covers at least
half of the other (:data:`RECIPROCAL_OVERLAP`, the usual rule for CNV concordance and the one
the trio logic uses for parents' calls too) and both are losses or both gains. A call's
population frequency is the highest AF among the gnomAD sites it matches (None: no match,
"not seen in the population").

>>> round(reciprocal_overlap(1_000, 2_000, 1_500, 2_400), 2)
0.5
>>> table = SvFrequencyTable.from_rows([("chr1", 999, 2_000, "DEL", 0.01), ("chr1", 999, 9_000, "DEL", 0.2)])
>>> table.frequency("chr1", 1_000, 2_100, "DEL"), table.frequency("chr1", 1_000, 2_100, "DUP")
(0.01, None)
"""
from __future__ import annotations

import gzip
from pathlib import Path
from typing import Iterable

import numpy as np

from workbench.model import normalise_chrom

SV_FREQUENCY_FILE = "gnomad_v4_sv.bed.gz"
RECIPROCAL_OVERLAP = 0.5


def reciprocal_overlap(start_a: int, end_a: int, start_b: int, end_b: int) -> float:
    """The smaller of the two shares each interval (1-based, inclusive) has in the other."""
    overlap = min(end_a, end_b) - max(start_a, start_b) + 1
    if overlap <= 0:
        return 0.0
    return min(overlap / (end_a - start_a + 1), overlap / (end_b - start_b + 1))


class SvFrequencyTable:
    """Sites per (chromosome, DEL/DUP) as sorted numpy columns: start, end (1-based), AF."""

    def __init__(self, columns: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
        self._columns = columns
        self._longest = {key: int((ends - starts).max()) + 1 if len(starts) else 0
                         for key, (starts, ends, _) in columns.items()}

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, int, int, str, float]]) -> "SvFrequencyTable":
        """From BED-style rows (chrom, 0-based start, end, DEL/DUP, AF)."""
        grouped: dict[tuple[str, str], list[tuple[int, int, float]]] = {}
        for chrom, start, end, kind, af in rows:
            grouped.setdefault((normalise_chrom(chrom), kind), []).append((start + 1, end, af))
        columns = {}
        for key, items in grouped.items():
            items.sort()
            array = np.array(items, dtype=float)
            columns[key] = (array[:, 0].astype(np.int64), array[:, 1].astype(np.int64), array[:, 2])
        return cls(columns)

    def __len__(self) -> int:
        return sum(len(c[0]) for c in self._columns.values())

    def frequency(self, chrom: str, start: int, end: int, kind: str) -> float | None:
        """Highest AF of a gnomAD ``kind`` ("DEL" or "DUP") site in reciprocal overlap with the
        call (1-based inclusive span), or None when none matches."""
        key = (normalise_chrom(chrom), kind)
        columns = self._columns.get(key)
        if columns is None or end < start:
            return None
        starts, ends, afs = columns
        length = end - start + 1
        # a match starts no earlier than the longer of (2x the call, the longest site) before the call
        low = np.searchsorted(starts, start - min(2 * length, self._longest[key]), side="left")
        high = np.searchsorted(starts, end - RECIPROCAL_OVERLAP * length + 1, side="right")
        if high <= low:
            return None
        s, e = starts[low:high], ends[low:high]
        overlap = np.minimum(e, end) - np.maximum(s, start) + 1
        share = np.minimum(overlap / length, overlap / (e - s + 1))
        hits = afs[low:high][share >= RECIPROCAL_OVERLAP]
        return float(hits.max()) if len(hits) else None


def read_sv_frequencies(path: Path) -> SvFrequencyTable:
    """The gnomAD SV BED (chrom, 0-based start, end, DEL/DUP, AF; '#' lines skipped)."""
    rows = []
    with gzip.open(path, "rt") if path.suffix == ".gz" else open(path) as fh:
        for number, line in enumerate(fh, start=1):
            if line.startswith("#") or not line.strip():
                continue
            fields = line.split("\t")
            try:
                rows.append((fields[0], int(fields[1]), int(fields[2]), fields[3], float(fields[4])))
            except (IndexError, ValueError):
                from workbench.knowledge.sources import SourceError

                raise SourceError(f"{path}: line {number}: expected chrom, start, end, DEL/DUP, AF") from None
    return SvFrequencyTable.from_rows(rows)
