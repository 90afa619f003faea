"""Plotly figures built from library results; every number plotted is one the library explains."""
from __future__ import annotations

from typing import Sequence

import pandas as pd
import plotly.graph_objects as go

from workbench.qc.trio_qc import FEMALE_MIN_X_HET, FIRST_DEGREE_RANGE, MALE_MAX_X_HET

PARTS = (
    ("prior_log10", "prior", "#7f7f7f"),
    ("phenotype_log10_lr", "phenotype", "#1f77b4"),
    ("variant_log10_lr", "variant", "#ff7f0e"),
    ("inheritance_log10_lr", "inheritance", "#2ca02c"),
)


def score_breakdown(genes: Sequence) -> go.Figure:
    """Stacked horizontal bars of each gene's log10 parts (prior + LRs = score), best gene on top."""
    labels = [f"{g.rank}. {g.gene_symbol}" for g in genes]
    figure = go.Figure()
    for attribute, name, colour in PARTS:
        figure.add_bar(
            y=labels, x=[getattr(g, attribute) for g in genes], name=name, orientation="h",
            marker_color=colour, hovertemplate="%{y}: " + name + " log10 LR %{x:.2f}<extra></extra>",
        )
    figure.add_scatter(
        y=labels, x=[g.score for g in genes], name="score (sum)", mode="markers",
        marker=dict(symbol="diamond", color="black", size=9),
        hovertemplate="%{y}: score %{x:.2f}<extra></extra>",
    )
    figure.update_layout(
        barmode="relative", height=max(260, 28 * len(genes) + 80), yaxis_autorange="reversed",
        xaxis_title="log10 likelihood ratio", legend_orientation="h", margin=dict(l=10, r=10, t=30, b=10),
    )
    return figure


def phenotype_heatmap(terms: Sequence, label_of) -> go.Figure | None:
    """Patient terms x disease terms from the ranking's explanation: each cell is the patient
    term's contribution (log10 LR) through the disease feature it matched. None if none matched."""
    matched = [t for t in terms if t.disease_term is not None]
    if not matched:
        return None
    patient = list(dict.fromkeys(t.patient_term for t in terms))
    disease = list(dict.fromkeys(t.disease_term for t in matched))
    z: list[list[float | None]] = [[None] * len(disease) for _ in patient]
    how: list[list[str]] = [[""] * len(disease) for _ in patient]
    for t in matched:
        z[patient.index(t.patient_term)][disease.index(t.disease_term)] = t.log10_lr
        how[patient.index(t.patient_term)][disease.index(t.disease_term)] = t.how
    rows = [label_of(t) + (" (excluded)" if any(m.excluded for m in terms if m.patient_term == t) else "") for t in patient]
    figure = go.Figure(go.Heatmap(
        z=z, x=[label_of(t) for t in disease], y=rows, colorscale="RdBu", zmid=0, colorbar_title="log10 LR",
        customdata=how, hovertemplate="%{y} ↔ %{x}<br>contribution %{z:.2f}<br>%{customdata}<extra></extra>",
    ))
    figure.update_layout(
        height=max(260, 34 * len(patient) + 180), xaxis_tickangle=-35, yaxis_autorange="reversed",
        margin=dict(l=10, r=10, t=30, b=10),
    )
    return figure


def qc_bar(frame: pd.DataFrame, x: str, y: str, title: str, percent: bool = False, band=None) -> go.Figure:
    """A small bar chart of one QC measure per person; fractions drawn as percentages from 0.

    ``band`` (a :class:`workbench.qc.ranges.ExpectedRange`) is shaded as the expected range; bars outside it are red.
    """
    values = frame[y]
    colours = ["#1f77b4" if band is None or v != v or band.contains(v) else "#d62728" for v in values]
    figure = go.Figure(go.Bar(x=frame[x].astype(str), y=values, marker_color=colours,
                              hovertemplate="%{x}: %{y" + (":.2%" if percent else ":.2f") + "}<extra></extra>"))
    top = frame[y].max()
    top = 0.0 if top != top else float(top)  # all-NaN column
    if band is not None:
        figure.add_hrect(y0=band.low or 0, y1=band.high if band.high is not None else max(top, band.low or 0) * 1.2,
                         fillcolor="#2ca02c", opacity=0.1, line_width=0, annotation_text="expected")
        top = max(top, band.high or 0)
    figure.update_layout(title=title, height=300, margin=dict(l=10, r=10, t=40, b=10),
                         yaxis_rangemode="tozero", yaxis_range=[0, max(top * 1.2, 0.02 if percent else 1.0)],
                         yaxis_tickformat=".1%" if percent else None)
    return figure


def qc_sex_check(frame: pd.DataFrame) -> go.Figure:
    """chrX heterozygosity per person, coloured by the pedigree sex, with the sex-calling bands."""
    colours = {"male": "#1f77b4", "female": "#d62728", "unknown": "#7f7f7f"}
    figure = go.Figure(go.Bar(
        x=frame["label"], y=frame["x_het_fraction"], marker_color=[colours.get(s, "#7f7f7f") for s in frame["ped_sex"]],
        customdata=frame[["ped_sex", "inferred_sex", "x_nonref_calls"]],
        hovertemplate="%{x}<br>chrX het fraction %{y:.2f} of %{customdata[2]} calls<br>"
                      "PED %{customdata[0]} · looks %{customdata[1]}<extra></extra>",
    ))
    figure.add_hrect(y0=0, y1=MALE_MAX_X_HET, fillcolor="#1f77b4", opacity=0.08, line_width=0, annotation_text="male range")
    figure.add_hrect(y0=FEMALE_MIN_X_HET, y1=1, fillcolor="#d62728", opacity=0.06, line_width=0, annotation_text="female range")
    figure.update_layout(title="Sex check: chrX heterozygosity", height=300, yaxis_range=[0, 1],
                         margin=dict(l=10, r=10, t=40, b=10))
    return figure


def qc_relatedness(parents: pd.DataFrame) -> go.Figure:
    """Each parent's kinship to the proband against the first-degree band around 0.25."""
    figure = go.Figure(go.Bar(x=parents["label"], y=parents["kinship_to_proband"], marker_color="#2ca02c",
                              hovertemplate="%{x}: kinship %{y:.3f}<extra></extra>"))
    figure.add_hrect(y0=FIRST_DEGREE_RANGE[0], y1=FIRST_DEGREE_RANGE[1], fillcolor="#2ca02c", opacity=0.1, line_width=0, annotation_text="parent-child")
    figure.update_layout(title="Relatedness to the proband (kinship)", height=300, yaxis_range=[-0.1, 0.6],
                         margin=dict(l=10, r=10, t=40, b=10))
    return figure


# -- CNV/SV (issue 22) ----------------------------------------------------------------------------------
def sv_sizes(sizes: pd.DataFrame) -> go.Figure:
    """The proband's CNV/SV calls by size (log scale: 1 kb to tens of Mb), one colour per type."""
    shown = sizes.dropna(subset=["size (bp)"])
    fig = go.Figure([go.Bar(x=part["region"], y=part["size (bp)"], name=svtype, text=part["size"],
                            hovertext=part["genes"])
                     for svtype, part in shown.groupby("type", sort=False)])
    fig.update_layout(title="Proband CNV/SV sizes", height=320, margin=dict(t=40, b=10),
                      yaxis=dict(type="log", title="size", tickvals=[1e2, 1e3, 1e4, 1e5, 1e6, 1e7],
                                 ticktext=["100 bp", "1 kb", "10 kb", "100 kb", "1 Mb", "10 Mb"]))
    return fig
# -- end CNV/SV -------------------------------------------------------------------------------------------


# -- CNV/SV region on the gene page (issue 22) ----------------------------------------------------------
def cnv_region(variant, trio, genes: Sequence, margin: int) -> go.Figure:
    """The trio's copy number over a CNV, with the GENCODE gene models (MANE exons as boxes) below it.

    Each person is a step line: their normal copy number outside the event, the called copy number
    inside it. A person without a call there is left out and named in the legend as not called.
    """
    from workbench.ui.structural_view import copies_over, normal_copies

    end = variant.end if variant.svtype != "BND" else variant.pos
    left, right = max(variant.pos - margin, 1), end + margin
    fig = go.Figure()
    fig.add_vrect(x0=variant.pos, x1=end, fillcolor="#fde2e2" if variant.svtype == "DEL" else "#e2ecfd",
                  line_width=0, layer="below")
    colours = {"proband": "#c0392b", "father": "#2471a3", "mother": "#7d3c98"}
    for offset, (role, sample) in zip((0.0, -0.06, 0.06), trio.members):
        normal = normal_copies(variant.chrom, sample.sex)
        copies = copies_over(variant, sample)
        if copies is None:
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=f"{role} {sample.id}: not called",
                                     line=dict(color=colours.get(role, "grey"), dash="dot")))
            continue
        fig.add_trace(go.Scatter(
            x=[left, variant.pos, variant.pos, end, end, right],
            y=[normal + offset, normal + offset, copies + offset, copies + offset, normal + offset, normal + offset],
            mode="lines", name=f"{role} {sample.id}: CN {copies}", line=dict(color=colours.get(role, "grey"), width=3),
            hovertemplate=f"{role} {sample.id}<br>copy number {copies} (normal {normal})<extra></extra>"))
    top = max([3] + [c for _, s in trio.members if (c := copies_over(variant, s)) is not None])
    for row, gene in enumerate(genes):
        y = -0.7 - 0.5 * (row % 3)  # three lanes, so neighbouring genes' labels do not overlap
        fig.add_shape(type="line", x0=max(gene.start, left), x1=min(gene.end, right), y0=y, y1=y,
                      line=dict(color="#555", width=1))
        for exon_start, exon_end in gene.exons:
            if exon_end >= left and exon_start <= right:
                fig.add_shape(type="rect", x0=max(exon_start, left), x1=min(exon_end, right), y0=y - 0.15,
                              y1=y + 0.15, fillcolor="#333", line_width=0)
        fig.add_annotation(x=(max(gene.start, left) + min(gene.end, right)) / 2, y=y + 0.28, showarrow=False,
                           text=f"{gene.symbol} {'←' if gene.minus_strand else '→'}", font=dict(size=10))
    fig.update_layout(title=f"Copy number over {variant.key}", height=380, margin=dict(t=40, b=10),
                      xaxis=dict(title=f"{variant.chrom} (GRCh38)", range=[left, right]),
                      yaxis=dict(title="copy number", range=[-0.7 - 0.5 * min(len(genes), 3), top + 0.5],
                                 tickvals=list(range(0, top + 1))),
                      legend=dict(orientation="h", y=-0.2))
    return fig
# -- end CNV/SV region ------------------------------------------------------------------------------------
