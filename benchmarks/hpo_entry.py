"""How well a clinician's words find HPO terms: search top-1/top-5 and note-parser precision/recall.

    python benchmarks/hpo_entry.py [--baseline-ref 40730df] [--no-baseline] [--show-misses]

Reads ``benchmarks/hpo_phrasings.tsv`` (307 phrasings written from HPO's own synonyms, labels and
definitions by ``make_hpo_phrasings.py``, checked by hand). Search rows: the text is typed in the
Phenotype page's search box; a hit is the expected term among the first 1 or 5 answers of
``Ontology.search`` ("server search") and of the as-you-type list (terms ordered by annotation
count, filtered by substring, as the page's selectbox does). Note rows: the text is a note
sentence; a suggestion counts when its term and its observed/excluded status are both expected.
Floors (issue 16): search top-5 >= 90%, note recall >= 85% at precision >= 85%.

The baseline is the same measurement on the code of ``--baseline-ref`` (default: the commit before
this work), run from a temporary git worktree in the same command.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PHRASINGS = REPO / "benchmarks" / "hpo_phrasings.tsv"
BASELINE_REF = "40730df"  # the workbench before the issue-16 HPO entry work
PHENOTYPIC_ABNORMALITY = "HP:0000118"


def measure(show_misses: bool = False) -> dict:
    """The numbers for the code importable as ``workbench`` (this tree, or a baseline worktree)."""
    from workbench.knowledge import load_knowledge
    from workbench.textmining import NoteMatcher

    hpo = load_knowledge().hpo
    rows = list(csv.DictReader(open(PHRASINGS, encoding="utf-8"), delimiter="\t"))
    as_you_type = getattr(hpo, "entry_options", None)
    options = as_you_type() if as_you_type else None
    started = time.perf_counter()
    hpo.search("warm up")  # builds the word index where there is one: timed apart from the queries
    search_build = time.perf_counter() - started
    started = time.perf_counter()
    matcher = NoteMatcher.from_terms(hpo.terms, keep=lambda t: hpo.is_ancestor(PHENOTYPIC_ABNORMALITY, t.id))
    build = time.perf_counter() - started
    search = {"n": 0, "top1": 0, "top5": 0, "typed_top1": 0, "typed_top5": 0, "seconds": 0.0}
    note = {"rows": 0, "expected": 0, "suggested": 0, "correct": 0, "seconds": 0.0}
    misses = []
    for row in rows:
        expected = set(row["expected"].split(","))
        if row["task"] == "search":
            search["n"] += 1
            started = time.perf_counter()
            found = [t.id for t in hpo.search(row["text"], limit=5)]
            search["seconds"] += time.perf_counter() - started
            hit1, hit5 = bool(found[:1]) and found[0] in expected, bool(expected & set(found))
            search["top1"] += hit1
            search["top5"] += hit5
            if options is not None:
                typed = [term_id for term_id, text in options if row["text"].lower() in text][:5]
                search["typed_top1"] += bool(typed[:1]) and typed[0] in expected
                search["typed_top5"] += bool(expected & set(typed))
            if show_misses and not hit5:
                misses.append(f"search miss: {row['text']!r} -> {row['expected']} got {found}")
        else:
            note["rows"] += 1
            started = time.perf_counter()
            got = {("-" if s.excluded else "") + s.term.id for s in matcher.suggest(row["text"])}
            note["seconds"] += time.perf_counter() - started
            note["expected"] += len(expected)
            note["suggested"] += len(got)
            note["correct"] += len(got & expected)
            if show_misses and got != expected:
                misses.append(f"note: {row['text']!r} -> {row['expected']} got {sorted(got)}")
    import workbench

    return {"search": search, "note": note, "matcher_build_seconds": build, "search_build_seconds": search_build, "misses": misses,
            "as_you_type": options is not None, "code": str(Path(workbench.__file__).parent.parent)}


def baseline(ref: str) -> dict | None:
    """``measure()`` on the code of ``ref`` in a temporary worktree (with this tree's phrasing set)."""
    folder = Path(tempfile.mkdtemp(prefix="hpo-entry-baseline-"))
    try:
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(folder / "tree"), ref],
                       check=True, capture_output=True)
    except subprocess.CalledProcessError as error:
        print(f"baseline {ref}: cannot make a worktree ({error.stderr.decode().strip()})", file=sys.stderr)
        shutil.rmtree(folder, ignore_errors=True)
        return None
    try:
        env = dict(os.environ, PYTHONPATH=str(folder / "tree"), WORKBENCH_ONTOLOGY_DIR=str(REPO / "ontology"))
        code = ("import sys, json; sys.path.insert(0, sys.argv[1]); import hpo_entry; "
                "print(json.dumps(hpo_entry.measure()))")
        done = subprocess.run([sys.executable, "-c", code, str(REPO / "benchmarks")], env=env, cwd=folder / "tree",
                              check=True, capture_output=True, text=True)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        assert result["code"] == str(folder / "tree"), f"the baseline imported {result['code']}"
        return result
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(folder / "tree")],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def summary(result: dict) -> dict[str, str]:
    s, n = result["search"], result["note"]
    precision = n["correct"] / max(n["suggested"], 1)
    recall = n["correct"] / max(n["expected"], 1)
    rows = {
        "search top-1": f"{s['top1'] / s['n']:.1%}",
        "search top-5": f"{s['top5'] / s['n']:.1%}",
        "as-you-type top-1": f"{s['typed_top1'] / s['n']:.1%}" if result["as_you_type"] else "n/a",
        "as-you-type top-5": f"{s['typed_top5'] / s['n']:.1%}" if result["as_you_type"] else "n/a",
        "note precision": f"{precision:.1%}",
        "note recall": f"{recall:.1%}",
        "search ms/query": f"{1000 * s['seconds'] / s['n']:.1f}",
        "note ms/sentence": f"{1000 * n['seconds'] / n['rows']:.2f}",
        "search index build s": f"{result.get('search_build_seconds', 0):.2f}",
        "note index build s": f"{result['matcher_build_seconds']:.2f}",
    }
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-ref", default=BASELINE_REF)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))  # this tree's workbench (the baseline runs in its own process)
    now = measure(args.show_misses)
    before = None if args.no_baseline else baseline(args.baseline_ref)
    print(f"HPO phrasing set: {now['search']['n']} search rows, {now['note']['rows']} note rows "
          f"({now['note']['expected']} expected terms)")
    print(f"{'measure':<20}{'baseline ' + args.baseline_ref if before else '':>18}{'now':>10}")
    current = summary(now)
    old = summary(before) if before else {}
    for name, value in current.items():
        print(f"{name:<20}{old.get(name, ''):>18}{value:>10}")
    for miss in now["misses"]:
        print(miss)
    s, n = now["search"], now["note"]
    floors = (s["top5"] / s["n"] >= 0.90, n["correct"] / max(n["expected"], 1) >= 0.85,
              n["correct"] / max(n["suggested"], 1) >= 0.85)
    print("floors (search top-5 >= 90%, note recall >= 85%, precision >= 85%):", "met" if all(floors) else "NOT met")
    return 0 if all(floors) else 1


if __name__ == "__main__":
    sys.exit(main())
