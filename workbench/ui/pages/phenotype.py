"""Phenotype: the neonatologist records observed and excluded HPO terms; every change re-ranks."""
import pandas as pd
import streamlit as st

from workbench.model import PhenotypeProfile
from workbench.ui import layout, state

kb = state.knowledge()
case = state.current_case()
profile = state.profile(case)


def label(term_id: str) -> str:
    term = kb.hpo.term(term_id)
    return term.label if term else "unknown term"


def update(observed: list[str], excluded: list[str]) -> bool:
    return state.set_profile(PhenotypeProfile(tuple(dict.fromkeys(observed)), tuple(dict.fromkeys(excluded))), case)


def add(term_id: str, excluded: bool) -> bool:
    """Record a term as observed or excluded (moving it if it was recorded the other way)."""
    current = state.profile(case)
    observed = [t for t in current.observed if t != term_id]
    not_seen = [t for t in current.excluded if t != term_id]
    (not_seen if excluded else observed).append(term_id)
    return update(observed, not_seen)


def remove_term(term_id: str) -> None:
    current = state.profile(case)
    update([t for t in current.observed if t != term_id], [t for t in current.excluded if t != term_id])


def settle(term_id: str, excluded: bool, accepted: bool) -> None:
    """Confirm (record) or reject a note suggestion; it leaves the list unless the store refused it.

    Safe to run twice or late: a quick second click runs the callback of a button drawn before the
    first click was handled, for a suggestion that may be gone (adding a term twice is harmless).
    """
    waiting = st.session_state.get("note_suggestions") or []
    if not any(s.term.id == term_id for s in waiting):
        return
    if accepted and not add(term_id, excluded):
        return
    st.session_state["note_suggestions"] = [s for s in waiting if s.term.id != term_id]


@st.cache_resource(show_spinner=False)
def entry_labels(version: str) -> dict[str, str]:
    """Term id -> "Label — synonyms · phrasings" for the as-you-type list, commonest term first."""
    return {term_id: text for term_id, text in _entry_labels()}


def _entry_labels():
    for term_id, names in kb.hpo.entry_options():
        term = kb.hpo.term(term_id)
        others = names.split(" · ")[1:]
        yield term_id, term.label + (" — " + " · ".join(others) if others else "")


def add_typed() -> None:
    """The as-you-type choice: recorded as observed at once, and the box emptied for the next term."""
    chosen = st.session_state.get("hpo_typed")
    if chosen:
        add(chosen, False)
        st.session_state["hpo_typed"] = None


st.title("Phenotype")
st.markdown(f"Family **{case.case_id}** · proband's features as HPO terms. Every change re-ranks the candidates at once.")

# -- current terms -------------------------------------------------------------------------
resolution = kb.hpo.resolve(list(profile.observed) + list(profile.excluded))
for warning in resolution.warnings:
    st.warning(warning, icon=":material/warning:")
if not profile.observed and not profile.excluded:
    st.info("No terms yet. Search below or paste a clinical note.")
for status, ids in (("observed", profile.observed), ("excluded", profile.excluded)):
    if not ids:
        continue
    st.subheader(f"{status.capitalize()} ({len(ids)})")
    for term_id in ids:
        text, flip, remove = st.columns([6, 2, 1])
        badge = ":green-badge[observed]" if status == "observed" else ":red-badge[excluded]"  # not struck through
        text.markdown(f"{badge} {label(term_id)} `{term_id}`")
        other = "excluded" if status == "observed" else "observed"
        flip.button(f"Mark {other}", key=f"flip_{status}_{term_id}", on_click=add, args=(term_id, other == "excluded"))
        remove.button("Remove", key=f"remove_{status}_{term_id}", on_click=remove_term, args=(term_id,))

# -- search --------------------------------------------------------------------------------
st.subheader("Add a term")
typed_labels = entry_labels(kb.version)
st.selectbox(
    "Type a finding: suggestions appear as you type, the most used terms first (added as observed)",
    list(typed_labels), index=None, format_func=typed_labels.get, key="hpo_typed", on_change=add_typed,
    filter_mode="contains", placeholder="e.g. floppy, seizure, poor feeding",
)
query = st.text_input("Or search HPO by several words, a description or an id (press Enter)", key="hpo_query",
                      placeholder="e.g. floppy infant, elevated lactate, HP:0001250")
results = kb.hpo.search(query, limit=20) if query else []
if query and not results:
    st.info(f"No HPO term matches “{query}”.")
if results:
    chosen = st.selectbox(
        "Matching terms", results, format_func=lambda t: f"{t.label} ({t.id})", key="hpo_choice",
    )
    if chosen.definition:
        st.markdown(f"*{chosen.definition}*")
    if chosen.synonyms:
        st.caption("Synonyms: " + "; ".join(chosen.synonyms))
    if chosen.parents:
        st.caption("Parents: " + "; ".join(f"{label(p)} ({p})" for p in chosen.parents))
    observed_button, excluded_button, _ = st.columns([2, 2, 4])
    observed_button.button("Add as observed", key="add_observed", type="primary", on_click=add, args=(chosen.id, False))
    excluded_button.button("Add as excluded", key="add_excluded", on_click=add, args=(chosen.id, True))

# -- clinical note -------------------------------------------------------------------------
st.subheader("Suggest terms from a clinical note")
note = st.text_area(
    "Clinical note", key="clinical_note", height=120, max_chars=20_000,  # bounds the parser's work per click
    placeholder="e.g. Term baby with hypotonia and poor feeding. Epileptic spasms from day 3. No cardiac anomaly.",
)
if st.button("Suggest terms", key="suggest_terms"):
    st.session_state["note_suggestions"] = state.note_matcher().suggest(note)
    if not st.session_state["note_suggestions"]:
        st.info("No HPO term label or synonym found in the note.")
suggestions = st.session_state.get("note_suggestions", [])
if suggestions:
    st.caption("Confirm each suggestion (negated findings are proposed as excluded) or reject it.")
for suggestion in list(suggestions):
    term = suggestion.term
    text, confirm, reject = st.columns([6, 2, 1])
    kind = "excluded" if suggestion.excluded else "observed"
    badge = ":green-badge[observed]" if kind == "observed" else ":red-badge[excluded]"
    text.markdown(f"{badge} **{term.label}** `{term.id}`, from “{suggestion.matched_text}”")
    confirm.button(f"Confirm as {kind}", key=f"confirm_{term.id}", on_click=settle,
                   args=(term.id, suggestion.excluded, True))
    reject.button("Reject", key=f"reject_{term.id}", on_click=settle, args=(term.id, suggestion.excluded, False))

# -- the effect ----------------------------------------------------------------------------
st.subheader("Top candidates with this phenotype")
_, _, ranking = layout.ranked()
st.table(pd.DataFrame(
    [{"rank": g.rank, "gene": g.gene_symbol, "disease": g.disease.name if g.disease else "",
      "mode": g.mode.value, "probability": f"{g.probability:.3f}"} for g in ranking.genes[:5]],
).set_index("rank"))
ranked_for = state.profile(case)
st.caption(f"Ranked for {len(ranked_for.observed)} observed and {len(ranked_for.excluded)} excluded terms.")
layout.provenance(ranking)
