"""Plain-language readings of the numbers the screens show; the figure itself goes behind a tooltip.

A clinician reads "strong support" faster than "LR 10^2.1", and "not in gnomAD" is an answer
where "None" is not. The thresholds are the conventional Bayes-factor steps (Kass & Raftery:
10^0.5, 10^1, 10^2) and the ACMG/ClinGen frequency language; each reading keeps its figure.

>>> lr_reading(1.2), lr_reading(-0.1), lr_reading(-1.5)
('moderate support', 'neutral', 'moderate evidence against')
>>> frequency_text(None), frequency_text(3.1e-05)
('not in gnomAD', 'rare (3.1e-05)')
>>> html = annotate("Phenotype: LR 10^1.2; loss of function (×0.79); constraint bin 1 of 10")
>>> "moderate support" in html and 'title="LR 10^1.2' in html and "weakly against" in html
True
"""
from __future__ import annotations

import html as _html
import math
import re


def lr_reading(log10_lr: float) -> str:
    """A log10 likelihood ratio in words (the Bayes-factor steps 10^0.3, 10^1, 10^2)."""
    if math.isnan(log10_lr):
        return "not assessed"
    size = abs(log10_lr)
    if size < 0.3:
        return "neutral"
    strength = "strong" if size >= 2 else "moderate" if size >= 1 else "weak"
    return f"{strength} support" if log10_lr > 0 else f"{strength} evidence against"


def factor_reading(factor: float) -> str:
    """A multiplier (×0.79, ×12) in words."""
    if factor <= 0:
        return "rules out"
    log10 = math.log10(factor)
    if abs(log10) < 0.05:
        return "no effect"
    if abs(log10) < 0.3:
        return "weakly for" if log10 > 0 else "weakly against"
    return lr_reading(log10).replace(" support", " for").replace(" evidence against", " against")


def probability_reading(probability: float) -> str:
    if math.isnan(probability):
        return "not assessed"
    if probability >= 0.5:
        return "likely"
    if probability >= 0.1:
        return "possible"
    if probability >= 0.01:
        return "unlikely"
    return "very unlikely"


def prior_reading(prior_log10: float) -> str:
    """A gene's prior (log10 probability before any evidence) against 1 in ~20,000 genes."""
    return ("higher than average prior" if prior_log10 > -3.8 else
            "average prior" if prior_log10 >= -4.8 else "lower than average prior")


def frequency_text(af: float | None) -> str:
    """gnomAD allele frequency in words, figure kept: an absent allele is "not in gnomAD"."""
    if af is None or (isinstance(af, float) and math.isnan(af)):
        return "not in gnomAD"
    if af == 0:
        return "not in gnomAD (AF 0)"
    word = "ultra-rare" if af < 1e-5 else "rare" if af < 1e-3 else "uncommon" if af < 0.01 else "common"
    return f"{word} ({af:.2g})" if af >= 0.01 else f"{word} ({af:.1e})"


def constraint_reading(bin_number: int, bins: int) -> str:
    share = bin_number / bins
    return ("among the least tolerant genes" if share <= 0.2 else "less tolerant than most" if share <= 0.5
            else "tolerant")


def loeuf_text(loeuf: float | None) -> str:
    """gnomAD LOEUF in words (the figure is the LOEUF column): < 0.35 intolerant, < 0.6 constrained."""
    if loeuf is None or math.isnan(loeuf):
        return "no data"
    return "LoF-intolerant" if loeuf < 0.35 else "constrained" if loeuf < 0.6 else "LoF-tolerant"


def tooltip(reading: str, figure: str) -> str:
    """HTML: the reading, its figure on hover (both escaped)."""
    return f'<abbr title="{_html.escape(figure, quote=True)}">{_html.escape(reading)}</abbr>'


_NUMBER = r"[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?"
_PATTERNS = (
    (re.compile(rf"LR 10\^({_NUMBER})"), lambda m: (lr_reading(float(m[1].replace("−", "-"))),
                                                     f"{m[0]} (likelihood ratio ≈ {10 ** float(m[1].replace('−', '-')):.3g})")),
    (re.compile(rf"×({_NUMBER})"), lambda m: (factor_reading(float(m[1].replace("−", "-"))), m[0])),
    (re.compile(r"constraint bin (\d+) of (\d+)"), lambda m: (constraint_reading(int(m[1]), int(m[2])), m[0])),
    (re.compile(rf"[Pp]rior log10 ({_NUMBER})"), lambda m: (prior_reading(float(m[1].replace("−", "-"))), m[0])),
)


def annotate(text: str) -> str:
    """``text`` as safe HTML with each figure replaced by its reading, the figure in a tooltip."""
    spans: list[tuple[int, int, str]] = []
    for pattern, read in _PATTERNS:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end, _ in spans):
                continue
            reading, figure = read(match)
            spans.append((match.start(), match.end(), tooltip(reading, figure)))
    out, at = [], 0
    for start, end, replacement in sorted(spans):
        out.append(_html.escape(text[at:start]))
        out.append(replacement)
        at = end
    out.append(_html.escape(text[at:]))
    return "".join(out)
