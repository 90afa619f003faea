"""The HPO behind one small interface: terms, ancestors, information content, resolution, search.

Built from plain arrays (see ``sources``), never from parser objects, so it pickles into the
cache and the scoring core can use the index-level arrays (``index``, ``ancestor_indices``,
``ic``) without touching pronto.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from workbench.knowledge.sources import OntologyData
from workbench.model import Term

_HPO_ID = re.compile(r"^HP:\d{7}$")
_BARE_DIGITS = re.compile(r"^\d{1,7}$")
_WORD = re.compile(r"[a-z0-9]+")
# Bounds on what one list of ids may cost (issue 21.8): a person or file giving hundreds of ids gets
# the first MAX_TERMS and a warning; "did you mean" is worked out for the first few unknown ids only.
MAX_TERMS = 300
MAX_SUGGESTED_UNKNOWN = 5


@dataclass(frozen=True)
class TermResolution:
    """What became of a list of ids given by a person or a file.

    ``terms`` are current terms in input order (duplicates removed); ``replaced`` pairs each
    alternative/obsolete id with the id used instead; ``unknown`` ids could not be mapped;
    ``warnings`` say all of this in words, with suggestions for the unknown ones.
    """

    terms: tuple[Term, ...]
    replaced: tuple[tuple[str, str], ...]
    unknown: tuple[str, ...]
    warnings: tuple[str, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.terms)


def _normalise(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _one_digit_edits(digits: str) -> set[str]:
    """Every string one typing slip away from ``digits``: a digit changed, two neighbours swapped,
    one dropped or one added.

    >>> {"0007359", "0001250", "000125", "00012500"} <= _one_digit_edits("0001250") | _one_digit_edits("0007395")
    True
    """
    edits = {digits}
    for i in range(len(digits) + 1):
        for d in "0123456789":
            edits.add(digits[:i] + d + digits[i:])
            if i < len(digits):
                edits.add(digits[:i] + d + digits[i + 1:])
        if i < len(digits):
            edits.add(digits[:i] + digits[i + 1:])
        if i + 1 < len(digits):
            edits.add(digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:])
    return edits


class Ontology:
    """HPO terms with their is_a closure and information content (IC) from disease annotations.

    IC(t) = -ln(n_t / N), where n_t counts the diseases annotated to t or to any descendant
    (true-path rule) and N all annotated diseases; a term no disease reaches gets the IC of a
    term annotated once, so that it is "as specific as anything", not infinite.
    """

    def __init__(self, data: OntologyData, disease_counts: np.ndarray, disease_total: int) -> None:
        self.version = data.version
        self._terms = data.terms
        self.index: dict[str, int] = {t.id: i for i, t in enumerate(data.terms)}
        self._alternative_ids = data.alternative_ids
        self._consider = data.consider
        self.ancestor_pointers = data.ancestor_pointers
        self.ancestor_indices = data.ancestor_indices
        self.disease_counts = disease_counts
        self.disease_total = disease_total
        self.ic = -np.log(np.maximum(disease_counts, 1) / max(disease_total, 1))
        self._search_keys = self._build_search_index()

    # -- terms and structure -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._terms)

    def __contains__(self, term_id: object) -> bool:
        return term_id in self.index

    @property
    def terms(self) -> Sequence[Term]:
        """All terms, obsolete ones included, in index order."""
        return self._terms

    def term(self, term_id: str) -> Term | None:
        """The term with this primary id, or the primary term of an alternative id; None if unknown."""
        i = self.index.get(term_id)
        if i is None and term_id in self._alternative_ids:
            i = self.index.get(self._alternative_ids[term_id])
        return None if i is None else self._terms[i]

    def ancestor_index_array(self, i: int) -> np.ndarray:
        """Term indices of term ``i``'s ancestors, itself included."""
        return self.ancestor_indices[self.ancestor_pointers[i]:self.ancestor_pointers[i + 1]]

    def ancestors(self, term_id: str) -> frozenset[str]:
        """All is_a ancestors of a term, itself included (empty for an unknown id)."""
        i = self.index.get(self._alternative_ids.get(term_id, term_id))
        if i is None:
            return frozenset()
        return frozenset(self._terms[a].id for a in self.ancestor_index_array(i))

    def is_ancestor(self, ancestor: str, term_id: str) -> bool:
        """True when ``ancestor`` is ``term_id`` or one of its is_a ancestors."""
        return ancestor in self.ancestors(term_id)

    def information_content(self, term_id: str) -> float:
        """IC of a term (natural log); 0 for the root; raises KeyError for an unknown id."""
        primary = self._alternative_ids.get(term_id, term_id)
        return float(self.ic[self.index[primary]])

    def annotation_count(self, term_id: str) -> int:
        """How many diseases are annotated to the term or a descendant."""
        return int(self.disease_counts[self.index[self._alternative_ids.get(term_id, term_id)]])

    # -- resolution ------------------------------------------------------------------------
    def current_id(self, term_id: str) -> tuple[str | None, str | None]:
        """Map an id to a current term id, with a warning when it was alternative or obsolete.

        Returns (current id or None, warning or None).
        """
        if term_id in self._alternative_ids:
            primary = self._alternative_ids[term_id]
            return primary, f"{term_id} is an alternative id of {primary} ({self._terms[self.index[primary]].label}); using {primary}"
        i = self.index.get(term_id)
        if i is None:
            return None, None
        term = self._terms[i]
        if not term.obsolete:
            return term_id, None
        targets = [term.replaced_by] if term.replaced_by else list(self._consider.get(term_id, ()))
        targets = [t for t in targets if t in self.index and not self._terms[self.index[t]].obsolete]
        if not targets:
            return None, f"{term_id} ({term.label}) is obsolete and has no replacement; left out"
        chosen = targets[0]
        how = "replaced by" if term.replaced_by else "obsolete; HPO suggests considering"
        others = f" (other suggestions: {', '.join(targets[1:])})" if len(targets) > 1 else ""
        return chosen, f"{term_id} ({term.label}) is {how} {chosen} ({self._terms[self.index[chosen]].label}); using {chosen}{others}"

    def resolve(self, ids: Iterable[str]) -> TermResolution:
        """Map ids (also whole labels or synonyms typed by a person) to current terms; never raises.

        At most ``MAX_TERMS`` ids are read (a warning says how many were left out), and close
        matches are suggested for the first ``MAX_SUGGESTED_UNKNOWN`` unknown ids only, so a long
        list costs milliseconds, not minutes.
        """
        terms: list[Term] = []
        seen: set[str] = set()
        replaced: list[tuple[str, str]] = []
        unknown: list[str] = []
        messages: list[str] = []
        given = list(ids)
        if len(given) > MAX_TERMS:
            messages.append(f"{len(given)} terms given: only the first {MAX_TERMS} are used "
                            f"({len(given) - MAX_TERMS} left out); no patient needs more, check the list")
            given = given[:MAX_TERMS]

        def not_found(raw: str) -> None:
            unknown.append(raw)
            if len(unknown) <= MAX_SUGGESTED_UNKNOWN:
                messages.append(self._unknown_message(raw))

        for raw in given:
            text = raw.strip()
            candidate = text.upper()
            if _BARE_DIGITS.match(candidate):
                candidate = f"HP:{int(candidate):07d}"
            elif candidate.startswith("HP_"):
                candidate = "HP:" + candidate[3:]
            if not _HPO_ID.match(candidate):
                exact = self._exact_text_match(text)
                if exact is None:
                    not_found(raw)
                    continue
                candidate = exact
            current, warning = self.current_id(candidate)
            if warning:
                messages.append(warning)
            if current is None:
                if warning is None:
                    not_found(raw)
                else:
                    unknown.append(raw)
                continue
            if current != raw:
                replaced.append((raw, current))
            if current not in seen:
                seen.add(current)
                terms.append(self._terms[self.index[current]])
        if len(unknown) > MAX_SUGGESTED_UNKNOWN:
            rest = unknown[MAX_SUGGESTED_UNKNOWN:]
            shown = ", ".join(repr(r[:40]) for r in rest[:10])
            messages.append(f"{len(rest)} more entries are not terms of HPO {self.version} and were left out: "
                            f"{shown}{', …' if len(rest) > 10 else ''}")
        return TermResolution(tuple(terms), tuple(replaced), tuple(unknown), tuple(messages))

    def _exact_text_match(self, text: str) -> str | None:
        key = _normalise(text)
        if not key:
            return None
        position = bisect.bisect_left(self._search_keys, (key,))
        while position < len(self._search_keys) and self._search_keys[position][0] == key:
            _, rank, term_index = self._search_keys[position]
            if rank <= 1:  # a whole label or synonym, not a word inside one
                return self._terms[term_index].id
            position += 1
        return None

    def suggestions(self, text: str, limit: int = 3) -> list[Term]:
        """Close matches for an unknown id (one digit changed, swapped, missing or extra: at most
        ~80 look-ups, commonest terms first) or text (search)."""
        candidate = text.strip().upper()
        if candidate.startswith("HP:") or _BARE_DIGITS.match(candidate):
            digits = candidate.removeprefix("HP:")
            if not digits.isdigit() or len(digits) > 8:
                return []
            close = {f"HP:{d}" for d in _one_digit_edits(digits.zfill(7) if len(digits) < 6 else digits)
                     if len(d) == 7}
            found = [self.index[c] for c in close if c in self.index and not self._terms[self.index[c]].obsolete]
            found.sort(key=lambda i: (-int(self.disease_counts[i]), self._terms[i].id))
            return [self._terms[i] for i in found[:limit]]
        return self.search(text[:200], limit=limit)

    def _unknown_message(self, raw: str) -> str:
        close = self.suggestions(raw)
        hint = f"; did you mean {', '.join(f'{t.id} ({t.label})' for t in close)}?" if close else ""
        return f"{raw!r} is not a term of HPO {self.version}; left out{hint}"

    # -- search ------------------------------------------------------------------------------
    def _build_search_index(self) -> list[tuple[str, int, int]]:
        """Sorted (text, rank, term index) keys: whole labels (rank 0), whole synonyms (1),
        label from each later word on (2), synonym from each later word on (3)."""
        keys: list[tuple[str, int, int]] = []
        for i, term in enumerate(self._terms):
            if term.obsolete:
                continue
            for text, base in ((term.label, 0), *((s, 1) for s in term.synonyms)):
                words = _normalise(text).split()
                for start in range(len(words)):
                    keys.append((" ".join(words[start:]), base if start == 0 else base + 2, i))
        keys.sort()
        return keys

    def search(self, text: str, limit: int = 20) -> list[Term]:
        """Terms for an autocomplete: by id, or by the words typed (:mod:`workbench.knowledge.term_search`:
        labels, synonyms and common clinical phrasings, best coverage first, then the term more
        diseases carry, the one a clinician most likely means)."""
        query = text.strip()
        if not query:
            return []
        as_id = query.upper().replace("HP_", "HP:")
        if _HPO_ID.match(as_id) or _BARE_DIGITS.match(as_id):
            current, _ = self.current_id(as_id if as_id.startswith("HP:") else f"HP:{int(as_id):07d}")
            return [self._terms[self.index[current]]] if current else []
        return self._term_search().search(query, limit)

    def _term_search(self):
        """The word index behind :meth:`search`, built on first use (about a second) and not pickled."""
        index = self.__dict__.get("_word_index")
        if index is None:
            from workbench.knowledge.term_search import TermSearch

            index = self.__dict__["_word_index"] = TermSearch(self._terms, self.disease_counts)
        return index

    def entry_options(self, root: str = "HP:0000118") -> list[tuple[str, str]]:
        """(term id, "label · synonyms · phrasings" in lower case) for every current term under
        ``root``, commonest first: the as-you-type list of the Phenotype page, whose substring
        filter then keeps this order."""
        cached = self.__dict__.setdefault("_entry_options", {})
        if root not in cached:
            from workbench.knowledge.term_search import CLINICAL_PHRASINGS

            extra: dict[str, list[str]] = {}
            for phrase, term_id in CLINICAL_PHRASINGS:
                extra.setdefault(term_id, []).append(phrase)
            order = sorted((i for i, t in enumerate(self._terms) if not t.obsolete and self.is_ancestor(root, t.id)),
                           key=lambda i: (-int(self.disease_counts[i]), self._terms[i].label))
            cached[root] = [(self._terms[i].id, " · ".join(dict.fromkeys(
                n.lower() for n in (self._terms[i].label, *self._terms[i].synonyms, *extra.get(self._terms[i].id, ())))))
                for i in order]
        return cached[root]

    def __getstate__(self) -> dict:
        """Pickled without the indexes built on first use (rebuilt after loading)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_word_index", "_entry_options")}
