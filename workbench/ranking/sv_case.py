"""A case's CNV/SV calls, read and placed beside its small variants (issue 22).

:func:`workbench.ranking.case.find_candidates` calls :func:`add_structural` once: it reads the
SV/CNV VCF(s) given with the case and any SV records found in the small-variant VCF, runs the
trio logic of :mod:`workbench.inheritance.sv` with the pinned gene table, gnomAD SV and ClinGen
knowledge, and returns the variant list the inheritance analysis should see (small variants,
apparent homozygotes over a deletion rewritten, plus the proband's SV alleles in genes),
with the input issues the case should show (section "sv").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from workbench.model import StructuralVariant, Variant
from workbench.notepad import InputIssue, Level

MAX_PROBLEMS_NAMED = 5
SV_GENE_TYPES = ("protein_coding", "snRNA", "snoRNA", "miRNA", "misc_RNA", "rRNA", "scaRNA", "lncRNA")
"""Genes a CNV is placed in: protein-coding ones, and RNA genes HPO links to a disease (e.g. RNU4-2)."""


@dataclass(frozen=True)
class StructuralSummary:
    """What the case keeps of its SV calls: the proband's alleles in genes and per-person counts."""

    alleles: tuple[StructuralVariant, ...] = ()
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    knowledge_version: str = ""


def add_structural(calls, sv_vcf: Sequence[str | Path], knowledge) -> tuple[tuple[Variant, ...], list[InputIssue],
                                                                          StructuralSummary]:
    """(variants for the inheritance analysis, input issues, summary) for the small-variant reading
    ``calls`` (:class:`~workbench.io.FamilyCalls`) and the SV files ``sv_vcf``."""
    from workbench.collector import collector_paused

    with collector_paused():  # tens of thousands of small objects: the collector would only rescan the heap
        return _add_structural(calls, sv_vcf, knowledge)


def _add_structural(calls, sv_vcf, knowledge):
    from workbench.inheritance.sv import read_structural
    from workbench.io import ReadOptions
    from workbench.io.sv_vcf import EMPTY, read_sv_lines, read_sv_vcfs
    from workbench.knowledge.gene_table import load_gene_table
    from workbench.knowledge.sv_knowledge import calibrated_sv_knowledge

    trio = calls.trio
    sv = read_sv_vcfs(list(sv_vcf), trio) if sv_vcf else EMPTY
    warnings: list[InputIssue] = []
    if calls.structural_lines:
        mixed = read_sv_lines(calls.samples, calls.structural_lines, trio, calls.source)
        sv = sv.merged(mixed)
        warnings.append(InputIssue(Level.INFO, f"{calls.source}: {len(calls.structural_lines)} SV record(s) among "
                                   "the small variants were read as CNV/SV calls", "", "sv"))
    if not sv.events and not sv.problems:
        return calls.variants, warnings, StructuralSummary(sources=sv.sources)
    sv_knowledge = calibrated_sv_knowledge(knowledge)
    warnings += [InputIssue(Level.WARNING, w, "restore the pinned file (workbench ontology update)", "knowledge")
                 for w in sv_knowledge.warnings]
    missing = [f"{role} {s.id}" for role, s in trio.members if s.id not in sv.called]
    if sv_vcf and missing:
        warnings.append(InputIssue(Level.WARNING, f"no CNV/SV calls for {', '.join(missing)}: their copy number is "
                                   "not assessed (de novo and in-trans CNV calls cannot be confirmed)",
                                   "give that person's CNV/SV VCF too (--sv-vcf, repeatable)", "sv"))
    if sv.problems:
        named = "; ".join(str(p) for p in sv.problems[:MAX_PROBLEMS_NAMED])
        more = f" (and {len(sv.problems) - MAX_PROBLEMS_NAMED} more)" if len(sv.problems) > MAX_PROBLEMS_NAMED else ""
        warnings.append(InputIssue(Level.WARNING, f"{len(sv.problems)} CNV/SV record(s) or calls could not be used: "
                                   f"{named}{more}", "fix or remove the malformed SV records", "sv"))
    reading = read_structural(sv.events, sv.called, calls.variants, trio, load_gene_table(gene_types=SV_GENE_TYPES),
                              sv_knowledge, hgnc_of=_hgnc_lookup(knowledge),
                              max_population_af=ReadOptions().max_population_af,
                              keep_gene=_disease_or_coding(knowledge))
    warnings += [InputIssue(Level.INFO, note, "", "sv") for note in reading.notes]
    summary = StructuralSummary(reading.alleles, reading.counts, sv.sources, sv_knowledge.version)
    return reading.small_variants + reading.alleles, warnings, summary


def _disease_or_coding(knowledge):
    def keep(gene) -> bool:
        if gene.gene_type == "protein_coding":
            return True
        found = knowledge.genes.lookup(gene.ensembl_gene) or knowledge.genes.lookup(gene.symbol)
        return found is not None and found.hgnc_id in knowledge.disease_rows_by_gene
    return keep


def _hgnc_lookup(knowledge):
    def hgnc_of(symbol: str) -> str | None:
        gene = knowledge.genes.lookup(symbol)
        return gene.hgnc_id if gene else None
    return hgnc_of
