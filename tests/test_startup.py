"""Fixed cost out of the hot path: the saved phenotype index, lazy subcommands, the cheap cache key, a bounded
case cache."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from workbench.knowledge import load_knowledge
from workbench.knowledge.knowledge import _load
from workbench.model import PhenotypeProfile
from workbench.phenotype import LikelihoodRatioScorer
from workbench.phenotype.index import PhenotypeIndex, phenotype_index
from workbench.ranking.case import _file_digest

REPO = Path(__file__).resolve().parents[1]
SLICE = REPO / "tests" / "fixtures" / "hpo_slice"


def test_the_phenotype_index_is_saved_beside_the_knowledge_cache_and_read_back_equal(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    _load.cache_clear()
    phenotype_index.cache_clear()
    built = phenotype_index(load_knowledge(SLICE), 0.5)
    saved = list((tmp_path / "cache").glob("knowledge-*.phenotype-index-*.npz"))
    assert len(saved) == 1
    # a new process: fresh knowledge object, index read from the file, not rebuilt
    _load.cache_clear()
    phenotype_index.cache_clear()
    monkeypatch.setattr(PhenotypeIndex, "_build", lambda self, uf: (_ for _ in ()).throw(AssertionError("rebuilt")))
    kb = load_knowledge(SLICE)
    read = phenotype_index(kb, 0.5)
    assert read is not built
    for name, array in built.arrays().items():
        assert np.array_equal(read.arrays()[name], array), name
    scorer = LikelihoodRatioScorer(kb)
    assert scorer.score_genes(PhenotypeProfile(observed=("HP:0007359",)))[0].gene.symbol == "GENEA"


def test_a_damaged_saved_index_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    _load.cache_clear()
    phenotype_index.cache_clear()
    expected = phenotype_index(load_knowledge(SLICE), 0.5).arrays()
    for path in (tmp_path / "cache").glob("*.npz"):
        path.write_bytes(b"not an npz")
    _load.cache_clear()
    phenotype_index.cache_clear()
    rebuilt = phenotype_index(load_knowledge(SLICE), 0.5)
    assert all(np.array_equal(rebuilt.arrays()[k], v) for k, v in expected.items())


def test_workbench_rank_imports_only_its_own_subcommand_module():
    code = ("import sys; from workbench.cli import build_parser; build_parser(['rank', '--help']); "
            "print(sorted(m for m in sys.modules if m.endswith('.cli') or m == 'workbench.knowledge.update'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True,
                         env={**os.environ, "PYTHONPATH": str(REPO)}).stdout
    assert out.strip() == "['workbench.cli', 'workbench.ranking.cli']"


def test_help_still_lists_every_subcommand(capsys):
    from workbench.cli import build_parser

    help_text = build_parser([]).format_help()
    for command in ("rank", "report", "ontology", "qc"):
        assert command in help_text


def test_the_case_cache_key_follows_the_file_without_hashing_all_of_it(tmp_path):
    vcf = tmp_path / "big.vcf"
    vcf.write_bytes(b"#header\n" + b"x" * (3 << 20))
    first = _file_digest(vcf)
    assert _file_digest(vcf) == first
    data = bytearray(vcf.read_bytes())
    data[-10] = ord("y")  # same size, tail changed
    vcf.write_bytes(bytes(data))
    assert _file_digest(vcf) != first
    stat = vcf.stat()
    second = _file_digest(vcf)
    os.utime(vcf, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # touched: read again
    assert _file_digest(vcf) != second


def test_the_case_cache_stays_within_its_bound_dropping_the_least_recently_used(tmp_path, monkeypatch):
    from workbench.ranking import case

    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path))
    folder = tmp_path / "cases"
    folder.mkdir()
    for age, name in enumerate(["newest", "read-lately", "middle", "old", "oldest"]):
        entry = folder / f"{name}.pickle"
        entry.write_bytes(b"x" * 100)
        os.utime(entry, (1e9 - age, 1e9 - age))
    (folder / "unrelated.txt").write_bytes(b"x" * 1000)
    monkeypatch.setattr(case.pickle, "load", lambda fh: "not candidates")
    case._read_cache("read-lately")  # a read counts as a use
    assert case.prune_case_cache(folder, 250) == 3
    assert sorted(p.name for p in folder.iterdir()) == ["newest.pickle", "read-lately.pickle", "unrelated.txt"]
    monkeypatch.setenv("WORKBENCH_CASE_CACHE_MB", "0.5")
    assert case.case_cache_limit() == 512 * 1024


def test_a_command_line_case_reads_its_vcf_before_the_knowledge_is_loaded(tmp_path, monkeypatch):
    """So a genome's forked scan workers do not carry the loaded knowledge (~150 MB each in the tree's RSS);
    and the case cache is found under the same key whether or not the caller already holds the knowledge."""
    import workbench.io
    import workbench.knowledge
    from workbench.ranking import case

    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path))
    ranking = REPO / "tests" / "fixtures" / "ranking"
    order = []
    read, load = workbench.io.read_family_vcf, workbench.knowledge.load_knowledge
    monkeypatch.setattr(workbench.io, "read_family_vcf", lambda *a, **k: order.append("vcf") or read(*a, **k))
    monkeypatch.setattr(workbench.knowledge, "load_knowledge", lambda *a, **k: order.append("knowledge") or load(*a, **k))
    analysis = case.analyse_case(ranking / "trio.vcf", ranking / "trio.ped")
    assert order[0] == "vcf" and set(order[1:]) == {"knowledge"} and analysis.knowledge is load()  # loaded once, memoised
    order.clear()
    case.analyse_case(ranking / "trio.vcf", ranking / "trio.ped", knowledge=load())  # the cache the first call wrote
    assert order == []


def test_the_case_cache_key_follows_the_knowledge_format_not_only_its_release(monkeypatch):
    """Cached candidates hold the knowledge's Disease objects: a new knowledge format (e.g. a disease field
    added) must not reuse them, although the release names (HPO date...) are unchanged."""
    from workbench.knowledge import folder_state
    from workbench.knowledge import knowledge as knowledge_module

    before = folder_state()
    monkeypatch.setattr(knowledge_module, "CACHE_FORMAT", knowledge_module.CACHE_FORMAT + 1)
    assert folder_state() != before
