"""Re-rank stored cases under the current knowledge and record what changed.

One case at a time (:func:`reanalyse_case`) so a cohort driver can hand cases to workers; a
failed case is reported with its reason and the others go on. Nothing here changes a report:
the Cases page and the director decide what to do with the changes.
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Sequence

from workbench.reanalysis.diff import compare, snapshot_of
from workbench.store import Case, CaseStatus, CaseStore, StoreError, User
from workbench.store.rankings import Change, RankingSnapshot, SnapshotReason


@dataclass(frozen=True)
class CaseOutcome:
    """What reanalysing one case found: ``status`` is "changed", "unchanged", "baseline recorded" or "failed"."""

    case_id: str
    status: str
    knowledge_before: str | None
    knowledge_after: str | None
    changes: tuple[Change, ...] = ()
    message: str = ""
    seconds: float = 0.0


def record_ranking(store: CaseStore, case_id: str, ranking, knowledge, reason: SnapshotReason,
                   actor: User | None) -> RankingSnapshot | None:
    """Store a baseline (ranked / reviewed / signed) unless the latest one already says the same."""
    snapshot = snapshot_of(ranking, knowledge, case_id, reason)
    latest = store.baseline_snapshot(case_id)
    if (latest is not None and latest.reason is reason and latest.genes == snapshot.genes
            and latest.knowledge_version == snapshot.knowledge_version):
        return None
    return store.record_snapshot(snapshot, actor)


def check_registered_files(case: Case) -> None:
    """Refuse a VCF that is gone or changed since registration: reanalysis must read the same evidence."""
    from workbench.store import file_sha256

    for vcf in case.vcfs + case.sv_vcfs:
        if not Path(vcf.path).is_file():
            raise StoreError(f"VCF {Path(vcf.path).name} is no longer on this server")
        if file_sha256(vcf.path) != vcf.sha256:
            raise StoreError(f"VCF {Path(vcf.path).name} changed since the case was registered")


def rank_stored_case(case: Case, profile, knowledge):
    """The case's ranking from its registered files, refusing a VCF that changed since registration."""
    from workbench.ranking import analyse_case

    check_registered_files(case)
    vcfs = [v.path for v in case.vcfs] if len(case.vcfs) > 1 else case.vcfs[0].path  # one file: no per-person merge
    if case.pedigree_path and Path(case.pedigree_path).is_file():
        return analyse_case(vcfs, case.pedigree_path, case.proband_id, knowledge=knowledge,
                            sv_vcf=[v.path for v in case.sv_vcfs]).rank(profile)
    with tempfile.NamedTemporaryFile("w", suffix=".ped", delete=False) as ped:
        ped.write(pedigree_text(case))
    try:
        return analyse_case(vcfs, ped.name, case.proband_id, knowledge=knowledge,
                            sv_vcf=[v.path for v in case.sv_vcfs]).rank(profile)
    finally:
        Path(ped.name).unlink(missing_ok=True)


def pedigree_text(case: Case) -> str:
    """A PED file rebuilt from the registered samples (for cases whose PED file is gone)."""
    sex = {"MALE": "1", "FEMALE": "2"}
    affection = {"AFFECTED": "2", "UNAFFECTED": "1"}
    return "".join(f"{s.family_id}\t{s.id}\t{s.father_id or 0}\t{s.mother_id or 0}\t{sex.get(s.sex.name, '0')}\t"
                   f"{affection.get(s.affection.name, '0')}\n" for s in case.samples)


def reanalyse_case(store: CaseStore, case: Case, knowledge, actor: User | None = None) -> CaseOutcome:
    """Re-rank one case and record a reanalysis snapshot when anything changed against its baseline."""
    started = time.perf_counter()
    try:
        ranking = rank_stored_case(case, store.profile(case.case_id), knowledge)
    except Exception as error:  # one bad case never stops a cohort run; the reason is reported
        return failed(store, case, _reason(error), started)
    return record_outcome(store, case, snapshot_of(ranking, knowledge, case.case_id, SnapshotReason.REANALYSIS),
                          actor, started)


def failed(store: CaseStore, case: Case, message: str, started: float) -> CaseOutcome:
    baseline = store.baseline_snapshot(case.case_id)
    return CaseOutcome(case.case_id, "failed", baseline.knowledge_version if baseline else None, None,
                       message=message, seconds=time.perf_counter() - started)


def record_outcome(store: CaseStore, case: Case, current: RankingSnapshot, actor: User | None,
                   started: float) -> CaseOutcome:
    """Compare a new ranking with the case's baseline and record what changed (the one store writer)."""
    baseline = store.baseline_snapshot(case.case_id)
    if baseline is None:
        store.record_snapshot(replace(current, reason=SnapshotReason.RANKED), actor)
        return CaseOutcome(case.case_id, "baseline recorded", None, current.knowledge_version,
                           message="no earlier ranking was stored: this one is the baseline",
                           seconds=time.perf_counter() - started)
    changes = compare(baseline, current)
    store.record_event(case.case_id, f"reanalysed under {current.knowledge_version}", actor, once=True,
                       detail={"changes": len(changes)})
    latest = store.latest_snapshot(case.case_id)
    repeat = (latest.reason is SnapshotReason.REANALYSIS and latest.changes == changes
              and latest.knowledge_version == current.knowledge_version)
    if changes and not repeat:
        store.record_snapshot(replace(current, changes=changes, baseline_id=baseline.id), actor)
    return CaseOutcome(case.case_id, "changed" if changes else "unchanged", baseline.knowledge_version,
                       current.knowledge_version, changes, seconds=time.perf_counter() - started)


def _reason(error: Exception) -> str:
    if isinstance(error, (StoreError, ValueError, OSError)):
        return str(error)
    return f"{type(error).__name__}: {error}"


def select_cases(store: CaseStore, case_ids: Sequence[str] = (), statuses: Sequence[CaseStatus] = ()) -> list[Case]:
    """The stored cases to reanalyse: the named ones, those in the given statuses, or all."""
    cases = store.cases()
    if case_ids:
        known = {c.case_id for c in cases}
        unknown = [c for c in case_ids if c not in known]
        if unknown:
            raise StoreError(f"no stored case {', '.join(unknown)}")
        cases = [c for c in cases if c.case_id in set(case_ids)]
    if statuses:
        cases = [c for c in cases if c.status in set(statuses)]
    return list(cases)


def reanalyse(store: CaseStore, knowledge, cases: Iterable[Case] | None = None, actor: User | None = None,
              progress: Callable[[int, int, CaseOutcome], None] | None = None) -> list[CaseOutcome]:
    """Reanalyse ``cases`` (default: every stored case) one after another; see :func:`reanalyse_case`."""
    from workbench.store.users import Permission, require

    if actor is not None:
        require(actor, Permission.SIGN_OUT)  # a cohort reanalysis is a director's decision
    todo = list(store.cases() if cases is None else cases)
    outcomes = []
    for done, case in enumerate(todo, start=1):
        outcome = reanalyse_case(store, case, knowledge, actor)
        outcomes.append(outcome)
        if progress:
            progress(done, len(todo), outcome)
    return outcomes


def pending_changes(store: CaseStore, case_id: str) -> tuple[Change, ...]:
    """Changes found by the latest reanalysis that nobody has reviewed since (empty when none)."""
    latest = store.latest_snapshot(case_id)
    if latest is None or latest.reason is not SnapshotReason.REANALYSIS:
        return ()
    return latest.changes


def acknowledge(store: CaseStore, case_id: str, actor: User) -> RankingSnapshot | None:
    """An analyst or director has looked at the new evidence: the latest reanalysis becomes the baseline."""
    latest = store.latest_snapshot(case_id)
    if latest is None or latest.reason is not SnapshotReason.REANALYSIS:
        return None
    return store.record_snapshot(RankingSnapshot(case_id, latest.knowledge_version, SnapshotReason.REVIEWED,
                                                 latest.genes, latest.none_probability), actor)
