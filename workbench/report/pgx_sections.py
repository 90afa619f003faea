"""The report's "Pharmacogenomic results" and "Secondary findings" in each export: PDF, FHIR, phenopacket.

Called through one-line hooks in pdf.py, fhir.py and phenopacket.py, so those writers stay about the
diagnostic result. A report without a PGx panel prints no PGx section; secondary findings are shown
only when the report holds a result (attached only after the family's recorded consent), otherwise the
report's own secondary-findings sentence stands.
"""
from __future__ import annotations

from typing import Any, Callable

from workbench.pgx.guidance import NICU_DRUGS
from workbench.pgx.model import CallStatus, GeneResult, PgxPanel
from workbench.report.content import ReportContent

IG = "http://hl7.org/fhir/uv/genomics-reporting"
LOINC = "http://loinc.org"
TBD_CODES = f"{IG}/CodeSystem/tbd-codes-cs"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def pgx_rows(panel: PgxPanel) -> list[tuple[str, str, str, str]]:
    """(gene, diplotype, phenotype or function, status) per gene: the table every export shows."""
    rows = []
    for gene in panel.genes:
        if gene.status is CallStatus.NOT_ASSESSED:
            rows.append((gene.gene, "-", "-", f"not assessed: {gene.reason}"))
        else:
            status = "called" + (" (phased by the parents)" if gene.phased_by_trio else "")
            if gene.status is CallStatus.AMBIGUOUS:
                status = f"ambiguous: also {', '.join(gene.alternatives)}"
            rows.append((gene.gene, gene.diplotype, gene.phenotype or gene.function, status))
    return rows


def actionable_lines(panel: PgxPanel) -> list[str]:
    """One line per actionable gene result and recommendation (drugs sharing a text are listed together),
    NICU drugs first in the order :data:`~workbench.pgx.guidance.NICU_DRUGS` gives."""
    rank = {d: i for i, d in enumerate(NICU_DRUGS)}
    pairs = [(d, g) for g in panel.genes if g.status is not CallStatus.NOT_ASSESSED for d in g.drugs if d.actionable]
    pairs.sort(key=lambda pair: (rank.get(pair[0].drug, len(rank)), pair[0].drug))
    grouped: dict[tuple[str, str], list[str]] = {}
    for d, g in pairs:
        text = d.recommendation or (f"CPIC level {d.cpic_level} guideline applies; its text is not in the pinned "
                                    f"tables: see {d.guideline_url}")
        grouped.setdefault((g.gene, text), []).append(d.drug)
    results = {g.gene: f"{g.gene} {g.diplotype}, {g.phenotype or g.function}"
               + ("; no variant call: every defining position read as reference" if g.positions_total and
                  g.positions_read_as_reference == g.positions_total else "") for g in panel.genes}
    return [f"{', '.join(drugs).capitalize()} ({results[gene]}): {text}" for (gene, text), drugs in grouped.items()]


def write_pdf_sections(pdf: Any, content: ReportContent) -> None:
    """Render both sections with the PDF's own heading/paragraph/grid helpers."""
    panel = content.pharmacogenomics
    if panel is not None:
        pdf.heading("Pharmacogenomic results")
        pdf.grid(("Gene", "Diplotype", "Phenotype / function", "Status"), pgx_rows(panel), (20, 44, 52, 62))
        pdf.ln(1)
        lines = actionable_lines(panel)
        pdf.paragraph("Actionable results (CPIC):" if lines else "No result changes CPIC's standard advice for the "
                      "drugs of the assessed genes.")
        for line in lines:
            pdf.paragraph(f"- {line}")
        pdf.paragraph(f"Limitations: {panel.limitations} Defining positions without a record in the VCF were read "
                      f"as {panel.absent_sites} where the VCF holds other calls in the gene. Tables: "
                      f"{panel.knowledge_version}.")
    pdf.heading("Secondary findings")
    result = content.secondary_findings_result
    if result is None:
        pdf.paragraph(content.secondary_findings)
        return
    if result.findings:
        pdf.grid(("Gene", "Variant", "Zygosity", "Why reported"),
                 [(f.gene, f.hgvs, f.zygosity, f.basis + (f"; {f.note}" if f.note else "")) for f in result.findings],
                 (20, 60, 24, 74))
    else:
        pdf.paragraph(f"No reportable secondary finding in the {result.genes_analysed} ACMG SF v3.2 genes.")
    if result.not_assessed:
        pdf.paragraph(f"Not assessed: rare variants in {len(result.not_assessed)} gene(s) of other kinds "
                      f"({', '.join(line.split(':')[0] for line in result.not_assessed)}).")
    for warning in result.warnings:
        pdf.paragraph(f"Warning: {warning}.")
    pdf.paragraph(f"Limitations: {result.limitations}")


def _hgnc_concept(gene: str) -> dict[str, Any]:
    return {"coding": [{"system": "http://www.genenames.org/geneId", "code": gene, "display": gene}], "text": gene}


def add_fhir_observations(content: ReportContent, entries: list[tuple[str, dict[str, Any]]],
                          observation: Callable[..., dict[str, Any]], url: Callable[[str], str]) -> list[str]:
    """Genotype (diplotype) and therapeutic-implication observations of the assessed genes; returns their URLs."""
    panel = content.pharmacogenomics
    if panel is None:
        return []
    added = []
    for gene in panel.genes:
        if gene.status is CallStatus.NOT_ASSESSED:
            continue
        genotype_url = url(f"pgx/genotype/{gene.gene}")
        entries.append((genotype_url, observation(
            "genotype", {"coding": [{"system": LOINC, "code": "84413-4", "display": "Genotype display name"}]},
            valueCodeableConcept={"text": f"{gene.gene} {gene.diplotype}"},
            component=[{"code": {"coding": [{"system": LOINC, "code": "48018-6", "display": "Gene studied [ID]"}]},
                        "valueCodeableConcept": _hgnc_concept(gene.gene)}],
            note=[{"text": gene.reason}] if gene.reason else [])))
        added.append(genotype_url)
        for drug in gene.drugs:
            if not drug.actionable:
                continue
            medication = {"text": drug.drug}
            if drug.rxnorm:
                medication["coding"] = [{"system": RXNORM, "code": drug.rxnorm, "display": drug.drug}]
            components = [{"code": {"coding": [{"system": LOINC, "code": "51963-7",
                                                "display": "Medication assessed [ID]"}]},
                           "valueCodeableConcept": medication}]
            if gene.phenotype:
                components.append({"code": {"coding": [{"system": LOINC, "code": "53040-2",
                                                        "display": "Genetic variation's effect on drug metabolism"}]},
                                   "valueCodeableConcept": {"text": gene.phenotype}})
            implication_url = url(f"pgx/implication/{gene.gene}/{drug.drug}")
            entries.append((implication_url, observation(
                "therapeutic-implication", {"coding": [{"system": TBD_CODES, "code": "therapeutic-implication",
                                                        "display": "Therapeutic Implication"}]},
                derivedFrom=[{"reference": genotype_url}], component=components,
                note=[{"text": drug.recommendation or f"CPIC guideline: {drug.guideline_url}"}])))
            added.append(implication_url)
    return added


def phenopacket_interpretations(content: ReportContent, progress: Any) -> list[Any]:
    """One interpretation for the PGx panel and one for secondary findings, when the report holds them."""
    import phenopackets as pps  # only the phenopacket writer needs it

    proband = content.proband.id
    out = []
    panel = content.pharmacogenomics
    if panel is not None:
        assessed = [g for g in panel.genes if g.status is not CallStatus.NOT_ASSESSED]
        out.append(pps.Interpretation(
            id=f"{content.case_id}-v{content.version}-pharmacogenomics", progress_status=progress,
            diagnosis=pps.Diagnosis(genomic_interpretations=[_gene_interpretation(pps, proband, g) for g in assessed]),
            summary="; ".join(g.summary for g in panel.genes)))
    result = content.secondary_findings_result
    if result is not None:
        findings = []
        for f in result.findings:
            chrom, pos, ref, alt = f.variant_key.split(":")
            descriptor = pps.VariationDescriptor(
                id=f.variant_key, label=f"{f.gene} {f.hgvs}", description=f.basis,
                gene_context=pps.GeneDescriptor(value_id=f.gene, symbol=f.gene),
                vcf_record=pps.VcfRecord(genome_assembly="GRCh38", chrom=chrom, pos=int(pos), ref=ref, alt=alt),
                molecule_context=pps.genomic)
            findings.append(pps.GenomicInterpretation(
                subject_or_biosample_id=proband, interpretation_status=pps.GenomicInterpretation.CANDIDATE,
                variant_interpretation=pps.VariantInterpretation(variation_descriptor=descriptor)))
        out.append(pps.Interpretation(
            id=f"{content.case_id}-v{content.version}-secondary-findings", progress_status=progress,
            diagnosis=pps.Diagnosis(genomic_interpretations=findings),
            summary=f"ACMG SF v3.2 secondary findings (with consent): {len(result.findings)} reportable"))
    return out


def _gene_interpretation(pps: Any, proband: str, gene: GeneResult) -> Any:
    status = pps.GenomicInterpretation.CONTRIBUTORY if gene.actionable else pps.GenomicInterpretation.UNKNOWN_STATUS
    return pps.GenomicInterpretation(
        subject_or_biosample_id=proband, interpretation_status=status,
        gene=pps.GeneDescriptor(value_id=gene.gene, symbol=gene.gene,
                                description=f"{gene.diplotype}: {gene.phenotype or gene.function}"))
