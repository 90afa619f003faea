"""The PDF a laboratory sends: one :class:`ReportContent` rendered with fpdf2.

The layout follows the ACMG 2021 technical standard for clinical exome/genome sequencing
and the CAP checklist: the result summary first, then patient, family and specimen
identifiers, the indication with its HPO terms, each variant in full (MANE Select RefSeq
and Ensembl HGVS, genomic coordinates, zygosity, parental origin, ACMG/AMP criteria with
their strengths, the condition with its ids and mode of inheritance), interpretation,
recommendations, method and QC, limitations, secondary findings, amendments, signature.

An unsigned version carries a DRAFT banner on every page and an amended one an AMENDED
banner; the footer numbers pages "Page X of Y" and repeats the case id and report version,
so a loose page is traceable. Any text renders: names in any script (Unicode fonts from
:mod:`workbench.report.fonts`, right-to-left text shaped), and table cells are cut with a
visible "[truncated]" marker where the full text follows in a paragraph that wraps over pages.
"""
from __future__ import annotations

import json
import logging
import unicodedata
from typing import BinaryIO

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.errors import FPDFException

from workbench.report import pgx_sections
from workbench.report.content import DETAIL_FIELDS, NOT_RECORDED, ReportContent, ReportedVariant, to_plain
from workbench.report.fonts import MISSING_FONT_WARNING, FontSet, find_fonts
from workbench.report.text import REPLACEMENT, clean_strings, shorten

log = logging.getLogger(__name__)

CELL_LIMIT = 160  # characters per table cell; the full text follows below the table
LONG_WORD = 60  # a shaped line cannot break inside a word, so longer runs get a break point
_LATIN1 = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                         "\u2265": ">=", "\u2264": "<=", "\u2192": "->", "\u2026": "...", "\u00a0": " ",
                         "\u00b7": "-", "\u00d7": "x", "\u2212": "-"})


def _latin1(value: str) -> str:
    """The PDF core fonts are Latin-1: map common typography, compose accents, '?' for the rest.

    >>> _latin1("Café – ≥ 3 days, 新生儿")
    'Café - >= 3 days, ???'
    """
    text = unicodedata.normalize("NFKC", value.translate(_LATIN1))
    return text.encode("latin-1", "replace").decode("latin-1")


def _needs_shaping(text: str) -> bool:
    """Right-to-left or joining scripts (Arabic, Hebrew, Syriac…) need HarfBuzz shaping and bidi."""
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def _break_long_words(text: str) -> str:
    words = text.split(" ")
    return " ".join(" ".join(w[i:i + LONG_WORD] for i in range(0, len(w), LONG_WORD)) if len(w) > LONG_WORD else w
                    for w in words)


class _ReportPdf(FPDF):
    def __init__(self, content: ReportContent, fonts: FontSet) -> None:
        super().__init__(format="A4")
        self.content = content
        self.font_set = fonts
        self.undrawable: set[str] = set()
        self.main_family = "Helvetica"
        self._shaping_available = False
        if fonts.main is not None:
            self._add_fonts()
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(16, 16, 16)
        self.set_title(self.prepare(f"Genomic report {content.case_id} v{content.version}"))
        self.set_author(self.prepare(content.laboratory))
        self.set_creator(self.prepare(content.method.software or "workbench"))

    def _add_fonts(self) -> None:
        main = self.font_set.main
        self.add_font("Main", "", str(main.regular))
        self.add_font("Main", "B", str(main.bold or main.regular))
        names = []
        for fallback in self.font_set.fallbacks_for(json.dumps(to_plain(self.content), ensure_ascii=False)):
            self.add_font(fallback.family, "", str(fallback.regular))
            self.add_font(fallback.family, "B", str(fallback.bold or fallback.regular))
            names.append(fallback.family)
        if names:
            self.set_fallback_fonts(names, exact_match=False)
        self.main_family = "Main"
        try:
            import uharfbuzz  # noqa: F401  (fpdf2's shaping engine)
            self._shaping_available = True
        except ImportError:
            log.warning("uharfbuzz is not installed: right-to-left names are drawn unshaped")

    # -- text -------------------------------------------------------------------------------
    def prepare(self, text: str) -> str:
        """Text as this PDF can draw it: undrawable characters become a visible U+FFFD (noted)."""
        if self.font_set.main is None:
            return _latin1(text)
        out = []
        for char in text:
            if self.font_set.drawable(char):
                out.append(char)
            else:
                self.undrawable.add(char)
                out.append(REPLACEMENT if self.font_set.drawable(REPLACEMENT) else "?")
        return "".join(out)

    def use_font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.main_family, "B" if bold else "", size)

    def write_cell(self, width: float, height: float, text: str, **kwargs) -> None:
        """multi_cell with shaping for right-to-left text; falls back to unshaped rather than fail."""
        text = self.prepare(text)
        shaped = self._shaping_available and _needs_shaping(text)
        if shaped:
            text = _break_long_words(text)
        self.set_text_shaping(shaped)
        try:
            self.multi_cell(width, height, text, **kwargs)
        except FPDFException:
            if not shaped:
                raise
            self.set_text_shaping(False)
            self.multi_cell(width, height, text, **kwargs)
        finally:
            self.set_text_shaping(False)

    # -- page furniture -----------------------------------------------------------------------
    def header(self) -> None:
        self.use_font(10, bold=True)
        self.write_cell(0, 6, self.content.laboratory, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.use_font(8)
        self.write_cell(0, 4, f"Case {self.content.case_id} - report version {self.content.version}",
                        new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        banners = []
        if not self.content.signed:
            banners.append("DRAFT - NOT SIGNED - NOT FOR CLINICAL USE")
        if self.content.amended:
            banners.append(f"AMENDED REPORT - version {self.content.version} replaces version "
                           f"{self.content.version - 1}")
        for banner in banners:
            self.set_text_color(180, 0, 0)
            self.use_font(10, bold=True)
            self.cell(0, 6, self.prepare(banner), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            self.set_text_color(0, 0, 0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-13)
        self.use_font(8)
        self.cell(0, 5, self.prepare(shorten(f"Case {self.content.case_id} v{self.content.version}", 80, "…")),
                  align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    # -- blocks ---------------------------------------------------------------------------------
    def heading(self, title: str) -> None:
        self.ln(2)
        self.use_font(11, bold=True)
        self.write_cell(0, 7, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.use_font(9)

    def paragraph(self, text: str, bold: bool = False) -> None:
        self.use_font(9, bold)
        self.write_cell(0, 4.5, text or "-", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def pairs(self, rows: list[tuple[str, str]], label_width: float = 42) -> None:
        for label, value in rows:
            self.use_font(9, bold=True)
            self.cell(label_width, 4.5, self.prepare(label))
            self.use_font(9)
            self.write_cell(0, 4.5, value or NOT_RECORDED, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, header: tuple[str, ...], rows: list[tuple[str, ...]], widths: tuple[int, ...]) -> None:
        """A table whose cells are cut (with a marker) so no row outgrows a page."""
        cells = [[self.prepare(shorten(v or "-", CELL_LIMIT)) for v in values] for values in rows]
        shaped = self._shaping_available and any(_needs_shaping(v) for row in cells for v in row)
        if shaped:
            cells = [[_break_long_words(v) for v in row] for row in cells]
        self.use_font(8.5)
        self.set_text_shaping(shaped)
        try:
            with self.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
                table.row([self.prepare(h) for h in header])
                for values in cells:
                    table.row(values)
        finally:
            self.set_text_shaping(False)


def _variant_lines(r: ReportedVariant) -> list[tuple[str, str]]:
    refseq = "; ".join(x for x in (r.hgvs_refseq, r.protein_refseq) if x)
    ensembl = "; ".join(x for x in (r.hgvs_ensembl, r.protein_ensembl) if x)
    transcript_note = r.mane_status or ("not a MANE transcript" if r.transcript else "")
    if not r.mane_status and r.hgvs_coding:
        refseq = refseq or f"{r.hgvs_coding}{'; ' + r.hgvs_protein if r.hgvs_protein else ''} ({transcript_note})"
    condition = "-"
    if r.condition_label or r.condition_id:
        condition = f"{r.condition_label or ''} ({r.condition_ids})" if r.condition_id else r.condition_label or ""
        condition += f"; inheritance: {r.condition_inheritance or 'not annotated'}"
    criteria = "; ".join(f"{c.label} ({c.strength.value.replace('VeryStrong', 'very strong').lower()})"
                         + (f": {c.reason}" if c.reason else "") for c in r.assessment.criteria)
    if r.svtype:  # a CNV/SV (issue 22): type, size, span, copy number and genes instead of HGVS
        from workbench.report.structural import structural_lines
        described = structural_lines(r)
    else:
        described = [("HGVS (RefSeq)", refseq or "not annotated"), ("HGVS (Ensembl)", ensembl or "not annotated"),
                     ("Transcript", transcript_note or "not annotated"), ("Genomic", r.genomic)]
    return [
        ("Gene", f"{r.gene_symbol}{f' ({r.hgnc_id})' if r.hgnc_id else ''}"),
        *described,
        ("Consequence", r.consequence or "not annotated"),
        ("Zygosity", r.zygosity.value),
        ("Inheritance", r.inheritance_text + (f"; segregation: {r.inheritance.value}" if r.inheritance else "")),
        ("Classification", f"{r.classification.value} ({r.assessment.rule})"),
        ("ACMG/AMP criteria", criteria or "none"),
        ("Condition", condition),
    ]


def render_pdf(content: ReportContent) -> bytes:
    content = clean_strings(content)
    fonts = find_fonts()
    pdf = _ReportPdf(content, fonts)
    pdf.add_page()
    pdf.use_font(15, bold=True)
    pdf.cell(0, 9, "Genomic diagnostic report", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if fonts.main is None:
        pdf.set_text_color(180, 0, 0)
        pdf.paragraph(MISSING_FONT_WARNING)
        pdf.set_text_color(0, 0, 0)
    pdf.use_font(11, bold=True)
    pdf.cell(0, 7, f"Result: {content.overall.value}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.paragraph(content.summary)

    details, proband = content.details, content.proband
    pdf.heading("Patient, family and specimen")
    labels = {name: label for name, label, _ in DETAIL_FIELDS}
    family = ", ".join(f"{role} {s.id} ({s.affection.value})" for role, s in _family_roles(content))
    pdf.pairs([(labels["patient_name"], details.patient_name), (labels["date_of_birth"], details.date_of_birth),
               ("Sex", proband.sex.value), (labels["mrn"], details.mrn), ("Case", content.case_id),
               ("Family", f"{content.family_id}: {family}" if family else content.family_id),
               ("Proband sample", proband.id),
               (labels["specimen_id"], details.specimen_id), (labels["specimen_type"], details.specimen_type),
               (labels["collected_on"], details.collected_on), (labels["received_on"], details.received_on),
               (labels["ordering_clinician"], details.ordering_clinician),
               (labels["institution"], details.institution),
               ("Report date", f"{content.signature.signed_at:%Y-%m-%d}" if content.signature else "draft, not issued"),
               ("Report version", str(content.version))])

    pdf.heading("Clinical indication")
    pdf.paragraph(content.indication)
    observed = [t for t in content.phenotype if not t.excluded]
    excluded = [t for t in content.phenotype if t.excluded]
    pdf.pairs([("HPO terms", "; ".join(f"{t.label} ({t.id})" for t in observed) or "none recorded"),
               ("Excluded terms", "; ".join(f"{t.label} ({t.id})" for t in excluded) or "none recorded")])

    pdf.heading("Result")
    if content.results:
        pdf.grid(("Gene", "Variant (HGVS)", "Zygosity", "Inheritance", "Classification"),
                 [(r.gene_symbol, r.hgvs, r.zygosity.value, r.inheritance_text, r.classification.value)
                  for r in content.results],
                 (18, 70, 24, 34, 30))
        for r in content.results:
            pdf.ln(1)
            pdf.paragraph(f"{r.gene_symbol} {r.hgvs}", bold=True)
            pdf.pairs(_variant_lines(r), label_width=36)
    else:
        pdf.paragraph("No variant explaining the phenotype was identified.")

    pdf.heading("Interpretation")
    pdf.paragraph(content.interpretation)
    pdf.heading("Recommendations")
    pdf.paragraph(content.recommendations)

    pdf.heading("Method")
    method = content.method
    pdf.pairs([("Test", method.test_name), ("Data type", details.data_type),
               ("Platform", details.platform), ("Pipeline", details.pipeline),
               ("Genome build", method.genome_build), ("Software", method.software),
               ("Knowledge", method.knowledge_version), ("Transcripts", method.transcripts or "not looked up"),
               ("Annotation", method.annotation_source or NOT_RECORDED),
               ("Mean coverage", details.mean_coverage)])
    pdf.heading("Quality control")
    if content.qc:
        pdf.grid(("Measure", "Value", "Expected", "Assessment"),
                 [(q.name, q.value, q.expected, q.status) for q in content.qc], (62, 36, 42, 36))
        outside = sum(q.status == "outside range" for q in content.qc)
        if outside:
            pdf.paragraph(f"{outside} figure(s) outside the range expected for the data type: results rest on "
                          "calls whose quality is below the usual standard for this test.", bold=True)
    else:
        pdf.paragraph("QC figures were not recorded with this draft.")
    pdf.heading("Limitations")
    pdf.paragraph(content.limitations)
    if content.input_warnings:
        pdf.heading("Input warnings")
        for warning in content.input_warnings:
            pdf.paragraph(f"- {warning}")
    pgx_sections.write_pdf_sections(pdf, content)  # "Pharmacogenomic results" and "Secondary findings"

    if content.amended:
        pdf.heading("Amendment")
        pdf.paragraph(f"This version amends version {content.version - 1}. What changed: "
                      f"{content.amendment_reason or 'not stated'}")
    if content.amendments:
        pdf.heading("Version and amendment history")
        for a in content.amendments:
            when = f"{a.signed_at:%Y-%m-%d %H:%M} UTC" if a.signed_at else "not signed"
            pdf.paragraph(f"Version {a.version}, signed by {a.signed_by or '-'} on {when}: {a.reason}")

    pdf.heading("Signature")
    if content.signature:
        signed = content.signature
        pdf.paragraph(f"Electronically signed by {signed.name} ({signed.username}), laboratory director, on "
                      f"{signed.signed_at:%Y-%m-%d %H:%M} UTC.")
    else:
        pdf.paragraph("Not signed: this draft has not been reviewed by a laboratory director.")
    if pdf.undrawable:
        names = sorted({unicodedata.name(c, f"U+{ord(c):04X}").split(" ")[0] for c in pdf.undrawable})
        note = (f"Note: {len(pdf.undrawable)} distinct character(s) ({', '.join(names[:5])} script) could not be "
                f"drawn with the fonts installed on this server and are shown as {REPLACEMENT}; the FHIR and "
                "phenopacket exports carry the exact text.")
        log.warning("report %s v%s: %d characters not drawable in the PDF", content.case_id, content.version,
                    len(pdf.undrawable))
        pdf.set_text_color(180, 0, 0)
        pdf.paragraph(note)
        pdf.set_text_color(0, 0, 0)
    return bytes(pdf.output())


def _family_roles(content: ReportContent) -> list[tuple[str, object]]:
    proband = content.proband
    roles = []
    for sample in content.family:
        if sample.id == proband.id:
            roles.append(("proband", sample))
        elif sample.id == proband.father_id:
            roles.append(("father", sample))
        elif sample.id == proband.mother_id:
            roles.append(("mother", sample))
        else:
            roles.append(("relative", sample))
    return roles


def write_pdf(content: ReportContent, fh: BinaryIO) -> None:
    fh.write(render_pdf(content))
