"""Each trio QC figure beside the range expected for the data type (genome or exome), with an alarm outside it.

The ranges are the commonly published ones for germline short-read calls (GATK best-practice
summaries; Wang et al. 2015 for het/hom-alt by ancestry): Ti/Tv is about 2.0-2.1 over a whole
genome and about 2.8-3.0 in coding sequence (exome); a random substitution gives 0.5, so a
Ti/Tv near 0.5 means calls that are mostly noise or simulated. They are defaults for a laboratory
to replace with its own validated ranges; every figure says which range it was held against.

>>> from workbench.model import Sex
>>> from workbench.qc.trio_qc import SampleQC
>>> sample = SampleQC("P1", "proband", 100, 0.99, 250, 100, 48, 100, 30, 0.5, Sex.FEMALE, Sex.FEMALE)
>>> [(a.measure, a.value_text, a.status) for a in assess_sample(sample, "exome")][:2]
[('Call rate', '99.0%', 'within range'), ('Heterozygous / homozygous-alt', '2.50', 'outside range')]
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from workbench.qc.trio_qc import FIRST_DEGREE_RANGE, LOW_CALL_RATE, ParentQC, SampleQC, TrioQC

DATA_TYPES = ("genome", "exome")
GENOME_MIN_RECORDS = 1_000_000  # fewer records than this reads as an exome (or a targeted panel)


@dataclass(frozen=True)
class ExpectedRange:
    low: float | None
    high: float | None
    percent: bool = False

    def contains(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def text(self) -> str:
        def fmt(x: float) -> str:
            return f"{100 * x:.0f}%" if self.percent else f"{x:g}"
        if self.low is not None and self.high is not None:
            return f"{fmt(self.low)}–{fmt(self.high)}"
        return f"≥ {fmt(self.low)}" if self.low is not None else f"≤ {fmt(self.high)}"


# measure -> data type -> range
RANGES: dict[str, dict[str, ExpectedRange]] = {
    "Call rate": {"genome": ExpectedRange(LOW_CALL_RATE, None, True), "exome": ExpectedRange(LOW_CALL_RATE, None, True)},
    "Heterozygous / homozygous-alt": {"genome": ExpectedRange(1.3, 2.3), "exome": ExpectedRange(1.3, 2.3)},
    "Ti/Tv": {"genome": ExpectedRange(1.9, 2.2), "exome": ExpectedRange(2.6, 3.3)},
    "Kinship to proband": {"genome": ExpectedRange(*FIRST_DEGREE_RANGE), "exome": ExpectedRange(*FIRST_DEGREE_RANGE)},
    "Mendelian errors": {"genome": ExpectedRange(0.0, 0.01, True), "exome": ExpectedRange(0.0, 0.01, True)},
}
MEANINGS = {
    "Call rate": "share of autosomal records with a genotype",
    "Heterozygous / homozygous-alt": "varies with ancestry; far outside suggests contamination or a caller problem",
    "Ti/Tv": "transitions per transversion; 0.5 is what random errors give",
    "Kinship to proband": "a parent shares half the genome: about 0.25",
    "Mendelian errors": "opposite homozygotes per informative site: impossible for a true parent",
}


@dataclass(frozen=True)
class QcAssessment:
    sample_id: str
    role: str
    measure: str
    value: float
    expected: ExpectedRange | None
    data_type: str

    @property
    def status(self) -> str:
        if self.expected is None or math.isnan(self.value):
            return "not assessed"
        return "within range" if self.expected.contains(self.value) else "outside range"

    @property
    def value_text(self) -> str:
        if math.isnan(self.value):
            return "n/a"
        if self.expected is not None and self.expected.percent:
            return f"{100 * self.value:.2f}%" if self.value < 0.1 else f"{100 * self.value:.1f}%"
        return f"{self.value:.2f}"

    @property
    def expected_text(self) -> str:
        return f"{self.expected.text()} ({self.data_type})" if self.expected else "no reference range"

    @property
    def alarm(self) -> str | None:
        if self.status != "outside range":
            return None
        return (f"{self.measure} of the {self.role} {self.sample_id} is {self.value_text}, outside the "
                f"{self.expected_text} expected: {MEANINGS[self.measure]}.")


def infer_data_type(records: int) -> str:
    """Genome when the VCF holds at least a genome's worth of records, else exome (a guess: say so)."""
    return "genome" if records >= GENOME_MIN_RECORDS else "exome"


def _assessment(sample_id: str, role: str, measure: str, value: float, data_type: str) -> QcAssessment:
    return QcAssessment(sample_id, role, measure, value, RANGES[measure].get(data_type), data_type)


def assess_sample(sample: SampleQC, data_type: str) -> list[QcAssessment]:
    return [_assessment(sample.sample_id, sample.role, measure, value, data_type) for measure, value in
            (("Call rate", sample.call_rate), ("Heterozygous / homozygous-alt", sample.het_hom_ratio),
             ("Ti/Tv", sample.ti_tv))]


def assess_parent(parent: ParentQC, data_type: str) -> list[QcAssessment]:
    return [_assessment(parent.sample_id, parent.role, "Kinship to proband", parent.kinship, data_type),
            _assessment(parent.sample_id, parent.role, "Mendelian errors", parent.mendelian_error_rate, data_type)]


def assess(qc: TrioQC, data_type: str) -> list[QcAssessment]:
    """Every figure of the trio, samples first, then the parent-child checks."""
    if data_type not in DATA_TYPES:
        raise ValueError(f"data type {data_type!r} is not one of {', '.join(DATA_TYPES)}")
    found = [a for s in qc.samples for a in assess_sample(s, data_type)]
    return found + [a for p in qc.parents for a in assess_parent(p, data_type)]
