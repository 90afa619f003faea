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
    """The proband's CNV/SV alleles kept for ranking: type, span, size and genes hit, largest first."""
    alleles = sorted(structural.alleles, key=lambda a: -a.length)
    return pd.DataFrame([{"type": a.svtype, "region": f"{a.chrom}:{a.pos:,}-{a.end:,}",
                          "size": "breakend" if a.svtype == "BND" else format_length(a.length),
                          "size (bp)": None if a.svtype == "BND" else a.length,
                          "genes": ", ".join(a.genes[:5]) + (f" and {len(a.genes) - 5} more" if len(a.genes) > 5 else "")}
                         for a in alleles], columns=["type", "region", "size", "size (bp)", "genes"])
