"""Reanalysis on all cores or on Dask: workers rank, this process compares and records.

Ranking is the cost, so it goes to :func:`workbench.cohort.run_cohort` (forked workers or a
Dask cluster, knowledge loaded once per worker, each case's table written atomically into
``outdir``, resumable). Comparing with the baseline and writing snapshots stays here, in the one
process that holds the case store: workers never touch the store, so a failed worker can never
leave half a record behind.
"""
from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Callable, IO, Sequence

from workbench.reanalysis.diff import snapshot_from_rows
from workbench.reanalysis.run import CaseOutcome, check_registered_files, failed, pedigree_text, record_outcome
from workbench.store import Case, CaseStore, User
from workbench.store.rankings import SnapshotReason


def case_spec(store: CaseStore, case: Case, outdir: Path):
    """The stored case as a cohort case: its VCF, its PED (rebuilt from the store when gone), its terms."""
    from workbench.cohort import CaseSpec

    ped = case.pedigree_path
    if not ped or not Path(ped).is_file():
        rebuilt = outdir / "pedigrees" / f"{case.case_id}.ped"
        rebuilt.parent.mkdir(parents=True, exist_ok=True)
        text = pedigree_text(case)
        if not rebuilt.exists() or rebuilt.read_text() != text:  # unchanged file: a rerun can skip the case
            rebuilt.write_text(text)
        ped = str(rebuilt)
    profile = store.profile(case.case_id)
    vcf = case.vcfs[0].path if len(case.vcfs) == 1 else tuple(v.path for v in case.vcfs)
    return CaseSpec(case_id=case.case_id, vcf=vcf, ped=ped, proband=case.proband_id,
                    observed=profile.observed, excluded=profile.excluded,
                    sv_vcf=tuple(v.path for v in case.sv_vcfs))


def read_table(path: Path) -> tuple[list[dict[str, str]], float]:
    """A cohort run's ranking table: its rows, and "none of these genes" (what the genes leave of 1)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))
    return rows, max(0.0, 1.0 - sum(float(r["probability"]) for r in rows))


def reanalyse_on_workers(store: CaseStore, knowledge, cases: Sequence[Case], outdir: Path, *,
                         workers: int | None = None, dask: str | None = None, actor: User | None = None,
                         progress: Callable[[int, int, CaseOutcome], None] | None = None,
                         log: IO[str] | None = None) -> list[CaseOutcome]:
    """Like :func:`workbench.reanalysis.reanalyse`, with the ranking spread over workers."""
    from workbench.cohort import STATUS_FILE, read_status, run_cohort
    from workbench.store.users import Permission, require

    if actor is not None:
        require(actor, Permission.SIGN_OUT)
    started = time.perf_counter()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    outcomes: list[CaseOutcome] = []
    specs = {}
    for case in cases:
        try:
            check_registered_files(case)
        except Exception as error:
            outcomes.append(failed(store, case, str(error), started))
            continue
        specs[case.case_id] = (case, case_spec(store, case, outdir))
    if specs:
        run_cohort([spec for _, spec in specs.values()], outdir, workers=workers, dask=dask, log=log)
    statuses = read_status(outdir / STATUS_FILE)
    for case_id, (case, spec) in specs.items():
        status = statuses.get(case_id)
        if status is None or status.status != "ok":
            outcomes.append(failed(store, case, status.error if status else "not ranked", started))
            continue
        if status.knowledge_version != knowledge.version:  # a worker holding another release
            outcomes.append(failed(store, case, f"ranked with {status.knowledge_version}, not {knowledge.version}",
                                   started))
            continue
        rows, none = read_table(outdir / spec.output_name)
        current = snapshot_from_rows(rows, none, status.knowledge_version, knowledge, case_id,
                                     SnapshotReason.REANALYSIS)
        outcomes.append(record_outcome(store, case, current, actor, started))
    if progress:
        for done, outcome in enumerate(outcomes, start=1):
            progress(done, len(outcomes), outcome)
    return outcomes
