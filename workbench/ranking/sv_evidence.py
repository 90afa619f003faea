"""Variant evidence for a copy-number or structural allele, in the same terms as a small variant.

A CNV allele enters the same posterior as a small variant (:mod:`workbench.ranking.rank`): its
log10 LR is effect x population frequency x call quality, plus the gene's dosage sensitivity,
and its sentence names the event, its size, the genes it hits and each person's copy number.
A multi-gene deletion is a candidate for every gene it removes; each of those genes' sentence
names the deletion and its other genes.

* **Effect** (per gene, from :mod:`workbench.inheritance.sv`): a deletion of the whole gene or
  of some of its exons removes a copy, which is what a loss-of-function small variant does, so
  it takes the loss-of-function LR of :mod:`workbench.ranking.evidence` (ClinVar pathogenic vs
  rare background shares). A whole-gene duplication changes function only where a third copy
  is harmful: ClinGen's triplosensitivity score decides (:data:`GAIN_LOG10_LR`). A duplication
  with a breakpoint inside the gene, an inversion or translocation breakpoint, or an insertion
  into an exon may disrupt the gene but often does not (an in-frame tandem duplication, a
  breakpoint in an intron of a long gene): a fraction of the loss-of-function LR
  (:data:`DISRUPTION_SHARE`, a round clinical estimate).
* **Dosage** (deletions): ClinGen's haploinsufficiency score of the gene (or of a recurrent
  region the deletion covers), weighed by how often genes of dominant or recessive disease
  carry each score (:mod:`workbench.knowledge.dosage`, read off the knowledge). Where ClinGen
  scored the gene, its score stands in for gnomAD LOEUF (both measure intolerance of losing a
  copy; counting both would count that twice); elsewhere LOEUF applies as for a small variant.
* **Population frequency**: gnomAD v4 SV by reciprocal overlap, through the same frequency
  table as small variants (a dominant allele is almost never in the population).
* **Quality**: the small-variant call-quality terms (GQ), plus a copy-number call under 1 kb,
  at the resolution limit of read-depth CNV calling (DRAGEN recommends 1 kb bins at 30x),
  counts half. FILTERed and GQ < 20 calls never get here (the inheritance analysis drops them,
  as for small variants).
"""
from __future__ import annotations

import math

from workbench.knowledge.dosage import describe_score
from workbench.model import InheritanceMode, StructuralVariant, Trio, VariantOverDeletion, format_length
from workbench.ranking import evidence

_LOF = evidence.consequence_log10_lr("loss of function")
DISRUPTION_SHARE = 0.3
"""Of a breakpoint inside a gene (or an intragenic duplication), the share acting as a loss of function."""
GAIN_LOG10_LR = {3: _LOF, 2: _LOF / 2, 1: 0.0}
"""A whole-gene duplication by ClinGen triplosensitivity score: sufficient evidence acts like a loss of
function of a haploinsufficient gene, emerging evidence half of that (in log), little evidence is neutral."""
UNSCORED_GAIN_LOG10_LR = -1.0
"""Any other whole-gene duplication: one in ten as likely as a random rare allele to be the cause (round
estimate: gains of genes not known to be triplosensitive are seldom pathogenic)."""
SMALL_CALL_BP = 1_000
MAX_GENES_NAMED = 8


def effect_log10_lr(variant: StructuralVariant, consequence_text: str,
                    gene_symbol: str) -> tuple[float, str, str | None]:
    """(log10 LR, words, consequence class for gnomAD constraint or None) of the event's effect on one gene."""
    finding = variant.dosage_for(gene_symbol)
    if consequence_text.startswith(("transcript_ablation", "exon_loss_variant")):
        return _LOF, "a lost copy, like a loss-of-function variant", "loss of function"
    if consequence_text.startswith("transcript_amplification"):
        score = finding.score if finding is not None else None
        if score in GAIN_LOG10_LR:
            return (GAIN_LOG10_LR[score], f"an extra copy of a gene ClinGen scores triplosensitive "
                    f"({describe_score(score)}, {finding.source})", None)
        return UNSCORED_GAIN_LOG10_LR, "an extra copy of a gene not known to be triplosensitive", None
    if consequence_text.startswith(("feature_elongation", "feature_truncation")):
        return (_LOF + math.log10(DISRUPTION_SHARE), f"may disrupt the gene ({DISRUPTION_SHARE:.0%} of a "
                "loss of function's weight)", "loss of function")
    return 0.0, "effect unknown", None


def allele_evidence(variant: StructuralVariant, gene, mode: InheritanceMode, trio: Trio,
                    background: evidence.ModeBackground) -> tuple[float, str, list[str], str | None]:
    """log10 LR, sentence, quality notes and constraint class of a CNV/SV allele for ``gene``
    (same contract as :func:`workbench.ranking.rank.allele_evidence`)."""
    consequence = variant.consequence_for(gene.symbol, gene.hgnc_id)
    symbol = consequence.gene_symbol if consequence else gene.symbol
    what = consequence.consequence if consequence else "position only"
    e_lr, effect_words, klass = effect_log10_lr(variant, what, symbol)
    parts = [f"{variant.describe()}: {what.split(': ', 1)[-1]} ({effect_words}, ×{10 ** e_lr:.2g})"]
    others = [g for g in variant.genes if g != symbol]
    if others:
        named = ", ".join(others[:MAX_GENES_NAMED]) + (f" and {len(others) - MAX_GENES_NAMED} more"
                                                       if len(others) > MAX_GENES_NAMED else "")
        parts.append(f"it also hits {len(others)} other gene{'s' if len(others) > 1 else ''} ({named})")
    d_lr = 0.0
    finding = variant.dosage_for(symbol)
    group = evidence.constraint_group(mode)
    if variant.svtype == "DEL" and finding is not None and group is not None:
        weight = finding.lr_for(group)
        if finding.score is not None and weight is not None:
            d_lr = weight
            klass = None  # ClinGen's curation stands in for gnomAD LOEUF (see module doc)
            parts.append(f"ClinGen haploinsufficiency: {describe_score(finding.score)} ({finding.source}; genes of "
                         f"{group} disease carry this score {10 ** weight:.2g} times as often as known disease "
                         f"genes in general: ×{10 ** weight:.2g})")
    f_lr = background.frequency_log10_lr(variant.population_af, mode)
    af = ("absent from gnomAD v4 SV" if variant.population_af is None
          else f"gnomAD v4 SV AF {variant.population_af:.2g} (reciprocal overlap)")
    parts.append(f"{af} (×{10 ** f_lr:.2g})")
    q_lr, notes = evidence.quality_log10_lr(variant, trio, mode)
    if variant.is_copy_number and variant.length < SMALL_CALL_BP:
        q_lr -= math.log10(2)
        notes.append(f"a {variant.length} bp copy-number call, below the 1 kb resolution of read-depth calling")
    if q_lr:
        parts.append(f"call quality ×{10 ** q_lr:.2g}")
    parts.append("copy number " + ", ".join(copy_numbers(variant, trio)))
    if variant.note:
        parts.append(variant.note)
    return e_lr + d_lr + f_lr + q_lr, "; ".join(parts), notes, klass


def copy_numbers(variant: StructuralVariant, trio: Trio) -> list[str]:
    """'proband 1', 'father 2', ... ('not called' where the SV files have no call)."""
    out = []
    for role, sample in trio.members:
        call = variant.calls.get(sample.id)
        cn = getattr(call, "copy_number", None)
        if cn is not None:
            out.append(f"{role} {cn}")
        elif call is not None and call.genotype.value != "./.":
            out.append(f"{role} {call.genotype.value}")
        else:
            out.append(f"{role} not called")
    return out


def structural_class(variant: StructuralVariant) -> str:
    """The class a table shows for a CNV/SV allele: 'CNV loss', 'CNV gain' or 'SV breakpoint'."""
    return {"DEL": "CNV loss", "DUP": "CNV gain"}.get(variant.svtype, "SV breakpoint")


def table_summary(variant: StructuralVariant, trio: Trio) -> str:
    """One table cell: 'CNV deletion 2.93 Mb, 16 genes (NIPBL, SPEF2, IL7R, ...); CN proband 1, father 2, mother 2'."""
    word = {"DEL": "deletion", "DUP": "duplication", "INV": "inversion", "INS": "insertion", "BND": "breakend"}
    genes = ", ".join(variant.genes[:3]) + (", ..." if len(variant.genes) > 3 else "")
    size = f" {format_length(variant.length)}" if variant.svtype != "BND" else ""
    count = f"{len(variant.genes)} gene{'s' if len(variant.genes) != 1 else ''}"
    return (f"{'CNV' if variant.is_copy_number else 'SV'} {word[variant.svtype]}{size}, {count} ({genes}); "
            f"CN {', '.join(copy_numbers(variant, trio))}")


def over_deletion_words(variant: VariantOverDeletion) -> str:
    """What to add to a small variant's sentence when it lies in the proband's deletion."""
    return (f"; looks homozygous, but the proband's deletion {variant.deletion} ({variant.deletion_origin}) "
            "removes the other copy: hemizygous")
