"""The report's three forms say the same thing: PDF text, FHIR R4 bundle, phenopacket v2; plus ACMG rules."""
from __future__ import annotations

import io
from dataclasses import replace
from datetime import datetime, timezone
from types import MappingProxyType

import phenopackets as pps
import pydantic
import pytest
from fhir.resources.R4B.bundle import Bundle
from google.protobuf.json_format import Parse
from pypdf import PdfReader

from workbench.model import (Call, Disease, GeneConsequence, Genotype, Impact, InheritanceMode, Sample, Sex,
                             Variant)
from workbench.report import (FORMATS, AcmgAssessment, AcmgEvidence, Amendment, AppliedCriterion, Classification,
                              Method, Overall, PhenotypeItem, ReportContent, ReportedVariant, Signature, combine,
                              render, suggest_criteria)
from workbench.report.fhir import to_fhir_bundle, write_fhir
from workbench.report.pdf import write_pdf
from workbench.report.phenopacket import to_phenopacket, write_phenopacket

SIGNED_AT = datetime(2026, 11, 26, 18, 5, tzinfo=timezone.utc)


def reported(gene: str = "SCN2A", genotype: Genotype = Genotype.HET, criteria: tuple[str, ...] = ("PS2", "PM2", "PP3"),
             hgvs_c: str = "c.2558G>A", hgvs_p: str | None = "p.Arg853Gln") -> ReportedVariant:
    variant = Variant("chr2", 165310406, "G", "A", MappingProxyType({"NB-1": Call(genotype)}), consequences=(
        GeneConsequence(gene, "intron_variant", Impact.MODIFIER, transcript="NM_OTHER.1", hgvs_c="c.1-5G>A"),
        GeneConsequence(gene, "missense_variant", Impact.MODERATE, hgnc_id="HGNC:10588", transcript="NM_021007.3",
                        hgvs_c=hgvs_c, hgvs_p=hgvs_p, mane_select=True)))
    return ReportedVariant.from_variant(variant, "NB-1", gene, InheritanceMode.DE_NOVO, AcmgAssessment.of(*criteria),
                                        Disease("OMIM:613721", "Developmental and epileptic encephalopathy 11"))


def content(**changes: object) -> ReportContent:
    base = ReportContent(
        case_id="FAM-1-1", family_id="FAM-1", proband=Sample("NB-1", "FAM-1", Sex.FEMALE),
        method=Method("HPO 2025-01-16 · HGNC 2025-06-09 · GENCODE v44", software="workbench 0.1.0",
                      annotation_source="VEP CSQ"),
        indication="Refractory neonatal seizures – onset day 2",
        phenotype=(PhenotypeItem("HP:0001250", "Seizure"), PhenotypeItem("HP:0001252", "Hypotonia", excluded=True)),
        results=(reported(),), interpretation="A de novo SCN2A missense variant explains the seizures.",
        signature=Signature("Dr Dora Director", "dora", SIGNED_AT),
        amendments=(Amendment(1, "original report", "Dr Dora Director", SIGNED_AT),))
    return replace(base, **changes)


def pdf_text(report: ReportContent) -> tuple[str, int]:
    buffer = io.BytesIO()
    write_pdf(report, buffer)
    pages = PdfReader(io.BytesIO(buffer.getvalue())).pages
    return "\n".join(page.extract_text() for page in pages), len(pages)


def test_reported_variant_takes_mane_consequence_and_proband_zygosity():
    variant = reported(genotype=Genotype.HOM_ALT)
    assert (variant.transcript, variant.hgvs, variant.zygosity.value) == \
        ("NM_021007.3", "NM_021007.3:c.2558G>A (p.Arg853Gln)", "homozygous")
    with pytest.raises(ValueError, match="proband 'NB-1' does not carry chr2:165310406:G:A"):
        reported(genotype=Genotype.HOM_REF)


def test_content_round_trips_through_json():
    report = content()
    assert ReportContent.from_json(report.to_json()) == report


def test_pdf_text_holds_gene_hgvs_classification_signer_and_page_numbers():
    text, pages = pdf_text(content())
    for expected in ("SCN2A", "NM_021007.3:c.2558G>A", "p.Arg853Gln", "Likely pathogenic", "PS2 (strong)",
                     "PM2 (moderate)", "PP3 (supporting)",
                     "Dr Dora Director", "2026-11-26 18:05 UTC", "FAM-1-1", "Seizure (HP:0001250)", "GRCh38",
                     "HPO 2025-01-16", "workbench 0.1.0", "Secondary findings", "Limitations", "heterozygous",
                     "de novo", "Refractory neonatal seizures – onset day 2", f"Page 1 of {pages}"):
        assert expected in text, expected
    assert "DRAFT" not in text


def test_draft_pdf_is_marked_on_every_page_and_long_reports_number_pages():
    long_text = " ".join(["The variant was reviewed against the literature."] * 400)
    text, pages = pdf_text(content(signature=None, amendments=(), interpretation=long_text))
    assert pages > 1
    assert text.count("DRAFT - NOT SIGNED") == pages
    assert f"Page {pages} of {pages}" in text and "Not signed" in text


def test_amended_pdf_lists_version_history():
    amended = content(version=2, amendments=(
        Amendment(1, "original report", "Dr Dora Director", SIGNED_AT),
        Amendment(2, "functional evidence published", "Dr Dora Director", SIGNED_AT)))
    text, _ = pdf_text(amended)
    assert "Version and amendment history" in text and "functional evidence published" in text


def test_fhir_bundle_validates_and_references_resolve():
    out = io.StringIO()
    write_fhir(content(), out)
    bundle = Bundle.model_validate_json(out.getvalue())  # the FHIR R4(B) model validates every element
    assert bundle == to_fhir_bundle(content())  # same ids each export
    resources = {e.fullUrl: e.resource for e in bundle.entry}
    report = next(r for r in resources.values() if r.__resource_type__ == "DiagnosticReport")
    assert report.status == "final" and report.code.coding[0].code == "81247-9"
    assert report.subject.reference in resources and resources[report.subject.reference].gender == "female"
    assert all(ref.reference in resources for ref in report.result + report.resultsInterpreter)
    observations = [r for r in resources.values() if r.__resource_type__ == "Observation"]
    variant = next(o for o in observations if o.meta.profile[0].endswith("/variant"))
    values = {c.code.coding[0].code: c for c in variant.component}
    assert values["48018-6"].valueCodeableConcept.coding[0].code == "HGNC:10588"
    assert values["48004-6"].valueCodeableConcept.coding[0].code == "NM_021007.3:c.2558G>A"
    assert values["53034-5"].valueCodeableConcept.coding[0].display == "Heterozygous"
    assert values["48013-7"].valueCodeableConcept.coding[0].code == "NC_000002.12"
    implication = next(o for o in observations if o.meta.profile[0].endswith("/diagnostic-implication"))
    assert implication.derivedFrom[0].reference in resources
    significance = {c.code.coding[0].code: c for c in implication.component}
    assert significance["53037-8"].valueCodeableConcept.coding[0].display == "Likely pathogenic"
    assert significance["81259-4"].valueCodeableConcept.coding[0].code == "613721"


def test_fhir_status_follows_signature_and_amendment_and_model_rejects_bad_values():
    assert to_fhir_bundle(content(signature=None)).entry[0].resource.status == "preliminary"
    assert to_fhir_bundle(content(version=2)).entry[0].resource.status == "amended"
    with_pdf = to_fhir_bundle(content(), pdf=b"%PDF-1.4 test")
    assert with_pdf.entry[0].resource.presentedForm[0].contentType == "application/pdf"
    broken = to_fhir_bundle(content()).model_dump(exclude_none=True)
    broken["entry"][0]["resource"]["status"] = 42
    with pytest.raises(pydantic.ValidationError):
        Bundle.model_validate(broken)


def test_phenopacket_round_trips_and_carries_the_interpretation():
    out = io.StringIO()
    write_phenopacket(content(), out)
    parsed = Parse(out.getvalue(), pps.Phenopacket())
    assert parsed == to_phenopacket(content())
    assert [(f.type.id, f.excluded) for f in parsed.phenotypic_features] == [("HP:0001250", False),
                                                                            ("HP:0001252", True)]
    interpretation = parsed.interpretations[0]
    assert interpretation.progress_status == pps.Interpretation.SOLVED
    assert interpretation.diagnosis.disease.id == "OMIM:613721"
    genomic = interpretation.diagnosis.genomic_interpretations[0]
    assert genomic.interpretation_status == pps.GenomicInterpretation.CAUSATIVE
    descriptor = genomic.variant_interpretation.variation_descriptor
    assert genomic.variant_interpretation.acmg_pathogenicity_classification == pps.LIKELY_PATHOGENIC
    assert (descriptor.gene_context.symbol, descriptor.vcf_record.pos, descriptor.allelic_state.id) == \
        ("SCN2A", 165310406, "GENO:0000135")
    assert parsed.meta_data.resources[0].version == "2025-01-16"


def test_negative_and_inconclusive_reports():
    negative = content(results=())
    assert negative.overall is Overall.NEGATIVE
    assert "No variant explaining the phenotype" in pdf_text(negative)[0]
    vus = content(results=(reported(criteria=("PM2", "PP3")),))
    assert vus.overall is Overall.INCONCLUSIVE
    assert to_phenopacket(vus).interpretations[0].progress_status == pps.Interpretation.UNSOLVED
    for fmt in FORMATS:
        assert render(negative, fmt)


@pytest.mark.parametrize(("criteria", "expected"), [
    (("PVS1", "PS2"), Classification.PATHOGENIC),
    (("PVS1", "PM2"), Classification.LIKELY_PATHOGENIC),
    (("PVS1",), Classification.UNCERTAIN),
    (("PS1", "PS3"), Classification.PATHOGENIC),
    (("PS2", "PM2", "PM1", "PM4"), Classification.PATHOGENIC),
    (("PS2", "PM2", "PP3", "PP4"), Classification.LIKELY_PATHOGENIC),
    (("PM2", "PM3", "PM4"), Classification.LIKELY_PATHOGENIC),
    (("PM2", "PP1", "PP3", "PP4", "PP2"), Classification.LIKELY_PATHOGENIC),
    (("PM2", "PP3", "PP4"), Classification.UNCERTAIN),
    (("BA1",), Classification.BENIGN),
    (("BS1", "BS2"), Classification.BENIGN),
    (("BS1", "BP4"), Classification.LIKELY_BENIGN),
    (("BP4", "BP7"), Classification.LIKELY_BENIGN),
    (("PS2", "PM2", "PP3", "BS1", "BP4"), Classification.UNCERTAIN),
    (("PVS1", "PM2_Supporting", "PP3"), Classification.PATHOGENIC),
    ((), Classification.UNCERTAIN),
])
def test_acmg_combining_rules(criteria, expected):
    assert combine([AppliedCriterion.of(c) for c in criteria])[0] is expected


def test_acmg_assistant_prefills_from_plain_facts():
    def labels(**facts: object) -> list[str]:
        return [c.label for c in suggest_criteria(AcmgEvidence(**facts))]

    assert labels(consequence="frameshift_variant", population_af=None, lof_mechanism=True,
                  de_novo=True, parentage_confirmed=True, phenotype_specific=True) == \
        ["PVS1", "PS2", "PM2_Supporting", "PP4"]
    assert labels(consequence="stop_gained", lof_mechanism=None, de_novo=True) == ["PM6", "PM2_Supporting"]
    assert labels(consequence="missense_variant", population_af=3e-5, in_trans_with_pathogenic=True,
                  revel=0.2) == ["PM2_Supporting", "PM3", "BP4"]
    assert labels(consequence="inframe_deletion", population_af=0.02) == ["PM4", "BS1"]
    with pytest.raises(ValueError, match="unknown ACMG criterion 'PX9'"):
        AppliedCriterion.of("PX9")


def test_acmg_evidence_from_model_variant():
    variant = Variant("chrX", 100, "C", "T", MappingProxyType({"NB-1": Call(Genotype.HEMIZYGOUS)}),
                      consequences=(GeneConsequence("PCDH19", "missense_variant", Impact.MODERATE),),
                      population_af=None, scores=(("REVEL", 0.91),))
    evidence = AcmgEvidence.from_variant(variant, "PCDH19", InheritanceMode.X_LINKED_DE_NOVO, parentage_confirmed=True)
    assert (evidence.consequence, evidence.de_novo, evidence.revel) == ("missense_variant", True, 0.91)
    assert AcmgAssessment(suggest_criteria(evidence)).codes == ("PS2", "PM2_Supporting", "PP3_Moderate")


def test_acmg_suggestions_read_the_consequence_the_report_prints():
    """Two transcripts of one gene: a non-MANE one listed first, the MANE Select missense second."""
    variant = Variant("chr2", 165310406, "G", "A", MappingProxyType({"NB-1": Call(Genotype.HET)}), consequences=(
        GeneConsequence("SCN2A", "frameshift_variant", Impact.HIGH, transcript="NM_OTHER.1"),
        GeneConsequence("SCN2A", "missense_variant", Impact.MODERATE, transcript="NM_021007.3", mane_select=True)),
        population_af=None, scores=(("REVEL", 0.93),))
    evidence = AcmgEvidence.from_variant(variant, "SCN2A", InheritanceMode.DE_NOVO, lof_mechanism=True)
    printed = ReportedVariant.from_variant(variant, "NB-1", "SCN2A", InheritanceMode.DE_NOVO)
    assert evidence.consequence == printed.consequence == "missense_variant"
    # no PVS1 from the other transcript
    assert AcmgAssessment(suggest_criteria(evidence)).codes == ("PM6", "PM2_Supporting", "PP3_Moderate")


# -- a reported CNV (issue 22) ------------------------------------------------------------------------------
def reported_cnv() -> ReportedVariant:
    from workbench.model import CopyNumberCall, StructuralVariant

    deletion = StructuralVariant("chr5", 36800001, "N", "<DEL>", MappingProxyType({"NB-1": CopyNumberCall(
        Genotype.HET, copy_number=1)}), consequences=(GeneConsequence("NIPBL", "transcript_ablation", Impact.HIGH,
                                                                      hgnc_id="HGNC:28862"),),
        svtype="DEL", end=37300000, genes=("NIPBL", "CPLANE1", "NUP155"))
    return ReportedVariant.from_variant(deletion, "NB-1", "NIPBL", InheritanceMode.DE_NOVO, AcmgAssessment.of("PVS1"),
                                        Disease("OMIM:122470", "Cornelia de Lange syndrome 1"))


def test_a_reported_cnv_is_described_by_type_size_span_and_copy_number():
    cnv = reported_cnv()
    assert cnv.hgvs == "CNV deletion 500 kb, GRCh38 chr5:36,800,001-37,300,000, copy number 1 (NIPBL, CPLANE1, NUP155)"
    assert ReportContent.from_json(content(results=(cnv,)).to_json()).results[0] == cnv
    text, _ = pdf_text(content(results=(cnv,)))
    flat = " ".join(text.split())
    assert "copy_number_loss" in flat and "500,000 bp" in flat and "CPLANE1, NUP155" in flat
    assert "HGVS (RefSeq)" not in flat
    bundle = Bundle.model_validate_json(to_fhir_bundle(content(results=(cnv,))).model_dump_json())
    variant = next(e.resource for e in bundle.entry if e.resource.__resource_type__ == "Observation"
                   and e.resource.meta.profile[0].endswith("/variant"))
    values = {c.code.coding[0].code: c for c in variant.component}
    assert values["48019-4"].valueCodeableConcept.coding[0].code == "SO:0001743"
    assert (values["81302-2"].valueRange.low.value, values["81302-2"].valueRange.high.value) == (36800001, 37300000)
    assert values["81300-6"].valueQuantity.value == 500000 and values["82155-3"].valueQuantity.value == 1
    assert "69547-8" not in values and "48004-6" not in values  # no "N" > "<DEL>" alleles, no c.HGVS
# -- end CNV ------------------------------------------------------------------------------------------------
