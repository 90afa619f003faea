"""``workbench add-user`` and ``workbench report`` against a real store file."""
from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from workbench.model import Sample, Sex, Trio
from workbench.store import Role, open_store
from workbench.store import cli

pytestmark = pytest.mark.usefixtures("fast_password_hashing")


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="workbench")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(list(argv))
    return args.run(args)


def test_add_user_then_export_signed_report(tmp_path: Path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-password\n"))
    assert run("add-user", "dora", "--role", "director", "--name", "Dr Dora Director", "--password-stdin",
               "--database", url) == 0
    store = open_store(url)
    director = store.authenticate("dora", "a-long-password")
    assert director.role is Role.DIRECTOR and store.audit()[0].actor.startswith("local-operator")

    vcf = tmp_path / "x.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n")
    case = store.create_case(Trio(Sample("NB-1", "FAM-1", Sex.MALE)), vcf, "HPO 2025-01-16", director)
    version = store.save_draft(case.case_id, director, case.row_version, interpretation="No diagnosis yet.")
    assert run("report", case.case_id, "--database", url) == 2
    assert "has no signed report (use --draft" in capsys.readouterr().err
    assert run("report", case.case_id, "--draft", "--output", str(tmp_path / "draft.pdf"), "--database", url) == 0
    assert "DRAFT" in PdfReader(tmp_path / "draft.pdf").pages[0].extract_text()

    store.sign_out(case.case_id, director, version, password="a-long-password")
    monkeypatch.chdir(tmp_path)
    assert run("report", case.case_id, "--database", url) == 0
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "FAM-1-1-v1.pdf").pages)  # signature: last page
    assert "Dr Dora Director" in text and "DRAFT" not in text
    assert run("report", case.case_id, "--format", "fhir", "--database", url) == 0
    bundle = json.loads((tmp_path / "FAM-1-1-v1.fhir.json").read_text())
    assert bundle["entry"][0]["resource"]["presentedForm"][0]["contentType"] == "application/pdf"
    assert run("report", "NO-SUCH-CASE", "--database", url) == 2
    assert "no case 'NO-SUCH-CASE'" in capsys.readouterr().err


def test_add_user_rejects_weak_password(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert run("add-user", "amy", "--role", "analyst", "--name", "Amy", "--password-stdin",
               "--database", f"sqlite:///{tmp_path / 'c.sqlite3'}") == 2
    assert "at least 10 characters" in capsys.readouterr().err
