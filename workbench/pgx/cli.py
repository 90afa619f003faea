"""``workbench pgx``: call the pharmacogenomic panel of a family VCF and print it (or its JSON)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("pgx", help="star-allele diplotypes and CPIC guidance from a trio VCF")
    parser.add_argument("vcf", type=Path, nargs="+", help="joint family VCF, or one VCF per person")
    parser.add_argument("--ped", type=Path, required=True, help="pedigree (PED) naming the proband and parents")
    parser.add_argument("--proband", default=None, help="proband id when the PED has several children")
    parser.add_argument("--absent-sites", choices=("reference", "no call"), default="reference",
                        help="how to read a defining position with no record (default: reference, where the VCF "
                             "has calls in the gene; 'no call' for strict gVCF-derived files)")
    parser.add_argument("--json", action="store_true", help="print the panel as JSON")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    from workbench.io import InputError, read_pedigree
    from workbench.pgx import PgxOptions, run_panel
    from workbench.report.content import to_plain

    try:
        vcf = args.vcf[0] if len(args.vcf) == 1 else args.vcf
        panel = run_panel(vcf, read_pedigree(args.ped), args.proband, PgxOptions(args.absent_sites))
    except InputError as error:
        print(f"pgx: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(to_plain(panel), indent=1))
        return 0
    print(f"# {panel.knowledge_version}")
    for warning in panel.warnings:
        print(f"! {warning}")
    for gene in panel.genes:
        print(gene.summary)
        for warning in gene.warnings:
            print(f"    ! {warning}")
        for drug in gene.drugs:
            if drug.actionable:
                print(f"    {drug.drug}: {drug.recommendation or 'see ' + drug.guideline_url}")
    return 0
