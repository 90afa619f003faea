"""What the QC page shows of a case's CNV/SV calls (issue 22): per-person counts by type, and the sizes
of the proband's calls that reached the analysis (in a gene, passing the population filter)."""
from __future__ import annotations

import pandas as pd

from workbench.model import format_length

TYPE_ORDER = ("DEL", "DUP", "CNV", "INV", "INS", "BND")


def counts_frame(structural, trio) -> pd.DataFrame:
    """One row per person: role, sample and the number of calls of each type read for them.

    A person without calls in the SV file(s) shows "not given", never 0: no calls is not "no CNVs".
    """
    types = sorted({t for person in structural.counts.values() for t in person},
                   key=lambda t: (TYPE_ORDER.index(t) if t in TYPE_ORDER else len(TYPE_ORDER), t))
    rows = []
    for role, sample in trio.members:
        person = structural.counts.get(sample.id)
        row = {"person": f"{role} {sample.id}"}
        row.update({t: (person.get(t, 0) if person is not None else "not given") for t in types})
        row["total"] = sum(person.values()) if person is not None else "not given"
        rows.append(row)
    return pd.DataFrame(rows)


def proband_sizes_frame(structural) -> pd.DataFrame:
    """The proband's CNV/SV alleles in genes: type, span, size, caller FILTER and genes hit, largest first
    (a filtered call is listed, and the inheritance analysis drops it with its reason)."""
    alleles = sorted(structural.alleles, key=lambda a: -a.length)
    return pd.DataFrame([{"type": a.svtype, "region": f"{a.chrom}:{a.pos:,}-{a.end:,}",
                          "size": "breakend" if a.svtype == "BND" else format_length(a.length),
                          "size (bp)": None if a.svtype == "BND" else a.length,
                          "filter": ";".join(a.filters) or "PASS",
                          "genes": ", ".join(a.genes[:5]) + (f" and {len(a.genes) - 5} more" if len(a.genes) > 5 else "")}
                         for a in alleles], columns=["type", "region", "size", "size (bp)", "filter", "genes"])


def normal_copies(chrom: str, sex) -> int:
    """Copies a person has without any CNV: 2, or 1 on chrX/chrY in a male (PARs aside); 0 on chrY in a female."""
    from workbench.model import Sex

    if chrom.removeprefix("chr") == "X" and sex == Sex.MALE:
        return 1
    if chrom.removeprefix("chr") == "Y":
        return 1 if sex == Sex.MALE else 0
    return 2


def copies_over(variant, sample) -> int | None:
    """A person's copy number over a CNV: the caller's FORMAT/CN, else read off the genotype of a
    deletion or duplication; None when the person has no call there (not assessed, not "normal")."""
    from workbench.model import Genotype

    call = variant.calls.get(sample.id)
    if call is None or call.genotype.value == "./.":
        return None
    if getattr(call, "copy_number", None) is not None:
        return call.copy_number
    normal = normal_copies(variant.chrom, sample.sex)
    alt_copies = {Genotype.HOM_REF: 0, Genotype.HET: 1, Genotype.HOM_ALT: 2, Genotype.HEMIZYGOUS: 1}.get(call.genotype)
    if alt_copies is None or not variant.is_copy_number:
        return None
    return max(normal - alt_copies, 0) if variant.svtype == "DEL" else normal + alt_copies


def region_genes(variant, gene_table, margin: int) -> tuple:
    """The GENCODE genes (spans and MANE exons) in the CNV's window, ``margin`` bases either side."""
    end = variant.end if variant.svtype != "BND" else variant.pos
    return gene_table.overlapping(variant.chrom, max(variant.pos - margin, 1), end + margin)
