"""Inheritance analysis: which proband alleles fit a Mendelian explanation, in which mode, and why not.

    result = analyse_inheritance(variants, trio, InheritanceOptions())
    result.candidates  # Candidate(gene_symbol, hgnc_id, mode, variants, consequences, explanation)
    result.dropped     # DroppedVariant(variant, reason)
    (de_novo() | x_linked_hemizygous()).description
"""
from workbench.inheritance.analysis import Candidate, DroppedVariant, InheritanceResult, analyse_inheritance
from workbench.inheritance.family import (FamilyVariant, ParentState, Region, family_variant, region_of,
                                          with_genetic_sex)
from workbench.inheritance.options import DEFAULT_MAX_POPULATION_AF, InheritanceOptions
from workbench.inheritance.predicates import (MODE_PREDICATES, Predicate, compound_het_member, de_novo,
                                              dominant_inherited, heterozygous_unphased, homozygous_recessive,
                                              impact_at_least, mitochondrial, rare, reduced_penetrance,
                                              x_linked_de_novo, x_linked_hemizygous)

__all__ = [
    "Candidate", "DroppedVariant", "InheritanceResult", "analyse_inheritance", "FamilyVariant", "ParentState",
    "Region", "family_variant", "region_of", "DEFAULT_MAX_POPULATION_AF", "InheritanceOptions", "MODE_PREDICATES",
    "Predicate", "compound_het_member", "de_novo", "dominant_inherited", "heterozygous_unphased",
    "homozygous_recessive", "impact_at_least", "mitochondrial", "rare", "reduced_penetrance", "x_linked_de_novo",
    "x_linked_hemizygous", "with_genetic_sex",
]
