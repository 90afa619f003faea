"""History: every report version (signed ones downloadable as PDF, FHIR and phenopacket) and the audit log.

Session state:
    "user"     workbench.store.User (any logged-in role may read)
    "case_id"  the stored case (else the triage case "case".case_id)
    "store"    optional CaseStore (default: shared_store())
"""
import json

import streamlit as st

from workbench.report import FORMATS
from workbench.ui import layout
from workbench.ui import state as ui_state

FORMAT_LABELS = {"pdf": "PDF", "fhir": "FHIR", "phenopacket": "Phenopacket"}
store = ui_state.store()
st.title("History")
user = layout.logged_in_user("to see a case's history")
case = layout.stored_case(store)

st.markdown(f"Case **{case.case_id}** · status **{case.status.value}** · created by {case.created_by} on "
            f"{case.created_at:%Y-%m-%d %H:%M} UTC")
if st.button("Verify the VCF checksum", key="verify_vcf", help="Re-reads the VCF(s); takes a while for a genome."):
    if store.verify_vcf(case.case_id):
        st.success("The VCF files are unchanged since the case was registered (SHA-256 matches).")
    else:
        st.error("A VCF file is missing or differs from the one registered: results may not match the report.")

st.header("Report versions")
versions = store.reports(case.case_id)
if not versions:
    st.caption("No report yet.")
for report in reversed(versions):
    state = (f"signed by {report.content.signature.name} on {report.signed_at:%Y-%m-%d %H:%M} UTC"
             if report.signed else "draft (not signed)")
    with st.expander(f"Version {report.version}: {report.content.overall.value} — {state}",
                     expanded=report is versions[-1]):
        if report.amendment_reason:
            st.markdown(f"Amendment: {report.amendment_reason}")
        st.markdown("; ".join(f"{r.gene_symbol} {r.hgvs} ({r.classification.value})" for r in report.content.results)
                    or "No reported variants.")
        downloads = ui_state.report_downloads(report.content, FORMATS)
        for column, fmt in zip(st.columns(len(FORMATS)), FORMATS):
            suffix = FORMATS[fmt][0] if report.signed else f"-DRAFT{FORMATS[fmt][0]}"
            column.download_button(FORMAT_LABELS[fmt], downloads[fmt],
                                   file_name=f"{case.case_id}-v{report.version}{suffix}", mime=FORMATS[fmt][1],
                                   key=f"history_{report.version}_{fmt}")

st.header("Audit log")
entries = store.audit(case.case_id)
st.dataframe([{"when (UTC)": f"{e.at:%Y-%m-%d %H:%M:%S}", "who": e.actor, "what": e.action} for e in entries],
             hide_index=True, key="audit_table")
if entries:
    chosen = st.selectbox("Show the change of entry", range(len(entries)), index=len(entries) - 1,
                          format_func=lambda i: f"{entries[i].at:%H:%M:%S} {entries[i].actor}: {entries[i].action}",
                          key="audit_pick")
    before, after = st.columns(2)
    before.markdown("**Before**")
    before.code(json.dumps(entries[chosen].before, indent=2), language="json")
    after.markdown("**After**")
    after.code(json.dumps(entries[chosen].after, indent=2), language="json")
