"""``workbench rank``: rank a case's genes from the command line, one case or a manifest.

    workbench rank --vcf trio.vcf.gz --ped trio.ped --hpo HP:0001250,HP:0001263 [--exclude-hpo ...]
    workbench rank --vcf trio.vcf.gz --ped trio.ped --phenopacket proband.json --format json
    workbench rank --manifest cases.tsv --outdir ranked/

A manifest (columns ``case_id, vcf, ped, proband, hpo, excluded_hpo``; others ignored) is run in
one process so the knowledge loads once. A case that fails is reported on stderr and skipped;
the others still run, and the exit status is 1 if any case failed (so scripts notice), 0 else.
A row lacking a column, or repeating an earlier row's case_id (its table would overwrite the
first), is such a failed case. User errors are one line on stderr naming the file, never a
traceback. The ranking's warnings go to stderr and head the output (``## warning`` lines in a
TSV, ``issues`` in JSON).
"""
from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from pathlib import Path
from typing import IO

from workbench.io.errors import InputError, check_term_conflicts
from workbench.model import PhenotypeProfile

MANIFEST_COLUMNS = ("case_id", "vcf", "ped")


def register(subparsers) -> None:
    p = subparsers.add_parser("rank", help="rank candidate genes of a trio by phenotype and genotype",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    one = p.add_argument_group("one case")
    one.add_argument("--vcf", help="family VCF (bgzipped or plain); taken from the phenopacket if omitted")
    one.add_argument("--ped", help="PED file naming the proband and parents")
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
    many.add_argument("--outdir", help="folder for <case_id>.tsv (with --manifest)")
    p.add_argument("--no-cache", action="store_true", help="re-read VCFs even if their candidates are cached")
    p.set_defaults(run=run)


def _ids(text: str | None) -> tuple[str, ...]:
    return tuple(t.strip() for t in (text or "").replace(";", ",").split(",") if t.strip())


def run(args: argparse.Namespace) -> int:
    try:
        if args.manifest:
            if not args.outdir:
                raise InputError("--manifest needs --outdir for the per-case tables")
            return run_manifest(Path(args.manifest), Path(args.outdir), use_cache=not args.no_cache)
        return run_one(args)
    except InputError as error:
        print(f"workbench rank: {error}", file=sys.stderr)
        return 2


def run_one(args: argparse.Namespace) -> int:
    from workbench.io.phenopacket import read_phenopacket
    from workbench.knowledge import load_knowledge
    from workbench.ranking.case import analyse_case

    profile = PhenotypeProfile(observed=_ids(args.hpo), excluded=_ids(args.exclude_hpo))
    vcf, proband = args.vcf, args.proband
    if args.phenopacket:
        packet = read_phenopacket(args.phenopacket)
        profile = PhenotypeProfile(observed=profile.observed + packet.profile.observed,
                                   excluded=profile.excluded + packet.profile.excluded)
        if vcf is None:
            if not packet.vcf_paths:
                raise InputError(f"{packet.source}: no VCF under files; give --vcf")
            vcf = str(packet.vcf_paths[0])
        proband = proband or packet.sample_id
    check_term_conflicts(profile.observed, profile.excluded, "the phenotype terms")
    if not vcf or not args.ped:
        raise InputError("give --vcf (or a phenopacket pointing to one) and --ped, or --manifest")
    kb = load_knowledge()
    analysis = analyse_case(vcf, args.ped, proband, knowledge=kb, use_cache=not args.no_cache)
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


def read_manifest(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh, delimiter="\t")
            missing = [c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or ())]
            if missing:
                raise InputError(f"{path}: manifest lacks column(s) {', '.join(missing)}")
            return list(reader)
    except OSError as error:
        raise InputError(f"{path}: cannot read the manifest ({error.strerror or error})") from None


# -- manifest rows refused before any case runs (issue 21) --------------------------------------
def manifest_refusals(rows: list[dict[str, str]], manifest: Path) -> dict[int, str]:
    """Why a row cannot run, by line: a short row (missing columns) or a repeated case_id."""
    refused: dict[int, str] = {}
    first_line: dict[str, int] = {}
    for line_no, row in enumerate(rows, start=2):
        missing = [column for column in MANIFEST_COLUMNS if not (row.get(column) or "").strip()]
        if missing:
            refused[line_no] = (f"{manifest} line {line_no}: no {', '.join(missing)} (the row has "
                                f"{sum(v is not None for k, v in row.items() if k is not None)} of the header's "
                                f"{len([k for k in row if k is not None])} columns)")
            continue
        case_id = row["case_id"].strip()
        if case_id in first_line:
            refused[line_no] = (f"{manifest} line {line_no}: case_id {case_id!r} is already used on line "
                                f"{first_line[case_id]}; its table would overwrite that case's: give each case its "
                                "own id")
        else:
            first_line[case_id] = line_no
    return refused
# -- end of manifest refusals -------------------------------------------------------------------


def run_manifest(manifest: Path, outdir: Path, use_cache: bool = True) -> int:
    from workbench.knowledge import load_knowledge
    from workbench.phenotype import LikelihoodRatioScorer
    from workbench.ranking.case import analyse_case

    rows = read_manifest(manifest)
    refused = manifest_refusals(rows, manifest)
    start = time.perf_counter()
    kb = load_knowledge()
    scorer = LikelihoodRatioScorer(kb)
    loaded = time.perf_counter() - start
    outdir.mkdir(parents=True, exist_ok=True)
    failed, seconds = [], []
    for line_no, row in enumerate(rows, start=2):
        case_id = (row.get("case_id") or "").strip()
        began = time.perf_counter()
        try:
            if line_no in refused:
                raise InputError(refused[line_no])
            if not case_id or "/" in case_id:
                raise InputError(f"{manifest} line {line_no}: bad case_id {case_id!r}")
            profile = PhenotypeProfile(observed=_ids(row.get("hpo")), excluded=_ids(row.get("excluded_hpo")))
            check_term_conflicts(profile.observed, profile.excluded, f"{manifest} line {line_no}")
            analysis = analyse_case(row["vcf"], row["ped"], (row.get("proband") or "").strip() or None,
                                    knowledge=kb, scorer=scorer, use_cache=use_cache)
            ranking = analysis.rank(profile)
            with open(outdir / f"{case_id}.tsv", "w", encoding="utf-8") as fh:
                ranking.write_tsv(fh)
        except InputError as error:
            failed.append(case_id)
            print(f"case {case_id or '?'} (line {line_no}): {error}", file=sys.stderr)
            continue
        except Exception as error:  # one broken case must not stop a batch; say what broke
            failed.append(case_id)
            print(f"case {case_id or '?'} (line {line_no}): unexpected {type(error).__name__}: {error}",
                  file=sys.stderr)
            continue
        seconds.append(time.perf_counter() - began)
    if seconds:
        print(f"ranked {len(seconds)} case(s) in {sum(seconds):.1f} s: median {statistics.median(seconds):.3f} s, "
              f"max {max(seconds):.3f} s per case (knowledge and scorer loaded once in {loaded:.1f} s)",
              file=sys.stderr)
    if failed:
        print(f"{len(failed)} of {len(rows)} case(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
