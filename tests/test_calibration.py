"""Issue 17: the numbers behind "of 100 cases like this", and the X-linked null rate."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from workbench.model import InheritanceMode
from workbench.ranking import evidence
from workbench.ranking.result import Ranking, in_100, plain_probabilities

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import calibration  # noqa: E402


def test_plain_words_never_round_to_certainty():
    assert [in_100(p) for p in (0.0, 0.004, 0.3749, 0.996)] == ["0", "fewer than 1", "37", "more than 99"]
    empty = plain_probabilities(Ranking(genes=(), none_probability=1.0, knowledge_version="v"))
    assert empty.top_gene is None and "about more than 99" in empty.none_sentence


def test_an_x_linked_call_is_compared_with_the_x_genes_only():
    """A non-causal gene on chrX is what an X-linked candidate must be told from."""
    counts = {InheritanceMode.X_LINKED_HEMIZYGOUS: 9, InheritanceMode.DE_NOVO: 9}
    background = evidence.ModeBackground(counts)
    x_linked = frozenset({"x-linked"})
    assert background.null_rate(InheritanceMode.X_LINKED_HEMIZYGOUS) == pytest.approx(10 / evidence.X_PROTEIN_CODING_GENES)
    assert background.null_rate(InheritanceMode.DE_NOVO) == pytest.approx(10 / evidence.PROTEIN_CODING_GENES)
    assert background.log10_lr(InheritanceMode.X_LINKED_HEMIZYGOUS, x_linked) == pytest.approx(
        __import__("math").log10(0.75 / (10 / 840)))
    # the rate is a probability: a mitochondrial case with calls in every chrM gene gets no evidence above 1
    crowded = evidence.ModeBackground({InheritanceMode.MITOCHONDRIAL: 40})
    assert crowded.null_rate(InheritanceMode.MITOCHONDRIAL) == 1.0


def test_expected_calibration_error_and_reliability_bins():
    perfect = [(0.25, i < 1) for i in range(4)] + [(0.75, i < 3) for i in range(4)]
    assert calibration.expected_calibration_error(perfect) == pytest.approx(0.0)
    overconfident = [(0.9, False)] * 5 + [(0.9, True)] * 5
    assert calibration.expected_calibration_error(overconfident) == pytest.approx(0.4)
    assert calibration.reliability(overconfident) == [(pytest.approx(0.9), 0.5, 10)]


def test_summary_counts_negatives_and_modes():
    def case(positive, rank, top, none, mode="de_novo"):
        return calibration.CaseResult(positive=positive, known=True, inheritance=mode if positive else "none",
                                      rank=rank, top_probability=top, none_probability=none)
    results = [case(True, 1, 0.9, 0.05), case(True, 3, 0.4, 0.3, "inherited_affected_parent"),
               case(False, 10**6, 0.6, 0.3), case(False, 10**6, 0.1, 0.85)]
    numbers = calibration.summary(results, 10**6)
    assert numbers["negatives with top gene p>=0.5 %"] == 50.0
    assert numbers["known, de novo top-1 %"] == 100.0
    assert numbers["known, inherited from an affected parent top-10 %"] == 100.0
    assert numbers["known genes top-1 %"] == 50.0


def test_false_winners_say_who_takes_the_probability_without_a_diagnosis():
    """A background call that looks causal recurs in the simulator's shared backgrounds: the
    report groups the winners so the share of confident negatives shows how few findings it rests on."""
    def row(gene, mode, phenotype):
        return {"gene": gene, "mode": mode, "prior_log10": -4.0, "phenotype_log10_lr": phenotype,
                "variant_log10_lr": 1.5, "inheritance_log10_lr": 2.8}

    def negative(top, top_row):
        return calibration.CaseResult(positive=False, known=False, inheritance="none", rank=10**6,
                                      top_probability=top, none_probability=1 - top, top_row=top_row)
    results = [negative(0.9, row("EXT2", "homozygous recessive", 1.0)),
               negative(0.6, row("EXT2", "homozygous recessive", 0.0)),
               negative(0.7, row("STXBP1", "de novo", 0.8)),
               negative(0.2, row("PAK1", "de novo", 0.1)),  # below 0.5: not a confident negative
               calibration.CaseResult(positive=True, known=True, inheritance="de_novo", rank=1, top_probability=0.9,
                                      none_probability=0.05, top_row=row("SCN1A", "de novo", 2.0))]
    winners = calibration.false_winners(results)
    assert [(gene, mode, n) for gene, mode, n, _ in winners] == [("EXT2", "homozygous recessive", 2),
                                                                  ("STXBP1", "de novo", 1)]
    assert winners[0][3]["phenotype_log10_lr"] == pytest.approx(0.5)
