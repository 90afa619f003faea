"""Reanalysis: a second knowledge release with one new gene-disease link flags exactly the cases it
changes, with the right diff; snapshots are append-only and audited; the turnaround clock reads
only stored events."""
from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from workbench.knowledge import load_knowledge
from workbench.model import PhenotypeProfile
from workbench.reanalysis import acknowledge, pending_changes, reanalyse, record_ranking
from workbench.reanalysis.run import rank_stored_case
from workbench.report.content import PhenotypeItem
from workbench.store import CaseStatus, PermissionDenied, Role, open_store
from workbench.store.rankings import SnapshotReason
from workbench.store.timeline import lab_figures, stage_table, timelines
from workbench.io import read_pedigree

REPO = Path(__file__).resolve().parent.parent
RANKING = REPO / "tests" / "fixtures" / "ranking"
PER_PERSON = REPO / "tests" / "fixtures" / "vcf"
SEIZURE_TERMS = ("HP:0001250", "HP:0002133", "HP:0001263")  # seizure, status epilepticus, developmental delay
MARFANOID_TERMS = ("HP:0001166", "HP:0001083", "HP:0002616")
# ZNF717 is a real gene that HPO 2025-01-16 links to no disease; the test release links it.
NEW_DISEASE = "OMIM:999001"
ZNF717_DE_NOVO = ("chr3\t75700000\t.\tG\tGA\t500\tPASS\tAF=0.333;CSQ=GA|frameshift_variant|HIGH|ZNF717|"
                  "ENSG00000227124|Transcript|ENST0|protein_coding||p.Lys10fs|ENST0|\tGT:AD:DP:GQ\t"
                  "0/0:30,0:30:99\t0/1:15,15:30:99\t0/0:30,0:30:99\n")


@pytest.fixture(scope="module")
def case_files(tmp_path_factory) -> tuple[Path, Path]:
    """The ranking trio plus a de novo frameshift in ZNF717 (a gene with no disease yet)."""
    folder = tmp_path_factory.mktemp("reanalysis-case")
    vcf = folder / "trio.vcf"
    vcf.write_text((RANKING / "trio.vcf").read_text() + ZNF717_DE_NOVO)
    shutil.copy(RANKING / "trio.ped", folder / "trio.ped")
    return vcf, folder / "trio.ped"


@pytest.fixture(scope="module")
def next_release(tmp_path_factory) -> Path:
    """A copy of the pinned knowledge folder one release later, with ZNF717 linked to a seizure disorder."""
    folder = tmp_path_factory.mktemp("knowledge-next")
    for source in (REPO / "ontology").iterdir():
        if source.is_file():
            shutil.copy2(source, folder / source.name)
    with gzip.open(REPO / "ontology" / "hp.obo.gz", "rt", encoding="utf-8") as fh:
        obo = fh.read().replace("data-version: hp/releases/2025-01-16", "data-version: hp/releases/2025-02-01", 1)
    with gzip.open(folder / "hp.obo.gz", "wt", encoding="utf-8") as fh:
        fh.write(obo)
    features = SEIZURE_TERMS + ("HP:0000006",)
    with gzip.open(folder / "phenotype.hpoa.gz", "at", encoding="utf-8") as fh:
        for term in features:
            aspect = "I" if term == "HP:0000006" else "P"
            fh.write(f"{NEW_DISEASE}\tZNF717-related epilepsy (test)\t\t{term}\tPMID:1\tPCS\t\t\t\t\t{aspect}\tHPO:test\n")
    with gzip.open(folder / "genes_to_phenotype.txt.gz", "at", encoding="utf-8") as fh:
        for term in features:
            fh.write(f"100131827\tZNF717\t{term}\t-\t-\t{NEW_DISEASE}\n")
    return folder


@pytest.fixture(scope="module")
def releases(next_release):
    """The pinned knowledge and the next release."""
    return load_knowledge(), load_knowledge(next_release)


def _register(store, user, case_files, knowledge, case_id: str, terms) -> None:
    vcf, ped = case_files
    trio = read_pedigree(ped).trio("kid")
    store.create_case(trio, vcf, knowledge.version, user, pedigree_path=ped, case_id=case_id,
                      phenotype=[PhenotypeItem(t, t, False) for t in terms])


def test_a_new_link_flags_exactly_the_cases_it_changes(tmp_path, case_files, releases):
    old, new = releases
    assert old.version != new.version
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    store.add_user("ana", "correct horse battery", Role.ANALYST, "Ana Analyst", None)
    store.add_user("dora", "correct horse battery staple", Role.DIRECTOR, "Dr Dora", None)
    ana = store.authenticate("ana", "correct horse battery")
    dora = store.authenticate("dora", "correct horse battery staple")
    _register(store, ana, case_files, old, "seizures", SEIZURE_TERMS)
    _register(store, ana, case_files, old, "marfanoid", MARFANOID_TERMS)
    for case in store.cases():  # the rankings people looked at, under the old release
        ranking = rank_stored_case(case, store.profile(case.case_id), old)
        record_ranking(store, case.case_id, ranking, old, SnapshotReason.RANKED, ana)

    with pytest.raises(PermissionDenied):
        reanalyse(store, new, actor=ana)  # a cohort reanalysis is a director's decision
    outcomes = {o.case_id: o for o in reanalyse(store, new, actor=dora)}

    assert outcomes["marfanoid"].status == "unchanged" and not outcomes["marfanoid"].changes
    seizures = outcomes["seizures"]
    assert seizures.status == "changed"
    assert (seizures.knowledge_before, seizures.knowledge_after) == (old.version, new.version)
    kinds = {(c.kind, c.gene_symbol) for c in seizures.changes}
    assert ("newly linked to a disease", "ZNF717") in kinds
    assert all(c.gene_symbol == "ZNF717" for c in seizures.changes)
    assert NEW_DISEASE in " ".join(c.text for c in seizures.changes)
    assert pending_changes(store, "seizures") == seizures.changes and pending_changes(store, "marfanoid") == ()
    assert any(e.action == f"reanalysed under {new.version}" for e in store.audit("marfanoid"))

    again = {o.case_id: o for o in reanalyse(store, new)}  # same release again: nothing new is recorded
    assert again["seizures"].changes == seizures.changes
    assert len(store.snapshots("seizures")) == 2
    acknowledge(store, "seizures", ana)
    assert pending_changes(store, "seizures") == ()
    assert {o.case_id: o.status for o in reanalyse(store, new)} == {"seizures": "unchanged", "marfanoid": "unchanged"}


def test_snapshots_are_append_only_and_need_the_role(tmp_path, case_files, releases):
    old, _ = releases
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    store.add_user("cleo", "correct horse battery", Role.CLINICIAN, "Cleo", None)
    store.add_user("ana", "correct horse battery", Role.ANALYST, "Ana", None)
    ana = store.authenticate("ana", "correct horse battery")
    cleo = store.authenticate("cleo", "correct horse battery")
    _register(store, ana, case_files, old, "c1", SEIZURE_TERMS)
    case = store.case("c1")
    ranking = rank_stored_case(case, PhenotypeProfile(observed=SEIZURE_TERMS), old)
    assert record_ranking(store, "c1", ranking, old, SnapshotReason.RANKED, cleo) is not None
    assert record_ranking(store, "c1", ranking, old, SnapshotReason.RANKED, cleo) is None  # no duplicate
    with pytest.raises(PermissionDenied):
        record_ranking(store, "c1", ranking, old, SnapshotReason.SIGNED, ana)
    with store._engine.connect() as conn, pytest.raises(Exception, match="cannot be changed"):
        conn.execute(text("UPDATE ranking_snapshots SET reason = 'signed'"))
    assert [e.action for e in store.audit("c1")][-1] == "ranking snapshot (ranked)"


def test_a_changed_vcf_is_reported_not_reranked(tmp_path, case_files, releases):
    old, _ = releases
    vcf = tmp_path / "trio.vcf"
    shutil.copy(case_files[0], vcf)
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    store.add_user("ana", "correct horse battery", Role.ANALYST, "Ana", None)
    ana = store.authenticate("ana", "correct horse battery")
    _register(store, ana, (vcf, case_files[1]), old, "c1", SEIZURE_TERMS)
    vcf.write_text(vcf.read_text().replace("0/1:15,15:30:99", "0/0:30,0:30:99", 1))
    (outcome,) = reanalyse(store, old)
    assert outcome.status == "failed" and "changed since the case was registered" in outcome.message


def test_turnaround_clock_reads_stored_events(tmp_path, case_files, releases):
    old, _ = releases
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    store.add_user("ana", "correct horse battery", Role.ANALYST, "Ana", None)
    ana = store.authenticate("ana", "correct horse battery")
    _register(store, ana, case_files, old, "c1", SEIZURE_TERMS)
    store.record_event("c1", "first analyst view", ana, once=True)
    assert not store.record_event("c1", "first analyst view", ana, once=True)
    (line,) = timelines(store.audit())
    assert set(line.milestones) == {"files received", "first analyst view"}
    assert line.hours_to("first analyst view") >= 0 and line.hours_to("signed") is None
    table = stage_table([line])
    assert table.set_index("stage").loc["first analyst view", "cases"] == 1
    assert table.set_index("stage").loc["signed", "cases"] == 0
    figures = lab_figures(store)
    assert figures.signed == 0 and figures.diagnostic_yield is None
    assert list(figures.per_case_frame()["case_id"]) == ["c1"]
    assert figures.cases_per_month()["cases"].sum() == 1


def test_reanalyse_command(tmp_path, case_files, releases):
    old, _ = releases
    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    store = open_store(url)
    store.add_user("ana", "correct horse battery", Role.ANALYST, "Ana", None)
    _register(store, store.authenticate("ana", "correct horse battery"), case_files, old, "c1", SEIZURE_TERMS)
    run = lambda *a: subprocess.run([sys.executable, "-m", "workbench", "reanalyse", "--database", url, *a],
                                    capture_output=True, text=True, cwd=REPO)
    first = run("--status", CaseStatus.NEW.value)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("c1\tbaseline recorded")
    unknown = run("--case", "nope")
    assert unknown.returncode == 2 and "no stored case nope" in unknown.stderr


@pytest.mark.parametrize("backend", [{"workers": 2}, {"dask": "local", "workers": 2}], ids=["forked", "dask"])
def test_workers_give_the_same_outcomes_as_one_process(tmp_path, case_files, releases, next_release, monkeypatch,
                                                       backend):
    from workbench.reanalysis.cohort import reanalyse_on_workers

    old, new = releases
    results = []
    for name in ("one-process", "workers"):
        store = open_store(f"sqlite:///{tmp_path / f'{name}.sqlite3'}")
        store.add_user("ana", "correct horse battery", Role.ANALYST, "Ana", None)
        ana = store.authenticate("ana", "correct horse battery")
        _register(store, ana, case_files, old, "seizures", SEIZURE_TERMS)
        _register(store, ana, case_files, old, "marfanoid", MARFANOID_TERMS)
        store.create_case(read_pedigree(PER_PERSON / "io_trio.ped").trio("KID"),
                          [PER_PERSON / f"io_person_{p}.vcf" for p in ("kid", "mum", "dad")], old.version, ana,
                          pedigree_path=PER_PERSON / "io_trio.ped", case_id="per-person",
                          phenotype=[PhenotypeItem(t, t, False) for t in SEIZURE_TERMS])
        reanalyse(store, old)  # the baselines
        if name == "one-process":
            outcomes = reanalyse(store, new)
        else:
            monkeypatch.setenv("WORKBENCH_ONTOLOGY_DIR", str(next_release))  # what each worker loads
            outcomes = reanalyse_on_workers(store, new, store.cases(), tmp_path / "out", **backend)
        results.append({o.case_id: (o.status, o.changes) for o in outcomes})
        results.append({c.case_id: [s.genes for s in store.snapshots(c.case_id)] for c in store.cases()})
    assert results[0] == results[2] and results[1] == results[3]
    assert results[2]["seizures"][0] == "changed"
    assert (tmp_path / "out" / "per-person.tsv").exists()  # one VCF per person: ranked on a worker too


def test_a_stored_case_keeps_its_cnv_file_for_reopening_and_reanalysis(tmp_path, releases):
    """The store checksums the CNV/SV VCF beside the small-variant one; reopening and reanalysis use it."""
    from workbench.ui.state import case_from_store

    old, _ = releases
    sv_fixtures = REPO / "tests" / "fixtures" / "sv"
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    store.add_user("ana", "correct horse battery", Role.ANALYST, "Ana", None)
    ana = store.authenticate("ana", "correct horse battery")
    sv = tmp_path / "trio.sv.vcf"
    shutil.copy(sv_fixtures / "trio.sv.vcf", sv)
    trio = read_pedigree(sv_fixtures / "trio.ped").trio()
    case = store.create_case(trio, sv_fixtures / "small.vcf", old.version, ana, pedigree_path=sv_fixtures / "trio.ped",
                             case_id="cnv", sv_vcf_paths=[sv])
    assert [v.path for v in store.case("cnv").sv_vcfs] == [str(sv.resolve())] and store.verify_vcf("cnv")
    assert case_from_store(store.case("cnv")).sv_vcfs == (str(sv.resolve()),)
    ranking = rank_stored_case(store.case("cnv"), PhenotypeProfile(observed=SEIZURE_TERMS), old)
    assert any(getattr(v, "svtype", None) for g in ranking.genes for v in g.variants)  # the CNV calls were read
    sv.write_text(sv.read_text().replace("PASS", "LowQual", 1))
    (outcome,) = reanalyse(store, old, [case])
    assert outcome.status == "failed" and "trio.sv.vcf changed since the case was registered" in outcome.message
