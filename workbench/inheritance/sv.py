"""Copy-number and structural variants seen through the family, ready for the inheritance modes.

The SV callers' records become proband alleles the ordinary mode predicates can judge:

* **Parents by reciprocal overlap.** Callers never agree to the base, and one file per person
  gives each parent's events in records of their own. A parent whose own record is not a
  carrier call is given the call of an overlapping event of the same type (each covering at
  least half of the other, :data:`~workbench.knowledge.sv_frequency.RECIPROCAL_OVERLAP`;
  breakends within :data:`BREAKPOINT_WINDOW`), so a deletion is inherited, not de novo, when the
  father's call is a few kilobases off. A parent with no SV calls at all is "not called".
* **Genes and exons** from the pinned GENCODE v44 MANE table: whole gene deleted
  (``transcript_ablation``), some exons deleted (``exon_loss_variant``), whole gene duplicated
  (``transcript_amplification``), exons duplicated with a breakpoint in the gene
  (``feature_elongation``, may disrupt it), a breakpoint of an inversion, insertion or
  translocation inside the gene (``feature_truncation``). A CNV only in an intron or beside the
  gene is not placed in it.
* **Population frequency** from gnomAD v4 SV by reciprocal overlap, and **dosage** from ClinGen.
* **Hemizygous over a deletion.** A small variant the proband seems homozygous for, inside a
  deletion the proband carries, is hemizygous: the other copy is missing. It is rewritten as a
  single copy (:class:`~workbench.model.VariantOverDeletion`), so it pairs with the deletion as
  a compound heterozygote (deletion from one parent, variant from the other) instead of being
  read as homozygous or as a Mendelian error.

The male X (outside the PARs) has one copy, so a son's X deletion is hemizygous and comes from
his mother; the reader already gives his calls one copy.
"""
from __future__ import annotations

import bisect
import dataclasses
import types
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

from workbench.io.sv_vcf import SvEvent
from workbench.knowledge.sv_frequency import RECIPROCAL_OVERLAP, reciprocal_overlap
from workbench.model import (CopyNumberCall, DosageFinding, GeneConsequence, Genotype, Impact, StructuralVariant,
                             Trio, Variant, VariantOverDeletion)

BREAKPOINT_WINDOW = 1_000
"""Breakends (and insertions) of two people within this many bases are the same event."""


@dataclass(frozen=True)
class StructuralReading:
    """The proband's SV alleles in genes (with the trio's calls), the small variants (apparent
    homozygotes over a deletion rewritten), per-person event counts and notes."""

    alleles: tuple[StructuralVariant, ...]
    small_variants: tuple[Variant, ...]
    counts: Mapping[str, Mapping[str, int]]  # sample id -> {"DEL": n, "DUP": n, ...}
    notes: tuple[str, ...] = ()


_CARRIES = frozenset({Genotype.HET, Genotype.HOM_ALT, Genotype.HEMIZYGOUS})


class _ParentEvents:
    """One parent's carrier events per (chromosome, type), sorted by start, for overlap lookups."""

    def __init__(self, grouped: Mapping[tuple[str, str], list[tuple[int, int, CopyNumberCall]]]) -> None:
        self._events = {key: sorted(items, key=lambda item: item[:2]) for key, items in grouped.items()}
        self._starts = {key: [item[0] for item in items] for key, items in self._events.items()}

    def match(self, event: SvEvent) -> tuple[CopyNumberCall, int, int, float] | None:
        """The parent's call of the same event (best overlap), with its span and overlap share."""
        key = (event.chrom, event.svtype)
        items = self._events.get(key)
        if not items:
            return None
        if event.is_copy_number:
            reach = 2 * event.length  # a match at most twice as long, overlapping
            low = bisect.bisect_left(self._starts[key], event.pos - reach)
            high = bisect.bisect_right(self._starts[key], event.end)
            best = None
            for start, end, call in items[low:high]:
                share = reciprocal_overlap(event.pos, event.end, start, end)
                if share >= RECIPROCAL_OVERLAP and (best is None or share > best[3]):
                    best = (call, start, end, share)
            return best
        low = bisect.bisect_left(self._starts[key], event.pos - BREAKPOINT_WINDOW)
        for start, end, call in items[low:]:
            if start > event.pos + BREAKPOINT_WINDOW:
                break
            return call, start, end, 1.0
        return None


def read_structural(events: Sequence[SvEvent], called: frozenset[str], small_variants: Sequence[Variant],
                    trio: Trio, gene_table, sv_knowledge=None, hgnc_of=None,
                    max_population_af: float | None = None, keep_gene=None) -> StructuralReading:
    """Everything this module does (see the module doc), for one family.

    ``gene_table`` places events in genes (:class:`~workbench.knowledge.gene_table.GeneTable`);
    ``sv_knowledge`` (:class:`~workbench.knowledge.sv_knowledge.SvKnowledge`, optional, its dosage
    calibrated) adds gnomAD frequencies and ClinGen dosage; ``hgnc_of`` maps a symbol to its HGNC id for dosage.
    Proband events commoner than ``max_population_af`` in gnomAD are left out, as the small-variant
    reader leaves out common alleles (they explain no rare disease). ``keep_gene`` (a gene span ->
    bool) limits the genes an event is placed in (e.g. non-coding genes only when linked to disease).
    """
    proband = trio.proband.id
    parents = [(role, sample) for role, sample in trio.members if role != "proband"]
    counts: dict[str, dict[str, int]] = {s.id: defaultdict(int) for s in trio.samples}
    carried: dict[str, dict[tuple[str, str], list]] = {s.id: defaultdict(list) for _, s in parents}
    in_proband: list[SvEvent] = []
    for event in events:  # one pass: counts, each parent's events, the proband's events
        for sample_id, call in event.calls.items():
            if call.genotype in _CARRIES:
                counts[sample_id][event.svtype] += 1
                if sample_id == proband:
                    in_proband.append(event)
                else:
                    carried[sample_id][(event.chrom, event.svtype)].append((event.pos, event.end, call))
    lookups = {sample.id: _ParentEvents(carried[sample.id]) for _, sample in parents if sample.id in called}
    frequencies = sv_knowledge.frequencies if sv_knowledge is not None else None
    dosage = sv_knowledge.dosage if sv_knowledge is not None else None
    alleles: list[StructuralVariant] = []
    for event in in_proband:
        consequences = _consequences(event, gene_table, keep_gene)
        if not consequences:
            continue
        calls = dict(event.calls)
        notes = []
        for role, sample in parents:
            own = calls.get(sample.id)
            if sample.id not in called or (own is not None and own.genotype.carries_alt):
                continue
            found = lookups[sample.id].match(event)
            if found is not None:
                parent_call, start, end, share = found
                calls[sample.id] = parent_call
                notes.append(f"the {role}'s call {event.chrom}:{start:,}-{end:,} overlaps it "
                             f"({share:.0%} reciprocal overlap): inherited")
            elif own is None:
                calls[sample.id] = CopyNumberCall(Genotype.HOM_REF)  # a per-person file lists only events
        af = frequencies.frequency(event.chrom, event.pos, event.end, event.svtype) if (
            frequencies is not None and event.is_copy_number) else None
        if af is not None and max_population_af is not None and af > max_population_af:
            continue
        genes = tuple(c.gene_symbol for c in consequences)
        findings = _dosage(event, genes, dosage, hgnc_of, gene_table) if dosage is not None else ()
        alleles.append(StructuralVariant(
            chrom=event.chrom, pos=event.pos, ref=event.ref, alt=event.alt, calls=types.MappingProxyType(calls),
            consequences=consequences, population_af=af, quality=event.quality, filters=event.filters,
            source_line=event.source_line, svtype=event.svtype, end=event.end, caller_id=event.caller_id,
            genes=genes, mate=event.mate, note="; ".join(notes), dosage=findings))
    small, hemizygous_notes = unmask_hemizygous(small_variants, in_proband, trio)
    return StructuralReading(tuple(alleles), tuple(small), {k: dict(v) for k, v in counts.items()},
                             tuple(hemizygous_notes))


def unmask_hemizygous(small_variants: Sequence[Variant], events: Sequence[SvEvent],
                      trio: Trio) -> tuple[list[Variant], list[str]]:
    """Small variants that look homozygous inside a proband deletion, rewritten as one copy.

    The deletion's origin (which parent carries it, or de novo) is named in the rewritten variant.
    ``events`` may be all the family's events or only the proband's.
    """
    proband = trio.proband.id
    deletions: dict[str, list[SvEvent]] = defaultdict(list)
    for event in events:
        call = event.calls.get(proband)
        if event.svtype == "DEL" and call is not None and call.genotype is Genotype.HET:
            deletions[event.chrom].append(event)
    for items in deletions.values():
        items.sort(key=lambda e: e.pos)
    starts = {chrom: [e.pos for e in items] for chrom, items in deletions.items()}
    out, notes = [], []
    for variant in small_variants:
        call = variant.calls.get(proband)
        items = deletions.get(variant.chrom)
        if not items or call is None or call.genotype is not Genotype.HOM_ALT:
            out.append(variant)
            continue
        i = bisect.bisect_right(starts[variant.chrom], variant.pos) - 1
        covering = next((e for e in reversed(items[:i + 1]) if e.end >= variant.pos), None)
        if covering is None:
            out.append(variant)
            continue
        origin = _origin_words(covering, trio)
        calls = dict(variant.calls)
        calls[proband] = dataclasses.replace(call, genotype=Genotype.HET, ref_depth=None, alt_depth=None)
        fields = {f.name: getattr(variant, f.name) for f in dataclasses.fields(Variant)}
        fields["calls"] = types.MappingProxyType(calls)
        out.append(VariantOverDeletion(**fields, deletion=covering.key, deletion_origin=origin))
        notes.append(f"{variant.key} looks homozygous but lies in the proband's deletion {covering.key} "
                     f"({origin}): read as hemizygous, one copy")
    return out, notes


def _origin_words(event: SvEvent, trio: Trio) -> str:
    carriers = [role for role, sample in trio.members
                if role != "proband" and (c := event.calls.get(sample.id)) is not None and c.genotype.carries_alt]
    if carriers:
        return f"from the {' and '.join(carriers)}"
    return "not in the parents' calls: de novo" if trio.family_kind == "trio" else "origin unknown"


def _exon_numbers(gene, first: int, last: int) -> tuple[list[int], int]:
    """Transcript-order numbers (1 = 5' exon) of the MANE exons overlapping ``first``-``last``."""
    exons = gene.exons
    n = len(exons)
    if first <= exons[0][0] and last >= exons[-1][1]:
        hit = range(n)
    else:  # exons are sorted and disjoint: their ends are sorted too
        ends = [end for _, end in exons]
        low = bisect.bisect_left(ends, first)
        hit = [k for k in range(low, n) if exons[k][0] <= last]
    numbers = sorted((n - k) if gene.minus_strand else (k + 1) for k in hit)
    return numbers, n


def _exon_words(numbers: list[int], n: int) -> str:
    if len(numbers) == 1:
        return f"exon {numbers[0]} of {n}"
    return f"exons {numbers[0]}-{numbers[-1]} of {n}"


def _consequences(event: SvEvent, gene_table, keep_gene=None) -> tuple[GeneConsequence, ...]:
    """The event's effect on each gene it touches (see the module doc); none for introns only."""
    out = []
    if event.is_copy_number:
        spans = gene_table.overlapping(event.chrom, event.pos, event.end)
    else:
        spans = gene_table.overlapping(event.chrom, event.pos, event.pos)
        if event.svtype == "INV" and event.end > event.pos:
            seen = {g.ensembl_gene for g in spans}
            spans += tuple(g for g in gene_table.overlapping(event.chrom, event.end, event.end)
                           if g.ensembl_gene not in seen)
    for gene in spans:
        if keep_gene is not None and not keep_gene(gene):
            continue
        whole = event.pos <= gene.start and event.end >= gene.end
        numbers, n = _exon_numbers(gene, event.pos, event.end) if gene.exons else ([], 0)
        if event.svtype == "DEL":
            if whole or (n and len(numbers) == n):
                what, impact = "transcript_ablation: whole gene deleted", Impact.HIGH
            elif numbers:
                what, impact = f"exon_loss_variant: {_exon_words(numbers, n)} deleted", Impact.HIGH
            elif not gene.exons:
                what, impact = "feature_truncation: part of the gene deleted (exons unknown)", Impact.MODERATE
            else:
                continue
        elif event.svtype == "DUP":
            if whole:
                what, impact = "transcript_amplification: whole gene duplicated", Impact.HIGH
            elif numbers:
                what, impact = (f"feature_elongation: {_exon_words(numbers, n)} duplicated, a breakpoint inside "
                                "the gene", Impact.MODERATE)
            else:
                continue
        elif event.svtype == "INS":
            if not numbers:
                continue
            what, impact = f"feature_elongation: insertion into {_exon_words(numbers, n)}", Impact.MODERATE
        else:
            where = "inversion breakpoint" if event.svtype == "INV" else "breakend"
            what, impact = f"feature_truncation: {where} inside the gene", Impact.MODERATE
        out.append(GeneConsequence(gene_symbol=gene.symbol, consequence=what, impact=impact,
                                   ensembl_gene=gene.ensembl_gene, transcript=gene.transcript,
                                   mane_select=gene.transcript is not None))
    return tuple(out)


def _dosage(event: SvEvent, genes: tuple[str, ...], dosage, hgnc_of,
            gene_table) -> tuple[DosageFinding, ...]:
    """ClinGen's score for each gene hit: the gene's own, or that of a region the CNV covers and
    the gene lies in, whichever gives evidence of dosage sensitivity (score 1-3; ClinGen scores
    some effects only at the region level, e.g. the CMT1A duplication of PMP22)."""
    if not event.is_copy_number:
        return ()
    loss = event.svtype == "DEL"
    regions = [r for r in dosage.regions(event.chrom, event.pos, event.end) if r.score(loss) is not None]
    spans = {g.symbol: (g.start, g.end) for g in gene_table.overlapping(event.chrom, event.pos, event.end)}
    findings = []
    for symbol in genes:
        record = dosage.gene((hgnc_of(symbol) if hgnc_of else None) or symbol) or dosage.gene(symbol)
        options = [(record.score(loss), "gene")] if record is not None and record.score(loss) is not None else []
        start, end = spans.get(symbol, (0, -1))
        options += [(r.score(loss), f"region {r.name}") for r in regions if r.start <= end and r.end >= start]
        sensitive = [o for o in options if o[0] in (1, 2, 3)]
        score, source = max(sensitive) if sensitive else (options[0] if options else (None, "not curated"))
        weights = tuple((group, lr) for group in ("dominant", "recessive")
                        if (lr := dosage.log10_lr(score, loss, group)) is not None)
        findings.append(DosageFinding(symbol, score, source, weights))
    return tuple(findings)
