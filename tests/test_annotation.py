"""Annotation parsing on tiny real-shaped VCFs: VEP CSQ, SnpEff ANN, bcftools BCSQ, none."""
from __future__ import annotations

from pathlib import Path

import pytest

from workbench.io.annotation import AnnotationParser, AlleleAnnotation
from workbench.model import Impact

FIXTURES = Path(__file__).parent / "fixtures" / "vcf"


def annotate_file(name: str) -> tuple[AnnotationParser, list[list[AlleleAnnotation]]]:
    """Parse a fixture the simple way (header text + columns), one list of alleles per record."""
    lines = (FIXTURES / name).read_text().splitlines()
    header = "\n".join(line for line in lines if line.startswith("#"))
    parser = AnnotationParser.from_header(header)
    records = []
    for line in lines:
        if not line.startswith("#"):
            chrom, pos, _, ref, alt, _, _, info = line.split("\t")[:8]
            records.append(parser.annotate(chrom, int(pos), ref, alt.split(","), info))
    return parser, records


def by_gene(annotation: AlleleAnnotation) -> dict:
    return {c.gene_symbol: c for c in annotation.consequences}


def test_vep_prefers_mane_transcript_within_the_most_severe_impact():
    parser, records = annotate_file("ann_vep_csq.vcf")
    assert parser.source_label == "VEP CSQ"
    [cftr] = records[0]
    [gene] = cftr.consequences
    assert (gene.gene_symbol, gene.consequence, gene.impact) == ("CFTR", "inframe_deletion", Impact.MODERATE)
    assert gene.mane_select and gene.canonical
    assert gene.hgvs_p == "ENSP00000003084.6:p.Phe508del"
    assert gene.hgnc_id == "HGNC:1884" and gene.ensembl_gene == "ENSG00000001626"
    # the highest of the population fields, never INFO/AF (0.5, the callset's own frequency)
    assert cftr.population_af == pytest.approx(0.0142)
    assert cftr.clinvar == "pathogenic"
    assert dict(cftr.scores) == {"CADD_PHRED": pytest.approx(23.4)}


def test_vep_one_consequence_per_gene_and_severity_beats_mane():
    _, records = annotate_file("ann_vep_csq.vcf")
    [allele] = records[1]
    genes = by_gene(allele)
    assert set(genes) == {"SAMD11", "NOC2L"}  # the regulatory feature has no gene
    assert genes["SAMD11"].consequence == "stop_gained" and genes["SAMD11"].impact is Impact.HIGH
    assert not genes["SAMD11"].mane_select
    assert genes["NOC2L"].consequence == "3_prime_UTR_variant"
    scores = dict(allele.scores)
    assert scores["SpliceAI_max_DS"] == pytest.approx(0.03)
    assert scores["REVEL"] == pytest.approx(0.412)
    assert scores["AlphaMissense"] == pytest.approx(0.7731)
    assert allele.population_af is None and allele.clinvar is None


def test_vep_multiallelic_split_by_allele_num():
    _, records = annotate_file("ann_vep_csq.vcf")
    snv, insertion = records[2]
    assert snv.consequences[0].consequence == "synonymous_variant"
    assert snv.consequences[0].hgvs_p == "ENSP00000478421.2:p.Leu10="  # VEP's %3D decoded
    assert snv.population_af == pytest.approx(0.12)
    assert insertion.consequences[0].consequence == "frameshift_variant"
    assert insertion.population_af is None


def test_vep_intergenic_has_no_gene_but_keeps_frequency():
    _, records = annotate_file("ann_vep_csq.vcf")
    [allele] = records[3]
    assert allele.consequences == ()
    assert allele.population_af == pytest.approx(0.004)  # co-located variants joined by '&': highest


def test_vep_multiallelic_without_allele_num_matches_vep_allele_strings():
    _, records = annotate_file("ann_vep_csq_no_allele_num.vcf")
    deletion, shorter = records[0]  # CAG -> C ('-') and CA ('A')
    assert deletion.consequences[0].consequence == "inframe_deletion"
    assert deletion.population_af == pytest.approx(0.0001)
    assert shorter.consequences[0].consequence == "frameshift_variant"
    untrimmed_c, untrimmed_ta = records[1]  # CA -> C and TA: first bases differ, nothing trimmed
    assert untrimmed_c.consequences[0].consequence == "frameshift_variant"
    assert untrimmed_ta.consequences[0].consequence == "missense_variant"
    assert untrimmed_ta.population_af == pytest.approx(0.03)


def test_snpeff_ann_per_allele_with_info_frequency_and_clinvar():
    parser, records = annotate_file("ann_snpeff.vcf")
    assert parser.source_label == "SnpEff ANN"
    t_allele, g_allele = records[0]
    assert {g: c.consequence for g, c in by_gene(t_allele).items()} == {
        "SAMD11": "missense_variant", "NOC2L": "upstream_gene_variant"}
    assert by_gene(g_allele)["SAMD11"].impact is Impact.LOW
    assert t_allele.population_af == pytest.approx(0.0002)  # Number=A INFO field, per allele
    assert g_allele.population_af == pytest.approx(0.3)
    assert t_allele.clinvar == "Likely_pathogenic"
    [intergenic] = records[1]
    assert intergenic.consequences == ()
    [cftr] = records[2]
    assert cftr.consequences[0].impact is Impact.MODERATE
    assert cftr.consequences[0].hgvs_p == "p.Phe508del"


def test_bcsq_matches_alleles_through_dna_change():
    parser, records = annotate_file("ann_bcsq.vcf")
    assert parser.source_label == "bcftools BCSQ"
    t_allele, g_allele = records[0]
    assert t_allele.consequences[0].consequence == "missense_variant"
    assert t_allele.consequences[0].impact is Impact.MODERATE
    assert g_allele.consequences[0].consequence == "synonymous_variant"
    [cftr] = records[1]
    [gene] = cftr.consequences  # two transcripts, one gene
    assert gene.gene_symbol == "CFTR" and gene.impact is Impact.MODERATE


def test_no_annotation_places_genes_by_position_and_says_consequence_unknown():
    parser, records = annotate_file("ann_none.vcf")
    assert "consequence unknown" in parser.source_label
    labels = [{c.gene_symbol: c.consequence for c in r[0].consequences} for r in records]
    assert labels[0] == {"CFTR": "exonic (position only)"}
    assert labels[1] == {"CFTR": "splice region (position only)"}  # '7' naming works too
    assert labels[2] == {"CFTR": "intronic (position only)"}
    assert set(labels[3]) == {"SAMD11", "NOC2L"}
    assert labels[4] == {"FAM110C": "upstream (position only)"}  # minus strand: upstream lies past its end
    assert labels[5] == {}
    assert all(c.impact is Impact.UNKNOWN for r in records for c in r[0].consequences)
    assert records[0][0].population_af == pytest.approx(0.006)


def test_info_af_is_refused_as_population_frequency():
    with pytest.raises(ValueError, match="callset"):
        AnnotationParser.from_header("", frequency_fields=("AF",))


def test_configurable_frequency_fields():
    header = (FIXTURES / "ann_vep_csq.vcf").read_text()
    parser = AnnotationParser.from_header(header, frequency_fields=("gnomADg_AF",))
    info = [line for line in header.splitlines() if line.startswith("chr7")][0].split("\t")[7]
    [allele] = parser.annotate("chr7", 117559590, "ATCT", ["A"], info)
    assert allele.population_af == pytest.approx(0.0061)
