"""HPO entry as clinicians type and write (issue 16): search, the as-you-type list, the note parser,
and the Phenotype page's note suggestions under quick clicks."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.knowledge import load_knowledge
from workbench.knowledge.term_search import CLINICAL_PHRASINGS
from workbench.model import PHENOTYPIC_ABNORMALITY

REPO = Path(__file__).resolve().parent.parent
HYPOTONIA, SEIZURE, LACTATE = "HP:0001252", "HP:0001250", "HP:0002151"


@pytest.fixture(scope="module")
def hpo():
    return load_knowledge().hpo


@pytest.fixture(scope="module")
def matcher(hpo):
    from workbench.textmining import NoteMatcher

    return NoteMatcher.from_terms(hpo.terms, keep=lambda t: hpo.is_ancestor(PHENOTYPIC_ABNORMALITY, t.id))


# -- search --------------------------------------------------------------------------------
@pytest.mark.parametrize("query, first", [
    ("floppy", HYPOTONIA),  # was "Floppy eyelid", a term no disease carries
    ("floppy infant", HYPOTONIA),  # was nothing at all
    ("elevated lactate", LACTATE),
    ("raised lactate", LACTATE),
    ("fits", SEIZURE),
    ("seiz", SEIZURE),
    ("anaemia", "HP:0001903"),  # British spelling
    ("jaundiced baby", "HP:0000952"),  # a scene-setting word does not hide the finding
    ("HP:0001250", SEIZURE),
])
def test_search_puts_what_a_clinician_means_first(hpo, query, first):
    assert hpo.search(query, limit=5)[0].id == first


def test_a_word_only_started_ranks_below_the_whole_word(hpo):
    assert "HP:0002020" not in [t.id for t in hpo.search("heart", limit=5)]  # Gastroesophageal reflux ("heartburn")


def test_every_clinical_phrasing_names_a_current_phenotypic_term(hpo):
    for phrase, term_id in CLINICAL_PHRASINGS:
        term = hpo.term(term_id)
        assert term is not None and not term.obsolete and term.id == term_id, phrase
        assert hpo.is_ancestor(PHENOTYPIC_ABNORMALITY, term_id), phrase


def test_the_as_you_type_list_is_ordered_by_use_so_a_substring_filter_finds_the_common_term(hpo):
    options = hpo.entry_options()
    assert len(options) > 15000 and all(term_id.startswith("HP:") for term_id, _ in options[:100])
    floppy = [term_id for term_id, text in options if "floppy" in text]
    assert floppy[0] == HYPOTONIA
    assert [term_id for term_id, text in options if "low muscle tone" in text][0] == HYPOTONIA


# -- the note parser -------------------------------------------------------------------------
@pytest.mark.parametrize("note, expected", [
    ("Elevated lactate on day 1.", {LACTATE: False}),
    ("Lactate was raised.", {LACTATE: False}),
    ("No raised lactate.", {LACTATE: True}),
    ("Floppy infant, fits from day 3.", {HYPOTONIA: False, SEIZURE: False}),
    ("Anaemia and generalised seizures.", {"HP:0001903": False, "HP:0002197": False}),
    ("Low blood sodium levels.", {"HP:0002902": False}),
])
def test_the_note_parser_reads_common_clinical_phrasings(matcher, note, expected):
    assert {s.term.id: s.excluded for s in matcher.suggest(note)} == expected


# -- the Phenotype page ----------------------------------------------------------------------
@pytest.fixture
def page(tmp_path, monkeypatch):
    from workbench.store import open_store

    monkeypatch.setenv("WORKBENCH_UPLOAD_DIR", str(tmp_path / "uploads"))
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    at.session_state["store"] = store
    at.session_state["user"] = None
    at.run()
    at.switch_page("workbench/ui/pages/phenotype.py").run()
    assert not at.exception
    yield at
    store.close()


def profile_of(at):
    case = at.session_state["case"]
    return (at.session_state["profiles"] if "profiles" in at.session_state else {}).get(case.case_id, case.initial_profile)


def test_settling_one_suggestion_twice_does_not_crash(page):
    """Two quick clicks: the second runs a callback of the page drawn before the first was handled."""
    at = page
    at.text_area(key="clinical_note").set_value("Hypotonia and poor feeding. No fever.").run()
    next(b for b in at.button if b.key == "suggest_terms").click().run()
    confirm = next(b for b in at.button if b.key == "confirm_HP:0001945")
    reject = next(b for b in at.button if b.key == "reject_HP:0001945")
    confirm.click()
    reject.click()  # both callbacks in one run: the second finds the suggestion gone
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "HP:0001945" in profile_of(at).excluded
    assert [s.term.id for s in at.session_state["note_suggestions"]] == ["HP:0001252", "HP:0011968"]
    for key in ("confirm_HP:0001252", "confirm_HP:0011968"):  # two confirmations in quick succession
        next(b for b in at.button if b.key == key).click()
    at.run()
    assert not at.exception and at.session_state["note_suggestions"] == []
    assert {"HP:0001252", "HP:0011968"} <= set(profile_of(at).observed)


def test_excluded_terms_are_labelled_not_struck_through(page):
    at = page
    observed = profile_of(at).observed[0]
    next(b for b in at.button if b.key == f"flip_observed_{observed}").click().run()
    shown = [m.value for m in at.markdown if f"`{observed}`" in m.value]
    assert shown and "excluded" in shown[0] and "~~" not in shown[0]


def test_a_term_chosen_as_you_type_is_added_and_the_box_emptied(page):
    at = page
    box = at.selectbox(key="hpo_typed")
    assert len(box.options) > 15000
    assert HYPOTONIA not in profile_of(at).observed
    box.set_value(HYPOTONIA).run()
    assert not at.exception
    assert HYPOTONIA in profile_of(at).observed and at.selectbox(key="hpo_typed").value is None
