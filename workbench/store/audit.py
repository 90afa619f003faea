"""The hash-chained audit log and the hash of signed report content.

Each audit entry stores the hash of the entry before it (``prev_hash``) and its own hash
(``entry_hash``): an HMAC-SHA256, keyed with a secret kept outside the database, of the previous
hash and the entry's fields. Removing, inserting, changing or reordering an entry breaks the chain
at that point, and someone who can write to the database but cannot read the key cannot forge a
chain that verifies (``workbench verify``, :mod:`workbench.store.integrity`). The threat model is
in docs/integrity.md.

>>> key = AuditKey(b"k" * 32, "test")
>>> first = entry_hash(key, GENESIS, "2026-01-01T00:00:00+00:00", "amy", "FAM-1-1", "create case", None, "{}")
>>> first == entry_hash(key, GENESIS, "2026-01-01T00:00:00+00:00", "amy", "FAM-1-1", "create case", None, "{}")
True
>>> first == entry_hash(key, GENESIS, "2026-01-01T00:00:00+00:00", "eve", "FAM-1-1", "create case", None, "{}")
False
"""
from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text

from workbench.paths import data_dir

GENESIS = "0" * 64  # what the first chained entry follows
KEY_FILE_ENV = "WORKBENCH_AUDIT_KEY_FILE"
SEAL_ACTION = "start tamper-evident audit log"
SEAL_ACTOR = "workbench (schema upgrade)"
_PG_CHAIN_LOCK = 726355  # advisory lock: one chained append at a time (SQLite's BEGIN IMMEDIATE already is)


@dataclass(frozen=True)
class AuditKey:
    """The HMAC key of the audit chain and where it came from (its bytes never appear in messages)."""

    secret: bytes
    source: str

    @property
    def key_id(self) -> str:
        """A fingerprint stored with each entry, so verify can say "written with another key"."""
        return hashlib.sha256(b"workbench audit key id\0" + self.secret).hexdigest()[:16]


def default_key_path() -> Path:
    """``WORKBENCH_AUDIT_KEY_FILE`` if set, else ``audit.key`` in the workbench data folder."""
    return Path(os.environ.get(KEY_FILE_ENV) or data_dir() / "audit.key")


def load_key(path: str | Path | None = None, *, create: bool = True) -> AuditKey:
    """Read the key file, creating a random 256-bit key (mode 0600) the first time."""
    path = Path(path) if path else default_key_path()
    return _load_key(str(path.resolve()), create)


@functools.lru_cache(maxsize=8)
def _load_key(path: str, create: bool) -> AuditKey:
    file = Path(path)
    if not file.exists():
        if not create:
            raise FileNotFoundError(f"no audit key file at {file} (set {KEY_FILE_ENV} to the key the store was "
                                    f"written with)")
        file.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(descriptor, "w") as handle:
                handle.write(secrets.token_hex(32) + "\n")
    secret = file.read_bytes().strip()
    if len(secret) < 32:
        raise ValueError(f"the audit key in {file} is too short (at least 32 characters)")
    return AuditKey(secret, str(file))


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8 (what every hash here is taken of)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(key: AuditKey, prev_hash: str, at: str, actor: str, case_id: str | None, action: str,
               before_json: str | None, after_json: str | None) -> str:
    fields = [prev_hash, at, actor, case_id, action, before_json, after_json]
    return hmac.new(key.secret, canonical(fields), hashlib.sha256).hexdigest()


def signed_content_hash(case_id: str, version: int, content_json: str, amendment_reason: str | None,
                        signed_by: str | None, signed_at: str | None) -> str:
    """SHA-256 of a signed version: its content (re-serialised canonically) and who signed it when."""
    return hashlib.sha256(canonical({
        "case_id": case_id, "version": int(version), "content": json.loads(content_json),
        "amendment_reason": amendment_reason, "signed_by": signed_by, "signed_at": signed_at,
    })).hexdigest()


def append(conn: Connection, key: AuditKey, *, at: str, actor: str, case_id: str | None, action: str,
           before_json: str | None, after_json: str | None) -> str:
    """Add an entry after the last chained one, inside the caller's transaction; return its hash."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_CHAIN_LOCK})
    prev = conn.execute(text("SELECT entry_hash FROM audit_log WHERE entry_hash IS NOT NULL "
                             "ORDER BY id DESC LIMIT 1")).scalar() or GENESIS
    digest = entry_hash(key, prev, at, actor, case_id, action, before_json, after_json)
    conn.execute(text("INSERT INTO audit_log (at, actor, case_id, action, before_json, after_json, prev_hash, "
                      "entry_hash, key_id) VALUES (:at, :a, :c, :action, :b, :af, :p, :h, :k)"),
                 {"at": at, "a": actor, "c": case_id, "action": action, "b": before_json, "af": after_json,
                  "p": prev, "h": digest, "k": key.key_id})
    return digest


def earlier_entries_digest(rows: list[Any]) -> str:
    """SHA-256 over the entries written before the chain existed (ids and every field)."""
    return hashlib.sha256(canonical([[r.id, r.at, r.actor, r.case_id, r.action, r.before_json, r.after_json]
                                     for r in rows])).hexdigest()


def seal_earlier(conn: Connection, key: AuditKey, at: str) -> None:
    """On upgrading a database that has entries from before the chain: start the chain with an entry
    that covers them (their digest) and the signed versions that exist (their content hashes), since
    those rows can no longer be rewritten to carry hashes of their own."""
    earlier = conn.execute(text("SELECT * FROM audit_log WHERE entry_hash IS NULL ORDER BY id")).all()
    signed = conn.execute(text("SELECT * FROM report_versions WHERE signed_at IS NOT NULL "
                               "ORDER BY case_id, version")).all()
    if not earlier and not signed:
        return
    after = {"earlier_entries": len(earlier), "earlier_entries_sha256": earlier_entries_digest(earlier),
             "signed_versions": [{"case_id": r.case_id, "version": r.version,
                                  "content_sha256": signed_content_hash(r.case_id, r.version, r.content_json,
                                                                        r.amendment_reason, r.signed_by, r.signed_at)}
                                 for r in signed]}
    append(conn, key, at=at, actor=SEAL_ACTOR, case_id=None, action=SEAL_ACTION, before_json=None,
           after_json=json.dumps(after, sort_keys=True))
