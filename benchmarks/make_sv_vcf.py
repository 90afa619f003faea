"""Write a large trio CNV VCF (default 50,000 records) for the SV speed benchmark.

The records look like a whole-genome CNV caller's (symbolic ``<DEL>``/``<DUP>``, ``SVTYPE``,
``END``, ``SVLEN``, ``FORMAT GT:CN:GQ``) and carry what a real callset carries: sites of the
pinned gnomAD v4 SV table drawn in proportion to how often a person carries them (2 x AF, so
common CNVs dominate as they do in a real genome), the parents' genotypes in Hardy-Weinberg
proportions passed on by Mendel's rules (a male's X haploid), plus one rare event in a gene for
every 100 records (absent from gnomAD, 1 kb - 1 Mb, in one parent or de novo); GQ 5-99 and
``LowQual`` below 20. The samples are the PED's proband and parents, so the file ranks beside
that case's small-variant VCF.

    python benchmarks/make_sv_vcf.py --ped case.ped --out /tmp/big.sv.vcf.gz [--records 50000 --seed 1]
"""
from __future__ import annotations

import argparse
import gzip
import random
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CONTIGS = {**{f"chr{i}": n for i, n in enumerate(
    (248956422, 242193529, 198295559, 190214555, 181538259, 170805979, 159345973, 145138636, 138394717,
     133797422, 135086622, 133275309, 114364328, 107043718, 101991189, 90338345, 83257441, 80373285,
     58617616, 64444167, 46709983, 50818468), start=1)}, "chrX": 156040895}
RARE_SHARE = 0.01


def _sites(records: int, rng: np.random.Generator) -> list[tuple[str, int, int, str, bool]]:
    """(chrom, start, end, DEL/DUP, rare) drawn from gnomAD by carrier frequency, plus rare events."""
    from workbench.knowledge.sv_frequency import SV_FREQUENCY_FILE
    from workbench.paths import knowledge_dir

    rows = []
    with gzip.open(knowledge_dir() / SV_FREQUENCY_FILE, "rt") as fh:
        for line in fh:
            chrom, start, end, kind, af = line.rstrip("\n").split("\t")
            if chrom in CONTIGS:
                rows.append((chrom, int(start) + 1, int(end), kind, float(af)))
    weights = np.array([min(2 * r[4], 1.0) for r in rows])
    rare = int(records * RARE_SHARE)
    chosen = rng.choice(len(rows), size=records - rare, replace=False, p=weights / weights.sum())
    sites = [(*rows[i][:4], False) for i in chosen]
    names = list(CONTIGS)
    for _ in range(rare):
        chrom = names[rng.choice(len(names), p=np.array(list(CONTIGS.values())) / sum(CONTIGS.values()))]
        length = int(10 ** rng.uniform(3, 6))
        start = int(rng.integers(10_000, CONTIGS[chrom] - length - 10_000))
        sites.append((chrom, start, start + length - 1, "DEL" if rng.random() < 0.6 else "DUP", True))
    sites.sort(key=lambda s: (names.index(s[0]), s[1]))
    return sites


def _gt(copies: int, haploid: bool) -> str:
    return str(min(copies, 1)) if haploid else ("0/0", "0/1", "1/1")[min(copies, 2)]


def write(path: Path, proband, father, mother, records: int, seed: int) -> None:
    from workbench.knowledge.sv_knowledge import load_sv_knowledge
    from workbench.model import Sex

    rng = np.random.default_rng(seed)
    pick = random.Random(seed)
    frequencies = load_sv_knowledge().frequencies
    people = [p for p in (proband, father, mother) if p is not None]
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt") as fh:
        fh.write("##fileformat=VCFv4.2\n##source=make_sv_vcf.py\n##reference=GRCh38\n")
        for chrom, length in CONTIGS.items():
            fh.write(f"##contig=<ID={chrom},length={length}>\n")
        fh.write('##ALT=<ID=DEL,Description="Deletion">\n##ALT=<ID=DUP,Description="Duplication">\n'
                 '##FILTER=<ID=LowQual,Description="Low quality call">\n'
                 '##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type of structural variant">\n'
                 '##INFO=<ID=END,Number=1,Type=Integer,Description="End position of the variant">\n'
                 '##INFO=<ID=SVLEN,Number=1,Type=Integer,Description="Length of the variant">\n'
                 '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                 '##FORMAT=<ID=CN,Number=1,Type=Integer,Description="Copy number">\n'
                 '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">\n')
        fh.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(p.id for p in people) + "\n")
        for n, (chrom, start, end, kind, rare) in enumerate(_sites(records, rng)):
            af = 0.0 if rare else (frequencies.frequency(chrom, start, end, kind) or 0.0)
            male_x = {p.id: chrom == "chrX" and p.sex is Sex.MALE for p in people}
            while True:
                if rare:
                    carrier = pick.choice(("father", "mother", "de novo"))
                    dad, mum = int(carrier == "father"), int(carrier == "mother")
                else:
                    dad, mum = (int(rng.binomial(1 if male_x.get(p.id if p else "", False) else 2, min(af, 1.0)))
                                for p in (father, mother))
                kid = (0 if male_x[proband.id] else (dad == 2 or (dad == 1 and pick.random() < 0.5))) + (
                    mum == 2 or (mum == 1 and pick.random() < 0.5))
                kid = 1 if rare and carrier == "de novo" else int(kid)
                if kid or (father and dad) or (mother and mum):
                    break
            copies = {proband.id: kid, **({father.id: dad} if father else {}), **({mother.id: mum} if mother else {})}
            gq = pick.randint(5, 99)
            cells = []
            for p in people:
                ploidy = 1 if male_x[p.id] else 2
                c = min(copies[p.id], ploidy)
                cells.append(f"{_gt(c, ploidy == 1)}:{ploidy - c if kind == 'DEL' else ploidy + c}:{gq}")
            svlen = start - end - 1 if kind == "DEL" else end - start + 1
            fh.write(f"{chrom}\t{start}\tbig_{kind}_{n}\tN\t<{kind}>\t{gq * 3}\t{'LowQual' if gq < 20 else 'PASS'}\t"
                     f"SVTYPE={kind};END={end};SVLEN={svlen}\tGT:CN:GQ\t" + "\t".join(cells) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ped", required=True)
    parser.add_argument("--proband")
    parser.add_argument("--out", required=True)
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    from workbench.io import read_pedigree

    trio = read_pedigree(args.ped).trio(args.proband)
    write(Path(args.out), trio.proband, trio.father, trio.mother, args.records, args.seed)
    print(f"{args.records} records -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
