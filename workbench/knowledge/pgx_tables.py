"""The pinned pharmacogenomic knowledge: star-allele definitions, diplotype -> phenotype, CPIC drugs and texts.

Read from ``ontology/`` (see SOURCES.json): pypgx 0.27.0's allele, diplotype, phenotype, equation, gene and
CPIC tables (GRCh38 positions), the CPIC guideline rows of PAnno 0.3.1's knowledge base, and the ACMG SF
v3.2 gene list. Everything returned is frozen plain data; no calling logic lives here.

>>> tables = load_pgx_tables()
>>> panel = tables.genes["CYP2C19"]
>>> panel.default_allele, [a.name for a in panel.alleles if a.name == "*2"][0]
('*38', '*2')
>>> tables.phenotype("CYP2C19", "*2", "*2")
'Poor Metabolizer'
>>> tables.drug_for_rxnorm("1596450")
'gentamicin'
"""
from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from workbench.knowledge.sources import SourceError, open_binary, read_sources_manifest, source_path
from workbench.paths import knowledge_dir

ALLELE_FILE = "pypgx_allele_table.csv"
DIPLOTYPE_FILE = "pypgx_diplotype_table.csv"
PHENOTYPE_FILE = "pypgx_phenotype_table.csv"
EQUATION_FILE = "pypgx_equation_table.csv"
GENE_FILE = "pypgx_gene_table.csv"
CPIC_FILE = "pypgx_cpic_table.csv"
RECOMMENDATION_FILE = "pypgx_recommendation_table.csv"
VARIANT_FILE = "pypgx_variant_table.csv"
GUIDELINE_FILE = "panno_cpic_guidelines.tsv"
ACMG_SF_FILE = "acmg_sf_v3.2.tsv"


@dataclass(frozen=True)
class DefiningVariant:
    """One GRCh38 change that defines a star allele: ``chrom`` in ``chr1`` style, alleles as the table gives them."""

    chrom: str
    pos: int
    ref: str
    alt: str
    rsid: str = ""

    @property
    def key(self) -> str:
        return f"{self.chrom}:{self.pos}:{self.ref}:{self.alt}"


@dataclass(frozen=True)
class StarAllele:
    gene: str
    name: str
    function: str
    activity_score: float | None
    core: tuple[DefiningVariant, ...]  # empty for the reference allele and for alleles without GRCh38 positions
    structural: bool  # defined by a deletion/duplication/hybrid: small-variant calls cannot see it


@dataclass(frozen=True)
class GenePanel:
    """A pharmacogene as the tables define it."""

    gene: str
    phenotype_method: str  # "Diplotype", "Score" or "N/A" (no phenotype: genotype-level guidance only)
    default_allele: str  # the allele of a haplotype carrying none of the defining variants (GRCh38 reference)
    alleles: tuple[StarAllele, ...]
    has_structural_alleles: bool
    region: tuple[str, int, int] | None = None  # GRCh38 gene region (chr-style chrom, start, end)
    reference_allele: str = ""  # the nomenclature's reference (CYP2C19*1), which GRCh38 may not carry (*38)

    @property
    def defining_variants(self) -> tuple[DefiningVariant, ...]:
        seen: dict[str, DefiningVariant] = {}
        for allele in self.alleles:
            for variant in allele.core:
                seen.setdefault(variant.key, variant)
        return tuple(sorted(seen.values(), key=lambda v: (v.pos, v.ref, v.alt)))

    def allele(self, name: str) -> StarAllele | None:
        return next((a for a in self.alleles if a.name == name), None)


@dataclass(frozen=True)
class CpicDrug:
    gene: str
    drug: str
    rxnorm: str
    guideline_url: str
    cpic_level: str
    pmids: str


@dataclass(frozen=True)
class GuidelineText:
    """One CPIC recommendation row: for a phenotype (or genotype) of a gene, what to do with a drug."""

    gene: str
    drug: str
    phenotype: str
    genotype: str
    recommendation: str
    source: str  # which pinned table it came from


@dataclass(frozen=True)
class SecondaryFindingGene:
    symbol: str
    domain: str
    inheritance: str  # AD, AR, XL
    lof_mechanism: bool
    note: str


@dataclass(frozen=True)
class PgxTables:
    genes: dict[str, GenePanel]
    diplotypes: dict[tuple[str, str], str]  # (gene, "A/B") -> phenotype
    priorities: dict[tuple[str, str], str]  # (gene, phenotype) -> "Abnormal/Priority/High Risk", ...
    score_bands: dict[str, tuple[tuple[str, float, float], ...]]  # gene -> (phenotype, low, high) half-open
    drugs: tuple[CpicDrug, ...]
    guidelines: tuple[GuidelineText, ...]
    secondary_findings: dict[str, SecondaryFindingGene]
    version: str

    def phenotype(self, gene: str, first: str, second: str) -> str | None:
        """The table's phenotype of a diplotype (either order), or None when the table does not list it."""
        return self.diplotypes.get((gene, f"{first}/{second}")) or self.diplotypes.get((gene, f"{second}/{first}"))

    def phenotype_from_score(self, gene: str, score: float) -> str | None:
        for phenotype, low, high in self.score_bands.get(gene, ()):
            if low <= score < high:
                return phenotype
        return None

    def drugs_for(self, gene: str) -> tuple[CpicDrug, ...]:
        return tuple(d for d in self.drugs if d.gene == gene)

    def drug_for_rxnorm(self, code: str) -> str | None:
        """The CPIC drug name of an ingredient-level RxNorm code (the CPIC table's own mapping)."""
        return next((d.drug for d in self.drugs if d.rxnorm == code.strip()), None)

    def guidelines_for(self, gene: str, drug: str) -> tuple[GuidelineText, ...]:
        return tuple(g for g in self.guidelines if g.gene == gene and g.drug == drug)


def _rows(directory: Path, name: str, delimiter: str = ",") -> Iterator[dict[str, str]]:
    path = source_path(directory, name)
    with open_binary(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        lines = (line for line in text if not line.startswith("#"))
        yield from csv.DictReader(lines, delimiter=delimiter)


def _na(text: str) -> str:
    return "" if text in ("N/A", "NA", "None") else text


def _unquote(text: str) -> str:
    """PAnno keeps some texts wrapped in literal quote marks."""
    return text.strip().strip('"').strip()


def chrom_name(table_chrom: str) -> str:
    """pypgx writes ``10`` / ``X`` / ``M``; the model compares on ``chr10`` / ``chrX`` / ``chrM``."""
    return "chrM" if table_chrom in ("M", "MT") else f"chr{table_chrom}"


def _variants(spec: str, rsids: dict[str, str], where: str) -> tuple[DefiningVariant, ...]:
    out = []
    for item in filter(None, (s.strip() for s in _na(spec).split(","))):
        parts = item.split("-")
        if len(parts) != 4 or not parts[1].isdigit():
            raise SourceError(f"{where}: cannot read the defining variant {item!r}")
        out.append(DefiningVariant(chrom_name(parts[0]), int(parts[1]), parts[2], parts[3], rsids.get(item, "")))
    return tuple(out)


_BAND = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*<=\s*score\s*(?:<\s*(\d+(?:\.\d+)?))?|(\d+(?:\.\d+)?)\s*==\s*score)\s*$")


def _score_band(equation: str, where: str) -> tuple[float, float]:
    match = _BAND.match(equation)
    if not match:
        raise SourceError(f"{where}: cannot read the equation {equation!r}")
    if match.group(3) is not None:
        value = float(match.group(3))
        return value, value + 1e-9
    low = float(match.group(1))
    return low, float(match.group(2)) if match.group(2) else float("inf")


def read_pgx_tables(directory: Path) -> PgxTables:
    rsids = {}
    for row in _rows(directory, VARIANT_FILE):
        rsids[row["GRCh38Name"]] = _na(row["rsID"])
    alleles: dict[str, list[StarAllele]] = {}
    for n, row in enumerate(_rows(directory, ALLELE_FILE), start=2):
        where = f"{ALLELE_FILE} line {n}"
        score = _na(row["ActivityScore"])
        alleles.setdefault(row["Gene"], []).append(StarAllele(
            row["Gene"], row["StarAllele"], row["Function"], float(score) if score else None,
            _variants(row["GRCh38Core"], rsids, where), row["SV"].upper() == "TRUE"))
    genes = {}
    for row in _rows(directory, GENE_FILE):
        gene = row["Gene"]
        own = tuple(alleles.get(gene, ()))
        region = re.match(r"^(\w+):(\d+)-(\d+)$", _na(row["GRCh38Region"]))
        genes[gene] = GenePanel(gene, _na(row["PhenotypeMethod"]) or "N/A", _na(row["GRCh38Default"]), own,
                                row["SV"].upper() == "TRUE" or any(a.structural for a in own),
                                (chrom_name(region[1]), int(region[2]), int(region[3])) if region else None,
                                _na(row["RefAllele"]))
    diplotypes = {(r["Gene"], r["Diplotype"]): r["Phenotype"] for r in _rows(directory, DIPLOTYPE_FILE)}
    priorities = {(r["Gene"], r["Phenotype"]): _na(r["Priority"]) for r in _rows(directory, PHENOTYPE_FILE)}
    bands: dict[str, list[tuple[str, float, float]]] = {}
    for n, row in enumerate(_rows(directory, EQUATION_FILE), start=2):
        bands.setdefault(row["Gene"], []).append((row["Phenotype"],
                                                  *_score_band(row["Equation"], f"{EQUATION_FILE} line {n}")))
    drugs = tuple(CpicDrug(r["Gene"], r["Drug"], _na(r["RxNorm"]), _na(r["Guideline"]), _na(r["CPICLevel"]),
                           _na(r["PMID"])) for r in _rows(directory, CPIC_FILE))
    guidelines = [GuidelineText(r["Gene"], r["Drug"], _unquote(r["Phenotype"]), _unquote(r["Genotype"]),
                                _unquote(r["Recommendation"]), "CPIC via PAnno 0.3.1")
                  for r in _rows(directory, GUIDELINE_FILE, "\t")]
    for r in _rows(directory, RECOMMENDATION_FILE):  # pypgx's own rows, used where PAnno has none
        for gene, phenotype in ((r["Gene1"], r["Phenotype1"]), (r["Gene2"], r["Phenotype2"])):
            if _na(gene) and _na(r["Recommendation"]):
                guidelines.append(GuidelineText(gene, r["Drug"], phenotype, "", r["Recommendation"],
                                                "CPIC via pypgx 0.27.0"))
    sf = {}
    for r in _rows(directory, ACMG_SF_FILE, "\t"):
        sf[r["symbol"]] = SecondaryFindingGene(r["symbol"], r["domain"], r["inheritance"],
                                               r["lof_mechanism"] == "yes", r["note"])
    manifest = read_sources_manifest(directory)
    version = "; ".join(manifest[k]["version"] for k in ("pypgx", "cpic_guidelines", "acmg_sf") if k in manifest)
    return PgxTables(genes, diplotypes, priorities, {g: tuple(b) for g, b in bands.items()}, drugs,
                     tuple(guidelines), sf, version or "pharmacogenomic tables (unversioned)")


@functools.lru_cache(maxsize=4)
def _cached(directory: str) -> PgxTables:
    return read_pgx_tables(Path(directory))


def load_pgx_tables(directory: Path | None = None) -> PgxTables:
    """The pinned tables of ``directory`` (default: the knowledge folder), read once per process."""
    return _cached(str(directory or knowledge_dir()))
