"""Issue 21.5: a signed report exports whatever text it holds (long, control characters, surrogates, any script)."""
from __future__ import annotations

import json
import subprocess
from dataclasses import replace
from types import MappingProxyType

import phenopackets as pps
import pytest
from fhir.resources.R4B.bundle import Bundle
from google.protobuf.json_format import Parse

from test_report import SIGNED_AT, content, reported
from workbench.model import Call, Genotype, InheritanceMode, Sample, Sex, Variant
from workbench.report import Amendment, AcmgAssessment, ReportedVariant, render
from workbench.report.fonts import find_fonts
from workbench.report.text import TextError, clean_text

NAMES = {"arabic": "محمد عبد الله", "hebrew": "דוד כהן", "turkish": "Şükrü Çağlar Işık", "cjk": "王小明"}


def pdf_text(report) -> str:
    pdf = render(report, "pdf")
    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode()


def every_format(report) -> dict[str, bytes]:
    return {fmt: render(report, fmt) for fmt in ("pdf", "fhir", "phenopacket")}


def test_a_5000_character_amendment_reason_exports_in_full_in_every_format():
    reason = ("The segregation data from the maternal grandparents were reviewed and " * 70)[:5000]
    amended = content(version=2, amendment_reason=reason, amendments=(
        Amendment(1, "original report", "Dr Dora Director", SIGNED_AT),
        Amendment(2, reason, "Dr Dora Director", SIGNED_AT)))
    out = every_format(amended)
    text = pdf_text(amended)
    assert "AMENDED REPORT" in text and "What changed" in text
    assert " ".join(text.split()).count("maternal grandparents") >= 2 * 69  # the full reason, twice, wrapped
    Bundle.model_validate_json(out["fhir"])


def test_a_3kb_indel_without_hgvs_is_shortened_with_its_length_and_kept_exact_in_fhir():
    deletion = "ACGT" * 750
    variant = Variant("chr2", 165310406, "T" + deletion, "T", MappingProxyType({"NB-1": Call(Genotype.HET)}))
    long_indel = ReportedVariant.from_variant(variant, "NB-1", "SCN2A", InheritanceMode.DE_NOVO,
                                              AcmgAssessment.of("PVS1", "PS2"))
    report = content(results=(long_indel,))
    out = every_format(report)
    text = pdf_text(report)
    assert "(3,001 bp)" in text
    components = [c for e in json.loads(out["fhir"])["entry"] for c in e["resource"].get("component", [])]
    assert any(c.get("valueString") == "T" + deletion for c in components)  # exact allele in the structured form


def test_control_characters_and_lone_surrogates_are_removed_before_fhir_and_phenopacket():
    hostile = "Seizures\x00 from day 2\x1b[31m\u202e, \ud800 apnoea\x07"
    report = content(indication=hostile, interpretation=hostile, results=(replace(reported(), condition_label=hostile),))
    out = every_format(report)
    bundle = Bundle.model_validate_json(out["fhir"])
    assert "\x00" not in out["fhir"].decode() and "Seizures from day 2[31m," in bundle.entry[0].resource.conclusion
    packet = Parse(out["phenopacket"].decode(), pps.Phenopacket())
    assert packet.interpretations[0].summary == "Seizures from day 2[31m, \ufffd apnoea"


@pytest.mark.skipif(find_fonts().main is None, reason="no Unicode font installed (fonts-dejavu-core)")
def test_names_in_any_script_are_drawn_not_replaced_by_question_marks():
    details = replace(content().details, patient_name=f"{NAMES['turkish']} / {NAMES['hebrew']} / {NAMES['arabic']}",
                      ordering_clinician=NAMES["cjk"])
    report = content(details=details, proband=Sample("NB-1", "FAM-1", Sex.FEMALE))
    text = pdf_text(report)
    assert NAMES["turkish"] in text
    assert "?" not in text.split("Patient name")[1].split("\n")[0]
    for letters in ("דוד", "כהן"):  # right-to-left words come back in either order, each word intact
        assert letters in text or letters[::-1] in text
    cjk_drawable = all(find_fonts().drawable(c) for c in NAMES["cjk"])
    if cjk_drawable:
        assert NAMES["cjk"] in text
    else:  # degrade loudly: a visible replacement and a note in the PDF itself
        assert "\ufffd" in text and "could not be drawn" in text


def test_text_at_entry_is_cleaned_or_refused_with_the_field_named():
    assert clean_text("Dr\x00 Ada\u0301", field="clinician", limit=50) == "Dr Adá"
    with pytest.raises(TextError, match="patient name is 201 characters long; at most 200"):
        clean_text("x" * 201, field="patient name", limit=200)
    with pytest.raises(TextError, match="MRN must be text"):
        clean_text(None, field="MRN")  # type: ignore[arg-type]


def test_without_a_unicode_font_the_pdf_says_so_instead_of_silently_printing_question_marks(monkeypatch, caplog):
    from workbench.report import fonts, pdf

    monkeypatch.setattr(fonts, "_index", lambda: {})
    fonts.find_fonts.cache_clear()
    try:
        monkeypatch.setattr(pdf, "find_fonts", fonts.find_fonts)
        report = content(details=replace(content().details, patient_name=NAMES["hebrew"]))
        text = " ".join(pdf_text(report).split())
    finally:
        fonts.find_fonts.cache_clear()
    assert "No Unicode font (DejaVu Sans) is installed on this server" in text
    assert "fonts-dejavu-core" in caplog.text
