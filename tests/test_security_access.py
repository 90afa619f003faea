"""Who may read which file on the server, and what a refusal may say (issue 21, items 1 and 8)."""
from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.io import InputError, read_pedigree
from workbench.io.server_files import PathNotAllowed, allowed_path, data_dirs
from workbench.io.uploads import check_upload, save_uploads
from workbench.store import Role, open_store

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "case_data" / "demo_nicu_trio"
SECRET = "root:$y$j9T$SECRETHASHdoNotEcho:19700:0:99999:7:::"


@pytest.fixture
def shadow(tmp_path: Path) -> Path:
    """A file shaped like /etc/shadow: its content must never appear in a message."""
    path = tmp_path / "outside" / "shadow"
    path.parent.mkdir()
    path.write_text(SECRET + "\ndaemon:*:19700:0:99999:7:::\n")
    return path


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch) -> Path:
    """One configured data folder holding a copy of the demo trio's PED and VCF."""
    root = tmp_path / "data"
    root.mkdir()
    for name in ("case.vcf.gz", "case.vcf.gz.tbi", "case.ped"):
        (root / name).write_bytes((DEMO / name).read_bytes())
    monkeypatch.setenv("WORKBENCH_DATA_DIRS", str(root))
    return root


# -- the path policy -------------------------------------------------------------------------
def test_default_data_folders_are_the_demo_cases_and_the_data_home(monkeypatch, tmp_path):
    monkeypatch.delenv("WORKBENCH_DATA_DIRS", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert data_dirs() == (REPO / "case_data", tmp_path / "workbench" / "data")
    monkeypatch.setenv("WORKBENCH_DATA_DIRS", f"/srv/a{os.pathsep}/srv/b")
    assert data_dirs() == (Path("/srv/a"), Path("/srv/b"))


def test_a_file_inside_a_data_folder_is_allowed(data_home):
    assert allowed_path(data_home / "case.ped") == (data_home / "case.ped").resolve()


@pytest.mark.parametrize("given", ["/etc/shadow", "/etc/passwd", "relative/case.ped", "", "/tmp/\x00x"])
def test_paths_outside_the_data_folders_are_refused(data_home, given):
    with pytest.raises(PathNotAllowed):
        allowed_path(given)


def test_dot_dot_is_refused_even_when_it_would_land_inside(data_home):
    with pytest.raises(PathNotAllowed, match=r"'\.\.'"):
        allowed_path(f"{data_home}/../data/case.ped")
    with pytest.raises(PathNotAllowed):
        allowed_path(f"{data_home}/../outside/shadow")


def test_a_link_leading_out_of_a_data_folder_is_refused_without_saying_where(data_home, shadow):
    (data_home / "innocent.ped").symlink_to(shadow)
    (data_home / "subdir").symlink_to(shadow.parent, target_is_directory=True)
    for link in (data_home / "innocent.ped", data_home / "subdir" / "shadow"):
        with pytest.raises(PathNotAllowed) as refusal:
            allowed_path(link)
        assert str(shadow.parent) not in str(refusal.value).replace(str(data_home), "")


def test_a_refusal_does_not_tell_whether_the_file_exists(data_home, shadow):
    with pytest.raises(PathNotAllowed) as present:
        allowed_path(shadow)
    with pytest.raises(PathNotAllowed) as absent:
        allowed_path(shadow.parent / "no-such-file")
    assert str(present.value).replace("shadow", "X") == str(absent.value).replace("no-such-file", "X")


# -- messages never quote a file that is not of the expected kind ------------------------------
def test_a_non_ped_file_is_refused_without_quoting_it(shadow):
    with pytest.raises(InputError) as refusal:
        read_pedigree(shadow)
    assert "SECRET" not in str(refusal.value) and "expected 6 columns" in str(refusal.value)


def test_a_non_vcf_file_is_refused_without_quoting_it(shadow):
    with pytest.raises(InputError) as refusal:
        check_upload(shadow, DEMO / "case.ped")
    assert "SECRET" not in str(refusal.value) and "not a VCF" in str(refusal.value)


def test_a_non_phenopacket_is_refused_without_quoting_it(shadow):
    from workbench.io.phenopacket import read_phenopacket

    with pytest.raises(InputError) as refusal:
        read_phenopacket(shadow)
    assert "SECRET" not in str(refusal.value)


def test_an_unexpected_reader_error_is_not_quoted(monkeypatch):
    from workbench.ui import state

    def quoting_reader(*args, **kwargs):
        raise ValueError(f"invalid literal for int() with base 10: {SECRET!r}")

    monkeypatch.setattr(state, "analysis", quoting_reader)
    case, problem = state.case_from_files([DEMO / "case.vcf.gz"], DEMO / "case.ped", None, None)
    assert case is None and "SECRET" not in problem and "could not be read" in problem


def test_a_demo_folder_phenopacket_cannot_point_its_vcf_outside(tmp_path, shadow, monkeypatch):
    from workbench.ui import state

    monkeypatch.setenv("WORKBENCH_DATA_DIRS", str(tmp_path / "nowhere"))
    folder = tmp_path / "case_x"
    folder.mkdir()
    packet = json.loads((DEMO / "phenopacket.json").read_text())
    packet["files"][0]["uri"] = "../outside/shadow.vcf"
    (folder / "phenopacket.json").write_text(json.dumps(packet))
    with pytest.raises(PathNotAllowed):
        state.case_from_folder(folder)


# -- who may use server files ----------------------------------------------------------------
@pytest.fixture
def users(tmp_path, fast_password_hashing):
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    made = {role: store.add_user(role.value, f"{role.value}-password-long", role, role.value.title(), None)
            for role in Role}
    yield store, made
    store.close()


def test_the_server_side_check_refuses_a_visitor_and_a_clinician(data_home, users, monkeypatch):
    import streamlit as st

    from workbench.ui import state

    _, made = users
    monkeypatch.setattr(st, "session_state", {})
    case, problem = state.case_from_server_files([str(data_home / "case.vcf.gz")], str(data_home / "case.ped"),
                                                 None, None)
    assert case is None and "Log in" in problem
    st.session_state["user"] = made[Role.CLINICIAN]
    case, problem = state.case_from_server_files([str(data_home / "case.vcf.gz")], str(data_home / "case.ped"),
                                                 None, None)
    assert case is None and "may not create a case" in problem


@pytest.fixture
def app(users, tmp_path, monkeypatch):
    store, made = users
    monkeypatch.setenv("WORKBENCH_UPLOAD_DIR", str(tmp_path / "uploads"))

    def run(role: Role | None) -> AppTest:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
        at.session_state["store"] = store
        at.session_state["user"] = made[role] if role else None
        at.run()
        at.switch_page("workbench/ui/pages/new_case.py").run()
        assert not at.exception
        return at
    return run


def test_a_visitor_sees_no_server_file_form(app):
    at = app(None)
    assert not [t for t in at.text_area if t.key == "server_vcfs"]
    assert not [b for b in at.button if b.key == "analyse_server_files"]
    assert any("Log in as an analyst" in i.value for i in at.info)


def test_a_clinician_sees_no_server_file_form_either(app):
    at = app(Role.CLINICIAN)
    assert not [t for t in at.text_area if t.key == "server_vcfs"]
    assert any("Only analysts and directors" in i.value for i in at.info)


def test_an_analyst_reads_only_inside_the_data_folders(app, data_home, shadow):
    at = app(Role.ANALYST)
    at.text_area(key="server_vcfs").set_value(str(data_home / "case.vcf.gz"))
    at.text_input(key="server_ped").set_value(str(shadow))
    next(b for b in at.button if b.key == "analyse_server_files").click().run()
    assert not at.exception and "not inside a data folder" in at.error[0].value
    assert "SECRET" not in at.error[0].value
    at.text_input(key="server_ped").set_value(str(data_home / "case.ped"))
    next(b for b in at.button if b.key == "analyse_server_files").click().run()
    assert not at.exception and not at.error
    assert at.session_state["case"].vcfs == (str(data_home / "case.vcf.gz"),)


# -- uploads ---------------------------------------------------------------------------------
class ReadOnly(io.RawIOBase):
    """A stream that can only be read in pieces: saving it must not ask for all of it at once."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)
        self.largest_read = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        assert size > 0, "read the whole upload into memory"
        self.largest_read = max(self.largest_read, size)
        return self._data.read(size)


def test_uploads_are_streamed_to_disk_in_chunks(tmp_path):
    stream = ReadOnly(b"x" * (9 << 20))
    folder = save_uploads([("big.vcf", stream)], tmp_path / "uploads" / "one")
    assert (folder / "big.vcf").stat().st_size == 9 << 20 and stream.largest_read <= 8 << 20


def test_an_upload_over_the_limit_is_refused_and_leaves_nothing(tmp_path):
    uploads = tmp_path / "uploads"
    with pytest.raises(InputError, match=r"big\.vcf is larger than the 1 MB upload limit.*on this server") as refusal:
        save_uploads([("small.ped", io.BytesIO(b"F K 0 0 1 2\n")), ("big.vcf", io.BytesIO(b"x" * (2 << 20)))],
                     uploads / "one", limit=1 << 20)
    assert str(tmp_path) not in str(refusal.value)
    assert list(uploads.iterdir()) == []


def test_an_upload_name_cannot_leave_its_folder(tmp_path):
    folder = save_uploads([("../../evil.ped", io.BytesIO(b"data"))], tmp_path / "uploads" / "one")
    assert (folder / "evil.ped").exists() and not (tmp_path / "evil.ped").exists()
    with pytest.raises(InputError, match="not a usable file name"):
        save_uploads([("..", io.BytesIO(b"data"))], tmp_path / "uploads" / "two")


def test_upload_errors_do_not_reveal_server_paths(app, tmp_path):
    at = app(None)
    at.file_uploader(key="upload_vcfs").set_value(("trio.vcf", b"this is not a VCF\n", "text/plain"))
    at.file_uploader(key="upload_ped").set_value(("case.ped", (DEMO / "case.ped").read_bytes(), "text/plain"))
    at.run()
    next(b for b in at.button if b.key == "analyse_upload").click().run()
    message = at.error[0].value
    assert "trio.vcf" in message and str(tmp_path) not in message and "/uploads" not in message


def test_the_app_refuses_an_upload_over_the_limit(app, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MAX_UPLOAD_MB", "0.001")
    at = app(None)
    at.file_uploader(key="upload_vcfs").set_value(("trio.vcf.gz", (DEMO / "case.vcf.gz").read_bytes(),
                                                   "application/gzip"))
    at.file_uploader(key="upload_ped").set_value(("case.ped", (DEMO / "case.ped").read_bytes(), "text/plain"))
    at.run()
    next(b for b in at.button if b.key == "analyse_upload").click().run()
    assert not at.exception and "upload limit" in at.error[0].value


# -- bounded cost per input (issue 21.8) -------------------------------------------------------
def test_hundreds_of_unknown_ids_are_capped_and_only_the_first_get_suggestions(monkeypatch):
    from workbench.knowledge import load_knowledge
    from workbench.knowledge.ontology import MAX_SUGGESTED_UNKNOWN, MAX_TERMS, Ontology

    hpo = load_knowledge().hpo
    asked = []
    real = Ontology.suggestions
    monkeypatch.setattr(Ontology, "suggestions", lambda self, text, limit=3: asked.append(text) or real(self, text, limit))
    result = hpo.resolve([f"HP:99{i:05d}" for i in range(500)] + ["HP:0001250"])
    assert len(asked) == MAX_SUGGESTED_UNKNOWN  # was one scan of every HPO id per unknown id: 45-150 s for 500
    assert len(result.unknown) == MAX_TERMS and result.ids == ()  # the 501st id is past the cap
    text = "\n".join(result.warnings)
    assert f"501 terms given: only the first {MAX_TERMS} are used" in text
    assert text.count("is not a term of HPO") == MAX_SUGGESTED_UNKNOWN
    assert f"{MAX_TERMS - MAX_SUGGESTED_UNKNOWN} more entries are not terms" in text


def test_a_mistyped_id_still_gets_its_suggestion():
    from workbench.knowledge import load_knowledge

    hpo = load_knowledge().hpo
    assert "HP:0001250" in [t.id for t in hpo.suggestions("HP:0001205")]  # two digits swapped
    assert "HP:0001250" in [t.id for t in hpo.suggestions("HP:000125")]  # one dropped


# -- the CI entry point ----------------------------------------------------------------------
under_ci_run = pytest.mark.skipif(
    Path(os.sys.prefix).resolve() != (REPO / ".venv").resolve(),
    reason="runs only inside the project's .venv (as `bash .ci/run` makes it), never installing one itself")


@under_ci_run
def test_ci_run_fails_when_no_test_is_collected():
    import subprocess

    done = subprocess.run(["bash", str(REPO / ".ci" / "run"), "-k", "no_test_has_this_name"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)
    assert done.returncode == 1 and "collected no tests" in done.stderr


@under_ci_run
def test_ci_run_fails_when_every_test_is_skipped(tmp_path):
    import subprocess

    only_skips = tmp_path / "test_only_skips.py"
    only_skips.write_text("import pytest\n\ndef test_skipped():\n    pytest.skip('nothing to run')\n")
    done = subprocess.run(["bash", str(REPO / ".ci" / "run"), str(only_skips)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)
    assert done.returncode != 0 and "without running a single test" in done.stderr
