"""Shared fixtures: ``database_url`` runs a test once on SQLite and once on a throw-away PostgreSQL.

The PostgreSQL server is started once per test session from Debian's server binaries
(``/usr/lib/postgresql/*/bin``) in a temporary directory on a free 127.0.0.1 port, and each test
gets its own fresh schema. Running as root, the server runs as the ``postgres`` user.
"""
from __future__ import annotations

import gc
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from workbench.model import Sample, Sex, Trio
from workbench.store import Role, open_store


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Base URL of a private PostgreSQL server for this session (skips if the server is not installed)."""
    bindir = _postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin "
                    "(apt-get install postgresql, as `bash .ci/run` does)")
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    home = Path(tempfile.mkdtemp(prefix="workbench-pg-"))
    data = home / "data"
    if as_root:
        shutil.chown(home, "postgres", "postgres")
    port = _free_port()

    def run(*args: str) -> None:
        subprocess.run(prefix + list(args), check=True, capture_output=True, text=True)

    try:
        run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C")
        run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(home / "server.log"), "-w", "-t", "60",
            "-o", f"-p {port} -h 127.0.0.1 -k {home} -F", "start")
    except subprocess.CalledProcessError as error:
        shutil.rmtree(home, ignore_errors=True)
        raise RuntimeError(f"could not start PostgreSQL: {error.stderr}") from error
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        gc.collect()  # close any connection pool a test left behind while its server still answers
        subprocess.run(prefix + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or a new schema on the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    import psycopg

    base = request.getfixturevalue("postgres_server")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    return f"{base}?options=-csearch_path%3D{schema}"


@pytest.fixture
def store(database_url: str):
    """An empty case store on ``database_url`` (modules that need users in it define their own)."""
    store = open_store(database_url)
    yield store
    store.close()


@pytest.fixture
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters so tests that create many users stay fast (production keeps the defaults)."""
    from argon2 import PasswordHasher

    import workbench.store.users as users

    monkeypatch.setattr(users, "_HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


BENCHMARK = Path(__file__).resolve().parents[1].parent / "shared" / "benchmark"


@pytest.fixture(scope="session")
def simulated_cases(tmp_path_factory) -> Path:
    """Three simtrio cases from the shared benchmark, made once per session (skips without it)."""
    if not (BENCHMARK / "simtrio.py").exists():
        pytest.skip(f"benchmark not found at {BENCHMARK}")
    cases = tmp_path_factory.mktemp("simtrio") / "cases"
    subprocess.run(["python3", str(BENCHMARK / "simtrio.py"), "cases", str(BENCHMARK / "cases_dev.jsonl.gz"),
                    str(cases), "--limit", "3", "--seed", "7"], check=True, capture_output=True)
    return cases


@pytest.fixture
def role_store(tmp_path: Path):
    """A SQLite store with one user per role (username = role, password = "<role>-password") and one
    registered trio case."""
    store = open_store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    for role in Role:
        store.add_user(role.value, f"{role.value}-password", role, f"Dr {role.value.title()}", None)
    vcf = tmp_path / "family.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n")
    trio = Trio(Sample("NB-1", "FAM-1", Sex.FEMALE), Sample("DAD-1", "FAM-1", Sex.MALE),
                Sample("MUM-1", "FAM-1", Sex.FEMALE))
    store.create_case(trio, vcf, "HPO 2025-01-16", store.authenticate("analyst", "analyst-password"))
    yield store
    store.close()
