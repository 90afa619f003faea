"""`workbench ontology update` against a local HTTP server on 127.0.0.1 (never the repo's ontology/)."""
from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from workbench.knowledge import load_knowledge
from workbench.knowledge.sources import SourceError, read_obo, read_obo_version
from workbench.knowledge.update import UpdateError, update_ontology

SLICE = Path(__file__).parent / "fixtures" / "hpo_slice"


@pytest.fixture()
def served(tmp_path):
    """A folder served over HTTP on 127.0.0.1; yields (folder, base url)."""
    folder = tmp_path / "www"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # keep test output quiet
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture()
def knowledge_dir(tmp_path, monkeypatch):
    folder = tmp_path / "ontology"
    shutil.copytree(SLICE, folder)
    monkeypatch.setenv("WORKBENCH_ONTOLOGY_DIR", str(folder))
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    return folder


def newer_obo() -> str:
    text = (SLICE / "hp.obo").read_text()
    text = text.replace("data-version: hp/releases/2024-01-01", "data-version: hp/releases/2024-06-01")
    return text.replace("name: Myopia", "name: Myopia (renamed)")


def test_update_swaps_in_the_new_release_and_keeps_the_old(served, knowledge_dir):
    from workbench.cli import main

    www, url = served
    with gzip.open(www / "hp.obo.gz", "wt") as handle:  # served compressed; stored as the folder stores it
        handle.write(newer_obo())
    before = load_knowledge()
    assert before.version == "HPO 2024-01-01"
    assert main(["ontology", "update", "--url", f"{url}/hp.obo.gz"]) == 0
    after = load_knowledge()
    assert after.version == "HPO 2024-06-01"
    assert after.hpo.term("HP:0000545").label == "Myopia (renamed)"  # cache was invalidated
    assert (knowledge_dir / "hp.obo").read_text().startswith("format-version")  # stored plain, like before
    assert (knowledge_dir / "previous" / "hp.2024-01-01.obo").read_text() == (SLICE / "hp.obo").read_text()
    manifest = json.loads((knowledge_dir / "SOURCES.json").read_text())
    assert manifest["hpo"]["version"] == "2024-06-01" and manifest["hpo"]["source"].endswith("/hp.obo.gz")
    assert not list(knowledge_dir.glob(".*incoming")) and not list(knowledge_dir.glob(".update-*"))


def test_update_with_annotations_and_gene_links(served, knowledge_dir):
    www, url = served
    (www / "hp.obo").write_text(newer_obo())
    (www / "phenotype.hpoa").write_text((SLICE / "phenotype.hpoa").read_text().replace("Disease C", "Disease C2"))
    genes = (SLICE / "genes_to_phenotype.txt").read_text()
    (www / "genes_to_phenotype.txt").write_text(genes + "1004\tGENED\tHP:0001083\tEctopia lentis\t-\tOMIM:100003\n")
    result = update_ontology(obo_url=f"{url}/hp.obo", hpoa_url=f"{url}/phenotype.hpoa",
                             genes_url=f"{url}/genes_to_phenotype.txt")
    assert result.replaced == ("hp.obo", "phenotype.hpoa", "genes_to_phenotype.txt")
    knowledge = load_knowledge()
    assert knowledge.diseases["OMIM:100003"].name == "Disease C2"
    assert knowledge.diseases["OMIM:100003"].gene_symbols == ("GENEA", "GENEC", "GENED")
    assert (knowledge_dir / "previous" / "phenotype.2024-01-01.hpoa").exists()


def test_bad_annotation_file_rolls_back_everything(served, knowledge_dir):
    www, url = served
    (www / "hp.obo").write_text(newer_obo())
    (www / "phenotype.hpoa").write_text("<html>oops</html>\n")
    with pytest.raises(UpdateError, match="not a usable annotation file"):
        update_ontology(obo_url=f"{url}/hp.obo", hpoa_url=f"{url}/phenotype.hpoa")
    assert sorted(p.name for p in knowledge_dir.iterdir()) == sorted(p.name for p in SLICE.iterdir())
    assert load_knowledge().version == "HPO 2024-01-01"


@pytest.mark.parametrize("content, message", [
    ("<html>not found</html>", "not a usable HPO release"),
    ("format-version: 1.2\nontology: hp\n\n[Term]\nid: HP:0000001\nname: All\n", "no data-version"),
])
def test_bad_download_leaves_the_folder_untouched(served, knowledge_dir, capsys, content, message):
    from workbench.cli import main

    www, url = served
    (www / "hp.obo").write_text(content)
    original = (knowledge_dir / "hp.obo").read_bytes()
    assert main(["ontology", "update", "--url", f"{url}/hp.obo"]) == 1
    assert message in capsys.readouterr().err
    assert (knowledge_dir / "hp.obo").read_bytes() == original
    assert not (knowledge_dir / "previous").exists()
    assert sorted(p.name for p in knowledge_dir.iterdir()) == sorted(p.name for p in SLICE.iterdir())


def test_missing_url_and_same_release_are_refused(served, knowledge_dir, capsys):
    from workbench.cli import main

    www, url = served
    assert main(["ontology", "update", "--url", f"{url}/absent.obo"]) == 1
    assert "404" in capsys.readouterr().err
    shutil.copy(SLICE / "hp.obo", www / "hp.obo")
    assert main(["ontology", "update", "--url", f"{url}/hp.obo"]) == 1
    assert "already installed" in capsys.readouterr().err


def test_a_failed_swap_puts_every_file_back(served, knowledge_dir, monkeypatch, capsys):
    """The second os.replace fails: hp.obo, already swapped, is put back; nothing else changes."""
    from workbench.cli import main

    www, url = served
    (www / "hp.obo").write_text(newer_obo())
    (www / "phenotype.hpoa").write_text((SLICE / "phenotype.hpoa").read_text().replace("Disease C", "Disease C2"))
    before = {p.name: p.read_bytes() for p in knowledge_dir.iterdir()}
    assert load_knowledge().version == "HPO 2024-01-01"
    real_replace, calls = os.replace, []

    def second_replace_fails(source, target):
        calls.append(Path(target).name)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", second_replace_fails)
    assert main(["ontology", "update", "--url", f"{url}/hp.obo", "--annotations-url", f"{url}/phenotype.hpoa"]) == 1
    assert calls[:2] == ["hp.obo", "phenotype.hpoa"]
    assert "No space left on device" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in knowledge_dir.iterdir()} == before  # no backups or staged files left
    knowledge = load_knowledge()
    assert knowledge.version == "HPO 2024-01-01" and knowledge.hpo.term("HP:0000545").label == "Myopia"


def test_installed_version_is_read_from_the_header_line(knowledge_dir):
    obo = knowledge_dir / "hp.obo"
    assert read_obo_version(obo) == read_obo(obo).version == "2024-01-01"
    with gzip.open(knowledge_dir / "hp.obo.gz", "wt") as handle:
        handle.write(obo.read_text())
    assert read_obo_version(knowledge_dir / "hp.obo.gz") == "2024-01-01"
    obo.write_text("format-version: 1.2\nontology: hp\n\n[Term]\nid: HP:0000001\ndata-version: x/2099-01-01\n")
    with pytest.raises(SourceError, match="hp.obo: the OBO header has no data-version"):
        read_obo_version(obo)
