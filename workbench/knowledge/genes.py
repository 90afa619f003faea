"""HGNC gene lookup: any name a file or a person uses -> the gene under its current symbol."""
from __future__ import annotations

from typing import Iterator

from workbench.knowledge.sources import HgncRecord, symbol_index
from workbench.model import Gene


class GeneIndex:
    """Approved HGNC genes, found by symbol, alias, previous symbol, HGNC id, Ensembl or NCBI id.

    Current symbols win over previous symbols, which win over aliases; a previous symbol or
    alias shared by several genes is ambiguous and finds nothing (rather than a wrong gene).
    """

    def __init__(self, records: tuple[HgncRecord, ...]) -> None:
        # Columns, not Gene objects: 44,000 objects would slow the cache load; built on lookup.
        self._hgnc_ids = [r.hgnc_id for r in records]
        self._symbols = [r.symbol for r in records]
        self._names = [r.name for r in records]
        self._ensembl = [r.ensembl_gene for r in records]
        self._ncbi = [r.ncbi_gene for r in records]
        row = {hgnc_id: i for i, hgnc_id in enumerate(self._hgnc_ids)}
        self._by_key: dict[str, int] = {name: row[h] for name, h in symbol_index(records).items()}
        for i, r in enumerate(records):
            if r.ensembl_gene:
                self._by_key[r.ensembl_gene.upper()] = i
            if r.ncbi_gene:
                self._by_key.setdefault(r.ncbi_gene, i)
            self._by_key[r.hgnc_id.upper()] = i
        self._built: dict[int, Gene] = {}

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_built": {}}  # Gene objects are rebuilt on demand, not cached on disk

    def _gene(self, i: int) -> Gene:
        gene = self._built.get(i)
        if gene is None:
            gene = self._built[i] = Gene(
                hgnc_id=self._hgnc_ids[i], symbol=self._symbols[i], name=self._names[i],
                ensembl_gene=self._ensembl[i], ncbi_gene=self._ncbi[i],
            )
        return gene

    def __len__(self) -> int:
        return len(self._hgnc_ids)

    def __iter__(self) -> Iterator[Gene]:
        return (self._gene(i) for i in range(len(self._hgnc_ids)))

    def by_hgnc_id(self, hgnc_id: str) -> Gene | None:
        i = self._by_key.get(hgnc_id.upper())
        return self._gene(i) if i is not None and self._hgnc_ids[i] == hgnc_id else None

    def lookup(self, text: str) -> Gene | None:
        """The gene a name or id denotes, or None.

        Accepts ``BRCA1``, ``HGNC:1100``, ``ENSG00000012048`` (version suffix ignored), ``672``
        (NCBI gene), an alias or a previous symbol, in any letter case.
        """
        key = text.strip().upper()
        if key.startswith("ENSG") and "." in key:
            key = key.split(".", 1)[0]
        if key.startswith("NCBIGENE:"):
            key = key.split(":", 1)[1]
        i = self._by_key.get(key)
        return None if i is None else self._gene(i)

    def symbol(self, text: str) -> str | None:
        """The current HGNC symbol for any name of a gene (None if unknown)."""
        gene = self.lookup(text)
        return gene.symbol if gene else None
