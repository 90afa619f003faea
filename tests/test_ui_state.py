"""workbench.ui.state without a running page: where files go, and how often the store is asked."""
from __future__ import annotations

from pathlib import Path

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
