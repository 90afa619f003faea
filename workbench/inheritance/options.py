"""Thresholds of the inheritance analysis: call quality and per-mode population frequency."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

from workbench.model import Impact, InheritanceMode as M

# Highest population allele frequency a variant may have and still explain a rare disease under
# each mode. Dominant and de novo alleles must be nearly absent from the population (Exomiser:
# 0.1%); recessive alleles are carried by healthy heterozygotes, so they may be commoner (2%).
# A hemizygous male is affected, but female carriers of the allele sit in gnomAD: 1%.
DEFAULT_MAX_POPULATION_AF: Mapping[M, float] = MappingProxyType({
    M.DE_NOVO: 0.001,
    M.X_LINKED_DE_NOVO: 0.001,
    M.DOMINANT_INHERITED: 0.001,
    M.REDUCED_PENETRANCE: 0.001,
    M.HETEROZYGOUS_UNPHASED: 0.001,
    M.HOMOZYGOUS_RECESSIVE: 0.02,
    M.COMPOUND_HETEROZYGOUS: 0.02,
    M.POSSIBLE_COMPOUND_HETEROZYGOUS: 0.02,
    M.X_LINKED_HEMIZYGOUS: 0.01,
    M.MITOCHONDRIAL: 0.002,
})


@dataclass(frozen=True)
class InheritanceOptions:
    """Call-quality thresholds (they keep artifacts out) and per-mode frequency ceilings.

    Proband: ``min_gq``, ``min_depth``; a heterozygous call is too skewed when its alt-read
    fraction lies outside ``het_allele_balance`` *and* a binomial test says a true heterozygote
    would show it less often than ``het_balance_alpha`` (1 of 8 reads happens to real calls at
    low depth; 4 of 34 does not); a homozygous call needs at least ``min_hom_allele_balance``.
    A de novo call must look like a clean heterozygote: its alt-read fraction at least
    ``de_novo_min_allele_balance`` (lower fractions are the typical de novo artifact, or mosaicism).
    Parents: a homozygous-reference call confirms absence (de novo, phase) only with depth
    ``parent_min_depth`` and GQ ``parent_min_gq``; it is suspect (an artifact, or a mosaic
    parent) when it shows more than ``parent_max_alt_reads`` alt reads *and* more than
    ``parent_max_alt_fraction`` of its reads. Such an allele is never called de novo; with
    ``keep_parental_alt_read_alleles`` it stays a candidate of unknown origin (de novo, a mosaic
    parent or an artifact: the data cannot tell), otherwise it is dropped. ``require_pass``: drop records with a FILTER.
    ``min_impact``: keep only consequences at least this severe (None keeps all: some causal
    variants are intronic or in a UTR; position-only placements always pass).
    """

    min_gq: int = 20
    min_depth: int = 8
    het_allele_balance: tuple[float, float] = (0.2, 0.8)
    min_hom_allele_balance: float = 0.8
    het_balance_alpha: float = 0.01
    de_novo_min_allele_balance: float = 0.3
    parent_min_depth: int = 10
    parent_min_gq: int = 20
    parent_max_alt_reads: int = 2
    parent_max_alt_fraction: float = 0.04
    keep_parental_alt_read_alleles: bool = True
    require_pass: bool = True
    min_impact: Impact | None = None
    max_population_af: Mapping[M, float] = field(default_factory=lambda: dict(DEFAULT_MAX_POPULATION_AF))

    def max_af(self, mode: M) -> float:
        return self.max_population_af.get(mode, DEFAULT_MAX_POPULATION_AF[mode])
