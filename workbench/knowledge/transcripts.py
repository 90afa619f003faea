"""MANE transcripts: the RefSeq twin (NM_/NP_) of each Ensembl MANE transcript (ENST/ENSP), and back.

A clinical report names a variant on the MANE Select transcript in both nomenclatures; VEP
annotates Ensembl ids, so the report looks the RefSeq pair up here. MANE transcripts match
exactly (same exons, same CDS), so a ``c.`` and ``p.`` description is the same on either.
Ids match without their version suffix (an ENST in a VCF is often unversioned); the pinned
accession, version included, is what the report prints.

>>> mane = load_mane()
>>> hit = mane.for_transcript("ENST00000375437")
>>> hit.symbol, hit.refseq_transcript, hit.status
('SCN2A', 'NM_001040142.2', 'MANE Select')
>>> mane.for_transcript("NM_001040142").ensembl_transcript
'ENST00000375437.7'
>>> mane.select_for_gene("HGNC:10588").refseq_protein
'NP_001035232.1'
"""
from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from pathlib import Path

from workbench import paths
from workbench.knowledge.sources import SourceError, open_binary, read_sources_manifest, source_path

MANE_FILE = "MANE.GRCh38.v1.5.summary.txt"
_COLUMNS = ("HGNC_ID", "symbol", "RefSeq_nuc", "RefSeq_prot", "Ensembl_nuc", "Ensembl_prot", "MANE_status")


@dataclass(frozen=True)
class ManeTranscript:
    symbol: str
    hgnc_id: str
    refseq_transcript: str  # NM_ with version
    refseq_protein: str  # NP_
    ensembl_transcript: str  # ENST with version
    ensembl_protein: str  # ENSP
    status: str  # "MANE Select" | "MANE Plus Clinical"


def _unversioned(accession: str) -> str:
    return accession.split(".", 1)[0].strip()


class ManeTranscripts:
    """Lookup by any of the four accessions (version ignored) or by gene symbol / HGNC id."""

    def __init__(self, transcripts: tuple[ManeTranscript, ...], version: str) -> None:
        self.version = version
        self.transcripts = transcripts
        self._by_accession: dict[str, ManeTranscript] = {}
        self._select: dict[str, ManeTranscript] = {}
        for t in transcripts:
            for accession in (t.refseq_transcript, t.refseq_protein, t.ensembl_transcript, t.ensembl_protein):
                if accession:
                    self._by_accession[_unversioned(accession)] = t
            if t.status == "MANE Select":
                self._select[t.symbol] = t
                self._select[t.hgnc_id] = t

    def __len__(self) -> int:
        return len(self.transcripts)

    def for_transcript(self, accession: str | None) -> ManeTranscript | None:
        """The MANE entry of a transcript or protein accession (``ENST…:c.…`` prefixes allowed)."""
        if not accession:
            return None
        return self._by_accession.get(_unversioned(accession.split(":", 1)[0]))

    def select_for_gene(self, gene: str | None) -> ManeTranscript | None:
        return self._select.get(gene) if gene else None


def read_mane(path: Path, version: str = "MANE") -> ManeTranscripts:
    """Parse a MANE ``summary.txt`` (plain or gzip); SourceError names the file when it is not one."""
    rows = []
    with io.TextIOWrapper(open_binary(path), encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        header = [c.lstrip("#") for c in reader.fieldnames or ()]
        if not set(_COLUMNS) <= set(header):
            raise SourceError(f"{path}: not a MANE summary file (missing {sorted(set(_COLUMNS) - set(header))})")
        reader.fieldnames = header
        for row in reader:
            rows.append(ManeTranscript(row["symbol"], row["HGNC_ID"], row["RefSeq_nuc"], row["RefSeq_prot"],
                                       row["Ensembl_nuc"], row["Ensembl_prot"], row["MANE_status"]))
    return ManeTranscripts(tuple(rows), version)


@functools.lru_cache(maxsize=2)
def _load(directory: Path) -> ManeTranscripts | None:
    path = source_path(directory, MANE_FILE)
    if not path.exists():
        return None
    version = read_sources_manifest(directory).get("mane", {}).get("version", "MANE (unversioned)")
    return read_mane(path, version)


def load_mane(directory: Path | None = None) -> ManeTranscripts | None:
    """The pinned MANE table of the knowledge folder; None when the folder has none (reports then
    print the annotated transcript only and say the RefSeq twin was not looked up)."""
    return _load(Path(directory or paths.knowledge_dir()).resolve())


def nmd_prediction(chrom: str, pos: int, gene_symbol: str, table=None) -> str | None:
    """Whether a truncation at ``pos`` is predicted to trigger nonsense-mediated decay, from the MANE exons
    (the PVS1 decision tree's first question): "predicted", "escapes (last exon)", "escapes (last 50 nt of
    the penultimate exon)", or None when the gene's MANE exons are not known here.

    >>> nmd_prediction("chr2", 165392000, "SCN2A")  # in SCN2A's last exon (plus strand)
    'escapes (last exon)'
    >>> nmd_prediction("chr2", 165310406, "SCN2A")
    'predicted'
    """
    from workbench.knowledge.gene_table import load_gene_table

    table = table or load_gene_table()
    gene = next((g for g in table._genes.get(chrom, ()) if g.symbol == gene_symbol and g.start <= pos <= g.end), None)
    if gene is None or len(gene.exons) < 2:
        return None
    ordered = list(reversed(gene.exons)) if gene.minus_strand else list(gene.exons)  # transcript order
    last, penultimate = ordered[-1], ordered[-2]
    if last[0] <= pos <= last[1]:
        return "escapes (last exon)"
    three_prime_end = penultimate[0] if gene.minus_strand else penultimate[1]
    if penultimate[0] <= pos <= penultimate[1] and abs(three_prime_end - pos) < 50:
        return "escapes (last 50 nt of the penultimate exon)"
    return "predicted"
