"""``workbench qc``: check that a family's VCF and PED agree before anyone interprets it.

    workbench qc --vcf trio.vcf.gz --ped trio.ped [--proband ID] [--tsv qc.tsv] [--strict]

Prints the trio QC report (call rate, het/hom-alt, Ti/Tv, chrX sex check, kinship and
Mendelian errors per parent, alarms), file-level warnings (build assumed, no annotation, a
BGZF file that may be cut short) and the input problems found while reading. Exit status:
0 clean, 1 when there are QC alarms, 2 when the input cannot be read (one line naming the file) or
is damaged (an ERROR input issue, such as a file cut short: its figures cover only part of it).
"""
from __future__ import annotations

import argparse
import sys

from workbench.io import InputError, ReadOptions, read_family_vcf, read_pedigree
from workbench.notepad import errors


def register(subparsers) -> None:
    p = subparsers.add_parser("qc", help="trio QC: sample identity, sex and call quality",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--vcf", required=True, nargs="+", help="joint VCF, or one VCF per person")
    p.add_argument("--ped", required=True, help="PED file naming the proband and parents")
    p.add_argument("--proband", help="proband sample id (default: from the PED)")
    p.add_argument("--tsv", help="also write the per-person numbers as a table")
    p.add_argument("--strict", action="store_true", help="stop at the first malformed record")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    vcf = args.vcf[0] if len(args.vcf) == 1 else args.vcf
    try:
        calls = read_family_vcf(vcf, read_pedigree(args.ped), args.proband, ReadOptions(strict=args.strict))
    except InputError as error:
        print(f"workbench qc: {error}", file=sys.stderr)
        return 2
    out = sys.stdout
    out.write(f"{calls.source}: {calls.records_read:,} records, {calls.trio.family_kind}, {calls.genome_build}, "
              f"annotation: {calls.annotation_source}\n")
    calls.qc.write(out)
    if calls.warnings:
        out.write("Warnings:\n" + "".join(f"  {w}\n" for w in calls.warnings))
    if calls.problem_count:
        out.write(f"Input problems ({calls.problem_count}):\n" + "".join(f"  {p}\n" for p in calls.problems))
    if args.tsv:
        calls.qc.to_frame().to_csv(args.tsv, sep="\t", index=False)
    if errors(calls.issues):
        print(f"workbench qc: {errors(calls.issues)[0]}", file=sys.stderr)
        return 2
    return 1 if calls.qc.alarms else 0
