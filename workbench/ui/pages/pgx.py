"""Pharmacogenomics: the panel (diplotype, phenotype, CPIC guidance), each call's evidence with the trio's
genotypes at the defining positions, and the opt-in secondary findings (shown only after consent)."""
import pandas as pd
import streamlit as st

from workbench.io import InputError, read_pedigree
from workbench.knowledge.pgx_tables import load_pgx_tables
from workbench.pgx import CallStatus, PgxOptions, run_panel
from workbench.report.pgx_sections import actionable_lines, pgx_rows
from workbench.ui import state


@st.cache_data(show_spinner="Reading the defining positions of the pharmacogenes…", max_entries=16)
def panel_of(vcfs: tuple[str, ...], ped: str, proband: str | None, absent_sites: str):
    return run_panel(vcfs[0] if len(vcfs) == 1 else list(vcfs), read_pedigree(ped), proband, PgxOptions(absent_sites))


@st.cache_data(show_spinner="Reading the VCF for secondary findings…", max_entries=4)
def secondary_of(vcfs: tuple[str, ...], ped: str, proband: str | None):
    """Only called after consent: the rare alleles as the io reader gives them, judged against ACMG SF v3.2."""
    from workbench.io import read_family_vcf
    from workbench.secondary import find_secondary

    calls = read_family_vcf(vcfs[0] if len(vcfs) == 1 else list(vcfs), read_pedigree(ped), proband)
    tables = load_pgx_tables()
    return find_secondary(calls.variants, calls.trio, tables.secondary_findings, tables.version,
                          any(v.clinvar for v in calls.variants))


case = state.current_case()
st.title("Pharmacogenomics")
absent = st.radio("A defining position with no record in the VCF is read as", ("reference", "no call"),
                  horizontal=True, key="pgx_absent_sites",
                  help="'reference' (a VCF of variant sites), only where the VCF holds other calls in the gene; "
                       "'no call' for a gVCF-derived file that lists every confidently called site.")
try:
    panel = panel_of(case.vcfs, case.ped, case.proband_id, absent)
except InputError as problem:
    st.error(f"Case {case.case_id} cannot be read: {problem}")
    st.stop()
st.caption(f"Tables: {panel.knowledge_version} · VCF: {panel.source}")
for warning in panel.warnings:
    st.warning(warning, icon=":material/warning:")
lines = actionable_lines(panel)
for line in lines:
    st.error(line, icon=":material/medication:")
if not lines:
    st.success("No assessed gene changes CPIC's standard advice for its drugs.")
st.dataframe(pd.DataFrame(pgx_rows(panel), columns=["gene", "diplotype", "phenotype / function", "status"]),
             hide_index=True, width="stretch")

for gene in panel.genes:
    label = gene.summary if len(gene.summary) < 110 else gene.summary[:107] + "..."
    with st.expander(label, icon=":material/help:" if gene.status is CallStatus.NOT_ASSESSED else None):
        if gene.reason:
            st.markdown(f"**Why {gene.status.value}:** {gene.reason}")
        for warning in gene.warnings:
            st.warning(warning, icon=":material/warning:")
        if gene.positions_total:
            st.caption(f"{gene.positions_total} defining positions; {gene.positions_read_as_reference} without a "
                       "record read as reference. Rows: positions where someone carries a variant or lacks a call.")
        if gene.evidence:
            st.dataframe(pd.DataFrame([vars(e) for e in gene.evidence]), hide_index=True, width="stretch")
        drugs = pd.DataFrame([{"drug": d.drug, "NICU": d.nicu, "actionable": d.actionable, "CPIC level": d.cpic_level,
                               "recommendation": d.recommendation or "-", "guideline": d.guideline_url}
                              for d in gene.drugs])
        if not drugs.empty:
            st.dataframe(drugs, hide_index=True, width="stretch",
                         column_config={"guideline": st.column_config.LinkColumn("guideline")})
st.caption(panel.limitations)
stored = state.stored(case)
if stored:
    from workbench.store.pgx import attach_results
    from workbench.store.users import Permission

    if state.user().role.may(Permission.CURATE) and st.button("Add these pharmacogenomic results to the draft report",
                                                             key="pgx_attach_panel"):
        if state._write(lambda case_id, actor, expected_version: attach_results(
                state.store(), case_id, actor, expected_version, pgx=panel)):
            st.success("Added to the draft report: they are signed with it.")

st.header("Secondary findings (ACMG SF v3.2)")
if not stored:
    st.info("Secondary findings are opt-in: log in and register the case to record the family's decision. "
            "Nothing is analysed or shown before consent is recorded.")
    st.stop()
from workbench.store.consent import consent, record_consent  # noqa: E402  (only for stored cases)

decision = consent(state.store(), case.case_id)
st.caption("Consent: " + ("not recorded" if decision is None else
                          f"{'given' if decision.consented else 'declined'} (recorded by {decision.recorded_by}, "
                          f"{decision.recorded_at:%Y-%m-%d %H:%M} UTC{'; ' + decision.note if decision.note else ''})"))
if state.user().role.may(Permission.EDIT_PHENOTYPE):
    with st.form("sf_consent"):
        given = st.radio("The family's decision on secondary findings", ("consented", "declined"), horizontal=True)
        note = st.text_input("Note (who consented, when, form reference)")
        if st.form_submit_button("Record decision"):
            record_consent(state.store(), case.case_id, given == "consented", state.user(), note)
            st.rerun()
if decision is None or not decision.consented:
    st.info("No consent recorded: secondary findings are not analysed.")
    st.stop()

result = secondary_of(case.vcfs, case.ped, case.proband_id)
for warning in result.warnings:
    st.warning(warning, icon=":material/warning:")
if result.findings:
    st.dataframe(pd.DataFrame([vars(f) for f in result.findings]), hide_index=True, width="stretch")
else:
    st.success(f"No reportable secondary finding in the {result.genes_analysed} genes.")
if result.not_assessed:
    with st.expander(f"Not assessed ({len(result.not_assessed)} genes with other rare variants)"):
        st.text("\n".join(result.not_assessed))
st.caption(result.limitations)

if state.user().role.may(Permission.CURATE) and st.button("Add the secondary findings to the draft report",
                                                         key="pgx_attach"):
    if state._write(lambda case_id, actor, expected_version: attach_results(
            state.store(), case_id, actor, expected_version, secondary=result)):
        st.success("Added to the draft report: they are signed with it.")
