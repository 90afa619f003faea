"""The report as a GA4GH Phenopacket v2: the proband, HPO features and the genomic interpretation.

Written as protobuf JSON (``MessageToJson``), so ``Parse`` of the output gives back an equal message.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import TextIO

import phenopackets as pps
from google.protobuf.json_format import MessageToJson
from google.protobuf.timestamp_pb2 import Timestamp

from workbench.model import Sex
from workbench.report import pgx_sections
from workbench.report.acmg import Classification
from workbench.report.content import Overall, ReportContent, ReportedVariant, Zygosity
from workbench.report.structural import structural_info, structural_type
from workbench.report.text import clean_strings

ACMG = {
    Classification.PATHOGENIC: pps.PATHOGENIC, Classification.LIKELY_PATHOGENIC: pps.LIKELY_PATHOGENIC,
    Classification.UNCERTAIN: pps.UNCERTAIN_SIGNIFICANCE, Classification.LIKELY_BENIGN: pps.LIKELY_BENIGN,
    Classification.BENIGN: pps.BENIGN,
}
STATUS = {
    Classification.PATHOGENIC: pps.GenomicInterpretation.CAUSATIVE,
    Classification.LIKELY_PATHOGENIC: pps.GenomicInterpretation.CAUSATIVE,
    Classification.UNCERTAIN: pps.GenomicInterpretation.CANDIDATE,
    Classification.LIKELY_BENIGN: pps.GenomicInterpretation.REJECTED,
    Classification.BENIGN: pps.GenomicInterpretation.REJECTED,
}
ALLELIC_STATE = {Zygosity.HETEROZYGOUS: ("GENO:0000135", "heterozygous"),
                 Zygosity.HOMOZYGOUS: ("GENO:0000136", "homozygous"),
                 Zygosity.HEMIZYGOUS: ("GENO:0000134", "hemizygous")}
SEX = {Sex.MALE: pps.MALE, Sex.FEMALE: pps.FEMALE, Sex.UNKNOWN: pps.UNKNOWN_SEX}


def to_phenopacket(content: ReportContent) -> pps.Phenopacket:
    content = clean_strings(content)  # protobuf refuses lone surrogates
    proband = content.proband.id
    created = Timestamp()
    created.FromDatetime(content.signature.signed_at if content.signature else datetime.now(timezone.utc))
    if not content.signed:
        progress = pps.Interpretation.IN_PROGRESS
    else:
        progress = pps.Interpretation.SOLVED if content.overall is Overall.POSITIVE else pps.Interpretation.UNSOLVED
    causal = next((r for r in content.results if r.condition_id and STATUS[r.classification]
                   == pps.GenomicInterpretation.CAUSATIVE), None)
    diagnosis = pps.Diagnosis(genomic_interpretations=[
        pps.GenomicInterpretation(subject_or_biosample_id=proband, interpretation_status=STATUS[r.classification],
                                  variant_interpretation=_variant_interpretation(r))
        for r in content.results])
    if causal is not None:
        diagnosis.disease.CopyFrom(pps.OntologyClass(id=causal.condition_id, label=causal.condition_label or ""))
    hpo_version = re.search(r"HPO (\S+)", content.method.knowledge_version)
    return pps.Phenopacket(
        id=f"{content.case_id}-v{content.version}",
        subject=_individual(content),
        biosamples=[_biosample(content)] if content.details.specimen_id else [],
        phenotypic_features=[pps.PhenotypicFeature(type=pps.OntologyClass(id=t.id, label=t.label), excluded=t.excluded)
                             for t in content.phenotype],
        interpretations=[pps.Interpretation(id=f"{content.case_id}-v{content.version}", progress_status=progress,
                                            diagnosis=diagnosis, summary=content.interpretation)]
        + pgx_sections.phenopacket_interpretations(content, progress),
        meta_data=pps.MetaData(
            created=created, created_by=content.signature.name if content.signature else content.laboratory,
            phenopacket_schema_version="2.0",
            resources=[pps.Resource(id="hp", name="human phenotype ontology", namespace_prefix="HP",
                                    url="http://purl.obolibrary.org/obo/hp.json",
                                    version=hpo_version.group(1) if hpo_version else content.method.knowledge_version,
                                    iri_prefix="http://purl.obolibrary.org/obo/HP_"),
                       pps.Resource(id="geno", name="Genotype Ontology", namespace_prefix="GENO",
                                    url="http://purl.obolibrary.org/obo/geno.owl", version="unspecified",
                                    iri_prefix="http://purl.obolibrary.org/obo/GENO_")]),
    )


def _individual(content: ReportContent) -> pps.Individual:
    """The proband: sample id as the id, the MRN as an alternate id, the date of birth when recorded."""
    individual = pps.Individual(id=content.proband.id, sex=SEX[content.proband.sex],
                                alternate_ids=[f"MRN:{content.details.mrn}"] if content.details.mrn else [])
    if content.details.date_of_birth:
        individual.date_of_birth.FromDatetime(datetime.fromisoformat(content.details.date_of_birth)
                                              .replace(tzinfo=timezone.utc))
    return individual


def _biosample(content: ReportContent) -> pps.Biosample:
    sample = pps.Biosample(id=content.details.specimen_id, individual_id=content.proband.id,
                           description=content.details.specimen_type)
    if content.details.collected_on:
        sample.time_of_collection.timestamp.FromDatetime(
            datetime.fromisoformat(content.details.collected_on).replace(tzinfo=timezone.utc))
    return sample


def _variant_interpretation(variant: ReportedVariant) -> pps.VariantInterpretation:
    state_id, state = ALLELIC_STATE[variant.zygosity]
    coding = [h for h in dict.fromkeys((variant.hgvs_refseq, variant.hgvs_ensembl, variant.hgvs_coding)) if h]
    expressions = [pps.Expression(syntax="hgvs.c", value=h) for h in coding]
    if variant.hgvs_p:
        expressions.append(pps.Expression(syntax="hgvs.p", value=variant.protein_refseq or variant.hgvs_p))
    descriptor = pps.VariationDescriptor(
        id=variant.key, label=f"{variant.gene_symbol} {variant.hgvs}",
        description=f"ACMG/AMP criteria: {', '.join(variant.assessment.codes) or 'none'}; {variant.assessment.rule}",
        gene_context=pps.GeneDescriptor(value_id=variant.hgnc_id or variant.gene_symbol, symbol=variant.gene_symbol),
        expressions=expressions,
        vcf_record=pps.VcfRecord(genome_assembly="GRCh38", chrom=variant.chrom, pos=variant.pos,
                                 ref=variant.ref, alt=variant.alt, info=structural_info(variant)),
        molecule_context=pps.genomic, allelic_state=pps.OntologyClass(id=state_id, label=state))
    if variant.svtype:  # a CNV/SV allele (issue 22): its Sequence Ontology type
        descriptor.structural_type.CopyFrom(pps.OntologyClass(**structural_type(variant.svtype)))
    return pps.VariantInterpretation(acmg_pathogenicity_classification=ACMG[variant.classification],
                                     variation_descriptor=descriptor)


def phenopacket_json(content: ReportContent) -> str:
    return MessageToJson(to_phenopacket(content))


def write_phenopacket(content: ReportContent, fh: TextIO) -> None:
    fh.write(phenopacket_json(content))
