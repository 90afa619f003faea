"""The diagnostic report: typed content, ACMG/AMP assistant, and its PDF, FHIR R4 and phenopacket forms.

    content = store.report(case_id).content          # a ReportContent (frozen, JSON round-trips)
    with open("report.pdf", "wb") as fh:
        write_pdf(content, fh)
"""
from __future__ import annotations

from typing import IO

from workbench.report.acmg import (AcmgAssessment, AcmgEvidence, AppliedCriterion, Classification, Criterion,
                                   Strength, combine, suggest_criteria)
from workbench.report.content import (Amendment, Method, Overall, PhenotypeItem, ReportContent, ReportedVariant,
                                      Signature, Zygosity)
from workbench.report.fhir import fhir_json, to_fhir_bundle, write_fhir
from workbench.report.pdf import render_pdf, write_pdf
from workbench.report.phenopacket import phenopacket_json, to_phenopacket, write_phenopacket

# Export format -> (file suffix, MIME type, binary?)
FORMATS: dict[str, tuple[str, str, bool]] = {
    "pdf": (".pdf", "application/pdf", True),
    "fhir": (".fhir.json", "application/fhir+json", False),
    "phenopacket": (".phenopacket.json", "application/json", False),
}


def render(content: ReportContent, fmt: str) -> bytes:
    """One report version in one of FORMATS, as bytes (for downloads and files alike)."""
    if fmt == "pdf":
        return render_pdf(content)
    if fmt == "fhir":
        return fhir_json(content).encode()
    if fmt == "phenopacket":
        return phenopacket_json(content).encode()
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_report(content: ReportContent, fmt: str, fh: IO[bytes]) -> None:
    fh.write(render(content, fmt))


__all__ = ["AcmgAssessment", "AcmgEvidence", "Amendment", "AppliedCriterion", "Classification", "Criterion",
           "FORMATS", "Method", "fhir_json", "phenopacket_json", "Overall", "PhenotypeItem", "ReportContent", "ReportedVariant", "Signature",
           "Strength", "Zygosity", "combine", "render", "render_pdf", "suggest_criteria", "to_fhir_bundle",
           "to_phenopacket", "write_fhir", "write_pdf", "write_phenopacket", "write_report"]
