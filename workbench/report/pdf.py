"""The PDF a laboratory sends: one :class:`ReportContent` rendered with fpdf2.

An unsigned version carries a DRAFT banner on every page; the footer numbers pages
"Page X of Y" and repeats the case id and report version, so a loose page is traceable.
"""
from __future__ import annotations

import unicodedata
from typing import BinaryIO

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from workbench.report import pgx_sections
from workbench.report.content import ReportContent

_LATIN1 = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2265": ">=", "\u2264": "<=", "\u2192": "->", "\u2026": "...", "\u00a0": " "})


def _latin1(value: str) -> str:
    """The PDF core fonts are Latin-1: map common typography, compose accents, '?' for the rest.

    >>> _latin1("Café – ≥ 3 days, 新生儿")
    'Café - >= 3 days, ???'
    """
    text = unicodedata.normalize("NFKC", value.translate(_LATIN1))
    return text.encode("latin-1", "replace").decode("latin-1")


class _ReportPdf(FPDF):
    def __init__(self, content: ReportContent) -> None:
        super().__init__(format="A4")
        self.content = content
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(16, 16, 16)
        self.set_title(_latin1(f"Genomic report {content.case_id} v{content.version}"))
        self.set_author(_latin1(content.laboratory))
        self.set_creator(_latin1(content.method.software or "workbench"))

    def header(self) -> None:
        self.set_font("Helvetica", "B", 10)
        self.cell(0, 6, _latin1(self.content.laboratory), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 4, _latin1(f"Case {self.content.case_id} - report version {self.content.version}"),
                  new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if not self.content.signed:
            self.set_text_color(180, 0, 0)
            self.set_font("Helvetica", "B", 10)
            self.cell(0, 6, "DRAFT - NOT SIGNED - NOT FOR CLINICAL USE", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font("Helvetica", "", 8)
        self.cell(0, 5, _latin1(f"Case {self.content.case_id} v{self.content.version}"), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    def heading(self, title: str) -> None:
        self.ln(2)
        self.set_font("Helvetica", "B", 11)
        self.cell(0, 7, _latin1(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 9)

    def paragraph(self, text: str) -> None:
        self.set_font("Helvetica", "", 9)
        self.multi_cell(0, 4.5, _latin1(text or "-"), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def pairs(self, rows: list[tuple[str, str]]) -> None:
        for label, value in rows:
            self.set_font("Helvetica", "B", 9)
            self.cell(42, 4.5, _latin1(label))
            self.set_font("Helvetica", "", 9)
            self.multi_cell(0, 4.5, _latin1(value or "-"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[int, ...]) -> None:
        self.set_font("Helvetica", "", 8.5)
        with self.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
            table.row([_latin1(h) for h in header])
            for values in rows:
                table.row([_latin1(v) for v in values])


def render_pdf(content: ReportContent) -> bytes:
    pdf = _ReportPdf(content)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(0, 9, "Genomic diagnostic report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, f"Result: {content.overall.value}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    proband = content.proband
    pdf.pairs([("Case", content.case_id), ("Family", content.family_id), ("Proband", proband.id),
               ("Sex", proband.sex.value), ("Report version", str(content.version))])

    pdf.heading("Clinical indication")
    pdf.paragraph(content.indication)
    observed = [t for t in content.phenotype if not t.excluded]
    excluded = [t for t in content.phenotype if t.excluded]
    pdf.pairs([("HPO terms", "; ".join(f"{t.label} ({t.id})" for t in observed)),
               ("Excluded terms", "; ".join(f"{t.label} ({t.id})" for t in excluded))])

    pdf.heading("Result")
    if content.results:
        pdf.grid(("Gene", "Variant (HGVS)", "Zygosity", "Inheritance", "Classification"),
                  [(r.gene_symbol, r.hgvs, r.zygosity.value, r.inheritance.value if r.inheritance else "-",
                    r.classification.value) for r in content.results],
                  (18, 70, 24, 34, 30))
        pdf.ln(1)
        for r in content.results:
            condition = f"; condition: {r.condition_label} ({r.condition_id})" if r.condition_id else ""
            pdf.paragraph(f"{r.gene_symbol} {r.hgvs}: GRCh38 {r.chrom}:{r.pos} {r.ref}>{r.alt}, "
                          f"{r.consequence or 'consequence not annotated'}{condition}. "
                          f"ACMG/AMP criteria: {', '.join(r.assessment.codes) or 'none'} -> "
                          f"{r.classification.value} ({r.assessment.rule}).")
    else:
        pdf.paragraph("No variant explaining the phenotype was identified.")

    pdf.heading("Interpretation")
    pdf.paragraph(content.interpretation)
    pdf.heading("Method")
    method = content.method
    pdf.pairs([("Test", method.test_name), ("Genome build", method.genome_build),
               ("Software", method.software), ("Knowledge", method.knowledge_version),
               ("Annotation", method.annotation_source)])
    pdf.heading("Limitations")
    pdf.paragraph(content.limitations)
    if content.input_warnings:
        pdf.heading("Input warnings")
        for warning in content.input_warnings:
            pdf.paragraph(f"- {warning}")
    pgx_sections.write_pdf_sections(pdf, content)  # "Pharmacogenomic results" and "Secondary findings"

    pdf.heading("Signature")
    if content.signature:
        signed = content.signature
        pdf.paragraph(f"Electronically signed by {signed.name} ({signed.username}) on "
                      f"{signed.signed_at:%Y-%m-%d %H:%M} UTC.")
    else:
        pdf.paragraph("Not signed: this draft has not been reviewed by a laboratory director.")
    if content.amendments:
        pdf.heading("Version and amendment history")
        pdf.grid(("Version", "Reason", "Signed by", "Signed at (UTC)"),
                  [(str(a.version), a.reason, a.signed_by or "-",
                    f"{a.signed_at:%Y-%m-%d %H:%M}" if a.signed_at else "-") for a in content.amendments],
                  (18, 86, 40, 32))
    return bytes(pdf.output())


def write_pdf(content: ReportContent, fh: BinaryIO) -> None:
    fh.write(render_pdf(content))
