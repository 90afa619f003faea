"""Variant annotations as clinical pipelines write them: VEP ``CSQ``, SnpEff ``ANN``, bcftools ``BCSQ``.

The parser learns the annotation's field layout once, from the header's ``##INFO`` Description
(``Format: Allele|Consequence|...``), then turns each record's INFO into one
:class:`AlleleAnnotation` per ALT allele: per gene the most severe consequence (preferring the
MANE Select, then the canonical transcript within the most severe impact class, so HGVS comes
from the transcript clinicians report), the population frequency, ClinVar significance and
in-silico scores when present. A VCF without annotation still works: genes are placed by
position from the bundled GENCODE table and every consequence is flagged as unknown.

The population frequency is never INFO/AF: that is the callset's own allele frequency.

>>> header = ('##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from '
...           'Ensembl VEP. Format: Allele|Consequence|IMPACT|SYMBOL|Gene|MANE_SELECT|gnomADg_AF">')
>>> parser = AnnotationParser.from_header(header)
>>> parser.source_label
'VEP CSQ'
>>> [ann] = parser.annotate("chr1", 100, "CAG", ["C"], "AF=0.5;CSQ=-|frameshift_variant|HIGH|ABC1|ENSG1||0.0002")
>>> ann.consequences[0].gene_symbol, ann.consequences[0].impact.name, ann.population_af
('ABC1', 'HIGH', 0.0002)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from workbench.model import GeneConsequence, Impact

# Sequence Ontology consequence terms, most severe first, with VEP's impact class
# (https://www.ensembl.org/info/genome/variation/prediction/predicted_data.html).
SO_SEVERITY: tuple[tuple[str, Impact], ...] = (
    ("transcript_ablation", Impact.HIGH),
    ("splice_acceptor_variant", Impact.HIGH),
    ("splice_donor_variant", Impact.HIGH),
    ("stop_gained", Impact.HIGH),
    ("frameshift_variant", Impact.HIGH),
    ("stop_lost", Impact.HIGH),
    ("start_lost", Impact.HIGH),
    ("transcript_amplification", Impact.HIGH),
    ("feature_elongation", Impact.HIGH),
    ("feature_truncation", Impact.HIGH),
    ("exon_loss_variant", Impact.HIGH),  # SnpEff
    ("inframe_insertion", Impact.MODERATE),
    ("inframe_deletion", Impact.MODERATE),
    ("missense_variant", Impact.MODERATE),
    ("protein_altering_variant", Impact.MODERATE),
    ("splice_donor_5th_base_variant", Impact.LOW),
    ("splice_region_variant", Impact.LOW),
    ("splice_donor_region_variant", Impact.LOW),
    ("splice_polypyrimidine_tract_variant", Impact.LOW),
    ("incomplete_terminal_codon_variant", Impact.LOW),
    ("start_retained_variant", Impact.LOW),
    ("stop_retained_variant", Impact.LOW),
    ("synonymous_variant", Impact.LOW),
    ("coding_sequence_variant", Impact.MODIFIER),
    ("mature_miRNA_variant", Impact.MODIFIER),
    ("5_prime_UTR_premature_start_codon_gain_variant", Impact.LOW),  # SnpEff
    ("5_prime_UTR_variant", Impact.MODIFIER),
    ("3_prime_UTR_variant", Impact.MODIFIER),
    ("non_coding_transcript_exon_variant", Impact.MODIFIER),
    ("intron_variant", Impact.MODIFIER),
    ("NMD_transcript_variant", Impact.MODIFIER),
    ("non_coding_transcript_variant", Impact.MODIFIER),
    ("coding_transcript_variant", Impact.MODIFIER),
    ("upstream_gene_variant", Impact.MODIFIER),
    ("downstream_gene_variant", Impact.MODIFIER),
    ("TFBS_ablation", Impact.MODIFIER),
    ("TFBS_amplification", Impact.MODIFIER),
    ("TF_binding_site_variant", Impact.MODIFIER),
    ("regulatory_region_ablation", Impact.MODERATE),
    ("regulatory_region_amplification", Impact.MODIFIER),
    ("regulatory_region_variant", Impact.MODIFIER),
    ("intragenic_variant", Impact.MODIFIER),  # SnpEff
    ("intergenic_variant", Impact.MODIFIER),
    ("sequence_variant", Impact.MODIFIER),
)
SEVERITY_RANK: dict[str, int] = {term: i for i, (term, _) in enumerate(SO_SEVERITY)}
TERM_IMPACT: dict[str, Impact] = dict(SO_SEVERITY)
_UNRANKED = len(SO_SEVERITY)

# SnpEff and bcftools csq names that are not SO terms, mapped to the SO term VEP would write.
SYNONYMS: dict[str, str] = {
    "conservative_inframe_insertion": "inframe_insertion",
    "disruptive_inframe_insertion": "inframe_insertion",
    "conservative_inframe_deletion": "inframe_deletion",
    "disruptive_inframe_deletion": "inframe_deletion",
    "intergenic_region": "intergenic_variant",
    "gene_fusion": "transcript_ablation",
    "bidirectional_gene_fusion": "transcript_ablation",
    "initiator_codon_variant": "start_lost",
    "non_canonical_start_codon": "start_retained_variant",
    # bcftools csq
    "missense": "missense_variant",
    "synonymous": "synonymous_variant",
    "stop_gained": "stop_gained",
    "stop_lost": "stop_lost",
    "start_lost": "start_lost",
    "start_retained": "start_retained_variant",
    "stop_retained": "stop_retained_variant",
    "frameshift": "frameshift_variant",
    "inframe_altering": "protein_altering_variant",
    "splice_acceptor": "splice_acceptor_variant",
    "splice_donor": "splice_donor_variant",
    "splice_region": "splice_region_variant",
    "5_prime_utr": "5_prime_UTR_variant",
    "3_prime_utr": "3_prime_UTR_variant",
    "intron": "intron_variant",
    "non_coding": "non_coding_transcript_variant",
    "coding_sequence": "coding_sequence_variant",
    "intergenic": "intergenic_variant",
}

# Population frequency fields, looked up inside the annotation and in INFO. The highest value
# found is used: an allele common in any population is not a rare-disease cause. INFO/AF is the
# callset's own frequency and is refused.
DEFAULT_FREQUENCY_FIELDS: tuple[str, ...] = (
    "gnomADg_AF", "gnomADe_AF", "gnomAD_AF", "MAX_AF", "gnomAD_genomes_AF", "gnomAD_exomes_AF",
    "gnomADg_AF_popmax", "gnomADe_AF_popmax", "AF_popmax", "gnomAD_AF_popmax", "popmax_AF",
)
CLINVAR_FIELDS: tuple[str, ...] = ("CLNSIG", "ClinVar_CLNSIG", "CLIN_SIG", "clinvar_clnsig")
# ClinVar's review status (CLNREVSTAT), kept as a score "ClinVar_stars" (0-4, ClinVar's own stars)
CLINVAR_REVIEW_FIELDS: tuple[str, ...] = ("CLNREVSTAT", "ClinVar_CLNREVSTAT", "clinvar_clnrevstat")
# score name -> fields that carry it (VEP plugins, dbNSFP, vcfanno); SpliceAI is the max delta score.
# Raw scores only: a dbNSFP *rankscore* is a percentile over all variants, and the published
# thresholds (workbench.ranking.score_evidence) are set on the raw score.
SCORE_FIELDS: dict[str, tuple[str, ...]] = {
    "REVEL": ("REVEL", "REVEL_score"),
    "BayesDel": ("BayesDel_noAF_score", "BayesDel_noAF"),
    "CADD_PHRED": ("CADD_PHRED", "CADD_phred", "CADD"),
    "SpliceAI_max_DS": ("SpliceAI_pred_DS_AG", "SpliceAI_pred_DS_AL", "SpliceAI_pred_DS_DG",
                        "SpliceAI_pred_DS_DL", "SpliceAI_DS_AG", "SpliceAI_DS_AL", "SpliceAI_DS_DG",
                        "SpliceAI_DS_DL", "SpliceAI_max_DS"),
    "AlphaMissense": ("am_pathogenicity", "AlphaMissense_score", "AlphaMissense"),
}
_DESCRIPTION_RE = re.compile(r'Description="((?:[^"\\]|\\.)*)"')
_INFO_RE = re.compile(r"^##INFO=<ID=([^,>]+),(.*)>\s*$")


@dataclass(frozen=True)
class AlleleAnnotation:
    """What the annotation says about one ALT allele."""

    consequences: tuple[GeneConsequence, ...] = ()
    population_af: float | None = None
    clinvar: str | None = None
    scores: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class _Transcript:
    """One annotation entry (one transcript) reduced to what gene-level selection needs."""

    terms: str
    impact: Impact
    severity: int
    symbol: str
    gene_id: str
    transcript: str | None
    hgvs_c: str | None
    hgvs_p: str | None
    mane: bool
    canonical: bool
    hgnc_id: str | None


def consequence_severity(terms: str) -> tuple[int, Impact]:
    """Rank of the most severe SO term in ``a&b`` (0 = most severe) and its impact class.

    >>> consequence_severity("splice_region_variant&intron_variant")
    (16, <Impact.LOW: 2>)
    """
    best = _UNRANKED
    for term in terms.split("&"):
        best = min(best, SEVERITY_RANK.get(SYNONYMS.get(term, term), _UNRANKED))
    return best, (SO_SEVERITY[best][1] if best < _UNRANKED else Impact.MODIFIER)


def _float(text: str) -> float | None:
    """Largest number in a VEP-style value ('0.1&0.3', '', '.'), or None."""
    best = None
    for part in text.replace("&", ",").split(","):
        if part and part != ".":
            try:
                value = float(part)
            except ValueError:
                continue
            if value == value and (best is None or value > best):  # skip NaN
                best = value
    return best


def _vep_alleles(ref: str, alts: Sequence[str]) -> list[str]:
    """The ALT alleles as VEP writes them in CSQ's Allele column.

    VEP drops the shared first base of indels (a pure deletion becomes '-'); at multi-allelic
    sites only when every allele starts with the same base.

    >>> _vep_alleles("CAG", ["C"]), _vep_alleles("C", ["CT"]), _vep_alleles("A", ["G"])
    (['-'], ['T'], ['G'])
    >>> _vep_alleles("CA", ["C", "CAA"]), _vep_alleles("CA", ["C", "TA"])
    (['-', 'AA'], ['C', 'TA'])
    """
    is_indel = any(len(a) != len(ref) for a in alts)
    if not is_indel:
        return list(alts)
    if len(alts) > 1:
        firsts = {a[0] for a in (ref, *alts) if a and "*" not in a}
        if len(firsts) == 1:
            return [a if a == "*" else (a[1:] or "-") for a in alts]
        return list(alts)
    alt = alts[0]
    if ref[:1] == alt[:1]:
        return [alt[1:] or "-"]
    return [alt]


class AnnotationParser:
    """Reads one VCF's annotation; build with :meth:`from_header`, call :meth:`annotate` per record."""

    def __init__(self, kind: str | None, fields: Sequence[str], frequency_fields: Sequence[str],
                 info_number: dict[str, str]):
        if "AF" in frequency_fields:
            raise ValueError("INFO/AF is the callset's own allele frequency, not a population frequency")
        self.kind = kind  # "CSQ" | "ANN" | "BCSQ" | None
        self.fields = tuple(fields)
        self.frequency_fields = tuple(frequency_fields)
        idx = {name: i for i, name in enumerate(self.fields)}
        self._info_number = info_number
        if kind == "CSQ":
            self._col = {k: idx.get(k) for k in (
                "Allele", "Consequence", "IMPACT", "SYMBOL", "Gene", "Feature", "HGVSc", "HGVSp",
                "MANE_SELECT", "MANE", "CANONICAL", "ALLELE_NUM", "HGNC_ID")}
        elif kind == "ANN":  # the column order is fixed by the SnpEff ANN specification
            self._col = {"Allele": 0, "Consequence": 1, "IMPACT": 2, "SYMBOL": 3, "Gene": 4,
                         "Feature": 6, "HGVSc": 9, "HGVSp": 10}
        elif kind == "BCSQ":
            self._col = {"Consequence": 0, "SYMBOL": 1, "Feature": 2, "HGVSp": 5, "HGVSc": 6}
        else:
            self._col = {}
        self._freq_cols = tuple(idx[f] for f in self.frequency_fields if f in idx) if kind == "CSQ" else ()
        self._clinvar_cols = tuple(idx[f] for f in CLINVAR_FIELDS if f in idx) if kind == "CSQ" else ()
        self._review_cols = tuple(idx[f] for f in CLINVAR_REVIEW_FIELDS if f in idx) if kind == "CSQ" else ()
        self._score_cols = tuple((name, tuple(idx[f] for f in names if f in idx))
                                 for name, names in SCORE_FIELDS.items()) if kind == "CSQ" else ()
        self._score_cols = tuple((n, c) for n, c in self._score_cols if c)
        # INFO-level extras: frequency, ClinVar, scores written by vcfanno / bcftools annotate
        self._info_keys = ({f for f in self.frequency_fields if f in info_number}
                           | {f for f in CLINVAR_FIELDS + CLINVAR_REVIEW_FIELDS if f in info_number}
                           | {f for names in SCORE_FIELDS.values() for f in names if f in info_number}
                           | ({"SpliceAI"} if "SpliceAI" in info_number else set()))
        self._gene_table = None

    @classmethod
    def from_header(cls, header_text: str,
                    frequency_fields: Sequence[str] = DEFAULT_FREQUENCY_FIELDS) -> "AnnotationParser":
        """Detect the annotation from the ``##INFO`` lines (VEP CSQ, then SnpEff ANN, then BCSQ)."""
        descriptions: dict[str, str] = {}
        numbers: dict[str, str] = {}
        for line in header_text.splitlines():
            match = _INFO_RE.match(line)
            if not match:
                continue
            key, rest = match.groups()
            number = re.search(r"Number=([^,>]+)", rest)
            numbers[key] = number.group(1) if number else "."
            descriptions[key] = rest
        for kind in ("CSQ", "ANN", "BCSQ"):
            names = _declared_fields(descriptions.get(kind, ""))
            if names:
                return cls(kind, names, frequency_fields, numbers)
        return cls(None, (), frequency_fields, numbers)

    @property
    def source_label(self) -> str:
        if self.kind is None:
            from workbench.knowledge.gene_table import GENE_TABLE_LABEL
            return f"none: genes placed by position ({GENE_TABLE_LABEL}), consequence unknown"
        return {"CSQ": "VEP CSQ", "ANN": "SnpEff ANN", "BCSQ": "bcftools BCSQ"}[self.kind]

    # -- per record ------------------------------------------------------------------------
    def annotate(self, chrom: str, pos: int, ref: str, alts: Sequence[str], info: str) -> list[AlleleAnnotation]:
        """One :class:`AlleleAnnotation` per ALT allele of the record (in ALT order)."""
        values = self._info_values(info)
        entries = values.get(self.kind) if self.kind else None
        n = len(alts)
        if self.kind is None:
            consequences = [self._placed(chrom, pos, ref, alt) for alt in alts]
            per_allele: list[list[list[str]]] = [[] for _ in alts]
        else:
            per_allele = self._split_entries(entries, ref, alts) if entries else [[] for _ in alts]
            consequences = [self._gene_consequences(rows) for rows in per_allele]
        result = []
        for i in range(n):
            rows = per_allele[i]
            af = self._frequency(rows, values, i, n)
            clinvar = self._clinvar(rows, values, i, n)
            scores = self._scores(rows, values, i, n, alts[i])
            result.append(AlleleAnnotation(consequences[i], af, clinvar, scores))
        return result

    def _info_values(self, info: str) -> dict[str, str]:
        wanted = self._info_keys
        out: dict[str, str] = {}
        for item in info.split(";"):
            key, sep, value = item.partition("=")
            if sep and (key == self.kind or key in wanted):
                out[key] = value
        return out

    def _split_entries(self, text: str, ref: str, alts: Sequence[str]) -> list[list[list[str]]]:
        """Annotation entries (split on '|') grouped by the ALT allele they describe."""
        out: list[list[list[str]]] = [[] for _ in alts]
        rows = [e.split("|") for e in text.split(",")]
        if self.kind == "BCSQ":
            return self._split_bcsq(rows, ref, alts, out)
        if len(alts) == 1:
            out[0] = rows
            return out
        allele_num = self._col.get("ALLELE_NUM")
        if allele_num is not None:
            for row in rows:
                try:
                    k = int(row[allele_num]) - 1
                except (ValueError, IndexError):
                    continue
                if 0 <= k < len(alts):
                    out[k].append(row)
            return out
        a_col = self._col["Allele"]
        names = _vep_alleles(ref, alts) if self.kind == "CSQ" else list(alts)
        index = {name: k for k, name in enumerate(names)}
        raw = {name: k for k, name in enumerate(alts)}
        for row in rows:
            allele = row[a_col] if a_col is not None and a_col < len(row) else ""
            k = index.get(allele, raw.get(allele))
            if k is not None:
                out[k].append(row)
        return out

    @staticmethod
    def _split_bcsq(rows: list[list[str]], ref: str, alts: Sequence[str],
                    out: list[list[list[str]]]) -> list[list[list[str]]]:
        """BCSQ carries no allele column: the dna_change ('123C>T') names the alleles."""
        for row in rows:
            if not row[0] or row[0].startswith("@"):  # '@pos': consequence reported at another record
                continue
            if len(alts) == 1:
                out[0].append(row)
                continue
            change = row[6] if len(row) > 6 else ""
            for k, alt in enumerate(alts):
                if change.endswith(f">{alt}") or f">{alt}+" in change:
                    out[k].append(row)
        return out

    def _gene_consequences(self, rows: list[list[str]]) -> tuple[GeneConsequence, ...]:
        best: dict[str, _Transcript] = {}
        col = self._col
        for row in rows:
            t = self._transcript(row, col)
            if t is None:
                continue
            key = t.gene_id or t.symbol
            current = best.get(key)
            if current is None or _preference(t) < _preference(current):
                best[key] = t
        return tuple(GeneConsequence(
            gene_symbol=t.symbol or t.gene_id, consequence=t.terms, impact=t.impact,
            ensembl_gene=t.gene_id if t.gene_id.startswith("ENSG") else None,
            transcript=t.transcript, hgvs_c=t.hgvs_c, hgvs_p=t.hgvs_p,
            mane_select=t.mane, canonical=t.canonical, hgnc_id=t.hgnc_id) for t in best.values())

    def _transcript(self, row: list[str], col: dict[str, int | None]) -> _Transcript | None:
        def get(name: str) -> str:
            i = col.get(name)
            return row[i] if i is not None and i < len(row) else ""

        symbol, gene_id = get("SYMBOL"), get("Gene")
        if not symbol and not gene_id:
            return None  # intergenic or regulatory feature: no gene to attach
        terms = get("Consequence")
        if self.kind == "BCSQ":
            terms = "&".join(SYNONYMS.get(t, t) for t in terms.lstrip("*").split("&"))
        severity, impact = consequence_severity(terms)
        if severity == SEVERITY_RANK["intergenic_variant"]:
            return None  # SnpEff names the flanking genes of an intergenic region
        declared = get("IMPACT")
        if declared in Impact.__members__ and declared != "UNKNOWN":
            impact = Impact[declared]
        hgvs_p = get("HGVSp") or None
        if hgvs_p and "%3D" in hgvs_p:
            hgvs_p = hgvs_p.replace("%3D", "=")
        mane = bool(get("MANE_SELECT") or get("MANE"))
        hgnc = get("HGNC_ID")
        return _Transcript(
            terms=terms, impact=impact, severity=severity, symbol=symbol,
            gene_id=gene_id, transcript=get("Feature") or None, hgvs_c=get("HGVSc") or None,
            hgvs_p=hgvs_p, mane=mane, canonical=get("CANONICAL") == "YES",
            hgnc_id=(hgnc if hgnc.startswith("HGNC:") else f"HGNC:{hgnc}") if hgnc else None)

    def _placed(self, chrom: str, pos: int, ref: str, alt: str) -> tuple[GeneConsequence, ...]:
        if self._gene_table is None:
            from workbench.knowledge.gene_table import load_gene_table
            self._gene_table = load_gene_table()
        return self._gene_table.place(chrom, pos, ref, alt)

    # -- frequency, ClinVar, scores ---------------------------------------------------------
    def _info_field(self, values: dict[str, str], key: str, i: int, n: int) -> str | None:
        """The allele's value of a Number=A INFO field, or the whole value otherwise."""
        value = values.get(key)
        if value is None:
            return None
        if self._info_number.get(key) == "A" and n > 1:
            parts = value.split(",")
            return parts[i] if i < len(parts) else None
        return value

    def _frequency(self, rows: list[list[str]], values: dict[str, str], i: int, n: int) -> float | None:
        found: list[float] = []
        for c in self._freq_cols:
            for row in rows:
                if c < len(row) and row[c]:
                    value = _float(row[c])
                    if value is not None:
                        found.append(value)
                    break  # the frequency is per allele: the first transcript row that has it is enough
        for key in self.frequency_fields:
            text = self._info_field(values, key, i, n) if key in values else None
            if text:
                value = _float(text)
                if value is not None:
                    found.append(value)
        return max(found) if found else None

    def _clinvar(self, rows: list[list[str]], values: dict[str, str], i: int, n: int) -> str | None:
        for key in CLINVAR_FIELDS:
            text = self._info_field(values, key, i, n) if key in values else None
            if text and text != ".":
                return text
        for c in self._clinvar_cols:
            for row in rows:
                if c < len(row) and row[c]:
                    return row[c]
        return None

    def _scores(self, rows: list[list[str]], values: dict[str, str], i: int, n: int,
                alt: str) -> tuple[tuple[str, float], ...]:
        scores: dict[str, float] = {}

        def keep(name: str, value: float | None) -> None:
            if value is not None and (name not in scores or value > scores[name]):
                scores[name] = value

        for name, cols in self._score_cols:
            for row in rows:
                for c in cols:
                    if c < len(row) and row[c]:
                        keep(name, _float(row[c]))
        for name, names in SCORE_FIELDS.items():
            for key in names:
                if key in values:
                    text = self._info_field(values, key, i, n)
                    keep(name, _float(text) if text else None)
        stars = clinvar_review_stars(self._review_status(rows, values, i, n))
        if stars is not None:
            scores["ClinVar_stars"] = float(stars)
        if "SpliceAI" in values:  # INFO SpliceAI=ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|DP_...
            for entry in values["SpliceAI"].split(","):
                parts = entry.split("|")
                if len(parts) >= 6 and parts[0] == alt:
                    keep("SpliceAI_max_DS", _float(",".join(parts[2:6])))
        return tuple(sorted(scores.items()))


    def _review_status(self, rows: list[list[str]], values: dict[str, str], i: int, n: int) -> str | None:
        for key in CLINVAR_REVIEW_FIELDS:
            text = self._info_field(values, key, i, n) if key in values else None
            if text and text != ".":
                return text
        for c in self._review_cols:
            for row in rows:
                if c < len(row) and row[c]:
                    return row[c]
        return None


def clinvar_review_stars(status: str | None) -> int | None:
    """ClinVar's review status (CLNREVSTAT) as ClinVar's stars; None when not given.

    >>> clinvar_review_stars("criteria_provided,_multiple_submitters,_no_conflicts")
    2
    >>> clinvar_review_stars("reviewed_by_expert_panel"), clinvar_review_stars("no_assertion_criteria_provided")
    (3, 0)
    """
    if not status:
        return None
    text = status.lower().replace(" ", "_").replace("&", ",")
    if "practice_guideline" in text:
        return 4
    if "expert_panel" in text:
        return 3
    if "multiple_submitters" in text and "no_conflicts" in text:
        return 2
    if "conflicting" in text or "no_assertion" in text or "no_classification" in text or "no_criteria" in text:
        return 0
    if "criteria_provided" in text:
        return 1
    return 0


def _declared_fields(info_rest: str) -> list[str]:
    r"""Field names of an annotation from its Description, as VEP ('... Format: A|B') and
    SnpEff ("Functional annotations: 'A | B'") declare them; [] when none is declared.

    >>> _declared_fields('Description="Functional annotations: \'Allele | Annotation \' "')
    ['Allele', 'Annotation']
    """
    match = _DESCRIPTION_RE.search(info_rest)
    text = match.group(1) if match else ""
    first_bar = text.find("|")
    if first_bar < 0:
        return []
    start = text.rfind(":", 0, first_bar) + 1
    return [name.strip().strip("'").strip() for name in text[start:].split("|")]


def _preference(t: _Transcript) -> tuple[int, bool, bool, int]:
    """Sort key: most severe impact class first, then MANE Select, canonical, SO severity."""
    return (t.impact.value, not t.mane, not t.canonical, t.severity)
