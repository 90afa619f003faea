"""How reports name a CNV/SV allele (issue 22): its Sequence Ontology type and VCF INFO.

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
