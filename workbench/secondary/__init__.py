"""Opt-in secondary findings (ACMG SF v3.2) from the case's calls: only what can be defended is reported.

Reported: a loss-of-function allele in a gene where loss of function is the disease mechanism, or an
allele the VCF's own ClinVar annotation calls pathogenic / likely pathogenic (biallelic for recessive
genes). Everything else in the 81 genes is "not assessed". Runs only after the family's consent is
recorded (:mod:`workbench.store.consent`); this package itself knows nothing of the store.
"""
from workbench.secondary.analysis import (CLINVAR_PLP, LOSS_OF_FUNCTION, SecondaryFinding, SecondaryFindings,
                                          find_secondary)

__all__ = ["CLINVAR_PLP", "LOSS_OF_FUNCTION", "SecondaryFinding", "SecondaryFindings", "find_secondary"]
