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
