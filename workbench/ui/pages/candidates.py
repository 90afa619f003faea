"""Candidates: the ranked genes of the open case, filters, and where each score comes from."""
import streamlit as st

from workbench.model import InheritanceMode
from workbench.ranking.result import plain_probabilities
from workbench.ui import charts, layout, readings, state
from workbench.ui.tables import CANDIDATE_MAIN_COLUMNS, CandidateFilter, candidate_frame, variant_class

case, analysis, ranking = layout.ranked()
trio = analysis.trio
profile = state.profile(case)

st.title("Candidates")
st.markdown(
    f"Family **{case.case_id}** ({trio.family_kind}, proband `{trio.proband.id}`) · "
    f"{len(profile.observed)} observed, {len(profile.excluded)} excluded HPO terms"
)
layout.provenance(ranking)
# -- what the probabilities mean (issue 17): the top gene and "none of these genes" side by side
plain = plain_probabilities(ranking)
top_column, none_column = st.columns(2)
top_column.metric(f"Top gene: {plain.top_gene or '-'}",
                  f"{ranking.genes[0].probability:.0%}" if ranking.genes else "-", border=True)
top_column.caption(plain.top_sentence)
none_column.metric("None of these genes", f"{ranking.none_probability:.0%}", border=True)
none_column.caption(plain.none_sentence)
# -- end of what the probabilities mean
if not profile.observed:
    st.warning("No observed phenotype yet: the ranking rests on the variants alone. Add terms on the Phenotype page.")

with st.expander("Filters", expanded=False):
    left, middle, right = st.columns(3)
    modes = left.multiselect("Inheritance mode", [m.value for m in InheritanceMode], key="filter_modes")
    present = sorted({variant_class(v, g.gene_symbol) for g in ranking.genes for v in g.variants})
    classes = middle.multiselect(
        "Consequence class", present, key="filter_classes",
        help="The coarse class the ranking scores each variant by (loss of function, missense, ...).",
    )
    max_frequency = right.number_input(
        "Max population frequency", 0.0, 1.0, 1.0, step=0.001, format="%.4f", key="filter_max_af",
        help="gnomAD allele frequency; alleles never seen in the population always pass.",
    )
    min_quality = right.number_input("Min proband GQ", 0, 99, 0, key="filter_min_gq")
chosen = CandidateFilter(frozenset(modes), frozenset(classes), max_frequency, int(min_quality))
shown = [g for g in ranking.genes if chosen.gene_passes(g, trio)]
tags = {target.id: tag for target, tag in state.tags(case).items() if target.kind == "gene"}

none = ranking.none_probability
st.caption(
    f"{len(shown)} of {len(ranking.genes)} candidate genes. Reading and probability: the chance that this gene "
    "explains the case, from its score (prior + phenotype, variant and inheritance likelihood ratios; breakdown "
    "below, sentences on each gene's page). None of these genes: "
    + readings.tooltip(readings.probability_reading(none), f"probability {none:.3f}") + ".",
    unsafe_allow_html=True,
)
frame = candidate_frame(shown, trio, tags, analysis.knowledge.constraint)
all_columns = st.toggle("All columns", key="candidate_all_columns",
                        help="Also the key variant, consequence, class, numbers of variants, LOEUF, missense Z, and the "
                             "in-silico scores / ClinVar the ranking counted.")
selection = st.dataframe(
    frame,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="candidate_table",
    column_order=None if all_columns else [c for c in CANDIDATE_MAIN_COLUMNS if c in frame.columns],
    column_config={
        "rank": st.column_config.NumberColumn("#", width=32),
        "gene": st.column_config.TextColumn("gene", width=70),
        "reading": st.column_config.TextColumn(
            "reading", width=96, help="that this gene explains the case: likely (probability ≥ 0.5), possible (≥ 0.1), unlikely (≥ 0.01), very unlikely"),
        "disease": st.column_config.TextColumn("disease", width=140),
        "mode": st.column_config.TextColumn("mode", width=100),
        "probability": st.column_config.ProgressColumn("probability", format="%.3f", min_value=0.0, max_value=1.0,
                                                       width=70),
        "HGVS": st.column_config.TextColumn("HGVS", width=96),
        "gnomAD": st.column_config.TextColumn(
            "gnomAD", width=100, help="gnomAD allele frequency: ultra-rare < 1e-5, rare < 1e-3, uncommon < 1%, "
                                      "common; 'not in gnomAD' = never seen there"),
        "class": st.column_config.TextColumn("class", width=90),
        "GQ": st.column_config.NumberColumn("GQ", width=36, help="the proband's genotype quality at the key variant"),
        "constraint": st.column_config.TextColumn(
            "constraint", width=100, help="gnomAD LOEUF (loss-of-function observed/expected, upper bound): "
                                          "< 0.35 LoF-intolerant, < 0.6 constrained, else LoF-tolerant (figure: All columns)"),
        "tag": st.column_config.TextColumn("tag", width=60),
        "frequency": st.column_config.NumberColumn("frequency", format="%.2e", help="gnomAD allele frequency; empty = not seen"),
        "LOEUF": st.column_config.NumberColumn(
            "LOEUF", format="%.2f", help="gnomAD loss-of-function observed/expected, upper bound: low (< 0.35) = "
                                         "the gene does not tolerate loss of function"),
        "missense Z": st.column_config.NumberColumn(
            "missense Z", format="%.1f", help="gnomAD missense constraint: high (> 3) = missense variants are depleted"),
    },
)
rows = selection.selection.rows if selection is not None and hasattr(selection, "selection") else []
if rows and rows[0] < len(frame):  # a selection kept from a longer, unfiltered table is stale: ignore it
    st.session_state["gene"] = frame.iloc[rows[0]]["gene"]
    st.switch_page("workbench/ui/pages/gene.py")

if shown:
    pick = st.selectbox("Open gene detail", [g.gene_symbol for g in shown], key="candidate_pick")
    if st.button("Open", key="open_gene"):
        st.session_state["gene"] = pick
        st.switch_page("workbench/ui/pages/gene.py")
    st.subheader("Where the scores come from")
    st.plotly_chart(charts.score_breakdown(shown[:15]), width="stretch")
    st.caption(
        "Each segment is one log10 part: the gene's prior, then the likelihood ratios of phenotype, variant "
        "and inheritance (above 0 favours the gene, below 0 counts against it). The parts add up to the "
        "gene's score (black diamond), which sets its probability."
    )
