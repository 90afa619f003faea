"""Suggest HPO terms from a free-text clinical note, with simple negation ("no seizures").

A neonatologist pastes a note; the app proposes terms to confirm or reject. The matcher is a
dictionary lookup of HPO labels, synonyms and common clinical phrasings, longest match wins,
with the words folded as the search folds them (:func:`workbench.knowledge.term_search.words`:
case, punctuation, plurals, British spellings, "of/the/was…" and the "circulating …
concentration" wrapping of lab terms ignored, "elevated/raised/high" read as "increased" and
"low/reduced" as "decreased"), so "elevated lactate" and "lactate was raised" both find
Increased circulating lactate concentration. NegEx-style cues within the same clause ("no",
"without", "denies", "absent", "negative for", ...) mark a finding excluded. It never decides
anything itself: every suggestion carries the text it matched so the clinician can judge it.

>>> from workbench.model import Term
>>> matcher = NoteMatcher.from_terms([
...     Term("HP:0001250", "Seizure", synonyms=("Seizures", "Epileptic seizure")),
...     Term("HP:0001252", "Hypotonia", synonyms=("Low muscle tone",)),
...     Term("HP:0001263", "Global developmental delay"),
... ])
>>> for s in matcher.suggest("Floppy baby with low muscle tone. No seizures; global developmental delay."):
...     print(s.term.id, s.excluded, repr(s.matched_text))
HP:0001252 False 'Floppy baby'
HP:0001250 True 'seizures'
HP:0001263 False 'global developmental delay'
>>> matcher = NoteMatcher.from_terms([Term("HP:0002151", "Increased circulating lactate concentration")])
>>> [(s.matched_text, s.excluded) for s in matcher.suggest("Lactate was raised. No elevated lactate; but high lactate.")]
[('Lactate was raised', False)]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable

from workbench.knowledge.term_search import CLINICAL_PHRASINGS, DIRECTION, STOP_WORDS, fold, words
from workbench.model import Term

# Cues that negate a finding named AFTER them in the same clause ("no seizures").
NEGATION_BEFORE = (
    "no", "not", "without", "denies", "denied", "negative for", "absence of", "absent",
    "free of", "ruled out", "rules out", "no evidence of", "no signs of", "never",
)
# Cues that negate a finding named BEFORE them in the same clause ("reflexes absent").
NEGATION_AFTER = ("absent", "not seen", "not present", "ruled out", "was excluded", "were excluded", "negative")
# Clause boundaries end a negation's scope ("no fever, but seizures" keeps seizures observed).
CLAUSE_SPLIT = re.compile(r"[.;!?\n]|:(?!\d)|,|\bbut\b|\bhowever\b|\balthough\b", re.IGNORECASE)
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
HPO_ID = re.compile(r"\bHP:\d{7}\b", re.IGNORECASE)
MIN_NAME_CHARS = 4  # shorter synonyms ("Fit", "Tall") match ordinary words, not findings
MAX_NAME_TOKENS = 10


@dataclass(frozen=True)
class Suggestion:
    """A term found in the note: observed, or excluded when a negation cue governs it."""

    term: Term
    excluded: bool
    matched_text: str
    start: int  # character offsets into the note, for highlighting
    end: int


_DIRECTIONS = frozenset(DIRECTION.values())


def _keys(name: str) -> list[tuple[str, ...]]:
    """The folded words of a name, and for "Increased X" also "X increased" ("lactate was raised")."""
    key = words(name)
    if len(key) > 1 and key[0] in _DIRECTIONS:
        return [key, key[1:] + key[:1]]
    return [key] if key else []


class NoteMatcher:
    """Label/synonym dictionary over HPO terms; build once per knowledge base and reuse."""

    def __init__(self, names: dict[tuple[str, ...], Term], terms_by_id: dict[str, Term]) -> None:
        self._names = names
        self._terms_by_id = terms_by_id

    @classmethod
    def from_terms(cls, terms: Iterable[Term], keep: Callable[[Term], bool] = lambda term: True) -> "NoteMatcher":
        """Index the labels and synonyms of the current terms that ``keep`` accepts.

        When a label of one term equals a synonym of another, the label wins.
        """
        names: dict[tuple[str, ...], Term] = {}
        by_id: dict[str, Term] = {}
        synonyms: list[tuple[tuple[str, ...], Term]] = []
        phrasings: dict[str, list[str]] = {}
        for phrase, term_id in CLINICAL_PHRASINGS:
            phrasings.setdefault(term_id, []).append(phrase)
        for term in terms:
            if term.obsolete or not keep(term):
                continue
            by_id[term.id.upper()] = term
            for name, is_label in [(term.label, True)] + [(s, False) for s in (*term.synonyms, *phrasings.get(term.id, ()))]:
                if len(name) < MIN_NAME_CHARS:
                    continue
                for key in _keys(name):
                    if len(key) > MAX_NAME_TOKENS:
                        continue
                    if is_label:
                        names.setdefault(key, term)
                    else:
                        synonyms.append((key, term))
        for key, term in synonyms:
            names.setdefault(key, term)
        return cls(names, by_id)

    def suggest(self, note: str) -> list[Suggestion]:
        """Terms named in the note, in order of appearance, each once (first mention wins)."""
        found: list[Suggestion] = []
        seen: set[str] = set()
        for clause_start, clause in _clauses(note):
            for suggestion in self._match_clause(clause, clause_start):
                if suggestion.term.id not in seen:
                    seen.add(suggestion.term.id)
                    found.append(suggestion)
        return found

    def _match_clause(self, clause: str, offset: int) -> list[Suggestion]:
        tokens = [(m.start(), m.end(), fold(m.group())) for m in TOKEN.finditer(clause.lower())
                  if m.group() not in STOP_WORDS]
        matches: list[tuple[int, int, Term]] = []  # token span [i, j) and term
        for m in HPO_ID.finditer(clause):
            term = self._terms_by_id.get(m.group().upper())
            if term is not None:
                first = next(i for i, t in enumerate(tokens) if t[0] >= m.start())
                matches.append((first, first + 2, term))  # "hp" "0001250"
        covered = {i for a, b, _ in matches for i in range(a, b)}
        i = 0
        while i < len(tokens):
            longest = None
            if i not in covered:
                for j in range(min(len(tokens), i + MAX_NAME_TOKENS), i, -1):
                    term = self._names.get(tuple(t[2] for t in tokens[i:j]))
                    if term is not None:
                        longest = (i, j, term)
                        break
            if longest:
                matches.append(longest)
                i = longest[1]
            else:
                i += 1
        suggestions = []
        for a, b, term in sorted(matches, key=lambda m: m[0]):
            before = " " + " ".join(t[2] for t in tokens[:a]) + " "
            after = " " + " ".join(t[2] for t in tokens[b:]) + " "
            negated = any(cue in before for cue in _CUES_BEFORE) or any(cue in after for cue in _CUES_AFTER)
            start, end = tokens[a][0], tokens[b - 1][1]
            suggestions.append(Suggestion(term, negated, clause[start:end], offset + start, offset + end))
        return suggestions


def _padded(cue: str) -> str:
    """A cue as folded words between spaces, to find it whole in a folded clause."""
    return f" {' '.join(words(cue))} "


# Normalised once here, not for every match.
_CUES_BEFORE = tuple(_padded(cue) for cue in NEGATION_BEFORE)
_CUES_AFTER = tuple(_padded(cue) for cue in NEGATION_AFTER)


def _clauses(note: str) -> Iterable[tuple[int, str]]:
    start = 0
    for boundary in CLAUSE_SPLIT.finditer(note):
        yield start, note[start:boundary.start()]
        start = boundary.end()
    yield start, note[start:]
