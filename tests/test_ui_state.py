"""workbench.ui.state without a running page: where files go, and how often the store is asked."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workbench.paths import data_dir
from workbench.store.casestore import default_database_url
from workbench.ui.state import uploads_dir


def test_uploads_and_the_case_store_share_one_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("WORKBENCH_UPLOAD_DIR", raising=False)
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    assert data_dir() == tmp_path / "workbench"
    assert uploads_dir() == data_dir() / "uploads"
    assert default_database_url() == f"sqlite:///{data_dir() / 'cases.sqlite3'}"
    monkeypatch.setenv("WORKBENCH_UPLOAD_DIR", str(tmp_path / "elsewhere"))
    assert uploads_dir() == Path(tmp_path / "elsewhere")


@pytest.fixture
def store(role_store):
    return role_store


def one_run_of_edits() -> None:
    """A page run that reads the phenotype and tags several times and edits them in between."""
    import streamlit as st

    from workbench.model import PhenotypeProfile
    from workbench.ui import state

    state.start_run()
    seen = [state.tag("gene", "SCN2A"), state.tags().get(state._target("gene", "SCN2A")), state.profile().observed]
    state.set_tag("gene", "SCN2A", "candidate")
    state.add_note("gene", "SCN2A", "de novo")
    seen += [state.tag("gene", "SCN2A"), state.profile().observed]
    state.set_profile(PhenotypeProfile(observed=("HP:0001250",)))
    seen += [state.profile().observed, state.profile().observed, state.tag("gene", "SCN2A")]
    st.session_state["seen"] = seen


@pytest.mark.usefixtures("fast_password_hashing")
def test_a_run_asks_the_store_for_phenotype_and_tags_once_and_sees_its_own_edits(store, monkeypatch):
    from workbench.store.casestore import CaseStore
    from workbench.ui.state import CaseFiles

    asked = Counter()
    for name in ("profile", "tags"):
        real = getattr(CaseStore, name)
        monkeypatch.setattr(CaseStore, name, lambda self, *a, _real=real, _name=name, **k:
                            asked.update([_name]) and None or _real(self, *a, **k))
    at = AppTest.from_function(one_run_of_edits, default_timeout=120)
    at.session_state["store"] = store
    at.session_state["user"] = store.authenticate("analyst", "analyst-password")
    at.session_state["case"] = CaseFiles("FAM-1-1", ("family.vcf",), "family.ped")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["seen"] == [None, None, (), "candidate", (), ("HP:0001250",), ("HP:0001250",), "candidate"]
    # read once, then once again after this session's writes (each drops what the run knew of the case)
    assert asked == Counter(tags=3, profile=3), asked
