"""Cohort runs: forked workers and Dask give the sequential run's tables, resume, report failures.

A handful of tiny cases (the ranking fixture trio under different phenotypes, and one case
whose VCF is missing) keep this cheap; the knowledge is the pinned one, as in test_cli_rank.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from workbench.cohort import STATUS_FILE, CaseSpec, read_cases, read_status, run_cohort

FIXTURES = Path(__file__).parent / "fixtures" / "ranking"
VCF, PED = str(FIXTURES / "trio.vcf"), str(FIXTURES / "trio.ped")
PROFILES = {
    "seizures": ("HP:0001250", "HP:0002133"),
    "marfan": ("HP:0001166", "HP:0001083"),
    "hypotonia": ("HP:0001252",),
    "none": (),
}


def _specs(tmp_path: Path) -> list[CaseSpec]:
    good = [CaseSpec(case_id, VCF, PED, "kid", observed, line_no=k + 2) for k, (case_id, observed) in
            enumerate(PROFILES.items())]
    return good + [CaseSpec("lost", str(tmp_path / "nope.vcf"), PED, "kid", ("HP:0001250",), line_no=9)]


def _tables(outdir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(outdir.glob("*.tsv"))}


@pytest.fixture(scope="module")
def sequential(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    tmp = tmp_path_factory.mktemp("sequential")
    result = run_cohort(_specs(tmp), tmp / "out", workers=1, use_cache=False, log=io.StringIO())
    assert result.backend == "this process"
    return tmp / "out", _tables(tmp / "out")


def test_the_sequential_run_writes_every_good_case_and_records_the_failed_one(sequential):
    outdir, tables = sequential
    assert sorted(tables) == sorted(f"{c}.tsv" for c in PROFILES)
    assert tables["seizures.tsv"].split(b"\n")[1].split(b"\t")[1] == b"SCN1A"
    status = read_status(outdir / STATUS_FILE)
    assert {c: s.status for c, s in status.items()} == {**{c: "ok" for c in PROFILES}, "lost": "failed"}
    assert "nope.vcf" in status["lost"].error and status["lost"].line_no == 9
    assert status["marfan"].knowledge_version and status["marfan"].cpu_s > 0 and status["marfan"].worker_peak_mb > 0
    assert not list(outdir.glob(".*.tmp"))  # atomic writes leave nothing behind


def test_forked_workers_give_the_sequential_tables_and_report_the_failure(tmp_path, sequential):
    log = io.StringIO()
    result = run_cohort(_specs(tmp_path), tmp_path / "out", workers=2, use_cache=False, log=log, parquet=True)
    assert result.backend == "2 forked workers"
    assert _tables(tmp_path / "out") == sequential[1]
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    table = pd.read_parquet(sorted((tmp_path / "out").glob("*.parquet")))
    assert sorted(set(table["case_id"])) == sorted(PROFILES)
    seizures = table[table["case_id"] == "seizures"].sort_values("rank")
    assert seizures["gene"].iloc[0] == "SCN1A" and len(seizures) == sequential[1]["seizures.tsv"].count(b"\n") - 1
    assert [s.case_id for s in result.failed] == ["lost"]
    assert "case lost (line 9)" in log.getvalue() and "nope.vcf" in log.getvalue()
    assert len({s.worker for s in result.statuses}) >= 1


def test_a_rerun_skips_done_cases_and_redoes_changed_missing_or_failed_ones(tmp_path, sequential):
    outdir = tmp_path / "out"
    specs = _specs(tmp_path)
    run_cohort(specs, outdir, workers=1, use_cache=False, log=io.StringIO())
    again = run_cohort(specs, outdir, workers=2, use_cache=False, log=io.StringIO())
    assert sorted(again.skipped) == sorted(PROFILES) and [s.case_id for s in again.statuses] == ["lost"]
    (outdir / "marfan.tsv").unlink()  # output gone: ranked again
    changed = [s if s.case_id != "none" else CaseSpec("none", VCF, PED, "kid", ("HP:0001166",)) for s in specs]
    third = run_cohort(changed, outdir, workers=1, use_cache=False, log=io.StringIO())
    assert sorted(s.case_id for s in third.statuses) == ["lost", "marfan", "none"]
    assert (outdir / "marfan.tsv").read_bytes() == sequential[1]["marfan.tsv"]
    forced = run_cohort(specs, outdir, workers=1, use_cache=False, resume=False, log=io.StringIO())
    assert not forced.skipped and len(forced.statuses) == len(specs)
    lines = (outdir / STATUS_FILE).read_text().splitlines()
    assert all(json.loads(line)["case_id"] for line in lines)  # one JSON object per attempt


def test_dask_local_cluster_gives_the_sequential_tables_case_for_case(tmp_path, sequential):
    pytest.importorskip("distributed")
    log = io.StringIO()
    result = run_cohort(_specs(tmp_path), tmp_path / "out", workers=2, dask="local", use_cache=False, log=log,
                        dask_processes=False)
    assert result.backend.startswith("dask")
    assert _tables(tmp_path / "out") == sequential[1]
    assert [s.case_id for s in result.failed] == ["lost"] and "nope.vcf" in result.failed[0].error
    assert "[5/5] 100%" in log.getvalue()


def test_manifest_rows_become_specs_with_bad_ids_reported_not_fatal(tmp_path):
    manifest = tmp_path / "manifest.tsv"
    manifest.write_text("case_id\tvcf\tped\tproband\thpo\texcluded_hpo\n"
                        f"ok\t{VCF}\t{PED}\tkid\tHP:0001250;HP:0002133\tHP:0001166\n"
                        f"../escape\t{VCF}\t{PED}\tkid\tHP:0001250\t\n")
    specs = read_cases(manifest)
    assert specs[0].observed == ("HP:0001250", "HP:0002133") and specs[0].excluded == ("HP:0001166",)
    result = run_cohort(specs, tmp_path / "out", workers=1, use_cache=False, log=io.StringIO())
    assert [s.case_id for s in result.failed] == ["../escape"] and "bad case_id" in result.failed[0].error
    assert not (tmp_path / "escape.tsv").exists() and (tmp_path / "out" / "ok.tsv").exists()


def test_the_summary_warns_when_workers_held_different_knowledge():
    from workbench.cohort import CaseStatus, CohortResult, summary

    ran = (CaseStatus("a", "ok", knowledge_version="HPO 2025-01-16", wall_s=0.1, cpu_s=0.1, worker_peak_mb=150),
           CaseStatus("b", "ok", knowledge_version="HPO 2025-06-01", wall_s=0.1, cpu_s=0.1, worker_peak_mb=160),
           CaseStatus("c", "failed", error="boom"))
    text = summary(CohortResult(ran, ("d",), 1.0, "this process"))
    assert text.startswith("2 case(s) ranked, 1 failed, 1 skipped")
    assert "2 different knowledge versions" in text and "failed: c" in text


def test_a_worker_that_dies_fails_only_its_own_case(tmp_path):
    import os

    from workbench.cohort import CaseStatus
    from workbench.cohort.pool import run_pool

    def runner(spec, inputs):
        if spec.case_id == "boom":
            os._exit(9)  # as the kernel's OOM killer would end it
        return CaseStatus(spec.case_id, "ok", line_no=spec.line_no, inputs=inputs)

    items = [(CaseSpec(f"c{k}", VCF, PED, line_no=k), "") for k in range(6)]
    items.insert(3, (CaseSpec("boom", VCF, PED, line_no=99), ""))
    statuses = {s.case_id: s for s in run_pool(items, runner, workers=2)}
    assert sorted(statuses) == sorted(spec.case_id for spec, _ in items)
    assert statuses["boom"].status == "failed" and "worker process died" in statuses["boom"].error
    assert all(s.status == "ok" for c, s in statuses.items() if c != "boom")
