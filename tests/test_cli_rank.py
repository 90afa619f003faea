"""``workbench rank``: one case (HPO ids or a phenopacket), and a manifest with one bad case."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from workbench.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "ranking"
BENCHMARK = Path(__file__).resolve().parents[1].parent / "shared" / "benchmark"
VCF, PED = FIXTURES / "trio.vcf", FIXTURES / "trio.ped"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path) as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_one_case_tsv_and_json(tmp_path):
    out = tmp_path / "ranked.tsv"
    assert main(["rank", "--vcf", str(VCF), "--ped", str(PED), "--hpo", "HP:0001250,HP:0002133,HP:0001263",
                 "--out", str(out), "--no-cache"]) == 0
    rows = _rows(out)
    assert rows[0]["gene"] == "SCN1A" and rows[0]["rank"] == "1"
    assert rows[0]["variants"] == "chr2:166000000:A:AT" and rows[0]["disease_id"]
    out_json = tmp_path / "ranked.json"
    assert main(["rank", "--phenopacket", str(FIXTURES / "proband.phenopacket.json"), "--ped", str(PED),
                 "--format", "json", "--out", str(out_json), "--no-cache"]) == 0
    data = json.loads(out_json.read_text())
    assert data["genes"][0]["gene"] == "SCN1A"
    assert data["genes"][0]["explanation"]["phenotype"]["terms"]


def test_user_errors_are_one_line_on_stderr(tmp_path, capsys):
    assert main(["rank", "--vcf", str(tmp_path / "missing.vcf"), "--ped", str(PED), "--hpo", "HP:0001250"]) == 2
    err = capsys.readouterr().err
    assert "missing.vcf" in err and "Traceback" not in err
    assert main(["rank", "--hpo", "HP:0001250"]) == 2


def test_manifest_runs_every_good_case_and_reports_the_bad_one(tmp_path, capsys):
    manifest = tmp_path / "manifest.tsv"
    manifest.write_text(
        "case_id\tvcf\tped\tproband\thpo\texcluded_hpo\tnote\n"
        f"good\t{VCF}\t{PED}\tkid\tHP:0001250,HP:0002133\t\tignored column\n"
        f"bad\t{tmp_path / 'nope.vcf'}\t{PED}\tkid\tHP:0001250\t\t\n"
        f"marfan\t{VCF}\t{PED}\t\tHP:0001166,HP:0001083\tHP:0001250\t\n")
    outdir = tmp_path / "out"
    assert main(["rank", "--manifest", str(manifest), "--outdir", str(outdir)]) == 1
    err = capsys.readouterr().err
    assert "case bad" in err and "nope.vcf" in err
    assert _rows(outdir / "good.tsv")[0]["gene"] == "SCN1A"
    assert _rows(outdir / "marfan.tsv")[0]["gene"] == "FBN1"
    assert not (outdir / "bad.tsv").exists()


def test_python_dash_m_entry_point():
    done = subprocess.run([sys.executable, "-m", "workbench", "rank", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "--manifest" in done.stdout


@pytest.mark.benchmark_data
def test_real_simulated_trios_put_the_true_gene_in_the_top_ten(tmp_path):
    """Three simtrio cases (made on the fly; skipped without ../shared/benchmark)."""
    if not (BENCHMARK / "simtrio.py").exists():
        pytest.skip(f"benchmark not found at {BENCHMARK}")
    cases = tmp_path / "cases"
    subprocess.run([sys.executable, str(BENCHMARK / "simtrio.py"), "cases", str(BENCHMARK / "cases_dev.jsonl.gz"),
                    str(cases), "--limit", "3", "--seed", "7"], check=True, capture_output=True)
    outdir = tmp_path / "ranked"
    assert main(["rank", "--manifest", str(cases / "manifest.tsv"), "--outdir", str(outdir), "--no-cache"]) == 0
    from workbench.knowledge import load_knowledge

    kb = load_knowledge()
    for truth_file in cases.glob("*/truth.json"):
        truth = json.loads(truth_file.read_text())
        gene = kb.genes.lookup(truth["gene"])
        top = [r["gene"] for r in _rows(outdir / f"{truth['case_id']}.tsv")[:10]]
        assert {truth["gene"], gene.symbol if gene else ""} & set(top), (truth["case_id"], truth["gene"], top)


def test_phenopacket_out_lists_the_top_genes_as_candidates(tmp_path):
    import phenopackets as pps
    from google.protobuf.json_format import Parse

    out = tmp_path / "ranked.phenopacket.json"
    assert main(["rank", "--phenopacket", str(FIXTURES / "proband.phenopacket.json"), "--ped", str(PED),
                 "--format", "phenopacket", "--top", "2", "--out", str(out), "--no-cache"]) == 0
    packet = Parse(out.read_text(), pps.Phenopacket())
    assert packet.subject.id == "kid"
    assert [f.excluded for f in packet.phenotypic_features] == [False, False, False, True]
    genes = [g.variant_interpretation.variation_descriptor.gene_context.symbol
             for g in packet.interpretations[0].diagnosis.genomic_interpretations]
    assert genes[0] == "SCN1A" and len(genes) == 2
