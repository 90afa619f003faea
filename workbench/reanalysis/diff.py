"""From a live ranking to a stored snapshot, and from two snapshots to changes in words.

Pure functions: no store, no files. What counts as a change is what a director would want to
hear about before deciding to amend a report:

* a different gene at rank 1;
* a gene new to the top 5;
* a gene in the top 20 newly linked to a disease that is now its best explanation and fits
  the patient (phenotype likelihood ratio above 1): a link to a disease the baby does not
  resemble is not news for this case;
* a gene whose variant evidence moved by at least a factor of
  ``10 ** VARIANT_EVIDENCE_CHANGE`` while its disease links stayed the same (a new
  consequence, frequency or ClinVar annotation; a move that only follows a new link is the
  link's consequence and is not reported twice).
"""
from __future__ import annotations

from workbench.store.rankings import Change, RankingSnapshot, SnapshotGene, SnapshotReason

SNAPSHOT_DEPTH = 20  # genes kept per snapshot: the top 5 plus room to see a gene climb into it
TOP = 5
# log10 units: a factor of about 3 in the variant likelihood ratio, far above rounding noise
# and below the smallest step a new annotation gives (a consequence class changes it by >= 10x).
VARIANT_EVIDENCE_CHANGE = 0.5


def snapshot_of(ranking, knowledge, case_id: str, reason: SnapshotReason) -> RankingSnapshot:
    """The top :data:`SNAPSHOT_DEPTH` genes of ``ranking`` with the diseases ``knowledge`` links them to."""
    return snapshot_from_rows([g.row() for g in ranking.genes[:SNAPSHOT_DEPTH]], ranking.none_probability,
                              ranking.knowledge_version, knowledge, case_id, reason)


def snapshot_from_rows(rows, none_probability: float, knowledge_version: str, knowledge, case_id: str,
                       reason: SnapshotReason) -> RankingSnapshot:
    """The same snapshot from ranking table rows (``RankedGene.row()`` or a cohort run's TSV), so a
    case ranked in this process and one ranked by a worker give equal snapshots."""
    genes = []
    for row in list(rows)[:SNAPSHOT_DEPTH]:
        hgnc_id = row["hgnc_id"] or None
        linked = tuple(sorted(d.id for d in knowledge.diseases_for_gene(hgnc_id))) if hgnc_id else ()
        genes.append(SnapshotGene(rank=int(row["rank"]), gene_symbol=row["gene"], hgnc_id=hgnc_id,
                                  probability=float(row["probability"]), disease_id=row["disease_id"] or None,
                                  linked_diseases=linked,
                                  variant_keys=tuple(k for k in str(row["variants"]).split(";") if k),
                                  variant_log10_lr=float(row["variant_log10_lr"]),
                                  phenotype_log10_lr=float(row["phenotype_log10_lr"])))
    return RankingSnapshot(case_id=case_id, knowledge_version=knowledge_version, reason=reason,
                           genes=tuple(genes), none_probability=round(float(none_probability), 6))


def compare(before: RankingSnapshot, after: RankingSnapshot) -> tuple[Change, ...]:
    """What changed from ``before`` to ``after``, most important first.

    >>> g = lambda r, s, d=(), v=1.0: SnapshotGene(r, s, None, 0.5, d[0] if d else None, d, (), v, 1.0)
    >>> old = RankingSnapshot("c", "HPO 1", SnapshotReason.SIGNED, (g(1, "A"), g(2, "B")), 0.1)
    >>> new = RankingSnapshot("c", "HPO 2", SnapshotReason.REANALYSIS, (g(1, "B", ("OMIM:1",)), g(2, "A")), 0.1)
    >>> [c.kind for c in compare(old, new)]
    ['new top-1', 'newly linked to a disease']
    """
    changes: list[Change] = []
    was = {g.gene_symbol: g for g in before.genes}
    top_before = [g.gene_symbol for g in before.genes[:TOP]]
    if after.genes and (not before.genes or after.genes[0].gene_symbol != before.genes[0].gene_symbol):
        top = after.genes[0]
        old = f"{before.genes[0].gene_symbol} before" if before.genes else "no gene before"
        changes.append(Change("new top-1", top.gene_symbol,
                              f"{top.gene_symbol} is now ranked first (p = {top.probability:.2f}; {old})"))
    for gene in after.genes[:TOP]:
        if gene.gene_symbol not in top_before and not (changes and changes[0].gene_symbol == gene.gene_symbol):
            earlier = was.get(gene.gene_symbol)
            where = f"rank {earlier.rank} before" if earlier else f"not in the top {len(before.genes)} before"
            changes.append(Change("new in top 5", gene.gene_symbol,
                                  f"{gene.gene_symbol} entered the top {TOP} at rank {gene.rank} ({where})"))
    for gene in after.genes:
        earlier = was.get(gene.gene_symbol)
        new_links = set(gene.linked_diseases) - set(earlier.linked_diseases if earlier else ())
        if gene.disease_id in new_links and gene.phenotype_log10_lr > 0:
            changes.append(Change("newly linked to a disease", gene.gene_symbol,
                                  f"{gene.gene_symbol} (rank {gene.rank}) is now linked to {gene.disease_id}, "
                                  f"which fits the phenotype (LR 10^{gene.phenotype_log10_lr:.1f})"))
        same_links = earlier is not None and not new_links and set(earlier.linked_diseases) == set(gene.linked_diseases)
        if same_links and abs(gene.variant_log10_lr - earlier.variant_log10_lr) >= VARIANT_EVIDENCE_CHANGE:
            direction = "stronger" if gene.variant_log10_lr > earlier.variant_log10_lr else "weaker"
            factor = 10 ** abs(gene.variant_log10_lr - earlier.variant_log10_lr)
            changes.append(Change("variant evidence changed", gene.gene_symbol,
                                  f"{gene.gene_symbol}: variant evidence {direction} by a factor of {factor:.0f}"))
    return tuple(changes)
