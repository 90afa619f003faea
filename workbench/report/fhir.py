"""The report as an HL7 FHIR R4 Genomics Reporting bundle (IG STU2/3 profiles).

fhir.resources ships R5 at its top level and R4B (4.3) under ``fhir.resources.R4B``; the
resources used here (Bundle, Patient, Practitioner, Observation, DiagnosticReport) have the
same R4 and R4B structure for every element we fill, so the R4B models validate them.
Building the :class:`Bundle` runs that validation: an invalid element raises at construction.

Entries reference each other by ``urn:uuid`` full URLs derived from case id and version, so
re-exporting one version yields the same ids.
"""
from __future__ import annotations

import base64
import uuid
from typing import Any, TextIO

from fhir.resources.R4B.bundle import Bundle

from workbench.model import Sex
from workbench.report import pgx_sections
from workbench.report.acmg import Classification
from workbench.report.content import Overall, ReportContent, ReportedVariant, Zygosity
from workbench.report.structural import structural_type
from workbench.report.text import clean_strings

IG = "http://hl7.org/fhir/uv/genomics-reporting"
LOINC = "http://loinc.org"
TBD_CODES = f"{IG}/CodeSystem/tbd-codes-cs"
HGVS = "http://varnomen.hgvs.org"
HGNC = "http://www.genenames.org/geneId"
SEQUENCE_ONTOLOGY = "http://www.sequenceontology.org"
CONDITION_SYSTEMS = {"OMIM": "http://www.omim.org", "ORPHA": "http://www.orpha.net", "MONDO": "http://purl.obolibrary.org/obo/mondo.owl"}

CLINICAL_SIGNIFICANCE = {
    Classification.PATHOGENIC: ("LA6668-3", "Pathogenic"),
    Classification.LIKELY_PATHOGENIC: ("LA26332-9", "Likely pathogenic"),
    Classification.UNCERTAIN: ("LA26333-7", "Uncertain significance"),
    Classification.LIKELY_BENIGN: ("LA26334-5", "Likely benign"),
    Classification.BENIGN: ("LA6675-8", "Benign"),
}
ALLELIC_STATE = {Zygosity.HETEROZYGOUS: ("LA6706-1", "Heterozygous"), Zygosity.HOMOZYGOUS: ("LA6705-3", "Homozygous"),
                 Zygosity.HEMIZYGOUS: ("LA6707-9", "Hemizygous")}
OVERALL = {Overall.POSITIVE: ("LA6576-8", "Positive"), Overall.NEGATIVE: ("LA6577-6", "Negative"),
           Overall.INCONCLUSIVE: ("LA9663-1", "Inconclusive")}
# RefSeq accessions of the GRCh38 primary assembly chromosomes.
GRCH38_REFSEQ = {
    **{f"chr{n}": acc for n, acc in zip(range(1, 23), (
        "NC_000001.11", "NC_000002.12", "NC_000003.12", "NC_000004.12", "NC_000005.10", "NC_000006.12",
        "NC_000007.14", "NC_000008.11", "NC_000009.12", "NC_000010.11", "NC_000011.10", "NC_000012.12",
        "NC_000013.11", "NC_000014.9", "NC_000015.10", "NC_000016.10", "NC_000017.11", "NC_000018.10",
        "NC_000019.10", "NC_000020.11", "NC_000021.9", "NC_000022.11"))},
    "chrX": "NC_000023.11", "chrY": "NC_000024.10", "chrM": "NC_012920.1",
}
GENDER = {Sex.MALE: "male", Sex.FEMALE: "female", Sex.UNKNOWN: "unknown"}


def _concept(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _component(code: str, display: str, **value: Any) -> dict[str, Any]:
    return {"code": _concept(LOINC, code, display), **value}


def to_fhir_bundle(content: ReportContent, pdf: bytes | None = None) -> Bundle:
    """Build (and so validate) the bundle; ``pdf`` is attached as the report's presented form."""
    content = clean_strings(content)  # FHIR strings forbid control characters
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:workbench:report:{content.case_id}:v{content.version}")

    def url(name: str) -> str:
        return f"urn:uuid:{uuid.uuid5(namespace, name)}"

    status = "final" if content.signed else "preliminary"
    when = content.signature.signed_at.isoformat() if content.signature else None
    categories = [_concept("http://terminology.hl7.org/CodeSystem/observation-category", "laboratory"),
                  _concept("http://terminology.hl7.org/CodeSystem/v2-0074", "GE", "Genetics")]
    details = content.details
    patient: dict[str, Any] = {"resourceType": "Patient",
                               "identifier": [{"system": "urn:workbench:sample", "value": content.proband.id}],
                               "gender": GENDER[content.proband.sex]}
    if details.mrn:
        patient["identifier"].insert(0, {"type": _concept("http://terminology.hl7.org/CodeSystem/v2-0203", "MR",
                                                          "Medical record number"),
                                         "system": "urn:workbench:mrn", "value": details.mrn})
    if details.patient_name:
        patient["name"] = [{"text": details.patient_name}]
    if details.date_of_birth:
        patient["birthDate"] = details.date_of_birth
    entries: list[tuple[str, dict[str, Any]]] = [(url("patient"), patient)]
    subject = {"reference": url("patient")}
    specimen: dict[str, Any] = {"resourceType": "Specimen", "subject": subject,
                                "identifier": [{"system": "urn:workbench:specimen",
                                                "value": details.specimen_id or f"{content.proband.id}-specimen"}]}
    if details.specimen_type:
        specimen["type"] = {"text": details.specimen_type}
    if details.collected_on:
        specimen["collection"] = {"collectedDateTime": details.collected_on}
    if details.received_on:
        specimen["receivedTime"] = f"{details.received_on}T00:00:00Z"
    entries.append((url("specimen"), specimen))
    request: dict[str, Any] = {"resourceType": "ServiceRequest", "status": "completed", "intent": "order",
                               "subject": subject, "code": {"text": content.method.test_name},
                               "reasonCode": [{"text": content.indication or "not recorded"}]}
    if details.ordering_clinician or details.institution:
        entries.append((url("orderer"), {"resourceType": "Practitioner",
                                         "name": [{"text": details.ordering_clinician or "not recorded"}],
                                         **({"address": [{"text": details.institution}]} if details.institution
                                            else {})}))
        request["requester"] = {"reference": url("orderer"), "display": ", ".join(
            x for x in (details.ordering_clinician, details.institution) if x)}
    entries.append((url("request"), request))

    def observation(profile: str, code: dict[str, Any], **fields: Any) -> dict[str, Any]:
        resource = {"resourceType": "Observation", "meta": {"profile": [f"{IG}/StructureDefinition/{profile}"]},
                    "status": status, "category": categories, "code": code, "subject": subject, **fields}
        if when:
            resource["issued"] = when
        return resource

    results = []
    overall_code, overall_display = OVERALL[content.overall]
    entries.append((url("overall"), observation(
        "overall-interpretation", _concept(LOINC, "51968-6", "Genetic disease analysis overall interpretation"),
        valueCodeableConcept=_concept(LOINC, overall_code, overall_display))))
    results.append(url("overall"))
    for index, variant in enumerate(content.results):
        variant_url, implication_url = url(f"variant/{index}"), url(f"implication/{index}")
        entries.append((variant_url, observation(
            "variant", _concept(LOINC, "69548-6", "Genetic variant assessment"),
            valueCodeableConcept=_concept(LOINC, "LA9633-4", "Present"), component=_variant_components(variant))))
        significance_code, significance = CLINICAL_SIGNIFICANCE[variant.classification]
        components = [_component("53037-8", "Genetic variation clinical significance",
                                 valueCodeableConcept=_concept(LOINC, significance_code, significance))]
        if variant.condition_id or variant.condition_label:
            components.append(_component("81259-4", "Associated phenotype",
                                         valueCodeableConcept=_condition(variant)))
        entries.append((implication_url, observation(
            "diagnostic-implication", _concept(TBD_CODES, "diagnostic-implication", "Diagnostic Implication"),
            derivedFrom=[{"reference": variant_url}], component=components,
            method={"text": "ACMG/AMP 2015 (Richards et al., Genet Med 17:405)"},
            note=[{"text": f"ACMG/AMP criteria (ClinGen SVI strengths): "
                           f"{', '.join(variant.assessment.codes) or 'none'}; {variant.assessment.rule}"
                           + (f"; condition inheritance: {variant.condition_inheritance}"
                              if variant.condition_inheritance else "")}])))
        results += [variant_url, implication_url]

    results += pgx_sections.add_fhir_observations(content, entries, observation, url)  # PGx genotypes, implications
    report = {
        "resourceType": "DiagnosticReport",
        "meta": {"profile": [f"{IG}/StructureDefinition/genomics-report"]},
        "identifier": [{"system": "urn:workbench:report", "value": f"{content.case_id}/v{content.version}"}],
        "status": ("amended" if content.version > 1 else "final") if content.signed else "preliminary",
        "category": [_concept("http://terminology.hl7.org/CodeSystem/v2-0074", "GE", "Genetics")],
        "code": _concept(LOINC, "81247-9", "Master HL7 genetic variant reporting panel"),
        "subject": subject, "result": [{"reference": r} for r in results],
        "specimen": [{"reference": url("specimen")}], "basedOn": [{"reference": url("request")}],
        "conclusion": " ".join(x for x in (content.summary, content.interpretation,
                                            f"Recommendations: {content.recommendations}"
                                            if content.recommendations else "") if x),
    }
    if content.signature:
        signer = {"resourceType": "Practitioner", "name": [{"text": content.signature.name}],
                  "identifier": [{"system": "urn:workbench:user", "value": content.signature.username}]}
        entries.append((url("signer"), signer))
        report.update(issued=when, effectiveDateTime=when, resultsInterpreter=[{"reference": url("signer")}])
    if pdf is not None:
        report["presentedForm"] = [{"contentType": "application/pdf", "data": base64.b64encode(pdf).decode(),
                                    "title": f"{content.case_id} report v{content.version}"}]
    entries.insert(0, (url("report"), report))
    return Bundle.model_validate({
        "resourceType": "Bundle", "type": "collection",
        "identifier": {"system": "urn:workbench:report", "value": f"{content.case_id}/v{content.version}"},
        **({"timestamp": when} if when else {}),
        "entry": [{"fullUrl": full_url, "resource": resource} for full_url, resource in entries],
    })


def _variant_components(variant: ReportedVariant) -> list[dict[str, Any]]:
    gene = (_concept(HGNC, variant.hgnc_id, variant.gene_symbol) if variant.hgnc_id else {"text": variant.gene_symbol})
    state_code, state = ALLELIC_STATE[variant.zygosity]
    components = [
        _component("48018-6", "Gene studied [ID]", valueCodeableConcept=gene),
        _component("53034-5", "Allelic state", valueCodeableConcept=_concept(LOINC, state_code, state)),
        _component("48002-0", "Genomic source class", valueCodeableConcept=_concept(LOINC, "LA6683-2", "Germline")),
        _component("62374-4", "Human reference sequence assembly version",
                   valueCodeableConcept=_concept(LOINC, "LA26806-2", "GRCh38")),
        _component("92822-6", "Genomic coordinate system",
                   valueCodeableConcept=_concept(LOINC, "LA30102-0", "1-based character counting")),
    ]
    if variant.svtype:  # a CNV/SV (issue 22): the IG's structural components instead of alleles
        components += _structural_components(variant)
    else:
        components += [
            _component("81254-5", "Genomic allele start-end",
                       valueRange={"low": {"value": variant.pos}, "high": {"value": variant.pos + len(variant.ref) - 1}}),
            _component("69547-8", "Genomic ref allele [ID]", valueString=variant.ref),
            _component("69551-0", "Genomic alt allele [ID]", valueString=variant.alt),
        ]
    if variant.chrom in GRCH38_REFSEQ:
        components.append(_component("48013-7", "Genomic reference sequence [ID]",
                                     valueCodeableConcept=_concept("http://www.ncbi.nlm.nih.gov/refseq",
                                                                   GRCH38_REFSEQ[variant.chrom])))
    if variant.hgvs_refseq or variant.hgvs_coding:
        coding = [{"system": HGVS, "code": variant.hgvs_refseq or variant.hgvs_coding}]
        if variant.hgvs_refseq and variant.hgvs_ensembl:
            coding.append({"system": HGVS, "code": variant.hgvs_ensembl})
        components.append(_component("48004-6", "DNA change (c.HGVS)", valueCodeableConcept={"coding": coding}))
    if variant.refseq_transcript or variant.transcript:
        components.append(_component("51958-7", "Transcript reference sequence [ID]", valueCodeableConcept=_concept(
            "http://www.ncbi.nlm.nih.gov/refseq", variant.refseq_transcript or variant.transcript or "",
            variant.mane_status or None)))
    if variant.hgvs_p:
        components.append(_component("48005-3", "Amino acid change (pHGVS)",
                                     valueCodeableConcept=_concept(HGVS, variant.protein_refseq or variant.hgvs_p)))
    if variant.inheritance or variant.parental_origin:
        components.append({"code": _concept(TBD_CODES, "variant-inheritance", "Variant inheritance"),
                           "valueCodeableConcept": {"text": variant.inheritance_text}})
    return components


# -- CNV/SV (issue 22) ----------------------------------------------------------------------------------
def _structural_components(variant: ReportedVariant) -> list[dict[str, Any]]:
    """DNA change type (Sequence Ontology), the called span as the inner start-end (a caller's span is
    where the change was seen, its breakpoints lie at or outside it), the length and the proband's
    copy number, as the Genomics Reporting IG's Variant profile codes them."""
    so = structural_type(variant.svtype)
    components = [_component("48019-4", "DNA change type",
                             valueCodeableConcept=_concept(SEQUENCE_ONTOLOGY, so["id"], so["label"]))]
    if variant.svtype == "BND":
        components.append(_component("81254-5", "Genomic allele start-end",
                                     valueRange={"low": {"value": variant.pos}, "high": {"value": variant.pos}}))
        components.append(_component("69551-0", "Genomic alt allele [ID]", valueString=variant.alt))
        return components
    end = variant.end or variant.pos
    components += [
        _component("81302-2", "Structural variant inner start and end",
                   valueRange={"low": {"value": variant.pos}, "high": {"value": end}}),
        _component("81300-6", "Structural variant [Length]", valueQuantity={"value": end - variant.pos + 1,
                                                                            "unit": "base pairs"}),
    ]
    if variant.copy_number is not None:
        components.append(_component("82155-3", "Genomic structural variant copy number", valueQuantity={
            "value": variant.copy_number, "system": "http://unitsofmeasure.org", "code": "1"}))
    return components
# -- end CNV/SV -------------------------------------------------------------------------------------------


def _condition(variant: ReportedVariant) -> dict[str, Any]:
    concept: dict[str, Any] = {"text": variant.condition_label or variant.condition_id}
    codings = []
    for condition_id in (variant.condition_id, *variant.condition_xrefs):
        prefix, _, code = (condition_id or "").partition(":")
        if prefix in CONDITION_SYSTEMS and code:
            codings.append({"system": CONDITION_SYSTEMS[prefix], "code": code,
                            **({"display": variant.condition_label} if variant.condition_label else {})})
    if codings:
        concept["coding"] = codings
    return concept


def fhir_json(content: ReportContent, pdf: bytes | None = None) -> str:
    return to_fhir_bundle(content, pdf).model_dump_json(indent=2, exclude_none=True)


def write_fhir(content: ReportContent, fh: TextIO, pdf: bytes | None = None) -> None:
    fh.write(fhir_json(content, pdf))
