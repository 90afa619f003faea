"""Sign-out: a laboratory director reviews the saved draft and signs it with their password.

Session state:
    "user"           workbench.store.User (only a director may sign; others see the draft read-only)
    "case_id"        the stored case (else the triage case "case".case_id)
    "store"          optional CaseStore (default: shared_store())
    "report_seen_versions"  dict case_id -> case version shown (shared with the Report page, apart from
                     the edit pages' "seen_versions"): signing a draft someone changed after this
                     screen was drawn is refused
"""
import streamlit as st

from workbench.store import (AuthenticationError, ConflictError, LoginThrottled, Permission, PermissionDenied,
                             StoreError)
from workbench.ui import layout, milestones, report_view, state

store = state.store()
st.title("Sign-out")
user = layout.logged_in_user("to sign out reports")
case = layout.stored_case(store)
seen_versions = st.session_state.setdefault("report_seen_versions", {})
seen = seen_versions.setdefault(case.case_id, case.row_version)

report = store.report(case.case_id)
if report is None:
    st.info(f"Case {case.case_id} has no draft report yet.")
    st.stop()
content = report.content
st.markdown(f"Case **{case.case_id}** · proband `{case.proband_id}` · report version **{report.version}** · "
            f"status **{case.status.value}**" + (f" · amendment: {report.amendment_reason}" if report.amendment_reason else ""))
if report.signed:
    if message := st.session_state.pop("signed_message", None):
        st.success(message)
    st.success(f"Signed by {content.signature.name} on {report.signed_at:%Y-%m-%d %H:%M} UTC. "
               "A signed report never changes; amendments create a new version (Report page).")

# -- the whole report as it will be signed (workbench.ui.report_view) --------------------------
report_view.show(content)
if not report.signed and (lacking := report_view.missing_elements(content)):
    st.warning("This draft lacks: " + "; ".join(lacking) + ". Complete them on the Report page and save the draft "
               "before signing.", icon=":material/warning:")
# -- end report view ---------------------------------------------------------------------------
st.download_button("PDF as it will be signed" if not report.signed else "Signed PDF", state.report_download(content, "pdf"),
                   file_name=f"{case.case_id}-v{report.version}{'' if report.signed else '-DRAFT'}.pdf",
                   mime="application/pdf", key="signout_pdf")
if report.signed:
    st.stop()

if not user.role.may(Permission.SIGN_OUT):
    st.error(f"Only a laboratory director can sign out reports; you are logged in as {user.role.value}.")
    st.stop()
if case.row_version != seen:
    st.warning(f"Case {case.case_id} was changed by {case.updated_by} at {case.updated_at:%Y-%m-%d %H:%M:%S} UTC "
               "since you opened it; reload before signing.")
    if st.button("Reload", key="signout_reload"):
        seen_versions[case.case_id] = case.row_version
        st.rerun()
    st.stop()
if set(store.reported_variants(case.case_id)) != set(content.results):
    st.warning("The variants or their classifications changed after this draft was saved: what you sign is the "
               "saved draft shown above. Re-save the draft on the Report page to include the changes.")
reviewed = st.checkbox("I have reviewed the whole report above: identifiers, indication, variants, their "
                       "classification, interpretation, recommendations and limitations.",
                       key="signout_reviewed")
password = st.text_input("Your password, to sign", type="password", key="signout_password")
if st.button(f"Sign out report version {report.version}", key="sign_out", type="primary", disabled=not reviewed):
    try:
        signed = store.sign_out(case.case_id, user, seen, password=password)
    except LoginThrottled as problem:
        st.error(f"Not signed: {problem}.")
    except AuthenticationError:
        st.error("Password not accepted; the report was not signed.")
    except (ConflictError, StoreError, PermissionDenied) as problem:
        st.error(str(problem))
    else:
        state.saved_own_write(case.case_id, seen, store.case(case.case_id).row_version)
        milestones.note_signed(case.case_id)
        st.session_state["signed_message"] = f"Report version {signed.version} signed."
        st.rerun()
