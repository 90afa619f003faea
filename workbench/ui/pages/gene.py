"""Gene detail: the variants with the trio's evidence, the phenotype match, tags and notes."""
import pandas as pd
import streamlit as st

from workbench.model import StructuralVariant
from workbench.ui import charts, layout, readings, state
from workbench.ui.tables import VARIANT_MAIN_COLUMNS, variant_frame

case, analysis, ranking = layout.ranked()
trio = analysis.trio

st.title("Gene detail")
if not ranking.genes:
    st.info("No candidate genes in this case.")
    st.stop()
symbols = [g.gene_symbol for g in ranking.genes]
if st.session_state.get("gene") not in symbols:
    st.session_state["gene"] = symbols[0]
symbol = st.selectbox("Gene", symbols, key="gene")
gene = ranking.genes[symbols.index(symbol)]


# -- summary ---------------------------------------------------------------------------------
disease = gene.disease
cols = st.columns(6)
cols[0].metric("Rank", gene.rank)
cols[1].metric("Probability", readings.probability_reading(gene.probability),
               help=f"probability {gene.probability:.3f} that this gene explains the case")
cols[2].metric("Prior", readings.prior_reading(gene.prior_log10),
               help=f"Prior log10 {gene.prior_log10:+.2f}: the gene's share before any evidence")
for column, title, value in ((cols[3], "Phenotype", gene.phenotype_log10_lr), (cols[4], "Variant", gene.variant_log10_lr),
                             (cols[5], "Inheritance", gene.inheritance_log10_lr)):
    column.metric(title, readings.lr_reading(value),
                  help=f"LR 10^{value:+.2f}: this evidence is {10 ** value:.3g} times as likely if {symbol} is the cause")
mode = gene.mode.value
st.markdown(
    f"**{symbol}** · best-matching disease: **{disease.name if disease else 'none annotated'}**"
    f"{f' ({disease.id})' if disease else ''} · genotype fits: **{mode}**"
)
layout.provenance(ranking)



def retag(kind: str, target_id: str, key: str) -> None:
    """Save the tag the user chose, once (a callback: a later run never re-sends a refused choice)."""
    state.set_tag(kind, target_id, st.session_state[key] or None)


def curation(kind: str, target_id: str, where) -> None:
    """Tag and notes of one gene or variant (kept in the case store once the case is registered)."""
    left, right = where.columns([1, 3])
    key = f"tag_{target_id}"
    st.session_state[key] = state.tag(kind, target_id) or ""  # the stored tag, even if someone else set it
    left.selectbox("Tag", ["", *state.TAGS], key=key, format_func=lambda t: t or "no tag",
                   on_change=retag, args=(kind, target_id, key))
    for author, when, text in state.notes(kind, target_id):
        right.caption(f"{author}, {when:%Y-%m-%d %H:%M}: {text}")
    with right.form(f"note_form_{target_id}", clear_on_submit=True, border=False):
        text = st.text_input("Add a note", key=f"note_{target_id}")
        if st.form_submit_button("Save note"):
            if state.add_note(kind, target_id, text):
                st.rerun()
            st.caption(f"Your note, not saved: {text}")


curation("gene", symbol, st.container())

# -- explanation -------------------------------------------------------------------------------
st.subheader("Why this gene")
for sentence in gene.explanation.sentences():  # figures behind tooltips, readings in words (escaped HTML)
    st.markdown(f"- {readings.annotate(sentence)}", unsafe_allow_html=True)
for note_text in gene.explanation.variant_notes:
    st.warning(note_text, icon=":material/warning:")

# -- variants ----------------------------------------------------------------------------------
st.subheader(f"Variants ({len(gene.variants)})")
all_columns = st.toggle("Read evidence and all columns", key="variant_all_columns",
                        help="Also AD (reads ref,alt), DP, scores, impact, HGVS c., transcript, QUAL and FILTER.")
variants_shown = variant_frame(gene.variants, symbol, trio)
st.dataframe(variants_shown, hide_index=True, width="stretch", key="variant_table",
             column_order=None if all_columns else [c for c in VARIANT_MAIN_COLUMNS if c in variants_shown.columns],
             column_config={"variant": st.column_config.TextColumn(width=190),
                            "consequence": st.column_config.TextColumn(width=170),
                            "gnomAD": st.column_config.TextColumn(width=120, help="gnomAD allele frequency in words; "
                                                                                  "'not in gnomAD' = never seen there")})
st.caption("GT genotype, AD reads ref,alt, DP depth, GQ genotype quality, per family member; gnomAD frequency when annotated.")
for variant in gene.variants:
    with st.expander(f"Tag or note {variant.key}"):
        curation("variant", variant.key, st.container())

# -- the CNV over its region (issue 22) -------------------------------------------------------------------
key_variant = gene.variants[0] if gene.variants else None
if isinstance(key_variant, StructuralVariant):
    from workbench.knowledge.gene_table import load_gene_table
    from workbench.ranking.sv_case import SV_GENE_TYPES
    from workbench.ui.structural_view import region_genes

    st.subheader("Copy number over the region")
    margin = max(key_variant.length // 4, 5_000) if key_variant.svtype != "BND" else 50_000
    window_genes = region_genes(key_variant, load_gene_table(gene_types=SV_GENE_TYPES), margin)
    st.plotly_chart(charts.cnv_region(key_variant, trio, window_genes, margin), width="stretch", key="cnv_region")
    st.caption("Each person's copy number: the caller's CN, else read off the genotype; shaded, the called span. "
               "Below, the GENCODE genes (MANE exons as boxes, arrow = strand). A person without a call there is "
               "'not called': their copy number is not assessed.")
# -- end CNV ------------------------------------------------------------------------------------------------

# -- phenotype overlap ---------------------------------------------------------------------------
st.subheader("Phenotype overlap")
figure = charts.phenotype_heatmap(gene.explanation.terms, state.term_label)
if figure is None:
    st.info("No patient term matches a feature of this disease.")
else:
    st.plotly_chart(figure, width="stretch")
    st.caption("Each patient term (row) against the disease feature it matches best (column); colour is "
               "that term's contribution to the phenotype log10 likelihood ratio. Related terms (several in one "
               "HPO branch, such as face findings) count less than independent ones: hover a cell to see how.")

# -- the disease -------------------------------------------------------------------------------
if disease is not None:
    st.subheader(f"{disease.name} ({disease.id})")
    inheritance = ", ".join(state.term_label(m.value) for m in disease.inheritance) or "not annotated"
    st.markdown(f"Inheritance: **{inheritance}** · genes: {', '.join(disease.gene_symbols)}")
    patient = set(state.profile(case).observed)
    matched_by = {t.disease_term: t.patient_term for t in gene.explanation.terms if t.disease_term and not t.excluded}

    def in_patient(term_id: str) -> str:
        if term_id in patient:
            return "yes"
        return f"matched by {state.term_label(matched_by[term_id])}" if term_id in matched_by else ""

    features = pd.DataFrame([
        {"feature": state.term_label(f.term_id), "id": f.term_id, "frequency in patients": f.frequency,
         "in this patient": in_patient(f.term_id)}
        for f in disease.features
    ])
    st.dataframe(
        features.sort_values("frequency in patients", ascending=False, na_position="last") if not features.empty else features,
        hide_index=True, width="stretch",
        column_config={"frequency in patients": st.column_config.NumberColumn(format="%.2f", help="empty = frequency not annotated by HPO")},
    )
