"""In-silico scores and ClinVar as variant evidence, at published calibrated strengths.

A real VEP-annotated VCF often carries REVEL, AlphaMissense, BayesDel, CADD, SpliceAI and
ClinVar; the benchmark's VCFs carry none, so nothing here is (or could be) fitted to our cases.
Every threshold below is a published ClinGen calibration, and every strength is turned into a
likelihood ratio with the odds of pathogenicity of the ACMG/AMP Bayesian framework (Tavtigian
et al., Genet Med 2018; 20:1054): supporting 2.08, moderate 4.33, strong 18.7, very strong 350;
benign evidence takes the reciprocal. Those are the ratios
P(score in this interval | pathogenic) / P(... | benign) the calibrations were built to meet.

* **Missense predictors** (for missense and in-frame changes only, the variants they were
  calibrated on), thresholds from Pejaver et al., AJHG 2022; 109:2163 (ClinGen SVI, Table 2):
  REVEL PP3 >= 0.644 / 0.773 / 0.932 (supporting / moderate / strong), BP4 <= 0.290 / 0.183 /
  0.016 / 0.003 (supporting ... very strong); BayesDel (no AF) PP3 >= 0.13 / 0.27 / 0.41, BP4
  <= -0.18 / -0.36; CADD (PHRED) PP3 >= 25.3 / 28.1, BP4 <= 22.7 / 17.3 / 0.15. AlphaMissense
  from Bergquist et al., Genet Med 2025 (ClinGen SVI calibration): PP3 >= 0.792 / 0.906 / 0.990,
  BP4 <= 0.169 / 0.099. ClinGen asks for one predictor per variant, so the first present in
  the order REVEL, AlphaMissense, BayesDel, CADD is used, and the others are only shown.
* **SpliceAI** (max delta score), Walker et al., AJHG 2023; 110:1046 (ClinGen SVI Splicing
  Subgroup): >= 0.2 is PP3 (supporting) for a predicted splice effect, <= 0.1 is BP4
  (supporting). It applies to any class except a canonical splice-site loss of function
  (already scored as loss of function). For a missense change PP3 is taken once, from the
  stronger of the missense predictor and SpliceAI; BP4 needs both to say benign.
* **ClinVar.** A classification weighs by its review status (the ClinVar "stars"): an expert
  panel or practice guideline (3-4 stars) counts as strong, several submitters without conflict
  (2) as moderate, one submitter with criteria (1) as supporting, no criteria (0) or conflicting
  interpretations as nothing. This mapping of stars to strengths is a round clinical choice,
  not a published calibration, and is said so in the explanation. A classification already
  weighs the in-silico evidence (PP3/BP4), so when ClinVar counts, the predictors are shown but
  not counted again. VEP's ``CLIN_SIG`` carries no review status and counts as one star.

>>> from workbench.model import Variant
>>> v = Variant("chr1", 10, "A", "G", {}, scores=(("REVEL", 0.8),))
>>> found = score_evidence(v, "missense")
>>> round(found.log10_lr, 3), found.parts[0].text
(0.636, 'REVEL 0.8 (PP3 moderate, Pejaver 2022): ×4.3')
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from workbench.model import Variant

ODDS_OF_PATHOGENICITY = {"supporting": 2.08, "moderate": 4.33, "strong": 18.7, "very strong": 350.0}
_LEVELS = ("supporting", "moderate", "strong", "very strong")

# name -> (citation, PP3 thresholds by level (score >= t), BP4 thresholds by level (score <= t))
MISSENSE_PREDICTORS: dict[str, tuple[str, tuple[float, ...], tuple[float, ...]]] = {
    "REVEL": ("Pejaver 2022", (0.644, 0.773, 0.932), (0.290, 0.183, 0.016, 0.003)),
    "AlphaMissense": ("Bergquist 2025", (0.792, 0.906, 0.990), (0.169, 0.099)),
    "BayesDel": ("Pejaver 2022", (0.13, 0.27, 0.41), (-0.18, -0.36)),
    "CADD_PHRED": ("Pejaver 2022", (25.3, 28.1), (22.7, 17.3, 0.15)),
}
SPLICEAI = "SpliceAI_max_DS"
SPLICEAI_PP3, SPLICEAI_BP4 = 0.2, 0.1  # Walker et al. 2023
CLINVAR_STARS = "ClinVar_stars"  # the review status as stars (workbench.io.annotation.clinvar_review_stars)
_STARS_LEVEL = {0: None, 1: "supporting", 2: "moderate", 3: "strong", 4: "strong"}
_MISSENSE_CLASSES = frozenset({"missense", "in-frame indel"})


@dataclass(frozen=True)
class ScorePart:
    """One score's (or ClinVar's) verdict: its log10 LR and a sentence; counted or only shown."""

    name: str
    log10_lr: float
    text: str
    counted: bool = True


@dataclass(frozen=True)
class ScoreEvidence:
    parts: tuple[ScorePart, ...]

    @property
    def log10_lr(self) -> float:
        return sum(p.log10_lr for p in self.parts if p.counted)

    def sentence(self) -> str:
        """'REVEL 0.8 (PP3 moderate, Pejaver 2022): ×4.3; CADD 27 (shown, not counted)' or ''."""
        return "; ".join(p.text if p.counted else f"{p.text} (shown, not counted)" for p in self.parts)


def _signed(level: str, benign: bool) -> float:
    value = math.log10(ODDS_OF_PATHOGENICITY[level])
    return -value if benign else value


def predictor_level(name: str, value: float) -> tuple[str, str] | None:
    """('PP3' or 'BP4', strength) of a missense predictor's score, or None (indeterminate).

    >>> predictor_level("REVEL", 0.95), predictor_level("REVEL", 0.5), predictor_level("REVEL", 0.01)
    (('PP3', 'strong'), None, ('BP4', 'strong'))
    >>> predictor_level("AlphaMissense", 0.8)
    ('PP3', 'supporting')
    """
    _, pathogenic, benign = MISSENSE_PREDICTORS[name]
    up = [lvl for lvl, t in zip(_LEVELS, pathogenic) if value >= t]
    if up:
        return "PP3", up[-1]
    down = [lvl for lvl, t in zip(_LEVELS, benign) if value <= t]
    if down:
        return "BP4", down[-1]
    return None


def clinvar_verdict(significance: str | None) -> str | None:
    """'pathogenic', 'benign' or None (uncertain, conflicting, other, absent).

    >>> clinvar_verdict("Pathogenic/Likely_pathogenic"), clinvar_verdict("likely_benign")
    ('pathogenic', 'benign')
    >>> clinvar_verdict("Conflicting_classifications_of_pathogenicity"), clinvar_verdict("uncertain_significance")
    (None, None)
    >>> clinvar_verdict("pathogenic&benign")
    """
    if not significance:
        return None
    text = significance.lower().replace(" ", "_")
    if "conflicting" in text:
        return None
    words = {w for w in text.replace("/", "&").replace(",", "&").replace("|", "&").split("&") if w}
    pathogenic = any(w in ("pathogenic", "likely_pathogenic", "pathogenic/likely_pathogenic") for w in words)
    benign = any(w in ("benign", "likely_benign", "benign/likely_benign") for w in words)
    if pathogenic == benign:
        return None
    return "pathogenic" if pathogenic else "benign"


def _clinvar_part(variant: Variant, scores: dict[str, float]) -> ScorePart | None:
    verdict = clinvar_verdict(variant.clinvar)
    if verdict is None:
        return None
    stars = int(scores[CLINVAR_STARS]) if CLINVAR_STARS in scores else None
    level = _STARS_LEVEL.get(1 if stars is None else min(stars, 4))
    shown = f"{stars} star{'s' if stars != 1 else ''}" if stars is not None else "review status not given: one star"
    if level is None:
        return ScorePart("ClinVar", 0.0, f"ClinVar {variant.clinvar} ({shown}: no criteria, not counted)", counted=False)
    value = _signed(level, verdict == "benign")
    return ScorePart("ClinVar", value, f"ClinVar {variant.clinvar} ({shown}, counted as {level}): ×{10 ** value:.2g}")


def score_evidence(variant: Variant, klass: str | None) -> ScoreEvidence:
    """The variant's in-silico and ClinVar evidence for an allele of consequence class ``klass``."""
    scores = dict(variant.scores)
    parts: list[ScorePart] = []
    clinvar = _clinvar_part(variant, scores)
    if clinvar is not None:
        parts.append(clinvar)
    clinvar_counts = clinvar is not None and clinvar.counted
    predictions: list[ScorePart] = []
    missense_benign = False
    if klass in _MISSENSE_CLASSES:
        chosen = next((name for name in MISSENSE_PREDICTORS if name in scores), None)
        for name in MISSENSE_PREDICTORS:
            if name not in scores:
                continue
            value, source = scores[name], MISSENSE_PREDICTORS[name][0]
            level = predictor_level(name, value)
            if level is None:
                predictions.append(ScorePart(name, 0.0, f"{name} {value:.3g} (indeterminate, {source})", counted=False))
                continue
            code, strength = level
            missense_benign |= name == chosen and code == "BP4"
            log10_lr = _signed(strength, code == "BP4")
            predictions.append(ScorePart(name, log10_lr, f"{name} {value:.3g} ({code} {strength}, {source}): "
                                                         f"×{10 ** log10_lr:.2g}", counted=name == chosen))
    splice = scores.get(SPLICEAI)
    if splice is not None and klass != "loss of function":
        if splice >= SPLICEAI_PP3:
            part = ScorePart("SpliceAI", _signed("supporting", False),
                             f"SpliceAI {splice:.2f} (PP3 supporting for splicing, Walker 2023): ×2.1")
        elif splice <= SPLICEAI_BP4 and (klass not in _MISSENSE_CLASSES or missense_benign or not predictions):
            part = ScorePart("SpliceAI", _signed("supporting", True),
                             f"SpliceAI {splice:.2f} (BP4 supporting: no splice effect, Walker 2023): ×0.48")
        else:
            part = ScorePart("SpliceAI", 0.0, f"SpliceAI {splice:.2f} (indeterminate, Walker 2023)", counted=False)
        predictions.append(part)
    predictions = _one_pp3(predictions)
    if clinvar_counts:  # a classification already weighs the predictors (see module doc)
        predictions = [ScorePart(p.name, p.log10_lr, p.text, counted=False) for p in predictions]
    return ScoreEvidence(tuple(parts + predictions))


def short_summary(variant: Variant, klass: str | None) -> str:
    """One table cell: the counted evidence with its factor, e.g. 'REVEL 0.953 ×19'; '' when none.

    >>> from workbench.model import Variant
    >>> short_summary(Variant("chr1", 10, "A", "G", {}, scores=(("REVEL", 0.1),)), "missense")
    'REVEL 0.1 ×0.23'
    """
    found = score_evidence(variant, klass)
    return "; ".join(f"{p.text.split(' (')[0]} ×{10 ** p.log10_lr:.2g}" for p in found.parts if p.counted)


def _one_pp3(parts: list[ScorePart]) -> list[ScorePart]:
    """PP3 and BP4 are one criterion each: with any pathogenic prediction only the strongest
    counts (a splice PP3 overrides a missense BP4, Walker 2023); otherwise the strongest benign one."""
    counted = [p for p in parts if p.counted and p.log10_lr != 0]
    if not counted:
        return parts
    up = [p for p in counted if p.log10_lr > 0]
    keep = max(up, key=lambda p: p.log10_lr) if up else min(counted, key=lambda p: p.log10_lr)
    return [p if p is keep or not p.counted else ScorePart(p.name, p.log10_lr, p.text, counted=False)
            for p in parts]
