"""Report draft: choose variants, classify them with the ACMG assistant, write the interpretation.

Session state:
    "user"               workbench.store.User (log in first; analysts and directors may edit)
    "case_id"            the stored case to report on; if absent, the triage case "case" (a
                         workbench.ui.state.CaseFiles) is used and can be registered from here
    "store"              optional CaseStore (default: shared_store())
    "report_seen_versions"  dict case_id -> the case version this draft view shows (kept apart from the
                         edit pages' "seen_versions", which adopt a newer version after a conflict); every
                         save sends it, so an edit made meanwhile by someone else is refused, not lost,
                         and the view warns it is stale until Reload
    "report_candidates"  optional sequence of ranked genes to choose variants from: objects with
                         .gene_symbol, .mode (InheritanceMode | None), .variants (tuple[Variant]),
                         .disease (Disease | None) -- e.g. ranking.genes[:20]. Without it, the triage
                         case's tagged and top genes (workbench.ui.state.report_candidates).
"""
from dataclasses import replace

import streamlit as st

from workbench.knowledge.xrefs import condition_xrefs
from workbench.report import AcmgAssessment, AcmgEvidence, AppliedCriterion, Criterion, ReportedVariant
from workbench.report.acmg import Direction, Strength, suggest_criteria
from workbench.report.content import (DEFAULT_LIMITATIONS, DEFAULT_SECONDARY_FINDINGS, QcFigure,
                                      default_recommendations)
from workbench.store import CaseStatus, ConflictError, NotFoundError, Permission, PermissionDenied, StoreError
from workbench.ui import layout, report_view, state
from workbench.ui.issues import without_folders

store = state.store()
st.title("Report draft")


@st.cache_resource(show_spinner=False)
def state_mane():
    """The pinned MANE transcripts (RefSeq twins of Ensembl ids), loaded once per server."""
    from workbench.knowledge import load_mane

    return load_mane()


user = layout.logged_in_user("to draft a report")

triage_case = st.session_state.get("case")
case_id = st.session_state.get("case_id") or getattr(triage_case, "case_id", None)
if case_id is None:
    st.info("Open a case first.")
    st.stop()
try:
    case = store.case(case_id)
except NotFoundError:
    st.info(f"Case {case_id} is not yet in the case store. Register it to keep its phenotype, "
            "classifications and reports.")
    if triage_case is not None and triage_case.case_id == case_id and st.button("Register case", key="register_case"):
        problem = state.register(triage_case)
        if problem:
            st.error(problem)
        else:
            st.rerun()
    st.stop()
st.session_state["case_id"] = case_id

seen_versions = st.session_state.setdefault("report_seen_versions", {})
seen = seen_versions.setdefault(case_id, case.row_version)


def saved(action, *args, **kwargs) -> bool:
    """Run one store write with the version this screen shows; show conflicts and refusals plainly."""
    expected = seen_versions[case_id]
    try:
        state.saved_own_write(case_id, expected, action(*args, actor=user, expected_version=expected, **kwargs))
    except ConflictError as problem:
        st.error(f"{problem} Check the change below, press Reload, then save again.")
        return False
    except (StoreError, PermissionDenied, ValueError) as problem:
        st.error(str(problem))
        return False
    return True


st.markdown(f"Case **{case.case_id}** · family {case.family_id} · proband `{case.proband_id}` · "
            f"status **{case.status.value}** · knowledge {case.knowledge_version}")
if case.row_version != seen:
    st.warning(f"Case {case.case_id} was changed by {case.updated_by} at {case.updated_at:%Y-%m-%d %H:%M:%S} UTC "
               "since you opened it. Check the case below (it shows the change), then reload to save again.")
    if st.button("Reload", key="reload_case"):
        seen_versions[case_id] = case.row_version
        st.rerun()
if not user.role.may(Permission.CURATE):
    st.info(f"You are logged in as a {user.role.value}: you can read the draft; analysts and directors edit it.")

latest = store.report(case_id)
if latest is not None and latest.signed:
    st.success(f"Report version {latest.version} was signed by {latest.content.signature.name} on "
               f"{latest.signed_at:%Y-%m-%d %H:%M} UTC and can no longer change.")
    if not user.role.may(Permission.SIGN_OUT):  # the store refuses anyone else; the page does not offer it
        st.info("Only a laboratory director can open an amendment of a signed report.")
        st.stop()
    reason = st.text_input("Reason for an amendment", key="amendment_reason")
    if st.button("Start amendment", key="start_amendment", disabled=not reason.strip()):
        if saved(store.start_amendment, case_id, reason):
            st.rerun()
    st.stop()
if latest is not None and latest.amendment_reason:
    st.info(f"Amending: draft version {latest.version} ({latest.amendment_reason}).")

# -- case details the VCF cannot give (stored by store.case_metadata) ----------------------------
details = store.case_details(case_id)
with st.expander("Patient, specimen and test details" + (f" — missing: {', '.join(details.missing())}"
                                                          if details.missing() else ""),
                 expanded=bool(details.missing())):
    with st.form(f"details_form_{case_id}"):
        entered = layout.case_details_inputs(f"detail_{case_id}", details)
        if st.form_submit_button("Save details"):
            if saved(store.set_case_details, case_id, entered):
                st.session_state["details_saved"] = True
                st.rerun()
if st.session_state.pop("details_saved", False):
    st.success("Details saved.")

# -- choose a variant and classify it -------------------------------------------------------
st.header("Add a variant")


def nmd_of(variant, gene_symbol: str) -> str | None:
    """The PVS1 tree's NMD question from the pinned MANE exons (None when they do not cover the gene)."""
    from workbench.knowledge.transcripts import nmd_prediction

    try:
        return nmd_prediction(variant.chrom, variant.pos, gene_symbol)
    except OSError:
        return None


def triage_candidates() -> tuple:
    """The open triage case's tagged and top ranked genes (cached analysis), when it is this stored case."""
    if triage_case is None or triage_case.case_id != case_id:
        return ()
    from workbench.io import InputError

    try:
        return state.report_candidates(triage_case)
    except (InputError, OSError, ValueError) as problem:
        st.caption(f"The case's ranking is not available: {problem}")
        return ()


candidates = (st.session_state["report_candidates"] if "report_candidates" in st.session_state
              else triage_candidates())
options = {f"{g.gene_symbol} · {v.key} · {g.mode.value if g.mode else 'mode unknown'}": (g, v)
           for g in candidates for v in g.variants}
if not options:
    st.caption("No ranked candidates in this session: open the case's candidate list to choose variants from it.")
else:
    label = st.selectbox("Candidate variant", list(options), key="report_pick")
    gene, variant = options[label]
    left, right = st.columns(2)
    facts = {
        "parentage_confirmed": left.checkbox("Parentage confirmed (trio QC)", key="fact_parentage"),
        "phenotype_specific": left.checkbox("Phenotype highly specific for this gene's disease", key="fact_specific"),
        "in_trans_with_pathogenic": right.checkbox("In trans with a pathogenic variant", key="fact_trans"),
        "lof_mechanism": {"unknown": None, "yes": True, "no": False}[right.radio(
            "Loss of function is a disease mechanism", ["unknown", "yes", "no"], horizontal=True, key="fact_lof")],
    }
    evidence = AcmgEvidence.from_variant(variant, gene.gene_symbol, gene.mode, nmd=nmd_of(variant, gene.gene_symbol),
                                         **facts)
    suggested = {c.criterion: c for c in suggest_criteria(evidence)}
    st.caption("Criteria the data supports are ticked; tick or untick as your review finds. "
               + " · ".join(f"**{c.label}**: {c.reason}" for c in suggested.values()))
    signature = "-".join(sorted(c.label for c in suggested.values()))
    ticked = []
    for direction, column in zip(Direction, st.columns(2)):
        for criterion in (c for c in Criterion if c.direction is direction):
            shown_as = suggested[criterion].label if criterion in suggested else criterion.code
            if column.checkbox(f"{shown_as}: {criterion.meaning}", value=criterion in suggested,
                               key=f"acmg_{variant.key}_{signature}_{criterion.code}"):
                ticked.append(suggested.get(criterion) or AppliedCriterion(criterion, criterion.default_strength))
    assessment = AcmgAssessment(tuple(ticked))
    st.markdown(f"**{assessment.classification.value}** — {assessment.rule}")
    if st.button("Add to report", key="add_variant", disabled=not user.role.may(Permission.CURATE)):
        try:
            chosen = ReportedVariant.from_variant(
                variant, case.proband_id, gene.gene_symbol, gene.mode, assessment, gene.disease, mane=state_mane(),
                father_id=case.proband.father_id, mother_id=case.proband.mother_id,
                parentage_confirmed=facts["parentage_confirmed"],
                condition_xrefs=condition_xrefs(gene.disease.id) if gene.disease else ())
        except ValueError as problem:
            st.error(str(problem))
        else:
            if saved(store.save_reported_variant, case_id, chosen):
                st.rerun()

# -- the variants in the report ---------------------------------------------------------------
st.header("Variants in the report")
reported = store.reported_variants(case_id)
if not reported:
    st.caption("None yet: a report without variants states that no explanatory variant was found.")
for item in reported:
    with st.expander(f"{item.gene_symbol} {item.hgvs} — {item.classification.value}"):
        st.markdown(f"{item.zygosity.value} · {item.inheritance.value if item.inheritance else 'inheritance unknown'}"
                    f" · {item.consequence or 'consequence not annotated'}"
                    + (f" · {item.condition_label} ({item.condition_id})" if item.condition_id else ""))
        current = [c.label for c in item.assessment.criteria]
        labels = st.multiselect("ACMG/AMP criteria", list(dict.fromkeys([*current, *(c.code for c in Criterion)])),
                                default=current, key=f"criteria_{item.key}")
        edited = AcmgAssessment(tuple(AppliedCriterion.of(code) for code in labels))
        st.caption(f"{edited.classification.value} — {edited.rule}")
        for c in item.assessment.criteria:
            st.caption(f"{'✍ added by hand · ' if c.manual else ''}**{c.label}** ({c.strength.value}): "
                       f"{c.reason or 'no reason recorded'}")
        with st.form(f"evidence_form_{item.key}", clear_on_submit=True):
            st.markdown("**Add evidence the data cannot see** (or change a criterion's strength)")
            code_col, strength_col = st.columns(2)
            code = code_col.selectbox("Criterion", [c.code for c in Criterion], key=f"evidence_code_{item.key}")
            strength = strength_col.selectbox("Strength", ["default", *(s.value for s in Strength)],
                                              key=f"evidence_strength_{item.key}")
            why = st.text_input("Reason (required): what evidence, from where (e.g. PMID, functional study)",
                                key=f"evidence_reason_{item.key}")
            if st.form_submit_button("Add evidence"):
                try:
                    added = AppliedCriterion.of(code if strength == "default" else f"{code}_{strength}", why,
                                                manual=True)
                except ValueError as problem:
                    st.error(str(problem))
                else:
                    if saved(store.save_reported_variant, case_id,
                             replace(item, assessment=item.assessment.with_criterion(added))):
                        st.rerun()
        update, remove = st.columns(2)
        if update.button("Save criteria", key=f"save_{item.key}"):
            kept = {c.label: c for c in item.assessment.criteria}
            criteria = tuple(kept.get(code) or AppliedCriterion.of(code) for code in labels)
            if saved(store.save_reported_variant, case_id,
                     replace(item, assessment=AcmgAssessment(criteria))):
                st.rerun()
        if remove.button("Remove from report", key=f"remove_{item.key}"):
            if saved(store.remove_reported_variant, case_id, item.key):
                st.rerun()

# -- the text -------------------------------------------------------------------------------------
def ranking_warnings() -> list[str] | None:
    """What the open analysis' ranking warns of (damaged input, sex inferred, duo...); None when not analysed here."""
    if triage_case is None or triage_case.case_id != case_id:
        return None
    from workbench.io import InputError

    try:
        return [without_folders(w) for w in state.ranking(triage_case, state.profile(triage_case)).warnings]
    except (InputError, OSError, ValueError):
        return None


def qc_figures() -> list[QcFigure] | None:
    """The trio QC of the open analysis against the data type's ranges; None when it is not analysed here."""
    if triage_case is None or triage_case.case_id != case_id:
        return None
    from workbench.io import InputError
    from workbench.qc.ranges import assess, infer_data_type

    try:
        reading = state.analysis(triage_case).reading
    except (InputError, OSError, ValueError):
        return None
    data_type = details.data_type or infer_data_type(reading.records_read)
    return [QcFigure(f"{a.measure} ({a.role} {a.sample_id})", a.value_text, a.expected_text, a.status)
            for a in assess(reading.qc, data_type)]


st.header("Interpretation")
draft = latest.content if latest is not None else None
indication = st.text_input("Clinical indication", value=case.indication, key=f"indication_{case_id}")
interpretation = st.text_area("Interpretation", value=draft.interpretation if draft else "", height=160,
                              key=f"interpretation_{case_id}")
recommendations = st.text_area(
    "Recommendations (genetic counselling, recurrence risk, family testing)",
    value=(draft.recommendations if draft and draft.recommendations else default_recommendations(reported)),
    height=120, key=f"recommendations_{case_id}")
with st.expander("Limitations and secondary findings"):
    limitations = st.text_area("Limitations", value=draft.limitations if draft else DEFAULT_LIMITATIONS,
                               key=f"limitations_{case_id}")
    secondary = st.text_area("Secondary findings", value=draft.secondary_findings if draft else DEFAULT_SECONDARY_FINDINGS,
                             key=f"secondary_{case_id}")
if st.button("Save draft", key="save_draft", type="primary", disabled=not user.role.may(Permission.CURATE)):
    mane = state_mane()
    if saved(store.save_draft, case_id, interpretation=interpretation, limitations=limitations,
             secondary_findings=secondary, indication=indication, recommendations=recommendations,
             qc=qc_figures(), transcripts=mane.version if mane else None, input_warnings=ranking_warnings()):
        st.session_state["report_saved"] = True
        st.rerun()
if st.session_state.pop("report_saved", False):
    st.success("Draft saved.")
if latest is not None:
    with st.expander("Preview the saved draft as it will be signed"):
        report_view.show(latest.content)
    st.download_button(f"Draft PDF (version {latest.version})", state.report_download(latest.content, "pdf"),
                       file_name=f"{case_id}-v{latest.version}-DRAFT.pdf", mime="application/pdf",
                       key="draft_pdf")
    if case.status is CaseStatus.REPORT_DRAFTED:
        st.caption("Saved drafts are signed on the Sign-out page by a laboratory director.")
