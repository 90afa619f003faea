"""Pharmacogenomics from the trio's calls: star-allele diplotypes, phenotypes and CPIC guidance per drug.

Fed by io (:func:`workbench.io.sites.read_family_sites`) and the pinned tables
(:mod:`workbench.knowledge.pgx_tables`); knows nothing of the store, the web or reports.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

from workbench.io.ped import Pedigree
from workbench.io.sites import read_family_sites
from workbench.knowledge.pgx_tables import PgxTables, load_pgx_tables
from workbench.pgx.caller import CALLABLE_GENES, INDEL_WINDOW, NOT_CALLABLE, PgxOptions, call_panel
from workbench.pgx.model import CallStatus, DrugGuidance, GeneResult, PgxPanel, SiteEvidence

__all__ = ["CALLABLE_GENES", "NOT_CALLABLE", "CallStatus", "DrugGuidance", "GeneResult", "PgxOptions", "PgxPanel",
           "SiteEvidence", "call_panel", "panel_positions", "run_panel"]


def panel_positions(tables: PgxTables) -> list[tuple[str, int]]:
    """Every defining position of the callable genes (what the VCF must be read at), and the bases around a
    defining indel (where a caller may have written the same indel at another position)."""
    out = []
    for gene in CALLABLE_GENES:
        for v in tables.genes[gene].defining_variants if gene in tables.genes else ():
            around = INDEL_WINDOW if len(v.ref) != len(v.alt) else 0
            out += [(v.chrom, p) for p in range(v.pos - around, v.pos + around + 1)]
    return out


def run_panel(vcf: str | Path | Sequence[str | Path], pedigree: Pedigree, proband_id: str | None = None,
              options: PgxOptions = PgxOptions(), tables: PgxTables | None = None) -> PgxPanel:
    """Read the VCF at the panel's positions and gene regions, and call every gene (what the CLI, UI and tests do)."""
    tables = tables or load_pgx_tables()
    regions = [tables.genes[g].region for g in CALLABLE_GENES if g in tables.genes and tables.genes[g].region]
    sites = read_family_sites(vcf, pedigree, panel_positions(tables), proband_id, regions)  # type: ignore[arg-type]
    return call_panel(sites, tables, options)
