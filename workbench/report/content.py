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
from workbench.report.text import short_allele, shorten
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
NOT_RECORDED = "not recorded"


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
    # The MANE pair of the reported transcript (None: not a MANE transcript, or not looked up).
    mane_status: str | None = None
    refseq_transcript: str | None = None
    refseq_protein: str | None = None
    ensembl_transcript: str | None = None
    ensembl_protein: str | None = None
    parental_origin: str | None = None  # a ParentalOrigin value
    origin_confirmed: bool = False  # both parents tested (and parentage confirmed for de novo)
    condition_inheritance: str = ""  # the condition's mode(s) of inheritance, e.g. "autosomal dominant"
    condition_xrefs: tuple[str, ...] = ()  # the condition's other ids (OMIM twin of an ORPHA entry, ...)
    svtype: str | None = None  # a CNV/SV allele (issue 22): DEL, DUP, INV, INS or BND; None for a small variant
    end: int | None = None  # its last base (GRCh38)
    copy_number: int | None = None  # the proband's copy number over a CNV (FORMAT/CN), when the caller gave it
    sv_genes: tuple[str, ...] = ()  # every gene the CNV/SV hits (the reported gene is one of them)

    @classmethod
    def from_variant(cls, variant: Variant, proband_id: str, gene_symbol: str,
                     mode: InheritanceMode | None = None, assessment: AcmgAssessment = AcmgAssessment(),
                     condition: Disease | None = None, *, mane: Any = None, father_id: str | None = None,
                     mother_id: str | None = None, parentage_confirmed: bool = False,
                     condition_xrefs: tuple[str, ...] = ()) -> ReportedVariant:
        """Take the gene's reported consequence (:meth:`Variant.reported_consequence`) and the proband's zygosity.

        ``mane`` (a :class:`workbench.knowledge.ManeTranscripts`) adds the RefSeq/Ensembl MANE pair;
        the parents' calls give the variant's parental origin."""
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
            condition_inheritance=inheritance_text(condition), condition_xrefs=tuple(condition_xrefs),
            **mane_fields(mane, chosen.transcript if chosen else None, gene_symbol),
            **parental_origin(variant, father_id, mother_id, parentage_confirmed),
            svtype=getattr(variant, "svtype", None), end=getattr(variant, "end", None),
            copy_number=getattr(call, "copy_number", None), sv_genes=tuple(getattr(variant, "genes", ())),
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
    def c_change(self) -> str | None:
        """The ``c.`` part alone."""
        return self.hgvs_c.rsplit(":", 1)[-1] if self.hgvs_c else None

    @property
    def hgvs_refseq(self) -> str | None:
        """``NM_…:c.…`` on the MANE RefSeq transcript (the same change as on its Ensembl twin)."""
        return f"{self.refseq_transcript}:{self.c_change}" if self.refseq_transcript and self.c_change else None

    @property
    def hgvs_ensembl(self) -> str | None:
        if self.ensembl_transcript and self.c_change:
            return f"{self.ensembl_transcript}:{self.c_change}"
        return self.hgvs_coding if self.hgvs_coding and self.hgvs_coding.startswith("ENST") else None

    @property
    def protein_refseq(self) -> str | None:
        return f"{self.refseq_protein}:{self.hgvs_protein}" if self.refseq_protein and self.hgvs_protein else None

    @property
    def protein_ensembl(self) -> str | None:
        return f"{self.ensembl_protein}:{self.hgvs_protein}" if self.ensembl_protein and self.hgvs_protein else None

    @property
    def hgvs(self) -> str:
        """What a reader sees: c. and p. notation (RefSeq when known), else the GRCh38 position and alleles;
        for a CNV/SV its type, size and span (:func:`workbench.report.structural.structural_description`)."""
        if self.svtype:
            from workbench.report.structural import structural_description
            return structural_description(self)
        coding = self.hgvs_refseq or self.hgvs_coding
        if coding:
            return f"{coding} ({self.hgvs_protein})" if self.hgvs_protein else coding
        return f"{self.chrom}:{self.pos} {short_allele(self.ref)}>{short_allele(self.alt)} (GRCh38)"

    @property
    def genomic(self) -> str:
        """GRCh38 position and alleles (long alleles shortened to their ends and length)."""
        return f"GRCh38 {self.chrom}:{self.pos} {short_allele(self.ref)}>{short_allele(self.alt)}"

    @property
    def condition_ids(self) -> str:
        """``ORPHA:1496; OMIM:218000``: the annotated id first, then the same disease's other ids."""
        return "; ".join(x for x in (self.condition_id, *self.condition_xrefs) if x)

    @property
    def inheritance_text(self) -> str:
        """Parental origin and whether it is confirmed, e.g. "de novo (confirmed)"."""
        if not self.parental_origin:
            return self.inheritance.value if self.inheritance else "not determined"
        if self.parental_origin == ParentalOrigin.NOT_DETERMINED.value:
            return self.parental_origin
        return f"{self.parental_origin} ({'confirmed' if self.origin_confirmed else 'not confirmed'})"


class ParentalOrigin(Enum):
    DE_NOVO = "de novo"
    MATERNAL = "maternal"
    PATERNAL = "paternal"
    BOTH_PARENTS = "maternal and paternal"
    NOT_DETERMINED = "parental origin not determined"


_CARRIES = (Genotype.HET, Genotype.HOM_ALT, Genotype.HEMIZYGOUS)


def parental_origin(variant: Variant, father_id: str | None, mother_id: str | None,
                    parentage_confirmed: bool = False) -> dict[str, Any]:
    """Where the proband's allele came from, read from the parents' calls.

    Maternal or paternal is confirmed when that parent's own call carries the allele; de novo
    (neither parent carries it) is confirmed only with parentage confirmed by trio QC.
    """
    def carries(sample_id: str | None) -> bool | None:
        call = variant.calls.get(sample_id) if sample_id else None
        if call is None or call.genotype is Genotype.NO_CALL:
            return None
        return call.genotype in _CARRIES

    father, mother = carries(father_id), carries(mother_id)
    if father is None and mother is None:
        origin, confirmed = ParentalOrigin.NOT_DETERMINED, False
    elif father and mother:
        origin, confirmed = ParentalOrigin.BOTH_PARENTS, True
    elif mother:
        origin, confirmed = ParentalOrigin.MATERNAL, True
    elif father:
        origin, confirmed = ParentalOrigin.PATERNAL, True
    elif father is False and mother is False:
        origin, confirmed = ParentalOrigin.DE_NOVO, parentage_confirmed
    else:  # one parent tested and not a carrier, the other not tested
        origin, confirmed = ParentalOrigin.NOT_DETERMINED, False
    return {"parental_origin": origin.value, "origin_confirmed": confirmed}


def mane_fields(mane: Any, transcript: str | None, gene_symbol: str) -> dict[str, Any]:
    """The RefSeq and Ensembl accessions of ``transcript`` when it is a MANE transcript."""
    hit = mane.for_transcript(transcript) if mane is not None else None
    if hit is None:
        return {}
    return {"mane_status": hit.status, "refseq_transcript": hit.refseq_transcript,
            "refseq_protein": hit.refseq_protein, "ensembl_transcript": hit.ensembl_transcript,
            "ensembl_protein": hit.ensembl_protein}


def inheritance_text(condition: Disease | None) -> str:
    """The condition's annotated modes of inheritance in words ("" when none is annotated)."""
    if condition is None or not condition.inheritance:
        return ""
    return ", ".join(sorted(m.name.lower().replace("_", " ") for m in condition.inheritance))


@dataclass(frozen=True)
class Method:
    knowledge_version: str
    test_name: str = DEFAULT_TEST_NAME
    genome_build: str = "GRCh38"
    software: str = ""
    annotation_source: str = ""
    transcripts: str = ""  # the MANE release used to name RefSeq transcripts


@dataclass(frozen=True)
class CaseDetails:
    """What the VCF cannot say: who the patient is, the specimen, who ordered the test, how it was run.

    Entered in the app (New case, Report draft) and stored with the case (``store.case_metadata``).
    Dates are ISO ``YYYY-MM-DD`` text.
    """

    patient_name: str = ""
    date_of_birth: str = ""
    mrn: str = ""
    specimen_id: str = ""
    specimen_type: str = ""
    collected_on: str = ""
    received_on: str = ""
    ordering_clinician: str = ""
    institution: str = ""
    data_type: str = ""  # genome | exome: sets the QC ranges ("" = not recorded: inferred from the VCF)
    platform: str = ""
    pipeline: str = ""
    mean_coverage: str = ""

    def missing(self) -> tuple[str, ...]:
        """Labels of the identifiers a clinical report must carry that are still empty."""
        return tuple(label for name, label, _ in DETAIL_FIELDS if name in REQUIRED_DETAILS and not getattr(self, name))


# (field, label, kind) for forms and the PDF; kind is "text", "date" or "choice".
DETAIL_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("patient_name", "Patient name", "text"), ("date_of_birth", "Date of birth", "date"), ("mrn", "MRN", "text"),
    ("specimen_id", "Specimen id", "text"), ("specimen_type", "Specimen type", "text"),
    ("collected_on", "Collection date", "date"), ("received_on", "Receipt date", "date"),
    ("ordering_clinician", "Ordering clinician", "text"), ("institution", "Institution", "text"),
    ("data_type", "Data type", "choice"), ("platform", "Sequencing platform", "text"),
    ("pipeline", "Pipeline", "text"), ("mean_coverage", "Mean coverage", "text"),
)
REQUIRED_DETAILS = frozenset({"patient_name", "date_of_birth", "mrn", "specimen_id", "specimen_type", "collected_on",
                              "received_on", "ordering_clinician", "institution", "platform"})
DATA_TYPES = ("genome", "exome")


@dataclass(frozen=True)
class QcFigure:
    """One quality figure of the sequencing, beside the range expected for the data type."""

    name: str
    value: str
    expected: str = ""
    status: str = "not assessed"  # "within range" | "outside range" | "not assessed"


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
    details: CaseDetails = CaseDetails()
    family: tuple[Sample, ...] = ()
    qc: tuple[QcFigure, ...] = ()
    recommendations: str = ""
    amendment_reason: str = ""  # what this version changes (amended versions only)
    input_warnings: tuple[str, ...] = ()  # the ranking's input issues in words (Ranking.warnings), printed as such
    pharmacogenomics: PgxPanel | None = None  # issue 18: report/pgx_sections.py renders it
    secondary_findings_result: SecondaryFindings | None = None  # only with the family's recorded consent

    @property
    def signed(self) -> bool:
        return self.signature is not None

    @property
    def amended(self) -> bool:
        return self.version > 1

    @property
    def summary(self) -> str:
        """The result in one or two sentences, printed first."""
        reportable = [r for r in self.results
                      if r.classification in (Classification.PATHOGENIC, Classification.LIKELY_PATHOGENIC)]
        if not self.results:
            return "Negative: no variant explaining the clinical features was identified."
        shown = reportable or list(self.results)
        parts = []
        for r in shown:
            condition = ""
            if r.condition_label:
                condition = f", associated with {r.condition_label} ({r.condition_id})" if r.condition_id else \
                    f", associated with {r.condition_label}"
            parts.append(f"a {r.classification.value.lower()} {r.zygosity.value} variant in {r.gene_symbol} "
                         f"({shorten(r.hgvs, 120, '…')}), {r.inheritance_text}{condition}")
        return f"{self.overall.value}: " + "; ".join(parts) + "."

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


def default_recommendations(results: tuple[ReportedVariant, ...]) -> str:
    """Counselling, recurrence risk and family testing as the results suggest; the analyst edits it.

    >>> print(default_recommendations(()))
    Genetic counselling is recommended to discuss this result with the family. No variant classified pathogenic or likely pathogenic was found: re-analysis of the data is recommended in 12-24 months, or sooner if new clinical features appear.
    """
    lines = ["Genetic counselling is recommended to discuss this result with the family."]
    causal = [r for r in results if r.classification in (Classification.PATHOGENIC, Classification.LIKELY_PATHOGENIC)]
    for r in causal:
        origin, inheritance = r.parental_origin, r.condition_inheritance
        if origin == ParentalOrigin.DE_NOVO.value:
            lines.append(f"{r.gene_symbol}: the variant arose de novo; the recurrence risk for the parents' future "
                         "pregnancies is low (about 1%, allowing for parental germline mosaicism). Prenatal testing "
                         "can be offered for reassurance.")
        elif r.zygosity is Zygosity.HOMOZYGOUS or r.inheritance in (InheritanceMode.HOMOZYGOUS_RECESSIVE,
                                                                      InheritanceMode.COMPOUND_HETEROZYGOUS):
            lines.append(f"{r.gene_symbol}: both parents are expected to be carriers; each future pregnancy has a "
                         "25% chance of being affected. Carrier testing of relatives and prenatal or "
                         "preimplantation testing can be offered.")
        elif origin in (ParentalOrigin.MATERNAL.value, ParentalOrigin.PATERNAL.value):
            parent = "mother" if origin == ParentalOrigin.MATERNAL.value else "father"
            risk = ("half of her sons may be affected and half of her daughters may be carriers"
                    if "x linked" in inheritance and parent == "mother" else
                    f"each child of the {parent} has a 50% chance of inheriting it")
            lines.append(f"{r.gene_symbol}: the variant was inherited from the {parent}; {risk}. Clinical "
                         f"evaluation of the {parent} and testing of at-risk relatives is recommended.")
        else:
            lines.append(f"{r.gene_symbol}: testing of the parents is recommended to establish the variant's origin "
                         "and the recurrence risk.")
    if any(r.classification is Classification.UNCERTAIN for r in results):
        lines.append("Variants of uncertain significance should not be used for clinical decision-making; "
                     "segregation or functional studies may help reclassify them.")
    if not causal:
        lines.append("No variant classified pathogenic or likely pathogenic was found: re-analysis of the data is "
                     "recommended in 12-24 months, "
                     "or sooner if new clinical features appear.")
    return " ".join(lines)


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
