"""Per drug, CPIC's recommendation for a gene result, NICU drugs first.

The texts come from the pinned tables (CPIC rows of PAnno's knowledge base, then pypgx's own table);
where neither holds a text for a result the recommendation is left empty and the guideline is named,
never filled in by hand.
"""
from __future__ import annotations

import re

from workbench.knowledge.pgx_tables import GuidelineText, PgxTables
from workbench.pgx.model import DrugGuidance

# Drugs a neonatal unit prescribes or meets, listed first (order within: how often a NICU meets them).
NICU_DRUGS = ("gentamicin", "tobramycin", "amikacin", "neomycin", "streptomycin", "kanamycin", "plazomicin",
              "paromomycin", "omeprazole", "lansoprazole", "pantoprazole", "esomeprazole", "dexlansoprazole",
              "voriconazole", "phenytoin", "fosphenytoin", "sevoflurane", "isoflurane", "desflurane",
              "succinylcholine", "halothane", "enflurane", "methoxyflurane", "rasburicase", "dapsone",
              "methylene blue", "nitrofurantoin", "mercaptopurine", "azathioprine", "thioguanine", "tacrolimus",
              "ondansetron", "ibuprofen", "clopidogrel", "warfarin", "ivacaftor", "codeine", "tramadol")
ACTIONABLE_PRIORITY = "Abnormal/Priority/High Risk"
# Genes whose phenotype table gives no priority: the results after which CPIC advises something specific.
ACTIONABLE_WITHOUT_PRIORITY = {("CFTR", "Favorable Response"), ("IFNL3", "Unfavorable Response")}
_GENOTYPE = re.compile(r"^(rs\d+)\s+([ACGT]+|del/del)$", re.IGNORECASE)


def _same_phenotype(gene: str, ours: str, theirs: str) -> bool:
    """'G6PD Deficient' matches CPIC's 'Deficient; Deficient with CNSHA'; case and gene prefix do not matter."""
    def norm(text: str) -> str:
        text = text.strip().lower()
        prefix = gene.lower() + " "
        return text[len(prefix):] if text.startswith(prefix) else text
    return norm(ours) in {norm(part) for part in theirs.split(";")}


def _genotype_match(row: GuidelineText, alleles: tuple[str, str], genotypes: dict[str, str]) -> bool:
    tokens = [t.strip() for t in (row.genotype or row.phenotype).split(";") if t.strip()]
    for token in tokens:
        match = _GENOTYPE.match(token)
        if match:
            if genotypes.get(match.group(1)) == "".join(sorted(match.group(2).upper())):
                return True
        elif token in alleles:
            return True
    return False


def _pick(rows: tuple[GuidelineText, ...], gene: str, phenotype: str | None, alleles: tuple[str, str] | None,
          score: float | None, genotypes: dict[str, str]) -> GuidelineText | None:
    if phenotype:
        by_phenotype = [r for r in rows if _same_phenotype(gene, phenotype, r.phenotype)]
        if score is not None:  # CPIC splits some phenotypes by activity score ("AS 1" vs "AS 1.5")
            exact = [r for r in by_phenotype if r.genotype.startswith("AS ") and float(r.genotype[3:]) == score]
            by_phenotype = exact or [r for r in by_phenotype if not r.genotype.startswith("AS ")] or by_phenotype
        if by_phenotype:
            return by_phenotype[0]
    if alleles:
        return next((r for r in rows if _genotype_match(r, alleles, genotypes)), None)
    return None


def drug_guidance(tables: PgxTables, gene: str, phenotype: str | None, alleles: tuple[str, str] | None,
                  score: float | None, genotypes: dict[str, str]) -> tuple[DrugGuidance, ...]:
    """CPIC level A/B drugs of ``gene`` with the recommendation for this result (``phenotype`` None: not assessed)."""
    out = []
    seen = set()
    for drug in tables.drugs_for(gene):
        if drug.cpic_level not in ("A", "B", "A/B") or drug.drug in seen:
            continue
        seen.add(drug.drug)
        text, source, actionable = "", "", False
        if alleles is not None:
            row = _pick(tables.guidelines_for(gene, drug.drug), gene, phenotype, alleles, score, genotypes)
            if row is not None and row.recommendation.lower() not in ("none", "no recommendation", "n/a"):
                text, source = row.recommendation, row.source
            if phenotype:
                actionable = (tables.priorities.get((gene, phenotype)) == ACTIONABLE_PRIORITY
                              or (gene, phenotype) in ACTIONABLE_WITHOUT_PRIORITY)
            else:  # genotype-level guidance only (VKORC1, CYP4F2): a matched non-reference genotype is actionable
                actionable = row is not None and any(a != tables.genes[gene].default_allele for a in alleles)
        out.append(DrugGuidance(drug.drug, drug.rxnorm, drug.cpic_level, text, actionable, drug.guideline_url,
                                source, drug.drug in NICU_DRUGS))
    rank = {d: i for i, d in enumerate(NICU_DRUGS)}
    return tuple(sorted(out, key=lambda d: (rank.get(d.drug, len(rank)), d.drug)))
