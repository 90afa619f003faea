"""Pharmacogenomics from the trio's calls: star-allele diplotypes, phenotypes and CPIC guidance per drug.

Fed by io (:func:`workbench.io.sites.read_family_sites`) and the pinned tables
(:mod:`workbench.knowledge.pgx_tables`); knows nothing of the store, the web or reports.
"""
from workbench.pgx.caller import CALLABLE_GENES, NOT_CALLABLE, PgxOptions, call_panel
from workbench.pgx.model import CallStatus, DrugGuidance, GeneResult, PgxPanel, SiteEvidence

__all__ = ["CALLABLE_GENES", "NOT_CALLABLE", "CallStatus", "DrugGuidance", "GeneResult", "PgxOptions", "PgxPanel",
           "SiteEvidence", "call_panel", "panel_positions", "run_panel"]


def panel_positions(tables) -> list[tuple[str, int]]:
    """Every defining position of the callable genes (what the VCF must be read at)."""
    return [(v.chrom, v.pos) for g in CALLABLE_GENES if g in tables.genes for v in tables.genes[g].defining_variants]


def run_panel(vcf, pedigree, proband_id=None, options: PgxOptions = PgxOptions(), tables=None) -> PgxPanel:
    """Read the VCF at the panel's positions and call every gene (the one call the CLI, UI and tests make)."""
    from workbench.io.sites import read_family_sites
    from workbench.knowledge.pgx_tables import load_pgx_tables
    tables = tables or load_pgx_tables()
    regions = [tables.genes[g].region for g in CALLABLE_GENES if g in tables.genes and tables.genes[g].region]
    sites = read_family_sites(vcf, pedigree, panel_positions(tables), proband_id, regions)
    return call_panel(sites, tables, options)
