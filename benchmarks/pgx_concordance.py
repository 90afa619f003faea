"""Star-allele caller concordance on simulated trios drawn from the pinned allele definitions.

For each trio and each SNV-defined panel gene, four parental haplotypes are drawn (half the time the
GRCh38 default allele, otherwise a random allele defined only by SNVs, on the nomenclature reference's
background where GRCh38 differs: CYP2C19), the child inherits one from each parent (Mendel; X from the
mother to a son, chrM from the mother), and every defining position
is written with explicit genotypes into a trio VCF. The caller's diplotype is compared with the
truth as the pair of defining-variant sets (two alleles with the same definition cannot be told
apart by any caller). Baseline in the same run: the same child called without its parents.

Second measure: one random defining position of every gene is set to no call in the child; the
number of genes then reported as anything but "not assessed" must be 0.

    python benchmarks/pgx_concordance.py [--trios 300] [--seed 1]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from workbench.io import read_pedigree  # noqa: E402
from workbench.knowledge.pgx_tables import GenePanel, PgxTables, load_pgx_tables  # noqa: E402
from workbench.pgx import CALLABLE_GENES, CallStatus, PgxOptions, run_panel  # noqa: E402

LENGTHS = {"chr1": 248956422, "chr2": 242193529, "chr6": 170805979, "chr7": 159345973, "chr10": 133797422,
           "chr12": 133275309, "chr13": 114364328, "chr16": 90338345, "chr19": 58617616, "chrX": 156040895,
           "chrM": 16569}
ORDER = list(LENGTHS)


def snv_alleles(panel: GenePanel) -> list[str]:
    return [a.name for a in panel.alleles if a.core and not a.structural
            and all(len(v.ref) == 1 and len(v.alt) == 1 for v in a.core)]


def core(panel: GenePanel, name: str) -> frozenset[str]:
    allele = panel.allele(name)
    return frozenset(v.key for v in allele.core) if allele else frozenset()


def haplotype(panel: GenePanel, name: str) -> frozenset[str]:
    """The variants a real haplotype of this allele carries: its core, plus the nomenclature reference allele's
    own variants where GRCh38 carries another allele (every CYP2C19 haplotype but *38 has *1's 94842866G)."""
    if name == panel.default_allele or panel.reference_allele == panel.default_allele:
        return core(panel, name)
    return core(panel, name) | core(panel, panel.reference_allele)


def draw(panel: GenePanel, rng: random.Random, choices: list[str]) -> str:
    return panel.default_allele if rng.random() < 0.5 else rng.choice(choices)


def simulate(tables: PgxTables, genes: list[str], rng: random.Random):
    """Per gene: (father haplotypes, mother haplotypes, child haplotypes), and the sexes."""
    sexes = {"KID": rng.choice("MF"), "DAD": "M", "MUM": "F"}
    truth = {}
    for gene in genes:
        panel = tables.genes[gene]
        choices = snv_alleles(panel)
        chrom = panel.defining_variants[0].chrom
        dad = [draw(panel, rng, choices) for _ in range(2)]
        mum = [draw(panel, rng, choices) for _ in range(2)]
        if chrom == "chrM":
            dad, mum = dad[:1], mum[:1]
            kid = [mum[0]]
        elif chrom == "chrX":
            dad = dad[:1]
            kid = [rng.choice(mum)] + ([] if sexes["KID"] == "M" else [dad[0]])
        else:
            kid = [rng.choice(mum), rng.choice(dad)]
        truth[gene] = {"DAD": dad, "MUM": mum, "KID": kid}
    return truth, sexes


def write_trio(directory: Path, tables: PgxTables, genes: list[str], truth, sexes,
               missing: dict[str, str]) -> tuple[Path, Path]:
    """The trio VCF with every defining position (``missing``: gene -> variant key set to no call in the child)."""
    rows = []
    for gene in genes:
        panel = tables.genes[gene]
        by_position: dict[tuple[str, int], list] = {}
        for v in panel.defining_variants:
            by_position.setdefault((v.chrom, v.pos), []).append(v)
        for (chrom, pos), variants in by_position.items():
            ref = max((v.ref for v in variants), key=len)
            alts = []
            for v in variants:  # spell every change against the longest REF at the position
                alt = v.alt + ref[len(v.ref):]
                if alt not in alts and alt != ref:
                    alts.append(alt)
            index = {v.key: alts.index(v.alt + ref[len(v.ref):]) + 1 for v in variants
                     if v.alt + ref[len(v.ref):] in alts}
            calls = []
            for sample in ("KID", "DAD", "MUM"):
                copies = []
                for name in truth[gene][sample]:
                    carried = [index[k] for k in haplotype(panel, name)
                               if k in index and k.startswith(f"{chrom}:{pos}:")]
                    copies.append(str(carried[0]) if carried else "0")
                if sample == "KID" and any(k in missing.get(gene, "") for k in index) and \
                        missing.get(gene, "").startswith(f"{chrom}:{pos}:"):
                    copies = ["."] * len(copies)
                calls.append("/".join(copies))
            rows.append((ORDER.index(chrom), pos, f"{chrom}\t{pos}\t.\t{ref}\t{','.join(alts)}\t50\tPASS\t.\tGT\t"
                                                  + "\t".join(calls)))
    header = ["##fileformat=VCFv4.2", "##reference=GRCh38"]
    header += [f"##contig=<ID={c},length={n}>" for c, n in LENGTHS.items()]
    header += ['##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
               "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tKID\tDAD\tMUM"]
    vcf = directory / "trio.vcf"
    vcf.write_text("\n".join(header + [r[2] for r in sorted(rows)]) + "\n")
    sex = {"M": "1", "F": "2"}
    ped = directory / "trio.ped"
    ped.write_text(f"F\tKID\tDAD\tMUM\t{sex[sexes['KID']]}\t2\nF\tDAD\t0\t0\t1\t1\nF\tMUM\t0\t0\t2\t1\n")
    solo = directory / "solo.ped"
    solo.write_text(f"F\tKID\t0\t0\t{sex[sexes['KID']]}\t2\nF\tDAD\t0\t0\t1\t1\nF\tMUM\t0\t0\t2\t1\n")
    return vcf, ped


def concordant(panel: GenePanel, called: str, kid: list[str], gene: str) -> bool:
    names = called.split("/")
    got = sorted((core(panel, n) for n in names if n != "MALE"), key=sorted)
    want = sorted((core(panel, n) for n in kid), key=sorted)
    if gene == "MT-RNR1":
        got = got[:1]
    return got == want


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trios", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    tables = load_pgx_tables()
    genes = [g for g in CALLABLE_GENES if snv_alleles(tables.genes[g])]
    rng = random.Random(args.seed)
    trio_ok = solo_ok = total = ambiguous = solo_ambiguous = 0
    misses: dict[str, int] = {}
    normal_with_missing = missing_total = 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for _ in range(args.trios):
            truth, sexes = simulate(tables, genes, rng)
            vcf, ped = write_trio(directory, tables, genes, truth, sexes, {})
            trio = run_panel(vcf, read_pedigree(ped), "KID", PgxOptions("no call"), tables)
            solo = run_panel(vcf, read_pedigree(directory / "solo.ped"), "KID", PgxOptions("no call"), tables)
            for gene in genes:
                panel = tables.genes[gene]
                total += 1
                t, s = trio.gene(gene), solo.gene(gene)
                ok = t.status is not CallStatus.NOT_ASSESSED and concordant(panel, t.diplotype, truth[gene]["KID"],
                                                                            gene)
                trio_ok += ok
                ambiguous += t.status is CallStatus.AMBIGUOUS
                if not ok:
                    misses[gene] = misses.get(gene, 0) + 1
                solo_ambiguous += s.status is CallStatus.AMBIGUOUS
                solo_ok += s.status is not CallStatus.NOT_ASSESSED and concordant(panel, s.diplotype,
                                                                                  truth[gene]["KID"], gene)
            missing = {g: rng.choice(tables.genes[g].defining_variants).key for g in genes}
            vcf, ped = write_trio(directory, tables, genes, truth, sexes, missing)
            broken = run_panel(vcf, read_pedigree(ped), "KID", PgxOptions("no call"), tables)
            for gene in genes:
                missing_total += 1
                normal_with_missing += broken.gene(gene).status is not CallStatus.NOT_ASSESSED
    seconds = time.perf_counter() - started
    print(f"pgx concordance: {args.trios} simulated trios x {len(genes)} SNV-defined genes = {total} diplotypes "
          f"(seed {args.seed}, {seconds:.1f} s)")
    print(f"  trio-phased caller : {100 * trio_ok / total:.2f}% concordant ({total - trio_ok} wrong; "
          f"{ambiguous} reported ambiguous)   floor >= 99%")
    print(f"  baseline, child alone (no parents): {100 * solo_ok / total:.2f}% concordant ({solo_ambiguous} reported "
          "ambiguous: phase left open)")
    if misses:
        print("  discordant by gene: " + ", ".join(f"{g} {n}" for g, n in sorted(misses.items(), key=lambda x: -x[1])))
    print(f"  genes reported other than 'not assessed' with a defining position uncalled: {normal_with_missing} of "
          f"{missing_total}   floor = 0")
    return 0 if trio_ok >= 0.99 * total and normal_with_missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
