"""The diagnostic report: typed content, ACMG/AMP assistant, and its PDF, FHIR R4 and phenopacket forms.

    content = store.report(case_id).content          # a ReportContent (frozen, JSON round-trips)
    with open("report.pdf", "wb") as fh:
        write_report(content, "pdf", fh)

The writers live in ``workbench.report.pdf`` / ``.fhir`` / ``.phenopacket`` and are imported on
first use, so the store (which only needs the content types) does not load fpdf2 or the FHIR models.
"""
from __future__ import annotations

from typing import IO

from workbench.report.acmg import (AcmgAssessment, AcmgEvidence, AppliedCriterion, Classification, Criterion,
                                   Strength, combine, suggest_criteria)
from workbench.report.content import (Amendment, CaseDetails, Method, Overall, PhenotypeItem, QcFigure, ReportContent,
                                      ReportedVariant, Signature, Zygosity)

# Export format -> (file suffix, MIME type)
FORMATS: dict[str, tuple[str, str]] = {
    "pdf": (".pdf", "application/pdf"),
    "fhir": (".fhir.json", "application/fhir+json"),
    "phenopacket": (".phenopacket.json", "application/json"),
}


def render(content: ReportContent, fmt: str, pdf: bytes | None = None) -> bytes:
    """One report version in one of FORMATS, as bytes (for downloads and files alike).

    ``pdf``: this content's PDF when the caller already has it, so the FHIR export (which embeds
    it) does not build it again.
    """
    if fmt in ("pdf", "fhir") and pdf is None:
        from workbench.report.pdf import render_pdf

        pdf = render_pdf(content)
    if fmt == "pdf":
        return pdf
    if fmt == "fhir":  # with the PDF as the report's presented form, for the hospital record
        from workbench.report.fhir import fhir_json

        return fhir_json(content, pdf=pdf).encode()
    if fmt == "phenopacket":
        from workbench.report.phenopacket import phenopacket_json

        return phenopacket_json(content).encode()
    raise ValueError(f"unknown report format {fmt!r}; choose one of {', '.join(FORMATS)}")


def write_report(content: ReportContent, fmt: str, fh: IO[bytes]) -> None:
    fh.write(render(content, fmt))


__all__ = ["AcmgAssessment", "AcmgEvidence", "Amendment", "AppliedCriterion", "CaseDetails", "Classification", "Criterion",
           "FORMATS", "Method", "Overall", "PhenotypeItem", "QcFigure", "ReportContent", "ReportedVariant", "Signature",
           "Strength", "Zygosity", "combine", "render", "suggest_criteria", "write_report"]
