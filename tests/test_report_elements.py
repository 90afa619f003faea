"""The signed PDF, read back with pdftotext, carries every element of the ACMG 2021 technical standard
for clinical exome/genome sequencing and the CAP checklist (issue 16); FHIR and phenopacket carry those
that fit them. The report is built the way the app builds it: through the store."""
from __future__ import annotations

import json
import subprocess
import textwrap
from types import MappingProxyType

import pytest

from workbench.knowledge import load_mane
from workbench.model import (Affection, Call, Disease, DiseaseInheritance, GeneConsequence, Genotype, Impact,
                             InheritanceMode, PhenotypeProfile, Sample, Sex, Trio, Variant)
from workbench.report import render
from workbench.report.acmg import AcmgAssessment, AppliedCriterion
from workbench.report.content import CaseDetails, QcFigure, ReportContent, ReportedVariant
from workbench.store import Role, open_store

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

TRIO = Trio(Sample("NB-7", "FAM-7", Sex.FEMALE, Affection.AFFECTED, father_id="DAD-7", mother_id="MUM-7"),
            Sample("DAD-7", "FAM-7", Sex.MALE, Affection.UNAFFECTED),
            Sample("MUM-7", "FAM-7", Sex.FEMALE, Affection.UNAFFECTED))
DETAILS = CaseDetails(patient_name="Baby Girl Çağlar", date_of_birth="2026-11-20", mrn="MRN-0042",
                      specimen_id="SP-77", specimen_type="EDTA whole blood", collected_on="2026-11-21",
                      received_on="2026-11-22", ordering_clinician="Dr Nadia Neo", institution="St Elsewhere NICU",
                      data_type="genome", platform="Illumina NovaSeq X, PCR-free 2x150 bp",
                      pipeline="DRAGEN 4.2", mean_coverage="38x")
VARIANT = Variant("chr2", 165310406, "G", "A", MappingProxyType({
    "NB-7": Call(Genotype.HET), "DAD-7": Call(Genotype.HOM_REF), "MUM-7": Call(Genotype.HOM_REF)}),
    consequences=(GeneConsequence("SCN2A", "missense_variant", Impact.MODERATE, hgnc_id="HGNC:10588",
                                  transcript="ENST00000375437", hgvs_c="ENST00000375437:c.2558G>A",
                                  hgvs_p="ENSP00000364586:p.Arg853Gln", mane_select=True),))
CONDITION = Disease("OMIM:613721", "Developmental and epileptic encephalopathy 11",
                    inheritance=frozenset({DiseaseInheritance.AUTOSOMAL_DOMINANT}))

# Every element a signed (and amended) clinical genome report must show, as the reader finds it.
REQUIRED = {
    "patient name": "Baby Girl Çağlar", "date of birth": "2026-11-20", "MRN": "MRN-0042",
    "sex": "female", "family": "FAM-7: proband NB-7 (affected), father DAD-7 (unaffected), mother MUM-7",
    "specimen id": "SP-77", "specimen type": "EDTA whole blood", "collection date": "2026-11-21",
    "receipt date": "2026-11-22", "ordering clinician": "Dr Nadia Neo", "institution": "St Elsewhere NICU",
    "indication": "Refractory neonatal seizures from day 2", "HPO term": "Seizure (HP:0001250)",
    "excluded term": "Hypotonia (HP:0001252)", "test": "Rapid trio genome sequencing",
    "platform": "Illumina NovaSeq X", "genome build": "GRCh38", "pipeline": "DRAGEN 4.2", "software": "workbench",
    "knowledge version": "HPO 2025-01-16", "transcript release": "MANE Select v1.5", "annotation": "VEP CSQ",
    "coverage": "38x", "QC figure": "Ti/Tv (proband NB-7)", "QC range": "1.9–2.2 (genome)",
    "result summary": "Result: Positive", "gene": "SCN2A (HGNC:10588)",
    "RefSeq HGVS c.": "NM_001040142.2:c.2558G>A", "RefSeq HGVS p.": "NP_001035232.1:p.Arg853Gln",
    "Ensembl HGVS c.": "ENST00000375437.7:c.2558G>A", "Ensembl HGVS p.": "ENSP00000364586.2:p.Arg853Gln",
    "MANE status": "MANE Select", "genomic coordinates": "GRCh38 chr2:165310406 G>A", "zygosity": "heterozygous",
    "parental origin": "de novo (confirmed)", "classification": "Pathogenic",
    "criteria with strengths": "PM2_Supporting (supporting)", "manual evidence": "PS3 (strong): patch clamp",
    "condition": "Developmental and epileptic encephalopathy 11 (OMIM:613721)",
    "condition inheritance": "autosomal dominant", "interpretation": "explains the seizures",
    "recommendations": "Genetic counselling is recommended", "recurrence risk": "recurrence risk",
    "limitations": "Limitations", "secondary findings": "Secondary findings (ACMG SF list)",
    "amended banner": "AMENDED REPORT", "what changed": "What changed: functional evidence added",
    "version history": "Version 1, signed by Dr Director", "signature": "Electronically signed by Dr Director",
    "signature date": "UTC", "page numbers": "Page 1 of",
    "the ranking's input warnings": "chrX heterozygosity says female",
}


@pytest.fixture
def amended_report(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    analyst = store.add_user("ana", "analyst-password", Role.ANALYST, "Ana Analyst", None)
    director = store.add_user("dora", "director-password", Role.DIRECTOR, "Dr Director", None)
    vcf = tmp_path / "trio.vcf"
    vcf.write_text(textwrap.dedent("""\
        ##fileformat=VCFv4.2
        #CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tNB-7\tDAD-7\tMUM-7
        """))
    case = store.create_case(TRIO, vcf, "HPO 2025-01-16 · HGNC 2025-06-09", analyst,
                             indication="Refractory neonatal seizures from day 2", annotation_source="VEP CSQ")
    version = store.set_case_details(case.case_id, DETAILS, analyst, case.row_version)
    version = store.add_phenotype_term(case.case_id, "HP:0001250", "Seizure", analyst, version)
    version = store.add_phenotype_term(case.case_id, "HP:0001252", "Hypotonia", analyst, version, excluded=True)
    assessment = AcmgAssessment.of("PS2", "PM2_Supporting", "PP3").with_criterion(
        AppliedCriterion.of("PS3", "patch clamp: loss of channel current (PMID 00000001)", manual=True))
    reported = ReportedVariant.from_variant(VARIANT, "NB-7", "SCN2A", InheritanceMode.DE_NOVO, assessment, CONDITION,
                                            mane=load_mane(), father_id="DAD-7", mother_id="MUM-7",
                                            parentage_confirmed=True)
    version = store.save_reported_variant(case.case_id, reported, analyst, version)
    version = store.save_draft(case.case_id, analyst, version, interpretation="The de novo SCN2A variant explains "
                               "the seizures.", qc=[QcFigure("Ti/Tv (proband NB-7)", "2.05", "1.9–2.2 (genome)",
                                                             "within range")],
                               transcripts=load_mane().version,
                               input_warnings=["proband sex not given in the PED: chrX heterozygosity says female"])
    store.sign_out(case.case_id, director, version, password="director-password")
    version = store.start_amendment(case.case_id, "functional evidence added", director,
                                    store.case(case.case_id).row_version)
    version = store.save_draft(case.case_id, analyst, version, interpretation="The de novo SCN2A variant explains "
                               "the seizures; functional data confirm loss of function.")
    store.sign_out(case.case_id, director, version, password="director-password")
    yield store.report(case.case_id).content
    store.close()


def test_the_signed_pdf_read_back_with_pdftotext_holds_every_required_element(amended_report):
    pdf = render(amended_report, "pdf")
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    flat = " ".join(text.split())
    missing = {name: wanted for name, wanted in REQUIRED.items() if wanted not in flat}
    assert not missing, missing
    assert flat.index("Result: Positive") < flat.index("Patient, family and specimen")  # result summary first
    assert "DRAFT" not in flat


def test_an_orphanet_condition_is_printed_with_its_omim_twin():
    from workbench.knowledge.xrefs import condition_xrefs
    from test_report import content

    orpha = Disease("ORPHA:1496", "Some Orphanet disease",
                    inheritance=frozenset({DiseaseInheritance.AUTOSOMAL_RECESSIVE}))
    variant = ReportedVariant.from_variant(VARIANT, "NB-7", "SCN2A", InheritanceMode.DE_NOVO, AcmgAssessment.of("PS2"),
                                           orpha, condition_xrefs=condition_xrefs(orpha.id))
    text = subprocess.run(["pdftotext", "-", "-"], input=render(content(results=(variant,)), "pdf"),
                          capture_output=True, check=True).stdout.decode()
    assert "Some Orphanet disease (ORPHA:1496; OMIM:218000); inheritance: autosomal recessive" in " ".join(text.split())
    codes = [c["code"] for e in json.loads(render(content(results=(variant,)), "fhir"))["entry"]
             for comp in e["resource"].get("component", [])
             for c in comp.get("valueCodeableConcept", {}).get("coding", [])]
    assert "1496" in codes and "218000" in codes


def test_fhir_and_phenopacket_carry_the_identifiers_specimen_and_both_hgvs(amended_report):
    bundle = json.loads(render(amended_report, "fhir"))
    resources = {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}
    patient = resources["Patient"]
    assert patient["birthDate"] == "2026-11-20" and patient["name"][0]["text"] == "Baby Girl Çağlar"
    assert patient["identifier"][0]["value"] == "MRN-0042"
    assert resources["Specimen"]["identifier"][0]["value"] == "SP-77"
    assert resources["ServiceRequest"]["requester"]["display"] == "Dr Nadia Neo, St Elsewhere NICU"
    assert resources["DiagnosticReport"]["status"] == "amended"
    text = json.dumps(bundle)
    for wanted in ("NM_001040142.2:c.2558G>A", "ENST00000375437.7:c.2558G>A", "NP_001035232.1:p.Arg853Gln",
                   "de novo (confirmed)", "autosomal dominant"):
        assert wanted in text, wanted
    packet = json.loads(render(amended_report, "phenopacket"))
    assert packet["subject"]["alternateIds"] == ["MRN:MRN-0042"] and packet["biosamples"][0]["id"] == "SP-77"
    assert "NM_001040142.2:c.2558G>A" in json.dumps(packet)


def test_qc_figures_outside_their_range_are_stated_in_the_pdf():
    from test_report import content

    figures = (QcFigure("Ti/Tv (proband NB-1)", "0.49", "2.6–3.3 (exome)", "outside range"),
               QcFigure("Call rate (proband NB-1)", "99.7%", "≥ 90% (exome)", "within range"))
    text = subprocess.run(["pdftotext", "-", "-"], input=render(content(qc=figures), "pdf"),
                          capture_output=True, check=True).stdout.decode()
    assert "1 figure(s) outside the range expected for the data type" in " ".join(text.split())


def test_a_report_stored_before_these_elements_existed_still_loads_and_renders():
    from test_report import content

    plain = json.loads(content().to_json())
    for key in ("details", "family", "qc", "recommendations", "amendment_reason"):
        del plain[key]
    for variant in plain["results"]:
        for key in ("mane_status", "refseq_transcript", "parental_origin", "condition_xrefs"):
            del variant[key]
        for criterion in variant["assessment"]["criteria"]:
            del criterion["manual"]
    old = ReportContent.from_json(json.dumps(plain))
    assert old.details == CaseDetails() and old.results[0].parental_origin is None
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=render(old, "pdf"), capture_output=True,
                          check=True).stdout.decode()
    assert "Patient name not recorded" in " ".join(text.split())
