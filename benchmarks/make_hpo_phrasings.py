"""Draw candidate rows for the HPO entry evaluation set from the pinned hp.obo (seeded, reproducible).

    python benchmarks/make_hpo_phrasings.py > benchmarks/hpo_phrasings.tsv

Written from HPO itself, never from the workbench's parser or search: each row is a term's own
synonym (layperson first), the start of its label as someone types it, or a short note sentence
made from a synonym with a fixed template, or an "elevated X" / "low X" phrasing made from the
label of an Increased/Decreased term. Only phenotypic abnormalities that at least
``MIN_DISEASES`` diseases carry in phenotype.hpoa are drawn (terms a clinician actually uses), and
a name shared by two terms is never used (its answer would be ambiguous). The output was then
read row by row and unclear rows removed by hand (``REMOVED_BY_HAND``); the result is
``hpo_phrasings.tsv``. Columns: task (search: the text is typed in the search box; note: it is a
note sentence), text, expected (comma-separated HPO ids; ``-`` marks a term expected as excluded),
source (how the row was made).
"""
from __future__ import annotations

import gzip
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

from workbench.knowledge import load_knowledge

OBO = Path(__file__).resolve().parents[1] / "ontology" / "hp.obo.gz"
SEED = 20251206
MIN_DISEASES = 20
ROOT = "HP:0000118"  # Phenotypic abnormality
CONTEXTS = ("Term neonate with {}.", "On examination: {}.", "Day 2 of life, {} noted.", "Infant presenting with {}.",
            "Baby boy, {} since birth.")
NEGATED = ("No {}.", "There is no {}.", "Without {}.", "{} absent.", "Negative for {}.")
UP = ("elevated", "raised", "high", "increased")
DOWN = ("low", "decreased", "reduced")
# Grouping terms ("Abnormality of the hand") organise HPO; a clinician records the finding itself.
GROUPING = ("Abnormal", "Aplasia/Hypoplasia", "Morphological", "Functional abnormality")
# "Hypotonia is an abnormally low muscle tone (...)": the definition's opening phrase.
DEFINITION_PHRASE = re.compile(r"(?:[A-Z][\w\- ]{2,30} (?:is|are) )?(?:An? |The )?((?:abnormal(?:ly)?|increased|decreased|"
                               r"reduced|excessive) [a-z][a-z\- ]{3,50}?)(?=[.,(]| that| which| due to| with)")
# Read by hand and dropped: truncated or comma-split phrases, prefixes that fit many terms, typos.
REMOVED_BY_HAND = {
    "lower limb", "limitation of", "proximal musc", "soft tiss", "narrow nasa",
    "pulmonary interstitiatial hrct abnormality",
    "abnormal curvature of the spine in both a coronal", "increased muscle tone so", "abnormal position of the hand in",
    "increased level in the urine of an alpha-amino acid", "reduced proportion of sperm",
    "Baby boy, ichthyosis, congenital, nonblistering since birth.", "On examination: muscle weakness, proximal, lower limbs.",
    "Day 2 of life, excessive, persistent worry and fear noted.", "Ichthyosis, congenital absent.",
    "Negative for macrocephaly, relative.",
    "Infant presenting with constricted, bell-shaped thorax and abnormally closed or absent vagina.",
    "On examination: reduced of coenzyme q10 in skeletal muscle.",
}
FILLER = {"circulating", "concentration", "level", "levels", "serum", "plasma", "blood"}


def parse(obo: Path) -> dict[str, dict]:
    terms: dict[str, dict] = {}
    current: dict | None = None
    with gzip.open(obo, "rt", encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line == "[Term]":
                current = {"synonyms": [], "parents": [], "obsolete": False}
            elif not line:
                if current and "id" in current:
                    terms[current["id"]] = current
                current = None
            elif current is not None:
                key, _, value = line.partition(": ")
                if key in ("id", "name"):
                    current[key] = value
                elif key == "synonym":
                    text, scope_type = re.match(r'"(.*)" (.*)', value).groups()
                    current["synonyms"].append((text, "EXACT" in scope_type, "layperson" in scope_type))
                elif key == "def":
                    current["definition"] = value.split('" [')[0].strip('"')
                elif key == "is_a":
                    current["parents"].append(value.split(" ")[0])
                elif key == "is_obsolete":
                    current["obsolete"] = True
    return terms


def main() -> None:
    rng = random.Random(SEED)
    terms = parse(OBO)
    hpo = load_knowledge().hpo
    children = defaultdict(list)
    for term in terms.values():
        for parent in term["parents"]:
            children[parent].append(term["id"])
    phenotypic, stack = set(), [ROOT]
    while stack:
        node = stack.pop()
        if node not in phenotypic:
            phenotypic.add(node)
            stack.extend(children[node])
    owners = defaultdict(set)
    for term in terms.values():
        if not term["obsolete"]:
            for text in [term["name"]] + [s[0] for s in term["synonyms"]]:
                owners[text.lower()].add(term["id"])
    usable = sorted(t for t in phenotypic if not terms[t]["obsolete"] and hpo.annotation_count(t) >= MIN_DISEASES
                    and not terms[t]["name"].startswith(GROUPING))
    rng.shuffle(usable)

    def names(term_id: str, lay: bool | None = None) -> list[str]:
        return [s for s, exact, is_lay in terms[term_id]["synonyms"]
                if exact and (lay is None or is_lay == lay) and owners[s.lower()] == {term_id}
                and s.lower() != terms[term_id]["name"].lower() and len(s) >= 4]

    rows: list[tuple[str, str, str, str]] = []
    lay = [t for t in usable if names(t, True)][:70]
    rows += [("search", rng.choice(names(t, True)).lower(), t, "layperson synonym") for t in lay]
    exact = [t for t in usable if t not in lay and names(t, False)][:40]
    rows += [("search", rng.choice(names(t, False)).lower(), t, "exact synonym") for t in exact]
    typed = [t for t in usable if t not in lay and t not in exact and len(terms[t]["name"].split()) >= 2][:30]
    for t in typed:
        first, second = terms[t]["name"].lower().split()[:2]
        rows.append(("search", f"{first} {second[:4]}", t, "label as typed"))
    used = set(lay) | set(exact) | set(typed)
    for t in usable:
        found = DEFINITION_PHRASE.match(terms[t].get("definition", ""))
        if t not in used and found and len(found.group(1).split()) >= 4 and owners[found.group(1).lower()] == set():
            rows.append(("search", found.group(1).lower().strip(), t, "definition phrase"))
            used.add(t)
        if sum(r[3] == "definition phrase" for r in rows) == 40:
            break
    with_synonym = [t for t in usable if names(t) and t not in used]
    for t in with_synonym[:50]:
        rows.append(("note", rng.choice(CONTEXTS).format(rng.choice(names(t)).lower()), t, "synonym in a sentence"))
    for t in with_synonym[50:75]:
        rows.append(("note", rng.choice(NEGATED).format(rng.choice(names(t)).lower()).capitalize(), f"-{t}",
                     "negated synonym"))
    for a, b in zip(with_synonym[75:115:2], with_synonym[76:116:2]):
        text = f"{rng.choice(names(a)).lower()} and {rng.choice(names(b)).lower()}"
        rows.append(("note", rng.choice(CONTEXTS).format(text), f"{a},{b}", "two synonyms"))
    directional = [t for t in sorted(phenotypic) if not terms[t]["obsolete"] and hpo.annotation_count(t) >= 3
                   and t not in with_synonym[:115]
                   and re.match(r"(Increased|Elevated|Decreased|Reduced) ", terms[t]["name"])]
    rng.shuffle(directional)
    for t in directional[:45]:
        words = terms[t]["name"].lower().split()
        core = " ".join(w for w in words[1:] if w not in FILLER)
        cue = rng.choice(UP if words[0] in ("increased", "elevated") else DOWN)
        rows.append(("note", rng.choice(CONTEXTS).format(f"{cue} {core}"), t, "direction + label"))
    print("task\ttext\texpected\tsource")
    for row in rows:
        if row[1] not in REMOVED_BY_HAND:
            print("\t".join(row))


if __name__ == "__main__":
    sys.exit(main())
