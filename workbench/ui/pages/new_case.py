"""New case: upload a trio (one multi-sample VCF or one VCF per person) and its PED, or open an example."""
import streamlit as st

from workbench.io import InputError
from workbench.io.uploads import max_upload_bytes
from workbench.store import Permission
from workbench.ui import layout, state

st.title("New case")


def opened(case, problem: str | None) -> None:
    """Show the library's refusal plainly, or open the analysed case (kept in the store if logged in)."""
    if problem:
        st.error(problem)
        return
    state.open_case(case)
    if state.user() is not None:
        refusal = state.register(case)
        if refusal:
            st.warning(f"Analysed, but not saved in the case store: {refusal}")
            st.stop()
        refusal = layout.save_case_details(case.case_id, entered_details)  # case details block below
        if refusal:
            st.warning(f"Case saved, but not its details: {refusal}. Enter them on the Report page.")
            st.stop()
    st.switch_page("workbench/ui/pages/candidates.py")


# -- case details the VCF cannot give (issue 16; stored with the case by store.case_metadata) --------
with st.expander("Patient, specimen and ordering details (optional here; also on the Report page)"):
    entered_details = layout.case_details_inputs("new_case")
# -- end case details ----------------------------------------------------------------------------------

st.subheader("Upload")
vcfs = st.file_uploader(
    "VCF: one joint-called trio file, or one file per person (bgzipped or plain; add the .tbi if you have it)",
    type=["vcf", "gz", "bgz", "tbi", "csi"], accept_multiple_files=True, key="upload_vcfs",
)
ped = st.file_uploader("Pedigree (PED: family, individual, father, mother, sex, phenotype)",
                       type=["ped", "txt", "tsv"], key="upload_ped")
packet = st.file_uploader("Phenopacket with the proband's HPO terms (optional)", type=["json"], key="upload_phenopacket")
# -- CNV/SV calls (issue 22) ---------------------------------------------------------------------------
sv_files = st.file_uploader("CNV/SV VCF (optional): the trio's copy-number and structural calls, one joint file or "
                            "one per person (DRAGEN, Manta, GATK-SV, Delly, gCNV)",
                            type=["vcf", "gz", "bgz", "tbi", "csi"], accept_multiple_files=True, key="upload_sv_vcfs")
# -- end CNV/SV calls ----------------------------------------------------------------------------------
proband = st.text_input("Proband id (optional: the affected child of the PED is used)", key="upload_proband").strip()

if st.button("Analyse", type="primary", key="analyse_upload"):
    data_files = [f for f in vcfs or [] if not f.name.endswith((".tbi", ".csi"))]
    if not data_files:
        st.error("Add at least one VCF file.")
    elif ped is None:
        st.error("Add the pedigree (PED) file: it says who is the proband, the father and the mother.")
    elif {f.name for f in sv_files or []} & {f.name for f in [*(vcfs or []), ped, *([packet] if packet else [])]}:
        st.error("A CNV/SV VCF has the same file name as another file: rename it so the two stay apart.")
    else:
        uploads = [(f.name, f) for f in (vcfs or [])] + [(ped.name, ped)]  # streamed to disk, not copied in memory
        if packet is not None:
            uploads.append((packet.name, packet))
        sv_data = [f for f in sv_files or [] if not f.name.endswith((".tbi", ".csi"))]
        uploads += [(f.name, f) for f in sv_files or []]
        try:
            folder = state.save_uploads(uploads)
        except InputError as refusal:  # too large, or not a usable file name
            st.error(str(refusal))
        else:
            bar, progress = layout.reading_progress("the VCF")
            progress(0.0)
            case, problem = state.case_from_uploads(
                folder, [f.name for f in data_files], ped.name, packet.name if packet else None, proband or None,
                progress=progress, sv_vcf_names=[f.name for f in sv_data],
            )
            bar.empty()
            opened(case, problem)
st.caption(f"Uploads up to {max_upload_bytes() >> 20} MB per file. Genome-size VCFs: put them in a data folder "
           "on the server and use the section below.")

st.subheader("Or analyse files already on this server")
current = state.user()
if current is None or not current.role.may(Permission.CREATE_CASE):
    # The page hides the form; state.case_from_server_files refuses on the server side as well.
    st.info("Log in as an analyst or a director to analyse files already on this server." if current is None else
            f"Only analysts and directors can analyse files already on this server (you are logged in as a "
            f"{current.role.value}).")
else:
    st.caption("For genome-size VCFs: the files are read where they are and never modified or copied. Only files "
               "inside the server's data folders can be read: " + ", ".join(str(d) for d in state.server_data_dirs()))
    server_vcfs = st.text_area("VCF path(s), one per line", key="server_vcfs", height=68)
    server_ped = st.text_input("PED path", key="server_ped")
    server_packet = st.text_input("Phenopacket path (optional)", key="server_phenopacket")
    server_sv = st.text_area("CNV/SV VCF path(s), one per line (optional)", key="server_sv_vcfs", height=68)
    if st.button("Analyse these files", key="analyse_server_files"):
        paths = [line.strip() for line in server_vcfs.splitlines() if line.strip()]
        if not paths or not server_ped.strip():
            st.error("Give at least one VCF path and the PED path.")
        else:
            bar, progress = layout.reading_progress("the VCF")
            progress(0.0)
            case, problem = state.case_from_server_files(
                paths, server_ped.strip(), server_packet.strip() or None, proband or None, progress=progress,
                sv_vcf_paths=[line.strip() for line in server_sv.splitlines() if line.strip()])
            bar.empty()
            opened(case, problem)

st.subheader("Or open an example")
examples = state.demo_cases()
if examples:
    example = st.selectbox("Example case (case_data/)", examples, format_func=lambda c: c.case_id, key="example_case")
    if st.button("Open example", key="open_example"):
        state.open_case(example)
        st.switch_page("workbench/ui/pages/candidates.py")
