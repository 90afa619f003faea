"""Star-allele diplotypes from the trio's small-variant calls at the pinned defining positions.

Per gene: read the proband's copies at every defining position; put each variant on the maternal or
paternal haplotype when the parents' genotypes say where it came from; try both phases of the rest
(up to :data:`MAX_UNPHASED` positions); name each haplotype by the allele whose defining variants it
carries most completely (the GRCh38 default allele when it carries none). When the phases left open
give different diplotypes the likeliest (most variants explained by named alleles) is reported as
ambiguous with the others. A missing call at any defining position, or a gene short-read small
variants cannot type (CYP2D6, HLA), is "not assessed" with the reason.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Sequence

from workbench.io.sites import FamilySites, SiteRecord
from workbench.knowledge.pgx_tables import DefiningVariant, GenePanel, PgxTables, StarAllele
from workbench.model import Sex, one_copy_in_males
from workbench.pgx.guidance import drug_guidance
from workbench.pgx.model import CallStatus, GeneResult, PgxPanel, SiteEvidence

# The CPIC level A genes short-read small-variant calls can type, NICU-relevant ones first.
CALLABLE_GENES = ("MT-RNR1", "G6PD", "CYP2C19", "CYP2C9", "RYR1", "CACNA1S", "TPMT", "NUDT15", "CYP3A5", "VKORC1",
                  "CYP4F2", "DPYD", "SLCO1B1", "UGT1A1", "IFNL3", "CFTR")
NOT_CALLABLE = {
    "CYP2D6": "CYP2D6 needs structural-variant-aware calling (whole-gene deletions, duplications and CYP2D6/CYP2D7 "
              "hybrids are invisible to small-variant calls)",
    "HLA-A": "HLA alleles need HLA typing; small-variant calls cannot name them",
    "HLA-B": "HLA alleles need HLA typing; small-variant calls cannot name them",
}
MAX_UNPHASED = 12  # 2**12 phase combinations at most per gene
INDEL_WINDOW = 20  # bases around a defining indel searched for the same indel written elsewhere (repeats)
LIMITATIONS = (
    "Star alleles are called from small-variant calls at the positions that define them in the pinned PharmVar/CPIC "
    "tables (pypgx 0.27.0); alleles defined by deletions, duplications or hybrids (e.g. CYP2C19*36/*37, CYP4F2*DEL) "
    "and variants outside those positions are not detected, and a haplotype carrying none of the defining variants "
    "is reported as the reference allele. CYP2D6 and HLA genes are not assessed. Parents are used to phase the "
    "child's variants; where phase stays unknown the likeliest diplotype is given with the alternatives. "
    "Recommendations are CPIC's for the phenotype as pinned; check the guideline before prescribing."
)


@dataclass(frozen=True)
class PgxOptions:
    """``absent_sites``: how to read a defining position with no record in the VCF: "reference" (a VCF of
    variant sites: no record means no variant; the count is shown per gene) or "no call" (strict: the gene
    is not assessed, as for a gVCF-derived file that lists every confidently-called site)."""

    absent_sites: str = "reference"


Copy = frozenset  # the defining-variant keys one copy of the chromosome carries at a position


def call_panel(sites: FamilySites, tables: PgxTables, options: PgxOptions = PgxOptions()) -> PgxPanel:
    """Every panel gene's result for the proband of ``sites``."""
    if options.absent_sites not in ("reference", "no call"):
        raise ValueError(f"absent_sites must be 'reference' or 'no call', not {options.absent_sites!r}")
    results = [call_gene(tables.genes[g], sites, tables, options) for g in CALLABLE_GENES if g in tables.genes]
    results += [GeneResult(gene, CallStatus.NOT_ASSESSED, reason=reason,
                           drugs=drug_guidance(tables, gene, None, None, None, {}))
                for gene, reason in NOT_CALLABLE.items()]
    return PgxPanel(tuple(results), tables.version, sites.source, options.absent_sites, LIMITATIONS, sites.warnings)


def _minimal(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Trim shared trailing then leading bases (keeping one), so two spellings of one change compare equal."""
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def _genotype_text(copies: Sequence[str | None], ref: str) -> str:
    if not copies or all(c is None for c in copies):
        return "no call"
    return "/".join("." if c is None else ("ref" if c == ref else c) for c in copies)


class _Position:
    """The family's copies at one defining position, each as the set of defining variants it carries."""

    def __init__(self, chrom: str, pos: int, variants: list[DefiningVariant], records: tuple[SiteRecord, ...]):
        self.chrom, self.pos, self.variants, self.records = chrom, pos, variants, records
        self.wanted = {_minimal(v.pos, v.ref, v.alt): v.key for v in variants}
        self.filtered = tuple(f for r in records for f in r.filters)

    def copies(self, sample: str | None) -> tuple[Copy | None, ...] | None:
        """The sample's copies (None = not called), or None when there is no record (absent)."""
        if sample is None or not self.records:
            return None
        merged: list[Copy | None] = []
        for record in self.records:
            alleles = record.genotypes.get(sample, (None,))
            for i, allele in enumerate(alleles):
                key = None if allele is None else self.wanted.get(_minimal(record.pos, record.ref, allele))
                carried = None if allele is None else Copy([key] if key and allele != record.ref else [])
                if i >= len(merged):
                    merged.append(carried)
                elif merged[i] is not None:
                    merged[i] = None if carried is None else merged[i] | carried
        return tuple(merged)

    def text(self, sample: str | None) -> str:
        if sample is None:
            return "not sequenced"
        if not self.records:
            return "no record"
        return "; ".join(_genotype_text(r.genotypes.get(sample, (None,)), r.ref) for r in self.records)


def call_gene(panel: GenePanel, sites: FamilySites, tables: PgxTables, options: PgxOptions) -> GeneResult:
    trio = sites.trio
    positions: dict[tuple[str, int], list[DefiningVariant]] = {}
    for variant in panel.defining_variants:
        positions.setdefault((variant.chrom, variant.pos), []).append(variant)
    if not positions:
        return GeneResult(panel.gene, CallStatus.NOT_ASSESSED, reason="the pinned tables hold no GRCh38 positions",
                          drugs=drug_guidance(tables, panel.gene, None, None, None, {}))
    chrom = next(iter(positions))[0]
    if chrom not in sites.contigs:
        return _not_assessed(panel, tables, f"the VCF has no {chrom} calls", len(positions))
    if options.absent_sites == "reference" and panel.region and sites.region_records.get(panel.region) == 0 and \
            not any(sites.at(c, p) for c, p in positions):
        return _not_assessed(panel, tables, f"the VCF has no record anywhere in {panel.gene} "
                             f"({panel.region[0]}:{panel.region[1]}-{panel.region[2]}): nothing shows the gene was "
                             "sequenced and called, so its defining positions cannot be read as reference",
                             len(positions))
    defines = {}
    for allele in panel.alleles:
        for v in allele.core:
            defines.setdefault(v.key, []).append(allele.name)
    proband = trio.proband
    haploid = chrom == "chrM" or (proband.sex is Sex.MALE and one_copy_in_males(chrom, next(iter(positions))[1]))
    if chrom == "chrX" and proband.sex is Sex.UNKNOWN:
        return _not_assessed(panel, tables, "the proband's sex is unknown, so the number of X copies is unknown",
                             len(positions))
    father = trio.father.id if trio.father else None
    mother = trio.mother.id if trio.mother else None
    warnings: list[str] = []
    evidence: list[SiteEvidence] = []
    uncalled: list[str] = []
    absent = 0
    fixed: list[tuple[Copy, Copy]] = []  # (maternal, paternal) copies already placed
    open_: list[tuple[Copy, Copy]] = []  # het copies whose phase the trio does not tell
    phased_any = False
    for (c, p), variants in sorted(positions.items(), key=lambda item: item[0][1]):
        site = _Position(c, p, variants, sites.at(c, p))
        label = f"{c}:{p} ({', '.join(sorted({n for v in variants for n in defines.get(v.key, [])}))})"
        if not site.records:
            if options.absent_sites != "reference":
                uncalled.append(label + ": no record")
                continue
            absent += 1
            copies: tuple[Copy | None, ...] = (Copy(),) * (1 if haploid else 2)
        elif site.filtered:
            uncalled.append(label + f": the record fails FILTER {','.join(site.filtered)}")
            continue
        else:
            copies = site.copies(proband.id) or (None,)
        if any(len(v.ref) != len(v.alt) for v in variants) and not any(copies) and None not in copies:
            shifted = [r for r in sites.near(c, p, INDEL_WINDOW) if _carries_indel(r, proband.id)]
            if shifted:
                uncalled.append(label + f": the proband carries an indel at {c}:{shifted[0].pos} that may be this "
                                "allele written elsewhere (normalise the VCF: bcftools norm -f GRCh38)")
                continue
        if any(c_ is None for c_ in copies):
            uncalled.append(label + ": no call")
            continue
        if haploid:
            carried = frozenset().union(*copies)
            if len(set(copies)) > 1:
                if chrom == "chrM":
                    warnings.append(f"{c}:{p} is heteroplasmic in the proband (mixed calls); read as carried")
                else:
                    uncalled.append(label + ": a heterozygous call on a male's X (one copy expected)")
                    continue
            fixed.append((carried, carried))
            origin = "hemizygous" if chrom != "chrM" else "mitochondrial"
        elif len(copies) != 2:
            uncalled.append(label + f": {len(copies)} copies called where two are expected")
            continue
        elif copies[0] == copies[1]:
            fixed.append((copies[0], copies[1]))
            origin = "both copies"
        else:
            side = _origin(copies, site.copies(mother), site.copies(father))
            if side == ():
                warnings.append(f"{c}:{p}: the proband's genotype fits neither parent's (de novo or a calling "
                                "error); its phase is left open")
                side = None
            if side is None:
                open_.append((copies[0], copies[1]))
                origin = "not phased"
            else:
                fixed.append(side)
                phased_any = True
                origin = "maternal" if side[0] else "paternal"
        if any(copies) or any((site.copies(mother) or ()) + (site.copies(father) or ())):
            evidence.append(SiteEvidence(
                ",".join(v.key for v in variants), ",".join(filter(None, {v.rsid for v in variants})),
                ", ".join(sorted({n for v in variants for n in defines.get(v.key, [])})),
                site.text(proband.id), site.text(father), site.text(mother), origin if any(copies) else ""))
    if uncalled:
        shown = "; ".join(uncalled[:5]) + (f" and {len(uncalled) - 5} more" if len(uncalled) > 5 else "")
        return _not_assessed(panel, tables, f"no usable call at {len(uncalled)} defining position(s): {shown}",
                             len(positions), tuple(evidence), absent)
    if len(open_) > MAX_UNPHASED:
        return _not_assessed(panel, tables, f"{len(open_)} heterozygous positions the trio cannot phase "
                                            f"(more than {MAX_UNPHASED})", len(positions), tuple(evidence), absent)
    if panel.has_structural_alleles:
        names = [a.name for a in panel.alleles if a.structural and a.name != "MALE"]
        if names:
            warnings.append(f"alleles defined by structural change ({', '.join(names)}) cannot be seen in small-"
                            "variant calls")
    if absent:
        warnings.append(f"{absent} of {len(positions)} defining positions have no record and were read as reference "
                        "(the VCF has other calls in the gene)")
    outcomes = _diplotypes(panel, fixed, open_, haploid and chrom != "chrM" and proband.sex is Sex.MALE)
    (first, second), _ = outcomes[0]
    distinct = list(dict.fromkeys(d for d, _ in outcomes))
    phenotype, score = _phenotype(panel, tables, first, second)
    status = CallStatus.CALLED
    reason = ""
    alternatives: tuple[str, ...] = ()
    if len(distinct) > 1:
        status = CallStatus.AMBIGUOUS
        alternatives = tuple(f"{a}/{b}" for a, b in distinct[1:])
        others = {_phenotype(panel, tables, a, b)[0] for a, b in distinct[1:]}
        reason = (f"{len(open_)} heterozygous position(s) the trio cannot phase: {len(distinct)} diplotypes fit; "
                  f"the one explaining the most variants with named alleles is shown")
        if others != {phenotype}:
            reason += "; the alternatives imply a different phenotype"
            phenotype = "Indeterminate"
    for name in (first, second):
        allele = panel.allele(name)
        if allele is not None and allele.function.lower().startswith(("unknown", "uncertain")) and name != \
                panel.default_allele:
            warnings.append(f"{name} has {allele.function.lower()} in the pinned tables")
    warnings += _unexplained(panel, fixed, open_, first, second)
    functions = " / ".join(_function(panel, n) for n in (first, second))
    genotypes = _rsid_genotypes(panel, sites, proband.id)
    return GeneResult(
        panel.gene, status, f"{first}/{second}", functions, phenotype, score, phased_any, reason,
        alternatives, tuple(dict.fromkeys(warnings)), tuple(evidence), len(positions), absent,
        drug_guidance(tables, panel.gene, phenotype, (first, second), score, genotypes))


def _carries_indel(record: SiteRecord, sample: str) -> bool:
    return any(a is not None and a != record.ref and len(a) != len(record.ref)
               for a in record.genotypes.get(sample, ()))


def _not_assessed(panel: GenePanel, tables: PgxTables, reason: str, total: int,
                  evidence: tuple[SiteEvidence, ...] = (), absent: int = 0) -> GeneResult:
    return GeneResult(panel.gene, CallStatus.NOT_ASSESSED, reason=reason, evidence=evidence, positions_total=total,
                      positions_read_as_reference=absent,
                      drugs=drug_guidance(tables, panel.gene, None, None, None, {}))


def _origin(copies: tuple[Copy | None, ...], mother: tuple[Copy | None, ...] | None,
            father: tuple[Copy | None, ...] | None) -> tuple[Copy, Copy] | tuple[()] | None:
    """(maternal, paternal) when exactly one assignment of the proband's two copies fits the parents' calls;
    () when none does (not Mendelian); None when the parents leave it open.

    A parent not sequenced, or without a call here, constrains nothing.
    """
    def known(parent: tuple[Copy | None, ...] | None) -> set[Copy] | None:
        return None if parent is None or any(c is None for c in parent) else set(parent)  # type: ignore[arg-type]

    m, f = known(mother), known(father)
    if m is None and f is None:
        return None
    a, b = copies
    fits = {(maternal, paternal) for maternal, paternal in ((a, b), (b, a))
            if (m is None or maternal in m) and (f is None or paternal in f)}
    if not fits:
        return ()
    return fits.pop() if len(fits) == 1 else None  # type: ignore[return-value]


def _name(panel: GenePanel, haplotype: frozenset[str]) -> tuple[str, int]:
    """The allele whose defining variants the haplotype carries most completely, and how many it explains.

    On a tie the nomenclature's reference allele loses: where GRCh38 carries another allele (CYP2C19*38),
    the reference allele's own variant (*1's 94842866A>G) is on nearly every haplotype, *17's included.
    """
    best: StarAllele | None = None

    def rank(allele: StarAllele) -> tuple[int, bool]:
        return len(allele.core), allele.name != panel.reference_allele

    for allele in panel.alleles:
        if allele.structural or not allele.core:
            continue
        if {v.key for v in allele.core} <= haplotype and (best is None or rank(allele) > rank(best)):
            best = allele
    if best is None:
        return panel.default_allele, 0
    background = _background(panel)
    if best.name != panel.reference_allele:  # the reference allele's variants ride along with the named allele
        return best.name, len(best.core) + len(background & haplotype)
    return best.name, len(best.core)


def _background(panel: GenePanel) -> frozenset[str]:
    """The reference allele's own variants where GRCh38 carries another allele (CYP2C19: *1's 94842866G)."""
    if panel.reference_allele == panel.default_allele or panel.allele(panel.reference_allele) is None:
        return frozenset()
    return frozenset(v.key for v in panel.allele(panel.reference_allele).core)  # type: ignore[union-attr]


def _diplotypes(panel: GenePanel, fixed: list[tuple[Copy, Copy]], open_: list[tuple[Copy, Copy]],
                hemizygous_male: bool) -> list[tuple[tuple[str, str], int]]:
    """Every phase assignment's diplotype with the variants it explains, likeliest first.

    Equal counts: the diplotype naming the reference allele less often comes first (where GRCh38 differs from
    the reference allele, a named allele carries the reference's variant far more often than not).
    """
    base_m = frozenset().union(*(m for m, _ in fixed)) if fixed else frozenset()
    base_p = frozenset().union(*(p for _, p in fixed)) if fixed else frozenset()
    order = {a.name: i for i, a in enumerate(panel.alleles)}
    outcomes = {}
    for flips in itertools.product((False, True), repeat=len(open_)):
        m, p = set(base_m), set(base_p)
        for (a, b), flip in zip(open_, flips):
            m |= b if flip else a
            p |= a if flip else b
        first, n1 = _name(panel, frozenset(m))
        if hemizygous_male:
            pair, explained = (first, "MALE"), n1
        else:
            second, n2 = _name(panel, frozenset(p))
            pair = tuple(sorted((first, second), key=lambda n: order.get(n, -1)))
            explained = n1 + n2
            if panel.gene == "MT-RNR1":
                pair = (first, first)
        if pair not in outcomes or outcomes[pair] < explained:
            outcomes[pair] = explained  # type: ignore[index]
    has_background = bool(_background(panel))
    return sorted(outcomes.items(), key=lambda item: (  # type: ignore[arg-type]
        -item[1], item[0].count(panel.reference_allele) if has_background else 0))


def _function(panel: GenePanel, name: str) -> str:
    if name == "MALE":
        return "hemizygous (male)"
    allele = panel.allele(name)
    return allele.function if allele else "unknown"


def _phenotype(panel: GenePanel, tables: PgxTables, first: str, second: str) -> tuple[str, float | None]:
    if panel.phenotype_method == "Score":
        scores = [panel.allele(n).activity_score if panel.allele(n) else None for n in (first, second)]
        if any(s is None for s in scores):
            return "Indeterminate", None
        total = float(sum(scores))  # type: ignore[arg-type]
        return tables.phenotype_from_score(panel.gene, total) or "Indeterminate", total
    if panel.phenotype_method == "Diplotype":
        return tables.phenotype(panel.gene, first, second) or "Indeterminate", None
    return "", None


def _unexplained(panel: GenePanel, fixed: list[tuple[Copy, Copy]], open_: list[tuple[Copy, Copy]],
                 first: str, second: str) -> list[str]:
    """Variants of reduced-function alleles the chosen alleles do not account for (a possible novel haplotype)."""
    carried = frozenset().union(*(a | b for a, b in fixed + open_)) if fixed or open_ else frozenset()
    named = [panel.allele(n) for n in (first, second)]
    explained = {v.key for allele in named if allele is not None for v in allele.core}
    out = []
    for key in sorted(carried - explained):
        owners = [a for a in panel.alleles if any(v.key == key for v in a.core)]
        if owners and all(not a.function.lower().startswith(("normal", "class iv")) for a in owners):
            out.append(f"{key} (defines {', '.join(a.name for a in owners)}) is carried but not part of the "
                       f"called alleles: the haplotype may be one the tables do not name")
    return out


def _rsid_genotypes(panel: GenePanel, sites: FamilySites, sample: str) -> dict[str, str]:
    """rsID -> the proband's bases there, sorted (e.g. "CT"), for guidance written per genotype (VKORC1)."""
    out = {}
    for variant in panel.defining_variants:
        if not variant.rsid:
            continue
        records = sites.at(variant.chrom, variant.pos)
        if records:
            alleles = records[0].genotypes.get(sample, (None,))
            if None not in alleles:
                out[variant.rsid] = "".join(sorted(a for a in alleles if a is not None))
        else:
            out[variant.rsid] = variant.ref * 2
    return out
