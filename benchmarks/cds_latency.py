"""CDS Hooks latency over real HTTP on 127.0.0.1: median and p95 of order-select/order-sign answers.

Builds a throw-away SQLite store with one signed case (MT-RNR1 m.1555A>G and CYP2C19 *2/*2), serves it
with uvicorn in this process's thread, and sends ``--requests`` hook calls one after another (half
gentamicin -> a card, half amoxicillin -> no card; order-select and order-sign alternating). Every
answer is audited, as in production. Baseline in the same run: the discovery endpoint (token check
and audit only, no report read). Floor: p95 <= 100 ms.

    python benchmarks/cds_latency.py [--requests 1000]
"""
from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import uvicorn  # noqa: E402

from workbench.cds import create_app  # noqa: E402
from workbench.io import read_pedigree  # noqa: E402
from workbench.knowledge.pgx_tables import load_pgx_tables  # noqa: E402
from workbench.pgx import run_panel  # noqa: E402
from workbench.store.casestore import Role, open_store  # noqa: E402
from workbench.store.pgx import attach_results  # noqa: E402

TOKEN = "benchmark-token-0123456789"
VCF = """##fileformat=VCFv4.2
##reference=GRCh38
##contig=<ID=chr10,length=133797422>
##contig=<ID=chrM,length=16569>
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID\tDAD\tMUM
chr10\t94775367\t.\tA\tG\t50\tPASS\t.\tGT\t1/1\t0/1\t0/1
chr10\t94781859\t.\tG\tA\t50\tPASS\t.\tGT\t1/1\t0/1\t0/1
chrM\t1555\t.\tA\tG\t50\tPASS\t.\tGT\t1\t0\t1
"""
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def signed_store(directory: Path):
    (directory / "trio.vcf").write_text(VCF)
    (directory / "trio.ped").write_text("F\tKID\tDAD\tMUM\t1\t2\nF\tDAD\t0\t0\t1\t1\nF\tMUM\t0\t0\t2\t1\n")
    store = open_store(f"sqlite:///{directory / 'cases.sqlite3'}")
    director = store.add_user("director", "director-password", Role.DIRECTOR, "Dr Director", None)
    pedigree = read_pedigree(directory / "trio.ped")
    case = store.create_case(pedigree.trio("KID"), directory / "trio.vcf", "benchmark", director, case_id="CASE-1")
    version = store.save_draft("CASE-1", director, case.row_version, interpretation="No diagnosis.")
    version = attach_results(store, "CASE-1", director, version, pgx=run_panel(directory / "trio.vcf", pedigree, "KID"))
    store.sign_out("CASE-1", director, version, password="director-password")
    return store


def body(i: int) -> tuple[str, dict]:
    hook = "order-select" if i % 2 else "order-sign"
    code, name = ("1596450", "gentamicin") if (i // 2) % 2 == 0 else ("723", "amoxicillin")
    context = {"userId": "Practitioner/1", "patientId": "KID", "draftOrders": {"resourceType": "Bundle", "entry": [
        {"resource": {"resourceType": "MedicationRequest", "id": "rx1", "status": "draft", "intent": "order",
                      "medicationCodeableConcept": {"coding": [{"system": RXNORM, "code": code, "display": name}]}}}]}}
    if hook == "order-select":
        context["selections"] = ["MedicationRequest/rx1"]
    return f"/cds-services/nicu-pgx-{hook}", {"hookInstance": f"bench-{i}", "hook": hook, "context": context}


def timed(call, n: int) -> list[float]:
    out = []
    for i in range(n):
        started = time.perf_counter()
        call(i)
        out.append(1000 * (time.perf_counter() - started))
    return out


def describe(name: str, ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[int(0.95 * len(ordered)) - 1]
    return (f"  {name:<34} median {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms"
            f"   max {ordered[-1]:6.1f} ms   (n={len(ordered)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = signed_store(Path(tmp))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(store, TOKEN, load_pgx_tables()), host="127.0.0.1",
                                               port=port, log_level="warning", access_log=False))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.02)
        cards = 0
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}",
                              headers={"Authorization": f"Bearer {TOKEN}"}) as client:
                client.get("/cds-services")  # warm up
                baseline = timed(lambda i: client.get("/cds-services").raise_for_status(), args.requests // 4)

                def hook(i: int) -> None:
                    nonlocal cards
                    path, payload = body(i)
                    reply = client.post(path, json=payload)
                    reply.raise_for_status()
                    cards += len(reply.json()["cards"])

                hooks = timed(hook, args.requests)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            store.close()
    print(f"CDS Hooks latency over HTTP on 127.0.0.1 (SQLite store, every answer audited; {cards} cards returned)")
    print(describe("baseline: GET /cds-services", baseline))
    print(describe("order-select / order-sign hooks", hooks))
    p95 = sorted(hooks)[int(0.95 * len(hooks)) - 1]
    print(f"  floor: p95 <= 100 ms -> {'met' if p95 <= 100 else 'NOT met'}")
    return 0 if p95 <= 100 else 1


if __name__ == "__main__":
    sys.exit(main())
