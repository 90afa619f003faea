"""Clinical note -> suggested HPO terms: label/synonym matching and negation scope."""
from workbench.model import Term
from workbench.textmining import NoteMatcher

TERMS = [
    Term("HP:0001250", "Seizure", synonyms=("Seizures", "Fits", "Epileptic seizure")),
    Term("HP:0001252", "Hypotonia", synonyms=("Low muscle tone", "Floppy")),
    Term("HP:0001263", "Global developmental delay"),
    Term("HP:0001249", "Developmental delay"),  # shorter name inside a longer one
    Term("HP:0001945", "Fever"),
    Term("HP:0011968", "Feeding difficulties", synonyms=("Poor feeding",)),
    Term("HP:0000001", "All"),  # too short to be a finding's name
    Term("HP:0009999", "Old term", obsolete=True),
]


def suggest(note: str) -> dict[str, bool]:
    return {s.term.id: s.excluded for s in NoteMatcher.from_terms(TERMS).suggest(note)}


def test_labels_synonyms_and_plurals_match_case_insensitively():
    assert suggest("POOR FEEDING and fits; floppy.") == {"HP:0011968": False, "HP:0001250": False, "HP:0001252": False}


def test_longest_name_wins():
    assert suggest("Global developmental delay") == {"HP:0001263": False}


def test_negation_before_and_after_within_the_clause():
    assert suggest("No seizures or fever") == {"HP:0001250": True, "HP:0001945": True}
    assert suggest("Denies fever. Seizures absent.") == {"HP:0001945": True, "HP:0001250": True}
    assert suggest("Without poor feeding") == {"HP:0011968": True}


def test_negation_stops_at_the_clause_boundary():
    assert suggest("No fever, but seizures since day 2") == {"HP:0001945": True, "HP:0001250": False}


def test_hpo_ids_are_recognised():
    assert suggest("Findings: HP:0001252 and hp:0001945") == {"HP:0001252": False, "HP:0001945": False}


def test_short_names_and_obsolete_terms_are_not_suggested():
    assert suggest("All old term notes") == {}


def test_offsets_point_into_the_note_and_first_mention_wins():
    note = "Hypotonia. Later no hypotonia."
    (only,) = NoteMatcher.from_terms(TERMS).suggest(note)
    assert (only.excluded, note[only.start:only.end]) == (False, "Hypotonia")


def test_keep_restricts_the_vocabulary():
    matcher = NoteMatcher.from_terms(TERMS, keep=lambda t: t.id != "HP:0001945")
    assert [s.term.id for s in matcher.suggest("fever and seizure")] == ["HP:0001250"]
