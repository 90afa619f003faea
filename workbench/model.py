"""The typed vocabulary every layer shares: samples, genotypes, variants, terms, diseases.

Everything here is a frozen dataclass or an enum with no I/O, so the scoring core can be
tested from plain values, and objects can be cached and shared between threads safely.
Readers (``workbench.io``) translate file formats into these types once, at the boundary.
"""
from __future__ import annotations

import copyreg
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Mapping


class Sex(Enum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class Affection(Enum):
    AFFECTED = "affected"
    UNAFFECTED = "unaffected"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Sample:
    """One person of the pedigree; parents are sample ids or None when not in the PED."""

    id: str
    family_id: str
    sex: Sex = Sex.UNKNOWN
    affection: Affection = Affection.UNKNOWN
    father_id: str | None = None
    mother_id: str | None = None


@dataclass(frozen=True)
class Trio:
    """The proband and whichever parents were sequenced (duos and singletons have None)."""

    proband: Sample
    father: Sample | None = None
    mother: Sample | None = None

    @property
    def samples(self) -> tuple[Sample, ...]:
        return tuple(s for _, s in self.members)

    @property
    def members(self) -> tuple[tuple[str, Sample], ...]:
        """(role, sample) of each person present: 'proband', 'father', 'mother' (for messages naming them)."""
        return tuple((role, s) for role, s in (("proband", self.proband), ("father", self.father),
                                                ("mother", self.mother)) if s is not None)

    @property
    def family_kind(self) -> str:
        """'trio', 'duo' or 'singleton', by how many parents were sequenced."""
        return {2: "trio", 1: "duo", 0: "singleton"}[(self.father is not None) + (self.mother is not None)]

    @property
    def has_affected_parent(self) -> bool:
        """Whether the PED marks a sequenced parent affected (a dominant disease is then likely inherited)."""
        return any(p is not None and p.affection is Affection.AFFECTED for p in (self.father, self.mother))


class Genotype(Enum):
    """Copies of one ALT allele a sample carries.

    Always relative to a single allele: at a multi-allelic site a ``1/2`` call is HET for
    allele 1 and HET for allele 2, and a ``0/2`` call is HOM_REF for allele 1 (no copy of it).
    HEMIZYGOUS is a haploid call carrying the allele (chrM; male chrX/chrY outside the PARs, where
    a diploid 1/1 from the caller is read as HEMIZYGOUS too: he has one copy).
    """

    HOM_REF = "0/0"
    HET = "0/1"
    HOM_ALT = "1/1"
    HEMIZYGOUS = "1"
    NO_CALL = "./."

    @property
    def carries_alt(self) -> bool:
        return self in (Genotype.HET, Genotype.HOM_ALT, Genotype.HEMIZYGOUS)


@dataclass(frozen=True)
class Call:
    """A sample's genotype at one allele with the read evidence behind it."""

    genotype: Genotype
    ref_depth: int | None = None
    alt_depth: int | None = None
    depth: int | None = None
    quality: int | None = None  # FORMAT/GQ

    @property
    def allele_balance(self) -> float | None:
        """Fraction of reads supporting the alt allele (None when AD is missing or zero)."""
        if self.ref_depth is None or self.alt_depth is None:
            return None
        total = self.ref_depth + self.alt_depth
        return self.alt_depth / total if total else None


class Impact(Enum):
    """VEP's impact classes, ordered from most to least severe."""

    HIGH = 0
    MODERATE = 1
    LOW = 2
    MODIFIER = 3
    UNKNOWN = 4  # not annotated: placed in a gene by position only


@dataclass(frozen=True)
class GeneConsequence:
    """The most severe effect of one allele on one gene (one record may hit several genes)."""

    gene_symbol: str
    consequence: str  # Sequence Ontology terms joined by '&', e.g. "splice_region_variant&intron_variant"
    impact: Impact
    hgnc_id: str | None = None
    ensembl_gene: str | None = None
    transcript: str | None = None
    hgvs_c: str | None = None
    hgvs_p: str | None = None
    mane_select: bool = False
    canonical: bool = False


# GRCh38 pseudo-autosomal regions (1-based, inclusive): inherited like autosomes, and counted apart by QC
PAR_X = ((10_001, 2_781_479), (155_701_383, 156_030_895))
PAR_Y = ((10_001, 2_781_479), (56_887_903, 57_217_415))


def one_copy_in_males(chrom: str, pos: int) -> bool:
    """Whether a male has a single copy of this position: X or Y outside the PARs.

    >>> one_copy_in_males("X", 31_000_000), one_copy_in_males("chrX", 1_500_000), one_copy_in_males("chr1", 5)
    (True, False, False)
    """
    pars = {"chrX": PAR_X, "chrY": PAR_Y}.get(normalise_chrom(chrom))
    return pars is not None and not any(low <= pos <= high for low, high in pars)


def normalise_chrom(name: str) -> str:
    """The ``chr1`` naming every layer compares on; files may say ``1`` or ``MT``.

    >>> normalise_chrom("1"), normalise_chrom("MT"), normalise_chrom("chrX"), normalise_chrom("GL000220.1")
    ('chr1', 'chrM', 'chrX', 'GL000220.1')
    """
    bare = name[3:] if name.lower().startswith("chr") else name
    if bare.upper() in ("M", "MT"):
        return "chrM"
    if bare.isdigit() or bare.upper() in ("X", "Y"):
        return "chr" + bare.upper()
    return name


@dataclass(frozen=True)
class Variant:
    """One ALT allele of a VCF record with the family's calls (multi-allelic sites are split).

    ``chrom`` is normalised to the ``chr1`` style; ``source_line`` points back into the file.
    """

    chrom: str
    pos: int
    ref: str
    alt: str
    calls: Mapping[str, Call]  # sample id -> call; build with types.MappingProxyType
    consequences: tuple[GeneConsequence, ...] = ()
    population_af: float | None = None  # e.g. gnomAD; None = not seen in the population
    quality: float | None = None  # VCF QUAL
    filters: tuple[str, ...] = ()  # empty = PASS or '.'
    clinvar: str | None = None
    scores: tuple[tuple[str, float], ...] = ()  # in-silico scores by name (REVEL, CADD, ...)
    source_line: int | None = None

    @property
    def key(self) -> str:
        """Stable identifier used in tables and reports: ``chrom:pos:ref:alt``."""
        return f"{self.chrom}:{self.pos}:{self.ref}:{self.alt}"

    def reported_consequence(self, gene_symbol: str, hgnc_id: str | None = None) -> GeneConsequence | None:
        """The effect a report states for this gene: MANE Select, else canonical, else the first listed.

        One choice for the printed HGVS, the ACMG criteria, the ranking and the candidate table,
        so they all speak of the same transcript. The gene is matched by symbol or HGNC id.
        """
        in_gene = [c for c in self.consequences
                   if c.gene_symbol == gene_symbol or (hgnc_id is not None and c.hgnc_id == hgnc_id)]
        return max(in_gene, key=lambda c: (c.mane_select, c.canonical), default=None)

    def consequence_for(self, gene_symbol: str, hgnc_id: str | None = None) -> GeneConsequence | None:
        """:meth:`reported_consequence`, else the first listed (annotated under another gene name)."""
        reported = self.reported_consequence(gene_symbol, hgnc_id)
        return reported or (self.consequences[0] if self.consequences else None)


# -- copy-number and structural variants (read by workbench.io.sv_vcf) ---------------------------
STRUCTURAL_TYPES = ("DEL", "DUP", "INV", "INS", "BND")
COPY_NUMBER_TYPES = ("DEL", "DUP")


def event_key(chrom: str, pos: int, end: int, svtype: str) -> str:
    """``chr5:35395501-38323323:DEL``: unique for a structural event, readable in tables (the
    reader's events and the model's variants share it).

    >>> event_key("chr5", 35395501, 38323323, "DEL")
    'chr5:35395501-38323323:DEL'
    """
    return f"{chrom}:{pos}-{end}:{svtype}"


def event_length(pos: int, end: int) -> int:
    """Bases from ``pos`` to ``end`` inclusive; at least 1 (a breakend or insertion point)."""
    return max(end - pos + 1, 1)
"""The SV classes the workbench reasons with: losses (DEL), gains (DUP, tandem or not), and
balanced or insertional events (INV, INS, BND: breakpoints only)."""


@dataclass(frozen=True)
class CopyNumberCall(Call):
    """A sample's call at a CNV/SV record: the genotype plus the copy number (FORMAT/CN) when given."""

    copy_number: int | None = None


@dataclass(frozen=True)
class DosageFinding:
    """ClinGen's dosage score behind one gene a CNV hits, and what it weighs.

    ``score`` is the haploinsufficiency score for a loss, the triplosensitivity score for a gain
    (None: not curated); ``source`` says whether it is the gene's own score or a region's that
    the CNV covers; ``log10_lr`` gives its weight per disease inheritance group.
    """

    gene_symbol: str
    score: int | None
    source: str
    log10_lr: tuple[tuple[str, float], ...] = ()

    def lr_for(self, group: str) -> float | None:
        return dict(self.log10_lr).get(group)


@dataclass(frozen=True)
class StructuralVariant(Variant):
    """A CNV or SV allele with the family's calls; ``pos``-``end`` is the affected span (1-based).

    ``alt`` keeps the caller's allele (``<DEL>``, ``<DUP:TANDEM>``, a breakend); ``svtype`` is one
    of :data:`STRUCTURAL_TYPES`. ``genes`` lists every gene the event hits (for "and its other
    genes"); ``mate`` is a breakend's partner position. ``note`` says how the trio logic read it
    (e.g. which parent's overlapping call made it inherited).
    """

    svtype: str = "DEL"
    end: int = 0
    caller_id: str | None = None
    genes: tuple[str, ...] = ()
    mate: str | None = None
    note: str = ""
    dosage: tuple[DosageFinding, ...] = ()

    def dosage_for(self, gene_symbol: str) -> DosageFinding | None:
        return next((d for d in self.dosage if d.gene_symbol == gene_symbol), None)

    @property
    def key(self) -> str:
        return event_key(self.chrom, self.pos, self.end, self.svtype)

    @property
    def length(self) -> int:
        return event_length(self.pos, self.end)

    @property
    def is_copy_number(self) -> bool:
        return self.svtype in COPY_NUMBER_TYPES

    def describe(self) -> str:
        """'deletion of 2.9 Mb (chr5:35,395,501-38,323,323)'."""
        word = {"DEL": "deletion", "DUP": "duplication", "INV": "inversion", "INS": "insertion",
                "BND": "breakend"}[self.svtype]
        if self.svtype == "BND":
            return f"breakend at {self.chrom}:{self.pos:,}" + (f" joined to {self.mate}" if self.mate else "")
        return f"{word} of {format_length(self.length)} ({self.chrom}:{self.pos:,}-{self.end:,})"


@dataclass(frozen=True)
class VariantOverDeletion(Variant):
    """A small variant that looks homozygous because the other copy is deleted: the proband is
    hemizygous for it over ``deletion`` (a :class:`StructuralVariant` key), not homozygous."""

    deletion: str = ""
    deletion_origin: str = ""


def format_length(bases: int) -> str:
    """Human size of a span.

    >>> format_length(850), format_length(12_400), format_length(2_930_000)
    ('850 bp', '12.4 kb', '2.93 Mb')
    """
    if bases >= 1_000_000:
        return f"{bases / 1e6:.3g} Mb"
    if bases >= 1_000:
        return f"{bases / 1e3:.3g} kb"
    return f"{bases} bp"


def _read_only(mapping: dict) -> MappingProxyType:
    return MappingProxyType(mapping)


# Variant.calls is a read-only mapping; pickle it as a dict so Variants can cross process
# boundaries (reader workers) and sit in the per-case candidate cache.
copyreg.pickle(MappingProxyType, lambda proxy: (_read_only, (dict(proxy),)))


class InheritanceMode(Enum):
    """How a proband's genotype(s) at a gene fit a Mendelian explanation, given the family."""

    DE_NOVO = "de novo"
    X_LINKED_DE_NOVO = "X-linked de novo"
    DOMINANT_INHERITED = "inherited from an affected parent"
    REDUCED_PENETRANCE = "inherited from an unaffected parent"
    HOMOZYGOUS_RECESSIVE = "homozygous recessive"
    COMPOUND_HETEROZYGOUS = "compound heterozygous"
    X_LINKED_HEMIZYGOUS = "X-linked hemizygous"
    MITOCHONDRIAL = "mitochondrial"
    HETEROZYGOUS_UNPHASED = "heterozygous, parental origin unknown"
    POSSIBLE_COMPOUND_HETEROZYGOUS = "two heterozygous variants, phase unknown"


class DiseaseInheritance(Enum):
    """A disease's mode of inheritance, as HPO's 'Mode of inheritance' branch records it."""

    AUTOSOMAL_DOMINANT = "HP:0000006"
    AUTOSOMAL_RECESSIVE = "HP:0000007"
    X_LINKED = "HP:0001417"
    X_LINKED_RECESSIVE = "HP:0001419"
    X_LINKED_DOMINANT = "HP:0001423"
    MITOCHONDRIAL = "HP:0001427"
    SEMIDOMINANT = "HP:0032113"
    Y_LINKED = "HP:0001450"
    DIGENIC = "HP:0010984"
    SOMATIC_MOSAICISM = "HP:0001442"

    @property
    def group(self) -> str:
        """The coarse group ranking reasons with: dominant, recessive, x-linked or mitochondrial.

        >>> DiseaseInheritance.SEMIDOMINANT.group
        'dominant'
        """
        return _INHERITANCE_GROUP[self]


_INHERITANCE_GROUP = {
    DiseaseInheritance.AUTOSOMAL_DOMINANT: "dominant", DiseaseInheritance.SEMIDOMINANT: "dominant",
    DiseaseInheritance.SOMATIC_MOSAICISM: "dominant", DiseaseInheritance.AUTOSOMAL_RECESSIVE: "recessive",
    DiseaseInheritance.DIGENIC: "recessive", DiseaseInheritance.X_LINKED: "x-linked",
    DiseaseInheritance.X_LINKED_RECESSIVE: "x-linked", DiseaseInheritance.X_LINKED_DOMINANT: "x-linked",
    DiseaseInheritance.Y_LINKED: "x-linked", DiseaseInheritance.MITOCHONDRIAL: "mitochondrial",
}


PHENOTYPIC_ABNORMALITY = "HP:0000118"
"""Root of HPO's phenotype subontology (inheritance, onset and frequency terms lie outside it)."""


@dataclass(frozen=True)
class Term:
    """An HPO term as people see it."""

    id: str
    label: str
    definition: str = ""
    synonyms: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    obsolete: bool = False
    replaced_by: str | None = None


@dataclass(frozen=True)
class TermAnnotation:
    """A disease's feature: the HPO term, how often patients show it (None = unknown)."""

    term_id: str
    frequency: float | None = None


@dataclass(frozen=True)
class Disease:
    """A Mendelian disease with its annotated features, inheritance and causal genes."""

    id: str  # OMIM:..., ORPHA:..., DECIPHER:...
    name: str
    features: tuple[TermAnnotation, ...] = ()
    excluded_features: tuple[str, ...] = ()  # terms annotated NOT present
    inheritance: frozenset[DiseaseInheritance] = field(default_factory=frozenset)
    gene_symbols: tuple[str, ...] = ()
    incomplete_penetrance: bool = False
    """HPO records it 'Typified by incomplete penetrance' (HP:0003829 or a finer term): carriers may be healthy."""


@dataclass(frozen=True)
class Gene:
    """A gene named by its current HGNC symbol; other ids join sources together."""

    hgnc_id: str
    symbol: str
    name: str = ""
    ensembl_gene: str | None = None
    ncbi_gene: str | None = None


@dataclass(frozen=True)
class PhenotypeProfile:
    """The patient's recorded features: observed and explicitly excluded HPO ids."""

    observed: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
