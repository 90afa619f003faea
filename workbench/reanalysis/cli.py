"""``workbench reanalyse``: re-rank stored cases under the current knowledge, report what changed."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "reanalyse", help="re-rank stored cases under the current knowledge and flag what changed",
        description="Re-rank stored cases (all, a status, or a list) and compare each with the ranking it was "
                    "last ranked, reviewed or signed under. Changes are recorded as audited snapshots; signed "
                    "reports are never changed.")
    parser.add_argument("--case", dest="case_ids", action="append", default=[], metavar="ID",
                        help="a stored case id (repeatable; default: every case)")
    parser.add_argument("--status", dest="statuses", action="append", default=[], metavar="STATUS",
                        help="only cases in this status (repeatable), e.g. 'signed out'")
    parser.add_argument("--knowledge-dir", type=Path, default=None,
                        help="knowledge folder to rank with (default: WORKBENCH_ONTOLOGY_DIR or ontology/)")
    parser.add_argument("--database", default=None, help="case store URL (default: WORKBENCH_DATABASE_URL)")
    parser.add_argument("--workers", type=int, default=None,
                        help="rank on N forked workers (the knowledge loaded once, shared)")
    parser.add_argument("--dask", nargs="?", const="local", default=None, metavar="tcp://HOST:PORT",
                        help="rank on Dask: a LocalCluster sized to the machine, or a running scheduler")
    parser.add_argument("--outdir", type=Path, default=None,
                        help="with --workers/--dask: keep each case's ranking table here; a rerun skips cases "
                             "already ranked with the same inputs and knowledge (default: a temporary folder)")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    from workbench.knowledge import load_knowledge
    from workbench.reanalysis import reanalyse, select_cases
    from workbench.store import CaseStatus, StoreError, open_store

    try:
        statuses = [CaseStatus(s) for s in args.statuses]
    except ValueError:
        print(f"unknown status; choose from: {', '.join(s.value for s in CaseStatus)}", file=sys.stderr)
        return 2
    store = open_store(args.database)
    try:
        cases = select_cases(store, args.case_ids, statuses)
    except StoreError as error:
        print(f"reanalyse: {error}", file=sys.stderr)
        return 2
    if args.knowledge_dir:  # workers load the knowledge themselves: the same folder for all of them
        os.environ["WORKBENCH_ONTOLOGY_DIR"] = str(args.knowledge_dir.resolve())
    knowledge = load_knowledge(args.knowledge_dir)
    print(f"reanalysing {len(cases)} case(s) with {knowledge.version}", file=sys.stderr)

    def report(done: int, total: int, outcome) -> None:
        line = f"[{done}/{total}] {outcome.case_id}: {outcome.status}"
        if outcome.message:
            line += f" ({outcome.message})"
        print(line, file=sys.stderr)
        for change in outcome.changes:
            print(f"    {change.text}", file=sys.stderr)

    if args.workers or args.dask:
        from workbench.reanalysis.cohort import reanalyse_on_workers

        with tempfile.TemporaryDirectory(prefix="reanalyse-") as scratch:
            outcomes = reanalyse_on_workers(store, knowledge, cases, args.outdir or Path(scratch),
                                            workers=args.workers, dask=args.dask, progress=report)
    else:
        from workbench.cohort.runner import batch_collector

        with batch_collector():
            outcomes = reanalyse(store, knowledge, cases, progress=report)
    counts = {s: sum(o.status == s for o in outcomes) for s in ("changed", "unchanged", "baseline recorded", "failed")}
    print(", ".join(f"{n} {s}" for s, n in counts.items()), file=sys.stderr)
    for outcome in outcomes:
        print("\t".join([outcome.case_id, outcome.status, str(len(outcome.changes)),
                         "; ".join(c.text for c in outcome.changes) or outcome.message]))
    return 1 if counts["failed"] else 0
