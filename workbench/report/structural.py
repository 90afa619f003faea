"""How reports name a CNV/SV allele (issue 22): its Sequence Ontology type, VCF INFO and words.

A phenopacket ``VariationDescriptor`` of a CNV carries ``structuralType`` (a copy-number loss is
SO:0001743, a gain SO:0001742) and the record's ``SVTYPE``/``END``/``SVLEN`` in ``vcfRecord.info``.

>>> structural_type("DEL")
{'id': 'SO:0001743', 'label': 'copy_number_loss'}
"""
from __future__ import annotations

_SO = {"DEL": ("SO:0001743", "copy_number_loss"), "DUP": ("SO:0001742", "copy_number_gain"),
       "INV": ("SO:1000036", "inversion"), "INS": ("SO:0000667", "insertion"),
       "BND": ("SO:0001021", "chromosome_breakpoint")}


def structural_type(svtype: str) -> dict[str, str]:
    """The Sequence Ontology class of an SV type, as an OntologyClass's fields."""
    so_id, label = _SO[svtype]
    return {"id": so_id, "label": label}


def structural_info(variant) -> str:
    """'SVTYPE=DEL;END=37300000;SVLEN=-500000' for a CNV/SV allele, '' for a small variant."""
    if not getattr(variant, "svtype", None) or variant.end is None:
        return ""
    length = variant.end - variant.pos + 1
    svlen = -length if variant.svtype == "DEL" else length
    return f"SVTYPE={variant.svtype};END={variant.end}" + (f";SVLEN={svlen}" if variant.svtype != "BND" else "")


WORDS = {"DEL": "deletion", "DUP": "duplication", "INV": "inversion", "INS": "insertion", "BND": "breakend"}


def structural_description(variant) -> str:
    """A reported CNV/SV (:class:`~workbench.report.content.ReportedVariant`) in words, for the PDF and the
    summaries: what HGVS is to a small variant.

    >>> from workbench.report.content import ReportedVariant, Zygosity
    >>> structural_description(ReportedVariant("NIPBL", "chr5", 36800001, "N", "<DEL>", Zygosity.HETEROZYGOUS,
    ...                        svtype="DEL", end=37300000, copy_number=1, sv_genes=("NIPBL", "CPLANE1")))
    'CNV deletion 500 kb, GRCh38 chr5:36,800,001-37,300,000, copy number 1 (NIPBL, CPLANE1)'
    """
    from workbench.model import COPY_NUMBER_TYPES, format_length

    kind = "CNV" if variant.svtype in COPY_NUMBER_TYPES else "SV"
    if variant.svtype == "BND":
        text = f"{kind} breakend GRCh38 {variant.chrom}:{variant.pos:,} ({variant.alt})"
    else:
        end = variant.end or variant.pos
        text = (f"{kind} {WORDS.get(variant.svtype, variant.svtype)} {format_length(end - variant.pos + 1)}, "
                f"GRCh38 {variant.chrom}:{variant.pos:,}-{end:,}")
    if variant.copy_number is not None:
        text += f", copy number {variant.copy_number}"
    return text + (f" ({', '.join(variant.sv_genes)})" if variant.sv_genes else "")


def structural_lines(variant) -> list[tuple[str, str]]:
    """The PDF's lines for a CNV/SV in place of HGVS and transcript: type, size, span, copy number, genes."""
    from workbench.model import format_length

    end = variant.end or variant.pos
    so = structural_type(variant.svtype) if variant.svtype in _SO else {"id": "", "label": variant.svtype}
    genes = variant.sv_genes or (variant.gene_symbol,)
    return [
        ("Type", f"{WORDS.get(variant.svtype, variant.svtype)} ({so['label']}, {so['id']})"),
        ("Size", "breakend" if variant.svtype == "BND" else f"{format_length(end - variant.pos + 1)} "
                                                             f"({end - variant.pos + 1:,} bp)"),
        ("Coordinates", f"GRCh38 {variant.chrom}:{variant.pos:,}-{end:,}" if variant.svtype != "BND"
         else f"GRCh38 {variant.chrom}:{variant.pos:,} ({variant.alt})"),
        ("Copy number", str(variant.copy_number) if variant.copy_number is not None else "not given by the caller"),
        (f"Genes hit ({len(genes)})", ", ".join(genes)),
    ]
