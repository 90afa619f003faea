"""The typed content of one diagnostic report version, shared by the PDF, FHIR and phenopacket writers.

A report is frozen data: the store saves it as JSON (:meth:`ReportContent.to_json`) when a
director signs it, and every export is rendered from that saved copy, so the PDF, the FHIR
bundle and the phenopacket of one version always say the same thing.

>>> from types import MappingProxyType
>>> from workbench.model import Call, GeneConsequence, Genotype, Impact, Sample, Variant
>>> variant = Variant("chr2", 165310406, "G", "A", MappingProxyType({"P1": Call(Genotype.HET)}),
...     consequences=(GeneConsequence("SCN2A", "missense_variant", Impact.MODERATE, hgnc_id="HGNC:10588",
...                   transcript="NM_021007.3", hgvs_c="c.2558G>A", hgvs_p="p.Arg853Gln", mane_select=True),))
>>> reported = ReportedVariant.from_variant(variant, "P1", "SCN2A", InheritanceMode.DE_NOVO,
...                                         AcmgAssessment.of("PS2", "PM2", "PP3"))
>>> reported.hgvs, reported.zygosity.value, reported.classification.value
('NM_021007.3:c.2558G>A (p.Arg853Gln)', 'heterozygous', 'Likely pathogenic')
"""
from __future__ import annotations

import json
import types
import typing
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from enum import Enum
from importlib import metadata
from typing import Any

from workbench.model import Disease, Genotype, InheritanceMode, Sample, Variant
from workbench.pgx.model import PgxPanel
from workbench.report.acmg import AcmgAssessment, Classification
from workbench.secondary.analysis import SecondaryFindings

DEFAULT_TEST_NAME = "Rapid trio genome sequencing"
DEFAULT_LIMITATIONS = (
    "Short-read genome sequencing does not reliably detect repeat expansions, low-level mosaicism, "
    "balanced rearrangements, some copy-number and structural variants, or variants in regions of "
    "low mappability. Interpretation is limited to genes with a known disease association in the "
    "knowledge versions listed under Method, and to the phenotype provided. A negative result does "
    "not exclude a genetic diagnosis; re-analysis may be requested as knowledge improves."
)
DEFAULT_SECONDARY_FINDINGS = (
    "Secondary findings (ACMG SF list) were not analysed for this report."
)


def software_version() -> str:
    """The installed workbench version, written into every report's method section."""
    try:
        return f"workbench {metadata.version('workbench')}"
    except metadata.PackageNotFoundError:
        return "workbench (unversioned source tree)"


class Zygosity(Enum):
    HETEROZYGOUS = "heterozygous"
    HOMOZYGOUS = "homozygous"
    HEMIZYGOUS = "hemizygous"

    @classmethod
    def of(cls, genotype: Genotype) -> Zygosity:
        mapping = {Genotype.HET: cls.HETEROZYGOUS, Genotype.HOM_ALT: cls.HOMOZYGOUS,
                   Genotype.HEMIZYGOUS: cls.HEMIZYGOUS}
        if genotype not in mapping:
            raise ValueError(f"genotype {genotype.value} does not carry the variant")
        return mapping[genotype]


class Overall(Enum):
    """The report's headline, as the FHIR overall-interpretation observation states it."""

    POSITIVE = "Positive"
    INCONCLUSIVE = "Inconclusive"
    NEGATIVE = "Negative"


@dataclass(frozen=True)
class PhenotypeItem:
    id: str
    label: str
    excluded: bool = False


@dataclass(frozen=True)
class ReportedVariant:
    """One variant as the report states it, with its ACMG criteria and the condition it explains."""

    gene_symbol: str
    chrom: str
    pos: int
    ref: str
    alt: str
    zygosity: Zygosity
    consequence: str = ""
    hgnc_id: str | None = None
    transcript: str | None = None
    hgvs_c: str | None = None
    hgvs_p: str | None = None
    inheritance: InheritanceMode | None = None
    assessment: AcmgAssessment = AcmgAssessment()
    condition_id: str | None = None
    condition_label: str | None = None

    @classmethod
    def from_variant(cls, variant: Variant, proband_id: str, gene_symbol: str,
                     mode: InheritanceMode | None = None, assessment: AcmgAssessment = AcmgAssessment(),
                     condition: Disease | None = None) -> ReportedVariant:
        """Take the gene's reported consequence (:meth:`Variant.reported_consequence`) and the proband's zygosity."""
        call = variant.calls.get(proband_id)
        if call is None:
            raise ValueError(f"variant {variant.key} has no call for proband {proband_id!r}")
        try:
            zygosity = Zygosity.of(call.genotype)
        except ValueError:
            raise ValueError(f"proband {proband_id!r} does not carry {variant.key} "
                             f"(genotype {call.genotype.value})") from None
        chosen = variant.reported_consequence(gene_symbol)
        return cls(
            gene_symbol=gene_symbol, chrom=variant.chrom, pos=variant.pos, ref=variant.ref, alt=variant.alt,
            zygosity=zygosity, consequence=chosen.consequence if chosen else "",
            hgnc_id=chosen.hgnc_id if chosen else None, transcript=chosen.transcript if chosen else None,
            hgvs_c=chosen.hgvs_c if chosen else None, hgvs_p=chosen.hgvs_p if chosen else None,
            inheritance=mode, assessment=assessment,
            condition_id=condition.id if condition else None, condition_label=condition.name if condition else None,
        )

    @property
    def key(self) -> str:
        return f"{self.chrom}:{self.pos}:{self.ref}:{self.alt}"

    @property
    def classification(self) -> Classification:
        return self.assessment.classification

    @property
    def hgvs_coding(self) -> str | None:
        """``transcript:c.`` notation (VEP may already prefix the transcript)."""
        if not self.hgvs_c:
            return None
        if ":" in self.hgvs_c or not self.transcript:
            return self.hgvs_c
        return f"{self.transcript}:{self.hgvs_c}"

    @property
    def hgvs_protein(self) -> str | None:
        """The ``p.`` part alone (a VEP ``ENSP...:p.`` prefix is dropped for reading)."""
        return self.hgvs_p.rsplit(":", 1)[-1] if self.hgvs_p else None

    @property
    def hgvs(self) -> str:
        """What a reader sees: c. and p. notation, else the GRCh38 position and alleles."""
        if self.hgvs_coding:
            return f"{self.hgvs_coding} ({self.hgvs_protein})" if self.hgvs_protein else self.hgvs_coding
        return f"{self.chrom}:{self.pos} {self.ref}>{self.alt} (GRCh38)"


@dataclass(frozen=True)
class Method:
    knowledge_version: str
    test_name: str = DEFAULT_TEST_NAME
    genome_build: str = "GRCh38"
    software: str = ""
    annotation_source: str = ""


@dataclass(frozen=True)
class Signature:
    name: str
    username: str
    signed_at: datetime


@dataclass(frozen=True)
class Amendment:
    """A prior or current version's reason for change, as listed in the amendment history."""

    version: int
    reason: str
    signed_by: str | None = None
    signed_at: datetime | None = None


@dataclass(frozen=True)
class ReportContent:
    case_id: str
    family_id: str
    proband: Sample
    method: Method
    indication: str = ""
    phenotype: tuple[PhenotypeItem, ...] = ()
    results: tuple[ReportedVariant, ...] = ()
    interpretation: str = ""
    limitations: str = DEFAULT_LIMITATIONS
    secondary_findings: str = DEFAULT_SECONDARY_FINDINGS
    version: int = 1
    signature: Signature | None = None
    amendments: tuple[Amendment, ...] = ()
    laboratory: str = "Rapid Genome Laboratory"
    input_warnings: tuple[str, ...] = ()  # the ranking's input issues in words (Ranking.warnings), printed as such
    pharmacogenomics: PgxPanel | None = None  # issue 18: report/pgx_sections.py renders it
    secondary_findings_result: SecondaryFindings | None = None  # only with the family's recorded consent

    @property
    def signed(self) -> bool:
        return self.signature is not None

    @property
    def overall(self) -> Overall:
        """Positive with a (likely) pathogenic result, inconclusive with only VUS, else negative."""
        found = {r.classification for r in self.results}
        if found & {Classification.PATHOGENIC, Classification.LIKELY_PATHOGENIC}:
            return Overall.POSITIVE
        if Classification.UNCERTAIN in found:
            return Overall.INCONCLUSIVE
        return Overall.NEGATIVE

    def to_json(self) -> str:
        return json.dumps(to_plain(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ReportContent:
        return from_plain(cls, json.loads(text))


def to_plain(value: Any) -> Any:
    """JSON-ready form of a frozen dataclass tree (enums by name, datetimes as ISO 8601)."""
    if isinstance(value, Enum):
        return value.name
    if isinstance(value, datetime):
        return value.isoformat()
    if is_dataclass(value):
        return {f.name: to_plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_plain(v) for v in value]
    return value


def from_plain(kind: Any, value: Any) -> Any:
    """Rebuild ``kind`` (a dataclass, Enum, tuple[X, ...], X | None, datetime or scalar) from JSON."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [k for k in typing.get_args(kind) if k is not type(None)]
        return None if value is None else from_plain(options[0], value)
    if origin is tuple:
        return tuple(from_plain(typing.get_args(kind)[0], v) for v in value)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind[value]
    if kind is datetime:
        return datetime.fromisoformat(value)
    if is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: from_plain(hints[f.name], value[f.name]) for f in fields(kind) if f.name in value})
    return value
