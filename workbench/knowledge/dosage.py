"""ClinGen dosage sensitivity: is one copy too few (haploinsufficiency) or three too many
(triplosensitivity) for a gene or a recurrent region?

ClinGen scores each curated gene and region on two axes with the same scale: 3 sufficient,
2 emerging, 1 little evidence, 0 no evidence, 30 gene associated with autosomal recessive
disease, 40 dosage sensitivity unlikely. The pinned list (``clingen_dosage_hi_ts_regions.csv.gz``)
gives GRCh38 spans; a gene is matched by HGNC id (then symbol), a region by overlap: a CNV counts
for a region when it covers at least half of it (:data:`REGION_COVERAGE`), since a deletion
larger than a recurrent region deletes it all, and one that takes half the critical region
usually removes the dosage-sensitive genes in it.

How much a score weighs is read off the knowledge, never off a benchmark, as for gnomAD
constraint: the likelihood ratio of a score class is

    P(class | a gene HPO links to disease of this inheritance) / P(class | any known disease gene)

so a deletion of a gene ClinGen scores 3 counts for more in a dominant explanation, and one
scored 30 (recessive) counts for a recessive explanation but against a dominant one.

>>> table = DosageTable.from_rows([("G", "GENEA", "HGNC:1", "chr1", 100, 200, 3, 0)], [])
>>> table.gene("HGNC:1").haplo, table.gene("GENEA").triplo
(3, 0)
>>> describe_score(3), describe_score(30), describe_score(None)
('sufficient evidence', 'autosomal recessive', 'not curated')
"""
from __future__ import annotations

import bisect
import csv
import gzip
import io
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from workbench.model import normalise_chrom

DOSAGE_FILE = "clingen_dosage_hi_ts_regions.csv.gz"
REGION_COVERAGE = 0.5
"""Share of a ClinGen region a CNV must cover to count as a CNV of that region."""

_SCORE_WORDS = {3: "sufficient evidence", 2: "emerging evidence", 1: "little evidence", 0: "no evidence",
                30: "autosomal recessive", 40: "dosage sensitivity unlikely"}
_CLASSES = (3, 2, 1, 0, 30, 40, None)  # None: not curated by ClinGen
_SPAN = re.compile(r"^(?:chr)?([0-9XYxy]+):\s*(\d+)\s*-\s*(\d+)$")


def describe_score(score: int | None) -> str:
    return _SCORE_WORDS.get(score, "not curated") if score is not None else "not curated"


@dataclass(frozen=True)
class DosageRecord:
    """One ClinGen curation: a gene (``kind`` "gene") or a region, with its two scores."""

    kind: str
    name: str  # gene symbol or region name
    curation_id: str  # HGNC id for genes, ISCA id for regions
    chrom: str
    start: int  # 1-based inclusive, GRCh38
    end: int
    haplo: int | None
    triplo: int | None

    def score(self, loss: bool) -> int | None:
        return self.haplo if loss else self.triplo


class DosageTable:
    """Curated genes by HGNC id and symbol; regions by position (queried with :meth:`regions`)."""

    def __init__(self, records: Iterable[DosageRecord]) -> None:
        self._genes: dict[str, DosageRecord] = {}
        regions: dict[str, list[DosageRecord]] = defaultdict(list)
        for record in records:
            if record.kind == "gene":
                self._genes[record.curation_id.upper()] = record
                self._genes.setdefault(record.name.upper(), record)
            else:
                regions[record.chrom].append(record)
        self._regions = {chrom: sorted(items, key=lambda r: r.start) for chrom, items in regions.items()}
        self._starts = {chrom: [r.start for r in items] for chrom, items in self._regions.items()}
        self._log10_lr: dict[tuple[bool, str, int | None], float] = {}

    @classmethod
    def from_rows(cls, genes: Iterable[tuple], regions: Iterable[tuple]) -> "DosageTable":
        """From plain tuples (kind, name, id, chrom, start, end, haplo, triplo), for tests."""
        return cls(DosageRecord(kind="gene" if row[0] == "G" else "region", name=row[1], curation_id=row[2],
                                chrom=normalise_chrom(row[3]), start=row[4], end=row[5], haplo=row[6], triplo=row[7])
                   for row in (*genes, *regions))

    @property
    def gene_count(self) -> int:
        return len({r.curation_id for r in self._genes.values()})

    def gene(self, key: str | None) -> DosageRecord | None:
        """The curation of a gene by HGNC id or symbol, or None when ClinGen has not curated it."""
        return self._genes.get((key or "").upper())

    def regions(self, chrom: str, start: int, end: int) -> tuple[DosageRecord, ...]:
        """Curated regions that the span ``start``-``end`` covers at least :data:`REGION_COVERAGE` of."""
        items = self._regions.get(normalise_chrom(chrom), [])
        found = []
        for record in items[:bisect.bisect_right(self._starts.get(normalise_chrom(chrom), []), end)]:
            overlap = min(end, record.end) - max(start, record.start) + 1
            if overlap > 0 and overlap >= REGION_COVERAGE * (record.end - record.start + 1):
                found.append(record)
        return tuple(found)

    def calibrate(self, groups_by_gene: Mapping[str, frozenset[str]]) -> None:
        """Work out each score class's LR from the genes HPO links to disease (see module doc).

        ``groups_by_gene`` maps each HGNC id with a disease to its diseases' inheritance groups.
        """
        for loss in (True, False):
            def class_of(hgnc_id: str) -> int | None:
                record = self._genes.get(hgnc_id.upper())
                return record.score(loss) if record else None

            known = [class_of(h) for h in groups_by_gene]
            for group in ("dominant", "recessive"):
                members = [class_of(h) for h, groups in groups_by_gene.items() if group in groups]
                for klass in _CLASSES:
                    share = (members.count(klass) + 1) / (len(members) + len(_CLASSES))
                    baseline = (known.count(klass) + 1) / (len(known) + len(_CLASSES))
                    self._log10_lr[(loss, group, klass)] = math.log10(share / baseline)

    def log10_lr(self, score: int | None, loss: bool, group: str) -> float | None:
        """The LR of a gene's score for a loss (haplo) or gain (triplo) explaining a ``group``
        disease; None before :meth:`calibrate` or for a group without a table."""
        return self._log10_lr.get((loss, group, score if score in _CLASSES else None))


def _score(text: str) -> int | None:
    """'3 (Sufficient Evidence)' -> 3; "'-" or '' -> None."""
    match = re.match(r"\s*(\d+)", text or "")
    return int(match[1]) if match else None


def read_dosage(path: Path) -> DosageTable:
    """The ClinGen curation list as CNVoyant ships it (CSV; a byte-order mark and a blank
    first column header are tolerated). Records without GRCh38 coordinates are kept for gene
    lookup with an empty span."""
    opener = gzip.open if path.suffix == ".gz" else open
    records = []
    with opener(path, "rb") as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        fields = reader.fieldnames or []
        needed = {"Gene/Region", "HGNC/Dosage ID", "GRCh38", "HI Score", "TS Score"}
        if not needed <= set(fields):
            from workbench.knowledge.sources import SourceError

            raise SourceError(f"{path}: line 1: not a ClinGen dosage list (lacks {sorted(needed - set(fields))})")
        kind_column = fields[0]
        for row in reader:
            kind = (row.get(kind_column) or "").strip()
            if kind not in ("G", "R"):
                continue
            span = _SPAN.match((row.get("GRCh38") or "").strip())
            chrom, start, end = (normalise_chrom(span[1]), int(span[2]), int(span[3])) if span else ("", 0, -1)
            records.append(DosageRecord("gene" if kind == "G" else "region", row["Gene/Region"].strip(),
                                        row["HGNC/Dosage ID"].strip(), chrom, start, end,
                                        _score(row["HI Score"]), _score(row["TS Score"])))
    return DosageTable(records)
