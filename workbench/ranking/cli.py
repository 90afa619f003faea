"""``workbench rank``: rank a case's genes from the command line, one case or a manifest.

    workbench rank --vcf trio.vcf.gz --ped trio.ped --hpo HP:0001250,HP:0001263 [--exclude-hpo ...]
    workbench rank --vcf trio.vcf.gz --ped trio.ped --phenopacket proband.json --format json
    workbench rank --manifest cases.tsv --outdir ranked/

A manifest (columns ``case_id, vcf, ped, proband, hpo, excluded_hpo``, optional ``sv_vcf``: the CNV/SV
VCF(s), comma-separated; others ignored) runs
through :mod:`workbench.cohort`: the knowledge loads once, cases spread over all cores (forked
workers, ``--workers``) or a Dask cluster (``--dask``, ``--dask tcp://HOST:PORT``), each
``<case_id>.tsv`` is written atomically, ``status.jsonl`` records every case, and a rerun
skips cases already ranked with the same inputs and knowledge. A case that fails is reported
on stderr; the others still run, and the exit status is 1 if any case failed (so scripts
notice), 0 else. A row lacking a column, or repeating an earlier row's case_id (its table would
overwrite the first), is such a failed case. User errors are one line on stderr naming the
file, never a traceback. The ranking's warnings go to stderr and head the output (``## warning``
lines in a TSV, ``issues`` in JSON).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import IO

from workbench.cohort.manifest import ids, read_cases
from workbench.io.errors import InputError, check_term_conflicts
from workbench.model import PhenotypeProfile


def register(subparsers) -> None:
    p = subparsers.add_parser("rank", help="rank candidate genes of a trio by phenotype and genotype",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    one = p.add_argument_group("one case")
    one.add_argument("--vcf", help="family VCF (bgzipped or plain); taken from the phenopacket if omitted")
    one.add_argument("--ped", help="PED file naming the proband and parents")
    one.add_argument("--sv-vcf", action="append", default=[], metavar="FILE",
                     help="the family's CNV/SV VCF (repeatable: one joint file or one per person)")
    one.add_argument("--hpo", default="", help="observed HPO ids, comma-separated")
    one.add_argument("--exclude-hpo", default="", help="HPO ids looked for and absent, comma-separated")
    one.add_argument("--phenopacket", help="phenopacket v2 JSON with the terms (and the VCF under files)")
    one.add_argument("--proband", help="proband sample id (default: from the PED or phenopacket)")
    one.add_argument("--out", help="output file (default: stdout)")
    one.add_argument("--format", choices=("tsv", "json", "phenopacket"), default="tsv",
                     help="phenopacket: a v2 phenopacket of the proband with the top genes as candidate "
                          "interpretations (unsigned, in progress), built by workbench.report")
    one.add_argument("--top", type=int, default=5, help="genes in the phenopacket output (default 5)")
    many = p.add_argument_group("many cases")
    many.add_argument("--manifest", help="TSV with case_id, vcf, ped, proband, hpo, excluded_hpo")
    many.add_argument("--outdir", help="folder for <case_id>.tsv and status.jsonl (with --manifest)")
    many.add_argument("--dask", nargs="?", const="local", metavar="ADDRESS",
                      help="run the cases on Dask: alone, a LocalCluster sized to this machine; "
                           "with tcp://HOST:PORT, that running scheduler")
    many.add_argument("--parquet", action="store_true",
                      help="also write <case_id>.parquet beside each table (case_id column added): "
                           "the folder's *.parquet files read as one table")
    many.add_argument("--rerun-all", action="store_true",
                      help="rank every case again, even those status.jsonl shows done with the same inputs")
    p.add_argument("--workers", type=int, default=None,
                   help="processes: with --manifest, cases ranked side by side (default: one per core); "
                        "for one case, workers reading a genome VCF (default: suited to the file and machine)")
    p.add_argument("--no-cache", action="store_true", help="re-read VCFs even if their candidates are cached")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        if args.workers is not None and args.workers < 1:
            raise InputError("--workers must be 1 or more")
        if args.manifest:
            if not args.outdir:
                raise InputError("--manifest needs --outdir for the per-case tables")
            return run_manifest(Path(args.manifest), Path(args.outdir), use_cache=not args.no_cache,
                                workers=args.workers, dask=args.dask, resume=not args.rerun_all,
                                parquet=args.parquet)
        return run_one(args)
    except InputError as error:
        print(f"workbench rank: {error}", file=sys.stderr)
        return 2


def run_one(args: argparse.Namespace) -> int:
    from workbench.io.phenopacket import read_phenopacket
    from workbench.ranking.case import analyse_case

    profile = PhenotypeProfile(observed=ids(args.hpo), excluded=ids(args.exclude_hpo))
    vcf, proband, sv_vcf = args.vcf, args.proband, list(args.sv_vcf)
    if args.phenopacket:
        packet = read_phenopacket(args.phenopacket)
        profile = PhenotypeProfile(observed=profile.observed + packet.profile.observed,
                                   excluded=profile.excluded + packet.profile.excluded)
        if vcf is None:
            if not packet.vcf_paths:
                raise InputError(f"{packet.source}: no VCF under files; give --vcf")
            vcf = str(packet.vcf_paths[0])
        proband = proband or packet.sample_id
        sv_vcf = sv_vcf or [str(p) for p in packet.sv_vcf_paths]
    check_term_conflicts(profile.observed, profile.excluded, "the phenotype terms")
    if not vcf or not args.ped:
        raise InputError("give --vcf (or a phenopacket pointing to one) and --ped, or --manifest")
    analysis = analyse_case(vcf, args.ped, proband, use_cache=not args.no_cache,  # knowledge after the VCF
                            workers=args.workers or 0, sv_vcf=sv_vcf)
    ranking = analysis.rank(profile)
    for warning in ranking.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            _write(ranking, fh, args, analysis, profile)
    else:
        _write(ranking, sys.stdout, args, analysis, profile)
    return 0


def _write(ranking, fh: IO[str], args: argparse.Namespace, analysis, profile: PhenotypeProfile) -> None:
    if args.format == "json":
        ranking.write_json(fh)
    elif args.format == "phenopacket":
        write_candidate_phenopacket(ranking, analysis, profile, fh, args.top)
    else:
        ranking.write_tsv(fh)


def write_candidate_phenopacket(ranking, analysis, profile: PhenotypeProfile, fh: IO[str], top: int) -> None:
    """The ranking's top genes as an unsigned phenopacket, through the report's own builder."""
    from workbench.ranking.case import resolve_profile
    from workbench.report.content import Method, PhenotypeItem, ReportContent, ReportedVariant, software_version
    from workbench.report.phenopacket import write_phenopacket

    hpo = analysis.knowledge.hpo
    current, _ = resolve_profile(profile, hpo)
    items = [PhenotypeItem(t, hpo.term(t).label, excluded) for ids, excluded in
             ((current.observed, False), (current.excluded, True)) for t in ids]
    proband = analysis.trio.proband
    results = tuple(ReportedVariant.from_variant(v, proband.id, g.gene_symbol, g.mode, condition=g.disease)
                    for g in ranking.genes[:top] for v in g.variants)
    summary = "; ".join(f"{g.rank}. {g.gene_symbol} ({g.probability:.0%}, {g.mode.value})" for g in ranking.genes[:top])
    content = ReportContent(case_id=proband.id, family_id=proband.family_id, proband=proband,
                            method=Method(knowledge_version=ranking.knowledge_version, software=software_version()),
                            phenotype=tuple(items), results=results,
                            interpretation=f"Ranked candidate genes (not reviewed): {summary}",
                            input_warnings=ranking.warnings)
    write_phenopacket(content, fh)


def run_manifest(manifest: Path, outdir: Path, use_cache: bool = True, workers: int | None = None,
                 dask: str | None = None, resume: bool = True, parquet: bool = False) -> int:
    """Rank every case of the manifest through :mod:`workbench.cohort`; 1 if any case failed."""
    from workbench.cohort import run_cohort, summary

    specs = read_cases(manifest)
    result = run_cohort(specs, outdir, workers=workers, dask=dask, use_cache=use_cache, resume=resume,
                        parquet=parquet)
    print(summary(result), file=sys.stderr)
    return 1 if result.failed else 0
