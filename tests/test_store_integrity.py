"""Tamper evidence on SQLite and PostgreSQL: the database refuses what it can, ``workbench verify`` finds the rest.

Each attack is the raw SQL someone with database access would run. Where the database's guards
refuse it, the test says so; then the guards are switched off (as the database's owner can) and
``verify`` must name what was done.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy
from sqlalchemy import create_engine, text

from workbench.cli import main as workbench
from workbench.model import Sample, Sex, Trio
from workbench.store import Role, open_store
from workbench.store.audit import SEAL_ACTION, AuditKey, load_key
from workbench.store.schema import migrate

pytestmark = pytest.mark.usefixtures("fast_password_hashing")

TRIO = Trio(Sample("NB-1", "FAM-1", Sex.FEMALE), Sample("DAD-1", "FAM-1", Sex.MALE),
            Sample("MUM-1", "FAM-1", Sex.FEMALE))
DIRECTOR_PASSWORD = "opal-harbour-kettle"


@pytest.fixture(autouse=True)
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "audit.key"
    monkeypatch.setenv("WORKBENCH_AUDIT_KEY_FILE", str(path))
    return path


@pytest.fixture
def signed(store, tmp_path: Path) -> str:
    """A case whose report was signed, amended and signed again: v1 and v2 signed."""
    analyst = store.add_user("amy", "amy-analyst-pass", Role.ANALYST, "Amy Analyst", None)
    director = store.add_user("dora", DIRECTOR_PASSWORD, Role.DIRECTOR, "Dr Dora Director", None)
    vcf = tmp_path / "family.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n")
    case = store.create_case(TRIO, vcf, "HPO 2025-01-16", analyst)
    version = store.save_draft(case.case_id, analyst, case.row_version, interpretation="No diagnosis.")
    version = store.sign_out(case.case_id, director, version, password=DIRECTOR_PASSWORD).version
    version = store.start_amendment(case.case_id, "parents re-tested", director, store.case(case.case_id).row_version)
    version = store.save_draft(case.case_id, director, version, interpretation="Still no diagnosis.")
    store.sign_out(case.case_id, director, version, password=DIRECTOR_PASSWORD)
    return case.case_id


def raw(url: str, *statements: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def guards_off(url: str) -> None:
    """What a database owner can do: drop (SQLite) or disable (PostgreSQL) the workbench's triggers."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for (name,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all():
                conn.execute(text(f"DROP TRIGGER {name}"))
        else:
            for table in ("audit_log", "report_versions", "cases"):
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    engine.dispose()


def problems(store) -> str:
    result = store.verify()
    assert not result.ok
    return "\n".join(map(str, result.problems))


def test_an_untouched_store_verifies(store, signed, database_url, capsys):
    result = store.verify()
    assert result.ok, result.problems
    assert result.signed_versions == 2 and result.entries >= 8
    reports = store.reports(signed)
    assert all(r.content_sha256 and len(r.content_sha256) == 64 for r in reports)
    assert [e.after["content_sha256"] for e in store.audit(signed) if e.action.startswith("sign out")] == \
        [r.content_sha256 for r in reports]
    assert workbench(["verify", "--database", database_url]) == 0
    assert f"audit log: {result.entries} entries" in capsys.readouterr().out


def test_statements_the_update_and_delete_triggers_missed_are_refused(store, signed, database_url):
    signed_row = ("'FAM-1-1', 1, '{}', NULL, 'eve', '2026-01-01', 'eve', '2026-01-01', 'eve', '2026-01-01'")
    columns = ("case_id, version, content_json, amendment_reason, created_by, created_at, updated_by, updated_at, "
               "signed_by, signed_at")
    if database_url.startswith("sqlite"):
        overwrite = f"INSERT OR REPLACE INTO report_versions ({columns}) VALUES ({signed_row})"
        wipe_log = "INSERT OR REPLACE INTO audit_log (id, at, actor, action) VALUES (1, 'now', 'eve', 'nothing')"
    else:
        overwrite = (f"INSERT INTO report_versions ({columns}) VALUES ({signed_row}) "
                     "ON CONFLICT (case_id, version) DO UPDATE SET content_json = EXCLUDED.content_json")
        wipe_log = "TRUNCATE audit_log"
    forged = f"INSERT INTO report_versions ({columns}) VALUES ({signed_row.replace(', 1,', ', 3,')})"
    for statement in (overwrite, wipe_log, forged, "DELETE FROM audit_log",
                      "UPDATE report_versions SET version = 7 WHERE version = 2"):
        with pytest.raises(sqlalchemy.exc.DBAPIError, match="workbench: "):
            raw(database_url, statement)
    assert store.verify().ok


def _forged_plain_hash_entry(url: str) -> list[str]:
    """A forger without the key extends the chain with plain SHA-256 (the best they can do)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        last = conn.execute(text("SELECT entry_hash FROM audit_log ORDER BY id DESC LIMIT 1")).scalar()
    engine.dispose()
    fake = hashlib.sha256(f"{last}eve".encode()).hexdigest()
    return [f"INSERT INTO audit_log (at, actor, case_id, action, after_json, prev_hash, entry_hash, key_id) "
            f"VALUES ('2026-01-01', 'dora', 'FAM-1-1', 'sign out report v3', "
            f"'{json.dumps({'version': 3, 'content_sha256': 'f' * 64})}', '{last}', '{fake}', 'forged')"]


TAMPERING = {
    # what was done: (raw SQL, what verify must say)
    "signed content overwritten": (
        ["UPDATE report_versions SET content_json = '{\"interpretation\": \"Pathogenic.\"}' WHERE version = 1"],
        "report FAM-1-1 v1: signed content changed after signing"),
    "signed version replaced by a delete and an insert (what INSERT OR REPLACE does)": (
        ["DELETE FROM report_versions WHERE version = 2",
         "INSERT INTO report_versions (case_id, version, content_json, created_by, created_at, updated_by, "
         "updated_at, signed_by, signed_at) VALUES ('FAM-1-1', 2, '{}', 'dora', 'x', 'dora', 'x', 'dora', 'x')"],
        "report FAM-1-1 v2: differs from the content signed"),
    "audit log truncated": (
        ["DELETE FROM audit_log"],
        "report FAM-1-1 v1: is marked signed but no sign-out entry in the audit log vouches for it"),
    "forged signed version inserted as the latest": (
        ["INSERT INTO report_versions (case_id, version, content_json, created_by, created_at, updated_by, "
         "updated_at, signed_by, signed_at) VALUES ('FAM-1-1', 3, '{}', 'dora', 'x', 'dora', 'x', 'dora', 'x')"],
        "report FAM-1-1 v3: is marked signed but no sign-out entry in the audit log vouches for it"),
    "signed version deleted": (
        ["DELETE FROM report_versions WHERE version = 2"],
        "report FAM-1-1 v2: audit entry"),
    "audit entry edited": (
        ["UPDATE audit_log SET actor = 'eve' WHERE action = 'create case'"],
        "(create case): its content does not match its hash: changed after it was written"),
    "audit entry removed": (
        ["DELETE FROM audit_log WHERE action = 'start amendment v2'"],
        "does not follow entry"),
    "audit entry moved to the end": (
        ["INSERT INTO audit_log (at, actor, case_id, action, before_json, after_json, prev_hash, entry_hash, key_id) "
         "SELECT at, actor, case_id, action, before_json, after_json, prev_hash, entry_hash, key_id FROM audit_log "
         "WHERE action = 'save draft report v1'",
         "DELETE FROM audit_log WHERE id = (SELECT MIN(id) FROM audit_log WHERE action = 'save draft report v1')"],
        "(save draft report v1): does not follow entry"),
    "analyst promoted to director": (
        ["UPDATE users SET role = 'director' WHERE username = 'amy'"],
        "user amy: is director but was added as analyst: role changed outside the workbench"),
    "director account forged": (
        ["INSERT INTO users (username, display_name, role, password_hash, active, created_at) "
         "VALUES ('eve', 'Dr Eve', 'director', 'argon2-hash-eve-knows', TRUE, '2026-01-01')"],
        "user eve: has no 'add user' entry in the audit log"),
    "entry inserted without a chain hash": (
        ["INSERT INTO audit_log (at, actor, case_id, action) VALUES ('2026-01-01', 'dora', 'FAM-1-1', 'nothing')"],
        "(nothing): has no chain hash: inserted outside the workbench"),
}


@pytest.mark.parametrize("attack", sorted(TAMPERING))
def test_verify_names_each_tampering(store, signed, database_url, attack, capsys):
    statements, expected = TAMPERING[attack]
    guards_off(database_url)
    raw(database_url, *statements)
    assert expected in problems(store)
    assert workbench(["verify", "--database", database_url]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM" in out and expected in out and "problem(s)" in out.splitlines()[-1]


def test_a_forger_without_the_key_cannot_extend_the_chain(store, signed, database_url):
    guards_off(database_url)
    raw(database_url, *_forged_plain_hash_entry(database_url))
    found = problems(store)
    assert "(sign out report v3): written with another key" in found
    assert "report FAM-1-1 v3: audit entry" in found and "the version is missing" in found


def test_verify_with_another_key_says_so(store, signed, database_url, tmp_path, capsys):
    other = open_store(database_url, audit_key=AuditKey(b"x" * 64, "other.key"))
    found = problems(other)
    assert "audit log: written with another key" in found and "WORKBENCH_AUDIT_KEY_FILE" in found
    other.close()
    assert workbench(["verify", "--database", database_url, "--key-file", str(tmp_path / "missing.key")]) == 2
    assert "no audit key file at" in capsys.readouterr().err


def test_the_key_file_is_private_and_stable(key_file):
    key = load_key()
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert load_key(key_file) == key and key.key_id not in key_file.read_text()


V3_ROWS = (  # a database as schema version 3 left it: no hashes anywhere
    "INSERT INTO users VALUES ('dora', 'Dr Dora', 'director', 'argon2-hash', TRUE, '2025-01-01T00:00:00+00:00')",
    "INSERT INTO cases (case_id, family_id, proband_id, samples_json, vcf_files_json, knowledge_version, indication, "
    "status, row_version, created_by, created_at, updated_by, updated_at) VALUES ('FAM-1-1', 'FAM-1', 'NB-1', '[]', "
    "'[]', 'HPO 2025-01-16', '', 'signed out', 4, 'dora', '2025-01-01', 'dora', '2025-01-02')",
    "INSERT INTO report_versions VALUES ('FAM-1-1', 1, '{\"interpretation\": \"No diagnosis.\"}', NULL, 'dora', "
    "'2025-01-01', 'dora', '2025-01-02', 'dora', '2025-01-02T00:00:00+00:00')",
    "INSERT INTO audit_log (at, actor, action, after_json) VALUES ('2025-01-01', 'local-operator (command line)', "
    "'add user', '{\"username\": \"dora\", \"role\": \"director\", \"display_name\": \"Dr Dora\"}')",
    "INSERT INTO audit_log (at, actor, case_id, action, after_json) "
    "VALUES ('2025-01-01', 'dora', 'FAM-1-1', 'create case', '{}')",
    "INSERT INTO audit_log (at, actor, case_id, action, after_json) "
    "VALUES ('2025-01-02', 'dora', 'FAM-1-1', 'sign out report v1', '{\"version\": 1}')",
)


def test_upgrading_a_database_keeps_everything_and_vouches_for_it(database_url):
    engine = create_engine(database_url)
    with engine.begin() as conn:
        assert migrate(conn, upto=3) == [1, 2, 3]
        for statement in V3_ROWS:
            conn.execute(text(statement))
        before = {table: conn.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()
                  for table in ("users", "cases", "report_versions", "audit_log")}
    engine.dispose()

    store = open_store(database_url)
    assert store.schema_version() >= 4
    with store._engine.begin() as conn:
        for table, rows in before.items():
            now = conn.execute(text(f"SELECT * FROM {table} ORDER BY 1")).all()
            assert [tuple(r)[:len(rows[0])] for r in now[:len(rows)]] == [tuple(r) for r in rows], table
    seal = store.audit()[-1]
    assert (seal.action, seal.after["earlier_entries"]) == (SEAL_ACTION, 3)
    assert [v["version"] for v in seal.after["signed_versions"]] == [1]
    assert store.verify().ok and store.verify().signed_versions == 1
    store.close()
    assert open_store(database_url).verify().ok  # opening again seals nothing more

    guards_off(database_url)
    raw(database_url, "UPDATE audit_log SET actor = 'eve' WHERE action = 'create case'",
        "UPDATE report_versions SET content_json = '{}' WHERE version = 1")
    found = problems(open_store(database_url))
    assert "the 3 entries written before the chain no longer match their digest" in found
    assert "report FAM-1-1 v1: differs from the content signed" in found
