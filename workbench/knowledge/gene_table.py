"""Place a variant in protein-coding genes by position, for VCFs that carry no annotation.

Gene spans come from GENCODE v44 (``gencode_v44_genes.tsv.gz``, 0-based starts) and exons from
its MANE Select transcripts (``gencode_v44_mane_exons.bed.gz``). Without an annotation we can
say where a variant lies (exon, within 8 bp of a splice boundary, intron, 5 kb up- or
downstream) but not what it does, so every result carries :attr:`Impact.UNKNOWN` and a label
ending in "(position only)". Symbols and Ensembl ids are kept as GENCODE gives them (without
the version suffix); the ranking resolves them to current HGNC genes.

>>> table = load_gene_table()
>>> [(c.gene_symbol, c.consequence) for c in table.place("chr7", 117559593, "ATCT", "A")]
[('CFTR', 'exonic (position only)')]
"""
from __future__ import annotations

import bisect
import gzip
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from workbench.model import GeneConsequence, Impact, normalise_chrom
from workbench.paths import knowledge_dir

GENE_TABLE_LABEL = "GENCODE v44"
GENES_FILE = "gencode_v44_genes.tsv.gz"
EXONS_FILE = "gencode_v44_mane_exons.bed.gz"
SPLICE_REGION_BP = 8  # intronic bases next to an exon boundary counted as splice region
FLANK_BP = 5000  # up-/downstream distance, as VEP uses
POSITION_ONLY = " (position only)"


@dataclass(frozen=True)
class _Gene:
    symbol: str
    ensembl_gene: str
    start: int  # 1-based, inclusive
    end: int
    minus_strand: bool
    transcript: str | None
    exons: tuple[tuple[int, int], ...]  # MANE exons, 1-based inclusive, sorted
    gene_type: str = "protein_coding"  # GENCODE gene type (other types only in tables asked for them)


GeneSpan = _Gene  # a gene's span and MANE exons, as CNV annotation sees it


class GeneTable:
    """Protein-coding gene spans and MANE exons per chromosome; build with :func:`load_gene_table`."""

    def __init__(self, genes: list[tuple[str, _Gene]]):
        by_chrom: dict[str, list[_Gene]] = {}
        for chrom, gene in genes:
            by_chrom.setdefault(chrom, []).append(gene)
        self._genes: dict[str, list[_Gene]] = {}
        self._starts: dict[str, list[int]] = {}
        self._max_end: dict[str, list[int]] = {}  # running maximum of ends: stops the backward scan
        for chrom, items in by_chrom.items():
            items.sort(key=lambda g: g.start)
            running, max_end = 0, []
            for g in items:
                running = max(running, g.end)
                max_end.append(running)
            self._genes[chrom] = items
            self._starts[chrom] = [g.start for g in items]
            self._max_end[chrom] = max_end

    def __len__(self) -> int:
        return sum(len(v) for v in self._genes.values())

    def place(self, chrom: str, pos: int, ref: str, alt: str) -> tuple[GeneConsequence, ...]:
        """Genes within 5 kb of the variant, each with a coarse position-only class."""
        chrom = normalise_chrom(chrom)
        genes = self._genes.get(chrom)
        if not genes:
            return ()
        first, last = pos, pos + max(len(ref), 1) - 1
        starts, max_end = self._starts[chrom], self._max_end[chrom]
        i = bisect.bisect_right(starts, last + FLANK_BP) - 1
        found = []
        while i >= 0 and max_end[i] >= first - FLANK_BP:
            gene = genes[i]
            if gene.end >= first - FLANK_BP and gene.start <= last + FLANK_BP:
                found.append(self._classify(gene, first, last))
            i -= 1
        return tuple(reversed(found))

    def overlapping(self, chrom: str, first: int, last: int) -> tuple["GeneSpan", ...]:
        """Genes whose span overlaps ``first``-``last`` (1-based, inclusive), in position order;
        a CNV's genes are these (see :mod:`workbench.inheritance.sv`)."""
        chrom = normalise_chrom(chrom)
        genes = self._genes.get(chrom)
        if not genes:
            return ()
        starts, max_end = self._starts[chrom], self._max_end[chrom]
        i = bisect.bisect_right(starts, last) - 1
        found = []
        while i >= 0 and max_end[i] >= first:
            if genes[i].end >= first:
                found.append(genes[i])
            i -= 1
        return tuple(reversed(found))

    @staticmethod
    def _classify(gene: _Gene, first: int, last: int) -> GeneConsequence:
        if last < gene.start or first > gene.end:
            upstream = (last < gene.start) != gene.minus_strand
            where = "upstream" if upstream else "downstream"
        elif not gene.exons:
            where = "gene body"  # no MANE transcript: exon structure unknown
        else:
            where = "intronic"
            exons = gene.exons
            for k, (start, end) in enumerate(exons):
                if first <= end and last >= start:
                    where = "exonic"
                    break
                # boundaries next to an intron: not the transcript's outer ends
                near_start = k > 0 and start - SPLICE_REGION_BP <= last < start
                near_end = k < len(exons) - 1 and end < first <= end + SPLICE_REGION_BP
                if near_start or near_end:
                    where = "splice region"
        return GeneConsequence(
            gene_symbol=gene.symbol, consequence=where + POSITION_ONLY, impact=Impact.UNKNOWN,
            ensembl_gene=gene.ensembl_gene, transcript=gene.transcript)


def _versionless(ensembl_id: str) -> str:
    return ensembl_id.split(".", 1)[0]


@lru_cache(maxsize=4)
def load_gene_table(directory: Path | None = None, gene_types: tuple[str, ...] = ("protein_coding",)) -> GeneTable:
    """Read the bundled GENCODE gene spans and MANE exons once (cached per folder and gene types).

    Small variants are placed in protein-coding genes only; CNV placement also asks for the
    non-coding RNA genes, since a deletion can remove a disease-causing snRNA gene whole."""
    folder = Path(directory) if directory is not None else knowledge_dir()
    exons: dict[str, list[tuple[int, int]]] = {}
    transcript_of: dict[str, str] = {}
    with gzip.open(folder / EXONS_FILE, "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            _, start, end, _, name, _, transcript = line.rstrip("\n").split("\t")[:7]
            exons.setdefault(name, []).append((int(start) + 1, int(end)))
            transcript_of[name] = transcript
    genes: list[tuple[str, _Gene]] = []
    with gzip.open(folder / GENES_FILE, "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            chrom, start, end, name, gene_id, strand, gene_type = line.rstrip("\n").split("\t")[:7]
            if gene_type not in gene_types:
                continue
            lo, hi = int(start) + 1, int(end)
            # a symbol's MANE exons belong to the copy of the gene they fall in (PAR genes have two)
            own = tuple(sorted(e for e in exons.get(name, ()) if lo <= e[0] and e[1] <= hi))
            genes.append((chrom, _Gene(name, _versionless(gene_id), lo, hi, strand == "-",
                                       transcript_of.get(name) if own else None, own, gene_type)))
    return GeneTable(genes)
