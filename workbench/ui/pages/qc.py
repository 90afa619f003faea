"""QC: is this family what the pedigree says? Sex, parentage and call quality per person."""
import streamlit as st

from workbench.ui import charts, layout, state

case = state.current_case()
calls = layout.analysed_case().reading  # refuses an unreadable case with the library's message
qc = calls.qc
frame = qc.to_frame()

st.title("Trio QC")
st.markdown(f"Family **{case.case_id}** ({calls.trio.family_kind}) · from all {calls.records_read:,} records of the VCF.")
st.caption(f"VCF: {calls.source} · genome build {calls.genome_build} · annotation: {calls.annotation_source}")
if qc.alarms:
    for alarm in qc.alarms:
        st.error(alarm, icon=":material/error:")
else:
    st.success("No alarms: the family looks as the pedigree says.")
for doubt in calls.warnings:
    st.warning(doubt, icon=":material/warning:")
if calls.problem_count:
    st.warning(f"{calls.problem_count} VCF records could not be used; first ones below.", icon=":material/warning:")
    with st.expander("Unusable records"):
        st.text("\n".join(str(p) for p in calls.problems))

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
    left.plotly_chart(charts.qc_bar(parents, "label", "mendelian_error_rate", "Mendelian errors (opposite homozygotes per informative site)", percent=True), width="stretch")
    left.caption("Sites where parent and proband are homozygous for different alleles, impossible for a true parent; "
                 "a parent is well under 1%.")
right.plotly_chart(charts.qc_bar(frame, "label", "call_rate", "Call rate (autosomal records with a genotype)", percent=True), width="stretch")
left.plotly_chart(charts.qc_bar(frame, "label", "het_hom_ratio", "Heterozygous / homozygous-alt calls"), width="stretch")
right.plotly_chart(charts.qc_bar(frame, "label", "ti_tv", "Transitions / transversions (SNVs carried)"), width="stretch")
with st.expander("All QC numbers"):
    st.dataframe(frame.drop(columns=["label"]), hide_index=True, width="stretch")
