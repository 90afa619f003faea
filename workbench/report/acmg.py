"""ACMG/AMP 2015 variant classification with the ClinGen SVI refinements: criteria, a pre-fill
assistant and the combining rules.

The assistant only *suggests* criteria the data in hand supports (consequence, de novo status,
population frequency, phase, phenotype specificity, REVEL); the analyst ticks or unticks them,
adds evidence the data cannot see (each with a reason, marked as added by hand), and
:func:`combine` turns whatever is ticked into a classification with the rule that fired, exactly
as Richards et al. 2015 (Genet Med 17:405, Table 5) lay the rules out.

ClinGen Sequence Variant Interpretation (SVI) refinements applied by the assistant:

- PM2 at supporting strength (SVI 2020: absence from controls is weak evidence on its own);
- PVS1 strength by the PVS1 decision tree (Abou Tayoun et al. 2018) where the data allow it:
  a truncation predicted to escape nonsense-mediated decay (last exon, or the last 50 nt of the
  penultimate exon) is PVS1_Moderate until the analyst shows the lost region is critical; an
  initiation codon change is PVS1_Moderate; otherwise PVS1, noting when NMD was not assessed;
- PP3/BP4 strength from REVEL by the calibrated thresholds of Pejaver et al. 2022.

>>> evidence = AcmgEvidence(consequence="stop_gained", population_af=None, de_novo=True,
...                         parentage_confirmed=True, lof_mechanism=True, nmd="predicted")
>>> assessment = AcmgAssessment(suggest_criteria(evidence))
>>> assessment.codes
('PVS1', 'PS2', 'PM2_Supporting')
>>> assessment.classification.value, assessment.rule
('Pathogenic', 'Pathogenic (i)(a): 1 very strong and >=1 strong')
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from workbench.model import InheritanceMode, Variant


class Strength(Enum):
    VERY_STRONG = "VeryStrong"
    STRONG = "Strong"
    MODERATE = "Moderate"
    SUPPORTING = "Supporting"
    STAND_ALONE = "StandAlone"


class Direction(Enum):
    PATHOGENIC = "pathogenic"
    BENIGN = "benign"


class Criterion(Enum):
    """The 28 ACMG/AMP 2015 criteria with their default direction and strength."""

    PVS1 = ("PVS1", Direction.PATHOGENIC, Strength.VERY_STRONG, "null variant in a gene where loss of function causes disease")
    PS1 = ("PS1", Direction.PATHOGENIC, Strength.STRONG, "same amino-acid change as an established pathogenic variant")
    PS2 = ("PS2", Direction.PATHOGENIC, Strength.STRONG, "de novo, maternity and paternity confirmed")
    PS3 = ("PS3", Direction.PATHOGENIC, Strength.STRONG, "well-established functional studies show a damaging effect")
    PS4 = ("PS4", Direction.PATHOGENIC, Strength.STRONG, "prevalence in affected significantly increased over controls")
    PM1 = ("PM1", Direction.PATHOGENIC, Strength.MODERATE, "mutational hot spot or critical functional domain")
    PM2 = ("PM2", Direction.PATHOGENIC, Strength.MODERATE, "absent from controls (or extremely rare if recessive)")
    PM3 = ("PM3", Direction.PATHOGENIC, Strength.MODERATE, "recessive: in trans with a pathogenic variant")
    PM4 = ("PM4", Direction.PATHOGENIC, Strength.MODERATE, "protein length change (in-frame indel, stop-loss)")
    PM5 = ("PM5", Direction.PATHOGENIC, Strength.MODERATE, "novel missense at a residue where another pathogenic missense is known")
    PM6 = ("PM6", Direction.PATHOGENIC, Strength.MODERATE, "assumed de novo, parentage not confirmed")
    PP1 = ("PP1", Direction.PATHOGENIC, Strength.SUPPORTING, "co-segregation with disease in affected family members")
    PP2 = ("PP2", Direction.PATHOGENIC, Strength.SUPPORTING, "missense in a gene with few benign missense and missense as a mechanism")
    PP3 = ("PP3", Direction.PATHOGENIC, Strength.SUPPORTING, "computational evidence supports a deleterious effect")
    PP4 = ("PP4", Direction.PATHOGENIC, Strength.SUPPORTING, "phenotype highly specific for a disease with a single genetic aetiology")
    PP5 = ("PP5", Direction.PATHOGENIC, Strength.SUPPORTING, "reputable source reports pathogenic")
    BA1 = ("BA1", Direction.BENIGN, Strength.STAND_ALONE, "allele frequency above 5% in population databases")
    BS1 = ("BS1", Direction.BENIGN, Strength.STRONG, "allele frequency greater than expected for the disorder")
    BS2 = ("BS2", Direction.BENIGN, Strength.STRONG, "observed in a healthy adult with full penetrance expected early")
    BS3 = ("BS3", Direction.BENIGN, Strength.STRONG, "well-established functional studies show no damaging effect")
    BS4 = ("BS4", Direction.BENIGN, Strength.STRONG, "lack of segregation in affected family members")
    BP1 = ("BP1", Direction.BENIGN, Strength.SUPPORTING, "missense in a gene where truncating variants cause disease")
    BP2 = ("BP2", Direction.BENIGN, Strength.SUPPORTING, "in trans with a pathogenic variant for a dominant disorder, or in cis")
    BP3 = ("BP3", Direction.BENIGN, Strength.SUPPORTING, "in-frame indel in a repeat region without known function")
    BP4 = ("BP4", Direction.BENIGN, Strength.SUPPORTING, "computational evidence suggests no impact")
    BP5 = ("BP5", Direction.BENIGN, Strength.SUPPORTING, "found in a case with an alternate molecular basis for disease")
    BP6 = ("BP6", Direction.BENIGN, Strength.SUPPORTING, "reputable source reports benign")
    BP7 = ("BP7", Direction.BENIGN, Strength.SUPPORTING, "synonymous with no predicted splice impact")

    def __init__(self, code: str, direction: Direction, strength: Strength, meaning: str) -> None:
        self.code = code
        self.direction = direction
        self.default_strength = strength
        self.meaning = meaning


class Classification(Enum):
    PATHOGENIC = "Pathogenic"
    LIKELY_PATHOGENIC = "Likely pathogenic"
    UNCERTAIN = "Uncertain significance"
    LIKELY_BENIGN = "Likely benign"
    BENIGN = "Benign"


@dataclass(frozen=True)
class AppliedCriterion:
    """One ticked criterion; the strength may be modified (e.g. PM2_Supporting, ClinGen SVI)."""

    criterion: Criterion
    strength: Strength
    reason: str = ""
    manual: bool = False  # added by the analyst (evidence the data cannot see): a reason is required

    @classmethod
    def of(cls, label: str, reason: str = "", manual: bool = False) -> AppliedCriterion:
        """Parse ``"PS2"`` or ``"PM2_Supporting"``; raise ValueError naming the bad label."""
        code, _, modifier = label.strip().partition("_")
        try:
            criterion = Criterion[code.upper()]
            strength = Strength(modifier) if modifier else criterion.default_strength
        except (KeyError, ValueError):
            raise ValueError(f"unknown ACMG criterion {label!r} (expected e.g. 'PS2' or 'PM2_Supporting')") from None
        if strength is Strength.STAND_ALONE and criterion is not Criterion.BA1:
            raise ValueError(f"{label!r}: only BA1 is stand-alone")
        if manual and not reason.strip():
            raise ValueError(f"{label} added by hand needs a reason (what evidence, from where)")
        return cls(criterion, strength, reason, manual)

    @property
    def label(self) -> str:
        if self.strength is self.criterion.default_strength:
            return self.criterion.code
        return f"{self.criterion.code}_{self.strength.value}"


@dataclass(frozen=True)
class AcmgAssessment:
    """The criteria ticked for one variant; the classification is derived, never typed in."""

    criteria: tuple[AppliedCriterion, ...] = ()

    @classmethod
    def of(cls, *labels: str) -> AcmgAssessment:
        return cls(tuple(AppliedCriterion.of(label) for label in labels))

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.criteria)

    @property
    def classification(self) -> Classification:
        return combine(self.criteria)[0]

    @property
    def rule(self) -> str:
        return combine(self.criteria)[1]

    def with_criterion(self, criterion: AppliedCriterion) -> AcmgAssessment:
        """This assessment with ``criterion`` added, replacing one of the same code (e.g. a new strength)."""
        kept = tuple(c for c in self.criteria if c.criterion is not criterion.criterion)
        return AcmgAssessment(kept + (criterion,))


def combine(criteria: tuple[AppliedCriterion, ...] | list[AppliedCriterion]) -> tuple[Classification, str]:
    """Apply the ACMG 2015 combining rules; return the classification and the rule that fired.

    Two very-strong criteria (possible only with strength modification) count as pathogenic,
    since one very strong plus one strong already is. Conflicting pathogenic and benign
    evidence gives Uncertain significance (rule (ii) of that class).

    >>> combine([AppliedCriterion.of("PM2"), AppliedCriterion.of("PM6"), AppliedCriterion.of("PP3")])[0].value
    'Uncertain significance'
    >>> combine([AppliedCriterion.of(c) for c in ("PS2", "PP3", "PP4")])
    (<Classification.LIKELY_PATHOGENIC: 'Likely pathogenic'>, 'Likely pathogenic (iii): 1 strong and >=2 supporting')
    """
    def count(direction: Direction, strength: Strength) -> int:
        return sum(1 for c in criteria if c.criterion.direction is direction and c.strength is strength)

    vs, s, m, p = (count(Direction.PATHOGENIC, x) for x in
                   (Strength.VERY_STRONG, Strength.STRONG, Strength.MODERATE, Strength.SUPPORTING))
    ba, bs, bp = (count(Direction.BENIGN, x) for x in (Strength.STAND_ALONE, Strength.STRONG, Strength.SUPPORTING))
    pathogenic_rules = (
        (vs >= 2, "Pathogenic: >=2 very strong"),
        (vs >= 1 and s >= 1, "Pathogenic (i)(a): 1 very strong and >=1 strong"),
        (vs >= 1 and m >= 2, "Pathogenic (i)(b): 1 very strong and >=2 moderate"),
        (vs >= 1 and m == 1 and p >= 1, "Pathogenic (i)(c): 1 very strong, 1 moderate and 1 supporting"),
        (vs >= 1 and p >= 2, "Pathogenic (i)(d): 1 very strong and >=2 supporting"),
        (s >= 2, "Pathogenic (ii): >=2 strong"),
        (s == 1 and m >= 3, "Pathogenic (iii)(a): 1 strong and >=3 moderate"),
        (s == 1 and m == 2 and p >= 2, "Pathogenic (iii)(b): 1 strong, 2 moderate and >=2 supporting"),
        (s == 1 and m == 1 and p >= 4, "Pathogenic (iii)(c): 1 strong, 1 moderate and >=4 supporting"),
    )
    likely_pathogenic_rules = (
        (vs == 1 and m == 1, "Likely pathogenic (i): 1 very strong and 1 moderate"),
        (s == 1 and 1 <= m <= 2, "Likely pathogenic (ii): 1 strong and 1-2 moderate"),
        (s == 1 and p >= 2, "Likely pathogenic (iii): 1 strong and >=2 supporting"),
        (m >= 3, "Likely pathogenic (iv): >=3 moderate"),
        (m == 2 and p >= 2, "Likely pathogenic (v): 2 moderate and >=2 supporting"),
        (m == 1 and p >= 4, "Likely pathogenic (vi): 1 moderate and >=4 supporting"),
    )
    benign_rules = (
        (ba >= 1, "Benign (i): stand-alone BA1"),
        (bs >= 2, "Benign (ii): >=2 strong"),
    )
    likely_benign_rules = (
        (bs == 1 and bp >= 1, "Likely benign (i): 1 strong and 1 supporting"),
        (bp >= 2, "Likely benign (ii): >=2 supporting"),
    )

    def first(rules: tuple[tuple[bool, str], ...]) -> str | None:
        return next((name for fired, name in rules if fired), None)

    pathogenic = first(pathogenic_rules)
    likely_pathogenic = None if pathogenic else first(likely_pathogenic_rules)
    benign = first(benign_rules)
    likely_benign = None if benign else first(likely_benign_rules)
    if (pathogenic or likely_pathogenic) and (benign or likely_benign):
        return Classification.UNCERTAIN, "Uncertain significance (ii): pathogenic and benign criteria conflict"
    for name, classification in ((pathogenic, Classification.PATHOGENIC),
                                 (likely_pathogenic, Classification.LIKELY_PATHOGENIC),
                                 (benign, Classification.BENIGN),
                                 (likely_benign, Classification.LIKELY_BENIGN)):
        if name:
            return classification, name
    return Classification.UNCERTAIN, "Uncertain significance (i): criteria for other classes not met"


# Sequence Ontology terms of a null (loss-of-function) allele, for PVS1.
NULL_CONSEQUENCES = frozenset({
    "stop_gained", "frameshift_variant", "splice_acceptor_variant", "splice_donor_variant",
    "start_lost", "transcript_ablation", "exon_loss_variant",
})
# Terms that change protein length without truncating it, for PM4.
LENGTH_CHANGING_CONSEQUENCES = frozenset({"inframe_insertion", "inframe_deletion", "stop_lost"})
# REVEL thresholds calibrated by Pejaver et al. 2022 (ClinGen SVI): the strongest level reached applies.
REVEL_PP3 = 0.644
REVEL_BP4 = 0.290
REVEL_PP3_LEVELS = ((0.932, Strength.STRONG), (0.773, Strength.MODERATE), (REVEL_PP3, Strength.SUPPORTING))
REVEL_BP4_LEVELS = ((0.003, Strength.VERY_STRONG), (0.016, Strength.STRONG), (0.183, Strength.MODERATE),
                    (REVEL_BP4, Strength.SUPPORTING))
TRUNCATING = frozenset({"stop_gained", "frameshift_variant"})


@dataclass(frozen=True)
class AcmgEvidence:
    """Plain facts about one variant, from which :func:`suggest_criteria` pre-fills criteria.

    ``lof_mechanism`` is whether loss of function is an established disease mechanism for
    the gene: None (unknown) means PVS1 is not ticked for a null variant, only noted.
    """

    consequence: str
    population_af: float | None = None
    de_novo: bool = False
    parentage_confirmed: bool = False
    in_trans_with_pathogenic: bool = False
    phenotype_specific: bool = False
    lof_mechanism: bool | None = None
    revel: float | None = None
    nmd: str | None = None  # "predicted" | "escapes (…)" | None (not assessed), see knowledge.transcripts
    rare_af: float = 1e-4  # PM2: at or below this counts as "extremely rare"
    expected_max_af: float = 0.01  # BS1: above this is more common than a rare disorder allows
    stand_alone_af: float = 0.05  # BA1

    @classmethod
    def from_variant(cls, variant: Variant, gene_symbol: str, mode: InheritanceMode | None = None,
                     **facts: object) -> AcmgEvidence:
        """Facts the model already carries: the reported consequence in ``gene_symbol``, AF, de novo, REVEL.

        De novo modes are taken as confirmed parentage only when the caller says so
        (``parentage_confirmed=True``), e.g. after trio relatedness QC passed.
        """
        chosen = variant.reported_consequence(gene_symbol)  # the one the report prints
        consequence = chosen.consequence if chosen else ""
        scores = dict(variant.scores)
        revel = scores.get("REVEL", scores.get("revel"))
        de_novo = mode in (InheritanceMode.DE_NOVO, InheritanceMode.X_LINKED_DE_NOVO)
        base: dict[str, object] = {"consequence": consequence, "population_af": variant.population_af,
                                   "de_novo": de_novo, "revel": revel}
        base.update(facts)
        return cls(**base)  # type: ignore[arg-type]


def suggest_criteria(evidence: AcmgEvidence) -> tuple[AppliedCriterion, ...]:
    """The criteria the given facts support, each with the reason; the analyst edits the list.

    >>> [c.label for c in suggest_criteria(AcmgEvidence("missense_variant", 0.0, revel=0.8))]
    ['PM2_Supporting', 'PP3_Moderate']
    >>> [c.label for c in suggest_criteria(AcmgEvidence("synonymous_variant", 0.12))]
    ['BA1']
    """
    terms = set(evidence.consequence.split("&")) if evidence.consequence else set()
    af = evidence.population_af
    suggested: list[AppliedCriterion] = []

    def tick(code: str, reason: str) -> None:
        suggested.append(AppliedCriterion.of(code, reason))

    if terms & NULL_CONSEQUENCES and evidence.lof_mechanism:
        label, why = _pvs1_strength(terms, evidence.nmd)
        tick(label, f"null variant ({evidence.consequence}); loss of function is a known disease mechanism; {why}")
    if evidence.de_novo and evidence.parentage_confirmed:
        tick("PS2", "de novo in the proband; both parents sequenced and parentage confirmed")
    elif evidence.de_novo:
        tick("PM6", "de novo in the proband; parentage not confirmed")
    if af is None or af == 0:
        tick("PM2_Supporting", "absent from population databases (ClinGen SVI: supporting strength)")
    elif af <= evidence.rare_af:
        tick("PM2_Supporting", f"population allele frequency {af:.2g} <= {evidence.rare_af:.2g} "
                               "(ClinGen SVI: supporting strength)")
    if evidence.in_trans_with_pathogenic:
        tick("PM3", "in trans with a pathogenic variant (recessive)")
    if terms & LENGTH_CHANGING_CONSEQUENCES and not terms & NULL_CONSEQUENCES:
        tick("PM4", f"protein length change ({evidence.consequence})")
    if evidence.revel is not None and "missense_variant" in terms:
        revel = evidence.revel
        pp3 = next(((t, s) for t, s in REVEL_PP3_LEVELS if revel >= t), None)
        bp4 = next(((t, s) for t, s in REVEL_BP4_LEVELS if revel <= t), None)
        if pp3:
            tick(_label("PP3", pp3[1]), f"REVEL {revel:.3f} >= {pp3[0]} (Pejaver et al. 2022: {pp3[1].value.lower()})")
        elif bp4:
            tick(_label("BP4", bp4[1]), f"REVEL {revel:.3f} <= {bp4[0]} (Pejaver et al. 2022: {bp4[1].value.lower()})")
    if evidence.phenotype_specific:
        tick("PP4", "phenotype highly specific for the gene's disease")
    if af is not None and af > evidence.stand_alone_af:
        tick("BA1", f"population allele frequency {af:.2g} > {evidence.stand_alone_af:.2g}")
    elif af is not None and af > evidence.expected_max_af:
        tick("BS1", f"population allele frequency {af:.2g} > {evidence.expected_max_af:.2g} expected for the disorder")
    return tuple(suggested)


def _label(code: str, strength: Strength) -> str:
    return code if Criterion[code].default_strength is strength else f"{code}_{strength.value}"


def _pvs1_strength(terms: set[str], nmd: str | None) -> tuple[str, str]:
    """PVS1's strength by the ClinGen PVS1 decision tree, as far as the data go; the reason says how far."""
    if terms & {"transcript_ablation", "exon_loss_variant"}:
        return "PVS1", "the deletion removes the gene or whole exons"
    if "start_lost" in terms:
        return "PVS1_Moderate", "initiation codon change (PVS1 decision tree: moderate unless no alternative start)"
    if terms & TRUNCATING and nmd and nmd.startswith("escapes"):
        return "PVS1_Moderate", (f"the truncation {nmd}, so nonsense-mediated decay is not predicted; raise to "
                                 "Strong if the lost region is critical or removes over 10% of the protein")
    if terms & TRUNCATING and nmd == "predicted":
        return "PVS1", "nonsense-mediated decay predicted (not in the last exon or the last 50 nt of the penultimate)"
    return "PVS1", "NMD and exon context not assessed from the data: check the PVS1 decision tree"
