"""The CDS Hooks service driven over real HTTP on 127.0.0.1: discovery, a card, no card, refusals, audit."""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import uvicorn

from workbench.cds import create_app
from workbench.io import read_pedigree
from workbench.knowledge.pgx_tables import load_pgx_tables
from workbench.pgx import run_panel
from workbench.store.casestore import Role, StoreError, open_store
from workbench.store.consent import consent, record_consent
from workbench.store.pgx import attach_results, signed_panel

pytestmark = pytest.mark.usefixtures("fast_password_hashing")
TOKEN = "test-token-0123456789abcdef"
HEADER = """##fileformat=VCFv4.2
##reference=GRCh38
##contig=<ID=chrM,length=16569>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID\tDAD\tMUM
chrM\t1555\t.\tA\tG\t50\tPASS\t.\tGT\t1\t0\t1
"""
GENTAMICIN = {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1596450", "display": "gentamicin"}


def medication(order_id: str, coding: dict) -> dict:
    return {"resource": {"resourceType": "MedicationRequest", "id": order_id, "status": "draft", "intent": "order",
                         "subject": {"reference": "Patient/KID"}, "medicationCodeableConcept": {"coding": [coding]}}}


def request(hook: str, patient: str = "KID", coding: dict = GENTAMICIN) -> dict:
    context = {"userId": "Practitioner/nnp-1", "patientId": patient,
               "draftOrders": {"resourceType": "Bundle", "entry": [medication("rx1", coding)]}}
    if hook == "order-select":
        context["selections"] = ["MedicationRequest/rx1"]
    return {"hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "hook": hook, "context": context}


@pytest.fixture
def signed_store(tmp_path: Path):
    """A case whose proband KID carries MT-RNR1 m.1555A>G, with the PGx panel in a signed report."""
    vcf = tmp_path / "trio.vcf"
    vcf.write_text(HEADER)
    ped = tmp_path / "trio.ped"
    ped.write_text("F\tKID\tDAD\tMUM\t1\t2\nF\tDAD\t0\t0\t1\t1\nF\tMUM\t0\t0\t2\t1\n")
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    director = store.add_user("director", "director-password", Role.DIRECTOR, "Dr Director", None)
    pedigree = read_pedigree(ped)
    case = store.create_case(pedigree.trio("KID"), vcf, "test knowledge", director, case_id="CASE-1")
    version = store.save_draft("CASE-1", director, case.row_version, interpretation="No diagnosis.")
    panel = run_panel(vcf, pedigree, "KID")
    version = attach_results(store, "CASE-1", director, version, pgx=panel)
    yield store, director, version
    store.close()


@pytest.fixture
def service(signed_store):
    store, director, version = signed_store
    store.sign_out("CASE-1", director, version, password="director-password")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store, TOKEN, load_pgx_tables()), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client, store
    server.should_exit = True
    thread.join(timeout=10)


def test_discovery_lists_both_hooks(service):
    client, _ = service
    reply = client.get("/cds-services")
    assert reply.status_code == 200
    assert {s["hook"] for s in reply.json()["services"]} == {"order-select", "order-sign"}


@pytest.mark.parametrize("hook,service_id", [("order-select", "nicu-pgx-order-select"),
                                             ("order-sign", "nicu-pgx-order-sign")])
def test_gentamicin_for_an_m1555a_g_baby_gets_a_critical_card(service, hook, service_id):
    client, store = service
    reply = client.post(f"/cds-services/{service_id}", json=request(hook))
    assert reply.status_code == 200
    [card] = reply.json()["cards"]
    assert card["indicator"] == "critical" and card["summary"].startswith("Gentamicin: MT-RNR1 m.1555A>G")
    assert "Avoid aminoglycoside" in card["detail"] and card["source"]["url"].startswith("https://cpicpgx.org")
    assert store.audit("CASE-1")[-1].action == f"CDS hooks {hook} answer: 1 card(s)"


def test_drug_named_only_by_product_text_is_recognised(service):
    client, _ = service
    coding = {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1665088",
              "display": "Gentamicin 10 MG/ML Injectable Solution"}
    reply = client.post("/cds-services/nicu-pgx-order-sign", json=request("order-sign", coding=coding))
    assert len(reply.json()["cards"]) == 1


def test_no_card_for_an_unrelated_drug_or_an_unknown_patient(service):
    client, store = service
    amoxicillin = {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "723", "display": "amoxicillin"}
    assert client.post("/cds-services/nicu-pgx-order-sign",
                       json=request("order-sign", coding=amoxicillin)).json() == {"cards": []}
    assert client.post("/cds-services/nicu-pgx-order-sign",
                       json=request("order-sign", patient="SOMEONE-ELSE")).json() == {"cards": []}
    assert store.audit()[-1].after["reason"] == "no signed report with pharmacogenomic results"


def test_bad_token_is_refused_and_audited_without_the_token(service):
    client, store = service
    reply = client.post("/cds-services/nicu-pgx-order-sign", json=request("order-sign"),
                        headers={"Authorization": "Bearer wrong-token-wrong-token"})
    assert reply.status_code == 401 and reply.headers["www-authenticate"] == "Bearer"
    assert client.get("/cds-services", headers={"Authorization": ""}).status_code == 401
    entry = store.audit()[-1]
    assert entry.action == "CDS hooks request refused (401)" and "wrong-token" not in str(entry.after)


@pytest.mark.parametrize("body,message", [
    ("not json", "not valid JSON"),
    ({"hook": "order-sign", "context": {"patientId": "KID"}}, "hookInstance"),
    ({"hook": "order-sign", "hookInstance": "x", "context": {"patientId": "KID"}}, "draftOrders"),
    ({"hook": "order-select", "hookInstance": "x", "context": {"patientId": "KID"}}, "answers the order-sign hook"),
    ({"hook": "order-sign", "hookInstance": "x", "context": {}}, "patientId"),
])
def test_malformed_request_is_a_400_naming_the_problem(service, body, message):
    client, _ = service
    kwargs = {"content": body, "headers": {"Content-Type": "application/json"}} if isinstance(body, str) \
        else {"json": body}
    reply = client.post("/cds-services/nicu-pgx-order-sign", **kwargs)
    assert reply.status_code == 400 and message in reply.json()["error"]


def test_drafts_are_never_read(signed_store):
    store, _, _ = signed_store  # attached to the draft, not signed
    assert signed_panel(store, "KID") is None


def test_secondary_findings_need_recorded_consent(signed_store):
    from workbench.secondary import SecondaryFindings
    store, director, version = signed_store
    empty = SecondaryFindings((), 81, (), "ACMG SF v3.2")
    with pytest.raises(StoreError, match="consent"):
        attach_results(store, "CASE-1", director, version, secondary=empty)
    record_consent(store, "CASE-1", True, director, "parents opted in at enrolment")
    assert consent(store, "CASE-1").consented
    attach_results(store, "CASE-1", director, version, secondary=empty)
    assert store.report("CASE-1").content.secondary_findings_result == empty
    record_consent(store, "CASE-1", False, director, "withdrawn")
    assert store.report("CASE-1").content.secondary_findings_result is None  # out of the draft too
    assert store.report("CASE-1").content.pharmacogenomics is not None
    entries = store.audit("CASE-1")
    assert [e.action for e in entries].count("record secondary-findings consent") == 2
    assert entries[-2].before == {"consented": True, "note": "parents opted in at enrolment"}
    assert entries[-1].action == "remove secondary findings from draft report v1 (consent withdrawn)"


def test_consent_upsert_works_on_sqlite_and_postgresql(database_url, tmp_path):
    from workbench.model import Sample, Trio
    store = open_store(database_url)
    clinician = store.add_user("nnp", "clinician-password", Role.CLINICIAN, "NNP", None)
    director = store.add_user("director", "director-password", Role.DIRECTOR, "Dr Director", None)
    vcf = tmp_path / "x.vcf"
    vcf.write_text(HEADER)
    store.create_case(Trio(Sample("KID", "F")), vcf, "k", director, case_id="C1")
    assert consent(store, "C1") is None
    record_consent(store, "C1", True, clinician)
    record_consent(store, "C1", False, clinician, "changed their mind")
    assert (consent(store, "C1").consented, consent(store, "C1").note) == (False, "changed their mind")
    store.close()


def test_serve_cds_refuses_to_start_without_a_token(tmp_path, monkeypatch, capsys):
    from workbench.cds.cli import read_token
    from workbench.cli import main
    monkeypatch.delenv("WORKBENCH_CDS_TOKEN", raising=False)
    monkeypatch.delenv("WORKBENCH_CDS_TOKEN_FILE", raising=False)
    assert main(["serve-cds", "--database", f"sqlite:///{tmp_path / 'x.sqlite3'}"]) == 2
    assert "refusing to serve" in capsys.readouterr().err
    (tmp_path / "token").write_text(TOKEN + "\n")
    assert read_token(tmp_path / "token") == TOKEN
    monkeypatch.setenv("WORKBENCH_CDS_TOKEN", "from-the-environment-123")
    assert read_token(None) == "from-the-environment-123"


def test_cds_answers_keep_the_audit_chain_intact(service):
    from workbench.store.integrity import verify
    client, store = service
    client.post("/cds-services/nicu-pgx-order-sign", json=request("order-sign"))
    client.post("/cds-services/nicu-pgx-order-sign", json={"hook": "order-sign"})
    with store._transaction() as conn:
        result = verify(conn, store._audit_key)
    assert result.ok, result.problems
    assert result.signed_versions == 1
