"""A CDS Hooks service: the prescriber's EHR asks, at order-select and order-sign, whether the patient's
signed genome report changes what CPIC advises for the drug being ordered.

A thin layer over the store, like the UI: discovery (``GET /cds-services``) and one service per hook
(``POST /cds-services/{id}``). The medication comes from the FHIR MedicationRequest(s) in
``context.draftOrders`` (for order-select only those named in ``context.selections``), coded in RxNorm;
the code is mapped to a CPIC drug through the pinned CPIC table, else the coding's display text is
matched to a CPIC drug name (product-level RxNorm codes are not in CPIC's ingredient list). The
patient is ``context.patientId``, matched to the case's proband sample id (or the case id).

A card is returned only when the newest *signed* report holds an actionable result for that drug;
drafts are never read. Every request needs the operator's bearer token (compared in constant time,
never logged) and every answer, refusals included, is written to the store's audit log.
"""
from __future__ import annotations

import hmac
import re
import time
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from workbench.knowledge.pgx_tables import PgxTables
from workbench.pgx.model import DrugGuidance, GeneResult, PgxPanel
from workbench.store.casestore import CaseStore
from workbench.store.pgx import record_event, signed_panel

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SERVICES = {
    "nicu-pgx-order-select": "order-select",
    "nicu-pgx-order-sign": "order-sign",
}
_CRITICAL = re.compile(r"\b(avoid|contraindicated|alternative|not recommended)\b", re.IGNORECASE)


class BadRequest(Exception):
    """The request does not follow the CDS Hooks shape; the message says what is wrong."""


def discovery() -> dict[str, Any]:
    return {"services": [{
        "hook": hook, "id": service_id,
        "title": "Pharmacogenomic check from the signed NICU genome report",
        "description": ("Warns when the patient's signed genome report holds a CPIC-actionable pharmacogenomic "
                        "result (MT-RNR1, G6PD, CYP2C19, CYP2C9, RYR1/CACNA1S, TPMT/NUDT15, ...) for the "
                        f"medication being {'selected' if hook == 'order-select' else 'signed'}."),
        "prefetch": {},
    } for service_id, hook in SERVICES.items()]}


def _medication_requests(hook: str, context: dict[str, Any]) -> list[dict[str, Any]]:
    orders = context.get("draftOrders")
    if not isinstance(orders, dict) or orders.get("resourceType") != "Bundle":
        raise BadRequest("context.draftOrders must be a FHIR Bundle of the draft orders")
    entries = orders.get("entry", [])
    if not isinstance(entries, list):
        raise BadRequest("context.draftOrders.entry must be a list")
    resources = [e.get("resource") for e in entries if isinstance(e, dict)]
    requests = [r for r in resources if isinstance(r, dict) and r.get("resourceType") == "MedicationRequest"]
    if hook == "order-select":
        selections = context.get("selections")
        if not isinstance(selections, list) or not all(isinstance(s, str) for s in selections):
            raise BadRequest("order-select needs context.selections: a list of references like "
                             "'MedicationRequest/123'")
        requests = [r for r in requests if f"MedicationRequest/{r.get('id')}" in selections]
    return requests


def _codings(resource: dict[str, Any]) -> list[dict[str, Any]]:
    concept = resource.get("medicationCodeableConcept")  # FHIR R4
    if concept is None and isinstance(resource.get("medication"), dict):  # FHIR R5 CodeableReference
        concept = resource["medication"].get("concept")
    if not isinstance(concept, dict):
        return []
    codings = [c for c in concept.get("coding", []) if isinstance(c, dict)]
    if concept.get("text"):
        codings.append({"display": concept["text"]})
    return codings


def identify_drugs(resource: dict[str, Any], tables: PgxTables) -> list[str]:
    """The CPIC drug names a MedicationRequest orders (RxNorm code first, then the coding's text)."""
    found = []
    names = sorted({d.drug for d in tables.drugs}, key=len, reverse=True)
    for coding in _codings(resource):
        drug = tables.drug_for_rxnorm(str(coding.get("code", ""))) if coding.get("system") == RXNORM else None
        if drug is None and isinstance(coding.get("display"), str):
            text = coding["display"].lower()
            drug = next((n for n in names if re.search(rf"\b{re.escape(n)}\b", text)), None)
        if drug and drug not in found:
            found.append(drug)
    return found


def card(gene: GeneResult, guidance: DrugGuidance, case_id: str, version: int) -> dict[str, Any]:
    result = gene.phenotype or gene.function
    summary = f"{guidance.drug.capitalize()}: {gene.gene} {gene.diplotype} - {result}"
    recommendation = guidance.recommendation or (
        f"CPIC (level {guidance.cpic_level}) gives guidance for {guidance.drug} with this {gene.gene} result; "
        "its text is not in the workbench's pinned tables: read the guideline before prescribing.")
    detail = (f"**{gene.gene} {gene.diplotype}** ({gene.function}); phenotype: **{result}**"
              + (f" (phase ambiguous: {gene.reason})" if gene.alternatives else "") + f"\n\n**CPIC:** {recommendation}"
              + ("\n\nNo variant call supports this result: every defining position had no record in the VCF "
                 "and was read as reference." if gene.positions_total and
                 gene.positions_read_as_reference == gene.positions_total else "")
              + f"\n\nFrom the signed genome report of case {case_id}, version {version}.")
    return {"uuid": str(uuid.uuid4()), "summary": summary[:140],
            "indicator": "critical" if _CRITICAL.search(guidance.recommendation) else "warning",
            "detail": detail,
            "source": {"label": "CPIC guideline (NICU genome workbench, signed report)",
                       **({"url": guidance.guideline_url} if guidance.guideline_url else {})},
            "links": [{"label": f"CPIC guideline: {guidance.drug}", "url": guidance.guideline_url, "type": "absolute"}]
            if guidance.guideline_url else []}


def answer(body: Any, service_id: str, store: CaseStore, tables: PgxTables) -> tuple[dict[str, Any], dict[str, Any]]:
    """(response, audit details) for one hook request; raises :class:`BadRequest`."""
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    hook = SERVICES[service_id]
    if body.get("hook") != hook:
        raise BadRequest(f"service {service_id} answers the {hook} hook, not {str(body.get('hook'))[:40]!r}")
    if not isinstance(body.get("hookInstance"), str) or not body["hookInstance"]:
        raise BadRequest("hookInstance (a string) is required")
    context = body.get("context")
    if not isinstance(context, dict):
        raise BadRequest("context (an object) is required")
    patient = context.get("patientId")
    if not isinstance(patient, str) or not patient:
        raise BadRequest("context.patientId (a string) is required")
    drugs = [d for r in _medication_requests(hook, context) for d in identify_drugs(r, tables)]
    details: dict[str, Any] = {"hook": hook, "hookInstance": body["hookInstance"][:80], "patientId": patient[:80],
                               "drugs": drugs, "cards": []}
    found = signed_panel(store, patient)
    if found is None or found[2] is None:
        details["case"] = found[0] if found else None
        details["reason"] = "no signed report with pharmacogenomic results"
        return {"cards": []}, details
    case_id, version, panel = found
    details.update(case=case_id, report_version=version)
    cards = [card(gene, guidance, case_id, version) for drug in dict.fromkeys(drugs)
             for gene, guidance in _actionable(panel, drug)]
    details["cards"] = [c["summary"] for c in cards]
    return {"cards": cards}, details


def _actionable(panel: PgxPanel, drug: str) -> list[tuple[GeneResult, DrugGuidance]]:
    return [(g, d) for g, d in panel.guidance_for(drug) if d.actionable]


def create_app(store: CaseStore, token: str, tables: PgxTables) -> FastAPI:
    """The service; ``token`` is the operator's shared bearer secret (at least 16 characters)."""
    if len(token) < 16:
        raise ValueError("the CDS bearer token must be at least 16 characters")
    expected = token.encode()
    app = FastAPI(title="NICU genome workbench CDS Hooks", docs_url=None, redoc_url=None, openapi_url=None)

    def authorised(request: Request) -> bool:
        header = request.headers.get("authorization", "")
        scheme, _, given = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), expected)

    def refuse(status: int, message: str, service_id: str | None, request: Request) -> JSONResponse:
        record_event(store, None, f"CDS hooks request refused ({status})",
                     {"service": service_id, "error": message, "client": request.client.host if request.client
                      else None}, "cds-hooks service")
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    @app.get("/cds-services")
    async def services(request: Request) -> JSONResponse:
        if not authorised(request):
            return refuse(401, "missing or wrong bearer token", None, request)
        record_event(store, None, "CDS hooks discovery", {"services": list(SERVICES)}, "cds-hooks service")
        return JSONResponse(discovery())

    @app.post("/cds-services/{service_id}")
    async def hook(service_id: str, request: Request) -> JSONResponse:
        started = time.perf_counter()
        if not authorised(request):
            return refuse(401, "missing or wrong bearer token", service_id, request)
        if service_id not in SERVICES:
            return refuse(404, f"no CDS service {service_id[:60]!r}; see GET /cds-services", None, request)
        try:
            body = await request.json()
        except ValueError:
            return refuse(400, "the request body is not valid JSON", service_id, request)
        try:
            response, details = answer(body, service_id, store, tables)
        except BadRequest as problem:
            return refuse(400, str(problem), service_id, request)
        details["milliseconds"] = round(1000 * (time.perf_counter() - started), 1)
        user = body.get("context", {}).get("userId")
        action = f"CDS hooks {details['hook']} answer: {len(response['cards'])} card(s)"
        record_event(store, details.get("case"), action,
                     details, f"cds-hooks client ({str(user)[:60]})" if user else "cds-hooks client")
        return JSONResponse(response)

    return app
