"""QC: is this family what the pedigree says? Sex, parentage and call quality per person, each figure
against the range expected for the data type (genome or exome), with an alarm outside it."""
import streamlit as st

from workbench.qc.ranges import DATA_TYPES, RANGES, assess, infer_data_type
from workbench.ui import charts, layout, state

case = state.current_case()
analysed = layout.analysed_case()
calls = analysed.reading  # refuses an unreadable case with the library's message
qc = calls.qc
frame = qc.to_frame()

st.title("Trio QC")
st.markdown(f"Family **{case.case_id}** ({calls.trio.family_kind}) · from all {calls.records_read:,} records of the VCF.")
st.caption(f"VCF: {calls.source} · genome build {calls.genome_build} · annotation: {calls.annotation_source}")

recorded = layout.recorded_data_type(case)
inferred = infer_data_type(calls.records_read)
data_type = st.radio("Data type (sets the expected ranges)", DATA_TYPES, index=DATA_TYPES.index(recorded or inferred),
                     horizontal=True, key=f"qc_data_type_{case.case_id}")
st.caption("As recorded in the case details." if recorded else
           f"Not recorded in the case details: {inferred} inferred from the VCF's {calls.records_read:,} records "
           "(a genome has millions). Record it on the Report page.")
figures = assess(qc, data_type)
range_alarms = [a.alarm for a in figures if a.alarm]
if qc.alarms or range_alarms:
    for alarm in (*qc.alarms, *range_alarms):
        st.error(alarm, icon=":material/error:")
else:
    st.success(f"No alarms: the family looks as the pedigree says and every figure is within the {data_type} range.")
for doubt in calls.warnings:
    st.warning(doubt, icon=":material/warning:")
if calls.problem_count:
    st.warning(f"{calls.problem_count} VCF records could not be used; first ones below.", icon=":material/warning:")
    with st.expander("Unusable records"):
        st.text("\n".join(str(p) for p in calls.problems))

STATUS_MARK = {"within range": "✅ within range", "outside range": "⚠️ outside range", "not assessed": "– not assessed"}
st.dataframe([{"person": f"{a.role} {a.sample_id}", "figure": a.measure, "value": a.value_text,
               "expected": a.expected_text, "assessment": STATUS_MARK[a.status]} for a in figures],
             hide_index=True, width="stretch", key="qc_ranges")

frame["label"] = frame["role"] + " " + frame["sample"]
left, right = st.columns(2)
left.plotly_chart(charts.qc_sex_check(frame), width="stretch")
left.caption("Share of non-reference chrX calls (outside the pseudo-autosomal regions) that are heterozygous: "
             "males near 0, females well above. Colour: the sex the pedigree gives.")
parents = frame[frame["role"] != "proband"]
if parents.empty:
    right.info("No parent sequenced: relatedness and Mendelian errors cannot be checked.")
else:
    right.plotly_chart(charts.qc_relatedness(parents), width="stretch")
    right.caption("KING-robust kinship to the proband: a parent is about 0.25 (shaded first-degree range); "
                  "unrelated people are near 0.")
    if all(p.opposite_homozygotes == 0 for p in qc.parents):
        left.success("No Mendelian errors: no site where a parent and the proband are homozygous for different "
                     f"alleles ({', '.join(f'{p.role}: {p.informative_sites:,} informative sites' for p in qc.parents)}).")
    else:
        left.plotly_chart(charts.qc_bar(parents, "label", "mendelian_error_rate", "Mendelian errors (opposite homozygotes per informative site)", percent=True), width="stretch")
        left.caption("Sites where parent and proband are homozygous for different alleles, impossible for a true parent; "
                     "a parent is well under 1%.")
right.plotly_chart(charts.qc_bar(frame, "label", "call_rate", "Call rate (autosomal records with a genotype)", percent=True), width="stretch")
left.plotly_chart(charts.qc_bar(frame, "label", "het_hom_ratio", "Heterozygous / homozygous-alt calls",
                                band=RANGES["Heterozygous / homozygous-alt"][data_type]), width="stretch")
right.plotly_chart(charts.qc_bar(frame, "label", "ti_tv", "Transitions / transversions (SNVs carried)",
                                 band=RANGES["Ti/Tv"][data_type]), width="stretch")
with st.expander("All QC numbers"):
    st.dataframe(frame.drop(columns=["label"]), hide_index=True, width="stretch")

# -- CNV/SV calls per person (issue 22) -----------------------------------------------------------------
st.subheader("CNV/SV calls")
structural = analysed.candidates.structural
if not structural.counts:
    st.info("No CNV/SV calls given: copy number is not assessed for this case. Add the trio's CNV/SV VCF on the "
            "New case page.", icon=":material/info:")
else:
    from workbench.ui.structural_view import counts_frame, proband_sizes_frame

    st.caption(f"From {', '.join(structural.sources)} · CNV knowledge {structural.knowledge_version}")
    per_person = counts_frame(structural, calls.trio)
    st.dataframe(per_person, hide_index=True, width="stretch", key="qc_sv_counts")
    st.caption("Calls read per person and type, before any filter (DEL deletion, DUP duplication, INV inversion, "
               "INS insertion, BND breakend).")
    sizes = proband_sizes_frame(structural)
    if sizes.empty:
        st.info("None of the proband's CNV/SV calls hits a gene and is rare in gnomAD SV.")
    else:
        st.plotly_chart(charts.sv_sizes(sizes), width="stretch")
        st.dataframe(sizes.drop(columns=["size (bp)"]), hide_index=True, width="stretch", key="qc_sv_sizes")
        st.caption("The proband's calls in genes and not common in gnomAD SV, largest first; a call the caller "
                   "filtered (FILTER not PASS) is shown but not ranked.")
# -- end CNV/SV calls -------------------------------------------------------------------------------------
