"""Find HPO terms from a clinician's words: word-by-word matching over labels, synonyms and a short
list of common clinical phrasings, ranked by how much of the query a term's name covers, then by
how often the term is used (diseases annotated to it in phenotype.hpoa).

The ranking's rules are general, never fitted to particular queries:

* words are compared folded: lower case, British spellings as American ("anaemia", "tumour",
  "generalised"), simple plurals as singulars; "of", "the", "in"… carry no weight;
* every typed word may be the start of a word ("hypoton" finds "Hypotonia");
* "elevated", "raised", "high" are one word ("increased"), as are "reduced", "low", "decreased";
* a term's best name decides: when some names contain every typed word only those terms are
  shown; then the share of the typed words a name holds (rarer words count more, inverse document
  frequency; a word only started counts 0.8), then a whole-name match before a name that starts
  with the query before any other, then the commoner term; words that only set the scene
  ("baby", "infant", "child") count a tenth, so "jaundiced baby" still finds Jaundice;
* HPO lacks some words every neonatologist uses ("floppy infant" for Hypotonia):
  ``CLINICAL_PHRASINGS`` adds them as extra names of the term they mean.

>>> from workbench.model import Term
>>> search = TermSearch([Term("HP:0001252", "Hypotonia", synonyms=("Low muscle tone",)),
...                      Term("HP:0000641", "Floppy eyelid")], counts=[2648, 0])
>>> [t.label for t in search.search("floppy")]  # the common term first
['Hypotonia', 'Floppy eyelid']
>>> [t.label for t in search.search("low tone in the muscles")]
['Hypotonia']
"""
from __future__ import annotations

import bisect
import functools
import math
import re
from typing import Sequence

from workbench.model import Term

_WORD = re.compile(r"[a-z0-9]+")
# Words that add nothing to a search: grammar, and the "circulating … concentration" wrapping of lab terms.
STOP_WORDS = frozenset("of the a an in on at to and or with by for from its is are was were "
                       "circulating concentration level amount serum".split())
# A direction said many ways is one word to the index: "elevated lactate" meets "Increased serum lactate".
DIRECTION = {**dict.fromkeys("increased increase elevated elevation raised high higher".split(), "increased"),
             **dict.fromkeys("decreased decrease reduced reduction low lower diminished".split(), "decreased")}
CONTEXT_WORDS = frozenset("baby babies infant newborn neonate child patient boy girl".split())
CONTEXT_WEIGHT = 0.1
SHORTLIST = 300
PREFIX_CREDIT = 0.8  # a typed word that only starts a word ("heart" in "heartburn") counts less than a whole one
MIN_PREFIX = 3  # shorter typed words only narrow what the longer ones found ("f seizure")

# Words clinicians use that HPO (2025-01-16) does not have as synonyms, each checked against the
# term's definition; tests/test_hpo_entry.py checks every id is a current term.
CLINICAL_PHRASINGS: tuple[tuple[str, str], ...] = (
    ("floppy infant", "HP:0001252"), ("floppy baby", "HP:0001252"), ("low tone", "HP:0001252"),
    ("floppy", "HP:0001252"),
    ("increased tone", "HP:0001276"), ("high tone", "HP:0001276"), ("stiff baby", "HP:0001276"),
    ("fits", "HP:0001250"), ("convulsions", "HP:0001250"),
    ("blue baby", "HP:0000961"), ("blue spells", "HP:0000961"),
    ("yellow baby", "HP:0000952"), ("jaundiced", "HP:0000952"),
    ("weak suck", "HP:0002033"),
    ("sleepy baby", "HP:0001254"), ("lethargic", "HP:0001254"),
    ("swollen belly", "HP:0003270"), ("distended abdomen", "HP:0003270"),
    ("extra fingers", "HP:0010442"), ("extra toes", "HP:0010442"),
    ("small jaw", "HP:0000347"), ("small for dates", "HP:0001518"), ("iugr", "HP:0001511"),
    ("growth restriction", "HP:0001511"), ("dysmorphic features", "HP:0001999"),
    ("hole in the heart", "HP:0001671"), ("low platelets", "HP:0001873"),
    ("high ammonia", "HP:0001987"), ("high lactate", "HP:0002151"), ("low sugars", "HP:0001943"),
)


@functools.lru_cache(maxsize=1 << 16)  # HPO's vocabulary is ~20k words: each is folded once
def fold(word: str) -> str:
    """One spelling for British/American variants and simple plurals (applied to index and query alike).

    >>> [fold(w) for w in ("anaemia", "tumours", "generalised", "oedema", "seizures", "toe", "abscess")]
    ['anemia', 'tumor', 'generalized', 'edema', 'seizure', 'toe', 'abscess']
    """
    if word in DIRECTION:
        return DIRECTION[word]
    if len(word) > 4:
        word = word.replace("ae", "e")
        word = re.sub(r"oe(?=.)", "e", word)
        word = re.sub(r"(?<=[a-z]{3})is(e|ed|es|ing|ation)$", r"iz\1", word)
        word = re.sub(r"(?<=[a-z]{3})our(s?)$", r"or\1", word)
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def words(text: str) -> tuple[str, ...]:
    """Folded words of ``text`` without the stop words."""
    return tuple(fold(w) for w in _WORD.findall(text.lower()) if w not in STOP_WORDS)


class TermSearch:
    """The search index over ``terms`` (obsolete ones left out); ``counts[i]`` ranks term ``i``."""

    def __init__(self, terms: Sequence[Term], counts: Sequence[int],
                 phrasings: Sequence[tuple[str, str]] = CLINICAL_PHRASINGS) -> None:
        self._terms = terms
        self._counts = [int(c) for c in counts]
        extra: dict[str, list[str]] = {}
        for phrase, term_id in phrasings:
            extra.setdefault(term_id, []).append(phrase)
        self._names: list[list[tuple[tuple[str, ...], str]]] = []  # per term: (words, whole folded name)
        postings: dict[str, set[int]] = {}
        for i, term in enumerate(terms):
            names = []
            if not term.obsolete:
                for text in (term.label, *term.synonyms, *extra.get(term.id, ())):
                    key = words(text)
                    if key:
                        names.append((key, " ".join(key)))
                        for word in key:
                            postings.setdefault(word, set()).add(i)
            self._names.append(names)
        self._vocabulary = sorted(postings)
        self._postings = [postings[w] for w in self._vocabulary]
        self._size = max(len(terms), 1)

    def _matching(self, word: str) -> set[int]:
        """Terms with a name word that starts with ``word`` (itself included)."""
        start = bisect.bisect_left(self._vocabulary, word)
        end = bisect.bisect_left(self._vocabulary, word + "\uffff")
        return set().union(*self._postings[start:end]) if end > start else set()

    def search(self, text: str, limit: int = 20) -> list[Term]:
        """The best ``limit`` terms for the words typed (see the module docstring for the order)."""
        query = words(text[:300])
        if not query:
            return []
        whole = " ".join(query)
        longer = [w for w in dict.fromkeys(query) if len(w) >= MIN_PREFIX]
        if not longer:  # "s f": one- or two-letter words alone say too little to guess from
            return []
        matches = {w: self._matching(w) for w in longer}
        pool = set().union(*matches.values())
        for short in dict.fromkeys(w for w in query if len(w) < MIN_PREFIX):  # "f seizure": only narrows
            matches[short] = pool & self._matching(short)
        weight = {w: (CONTEXT_WEIGHT if w in CONTEXT_WORDS and len(matches) > 1 else 1.0)
                  * math.log(self._size / (1 + len(found))) + 1e-6 for w, found in matches.items()}
        total = sum(weight.values())
        # A term's share of the typed words, over all its names, bounds what its best name can reach:
        # only the best SHORTLIST terms by that bound are scored name by name.
        bound: dict[int, float] = {}
        for word, found in matches.items():
            for i in found:
                bound[i] = bound.get(i, 0.0) + weight[word]
        shortlist = sorted(bound, key=lambda i: (-bound[i], -self._counts[i]))[:SHORTLIST]
        ranked = []
        for i in shortlist:
            best = None
            for key, name in self._names[i]:
                covered, coverage = 0, 0.0
                for q in matches:
                    if q in key:
                        covered, coverage = covered + 1, coverage + weight[q]
                    elif any(w.startswith(q) for w in key):
                        covered, coverage = covered + 1, coverage + PREFIX_CREDIT * weight[q]
                tier = 0 if name == whole else 1 if name.startswith(whole) else 2
                score = (covered == len(matches), round(coverage / total, 3), -tier)
                if best is None or score > best:
                    best = score
            if best is not None:
                ranked.append((not best[0], -best[1], -best[2], -self._counts[i], self._terms[i].id, i))
        if ranked and any(not entry[0] for entry in ranked):  # some terms have every typed word: only those
            ranked = [entry for entry in ranked if not entry[0]]
        ranked.sort()
        return [self._terms[entry[-1]] for entry in ranked[:limit]]
