"""What a pharmacogenomic panel result says, as frozen plain data (saved inside the signed report as JSON).

"not assessed" is a result of its own, with its reason: a gene the data cannot call is never shown as normal.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class CallStatus(Enum):
    CALLED = "called"
    AMBIGUOUS = "ambiguous"  # more than one diplotype fits (phase unknown); the likeliest is shown with the others
    NOT_ASSESSED = "not assessed"


@dataclass(frozen=True)
class SiteEvidence:
    """The trio's genotypes at one defining position (only positions with a variant or a missing call are kept)."""

    key: str  # chrom:pos:ref:alt (GRCh38)
    rsid: str
    defines: str  # the star alleles it defines, comma-separated
    proband: str
    father: str
    mother: str
    origin: str  # "maternal", "paternal", "both copies", "not phased", or "" when the proband lacks it


@dataclass(frozen=True)
class DrugGuidance:
    drug: str
    rxnorm: str
    cpic_level: str
    recommendation: str  # the CPIC text for this result, or "" when the pinned tables hold none
    actionable: bool  # the result changes what CPIC says to do (a CDS card is due)
    guideline_url: str
    source: str
    nicu: bool  # one of the drugs a NICU prescribes (listed first)


@dataclass(frozen=True)
class GeneResult:
    gene: str
    status: CallStatus
    diplotype: str = ""
    function: str = ""  # per allele, e.g. "No Function / Normal Function"
    phenotype: str = ""  # the table's phenotype; "Indeterminate" if the tables cannot tell; "" for genotype-only genes
    activity_score: float | None = None
    phased_by_trio: bool = False  # the parents placed at least one heterozygous variant on its haplotype
    reason: str = ""  # why not assessed, or why ambiguous
    alternatives: tuple[str, ...] = ()  # other diplotypes that fit when ambiguous
    warnings: tuple[str, ...] = ()
    evidence: tuple[SiteEvidence, ...] = ()
    positions_total: int = 0
    positions_read_as_reference: int = 0  # defining positions without a record, read as reference
    drugs: tuple[DrugGuidance, ...] = ()

    @property
    def actionable(self) -> bool:
        return self.status is not CallStatus.NOT_ASSESSED and any(d.actionable for d in self.drugs)

    @property
    def summary(self) -> str:
        """One line a pharmacist reads first."""
        if self.status is CallStatus.NOT_ASSESSED:
            return f"{self.gene}: not assessed ({self.reason})"
        result = self.phenotype or self.function
        return f"{self.gene} {self.diplotype}: {result}" + (" (phase ambiguous)" if self.status is
                                                             CallStatus.AMBIGUOUS else "")


@dataclass(frozen=True)
class PgxPanel:
    genes: tuple[GeneResult, ...]
    knowledge_version: str
    source: str  # the VCF(s) read
    absent_sites: str  # how a defining position without a record was read: "reference" or "no call"
    limitations: str
    warnings: tuple[str, ...] = ()  # file-level doubts (e.g. the genome build was assumed)

    def gene(self, symbol: str) -> GeneResult | None:
        return next((g for g in self.genes if g.gene == symbol), None)

    def guidance_for(self, drug: str) -> tuple[tuple[GeneResult, DrugGuidance], ...]:
        """Every assessed gene's guidance for ``drug`` (lower-case CPIC name)."""
        return tuple((g, d) for g in self.genes if g.status is not CallStatus.NOT_ASSESSED
                     for d in g.drugs if d.drug == drug)
