"""``workbench verify``: is the audit chain whole, and is every signed report what was signed?

Checks, each reported as a :class:`Problem` naming the row and what is wrong:

* every audit entry follows the one before it (``prev_hash``) and matches its own HMAC, so no entry
  was changed, removed, inserted or reordered, and entries from before the chain still match the
  digest the chain started with;
* every signed report version matches the content hash recorded when it was signed, and a chained
  sign-out entry (or the chain's start, for versions signed before it) vouches for that hash, so a
  version that was overwritten, or inserted or signed with raw SQL, is found;
* every signature the log records still exists, report versions run 1, 2, 3... without gaps, and
  every case appears in the log (a truncated log loses them);
* every account was added through the workbench with the role it has now, and is active or not
  as the log last set it (a director forged or promoted with raw SQL could sign legitimately).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from workbench.store.audit import (GENESIS, KEY_FILE_ENV, SEAL_ACTION, AuditKey, earlier_entries_digest, entry_hash,
                                   signed_content_hash)

SIGN_ACTION_PREFIX = "sign out report v"


@dataclass(frozen=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class Verification:
    entries: int = 0
    head: str = GENESIS
    signed_versions: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        state = "intact" if self.ok else f"{len(self.problems)} problem(s)"
        return (f"audit log: {self.entries} entries, head {self.head[:16]}; "
                f"{self.signed_versions} signed report version(s); {state}")


def verify(conn: Connection, key: AuditKey) -> Verification:
    result = Verification()
    rows = conn.execute(text("SELECT * FROM audit_log ORDER BY id")).all()
    result.entries = len(rows)
    signatures = _check_chain(rows, key, result)
    _check_signed_versions(conn, signatures, result)
    _check_cases(conn, rows, result)
    _check_users(conn, rows, result)
    return result


def _check_chain(rows: list[Any], key: AuditKey, result: Verification) -> dict[tuple[str, int], tuple[str, str]]:
    """Walk the chain; return (case, version) -> (content hash, which entry vouches for it)."""
    problem = result.problems.append
    chained = [r for r in rows if r.entry_hash is not None]
    if chained and all(r.key_id != key.key_id for r in chained):
        problem(Problem("audit log", f"written with another key (key id {chained[0].key_id}, but {key.source} has "
                                     f"{key.key_id}): point {KEY_FILE_ENV} at the key this store uses; "
                                     "entry hashes were not checked"))
        key = None
    signatures: dict[tuple[str, int], tuple[str, str]] = {}
    earlier: list[Any] = []
    prev, prev_id = GENESIS, None
    for row in rows:
        where = f"audit entry {row.id} ({row.action})"
        if row.entry_hash is None:
            if prev_id is None:
                earlier.append(row)
            else:
                problem(Problem(where, "has no chain hash: inserted outside the workbench"))
            continue
        if prev_id is None and earlier:
            _check_seal(row, earlier, result)
        if row.prev_hash != prev:
            follows = f"entry {prev_id}" if prev_id is not None else "the start of the log"
            problem(Problem(where, f"does not follow {follows}: an entry between them was removed, inserted or "
                                   "moved"))
        if key is not None and row.key_id != key.key_id:
            problem(Problem(where, f"written with another key (key id {row.key_id})"))
        elif key is not None and row.entry_hash != entry_hash(key, row.prev_hash, row.at, row.actor, row.case_id,
                                                              row.action, row.before_json, row.after_json):
            problem(Problem(where, "its content does not match its hash: changed after it was written"))
        prev, prev_id = row.entry_hash, row.id
        after = _json(row.after_json)
        if row.action.startswith(SIGN_ACTION_PREFIX) and isinstance(after, dict) and "content_sha256" in after:
            signatures[(row.case_id, int(after["version"]))] = (after["content_sha256"], f"audit entry {row.id}")
        elif row.action == SEAL_ACTION and isinstance(after, dict):
            for signed in after.get("signed_versions", []):
                signatures[(signed["case_id"], int(signed["version"]))] = (signed["content_sha256"],
                                                                           f"audit entry {row.id}")
    if earlier and prev_id is None:
        problem(Problem("audit log", f"{len(earlier)} entries have no chain hash and no chain start covers them"))
    result.head = prev
    return signatures


def _check_seal(row: Any, earlier: list[Any], result: Verification) -> None:
    after = _json(row.after_json)
    where = f"audit entry {row.id} ({row.action})"
    if row.action != SEAL_ACTION or not isinstance(after, dict):
        result.problems.append(Problem(where, f"{len(earlier)} earlier entries have no chain hash: inserted "
                                              "outside the workbench"))
    elif (after.get("earlier_entries"), after.get("earlier_entries_sha256")) != (len(earlier),
                                                                                  earlier_entries_digest(earlier)):
        result.problems.append(Problem(where, f"the {after.get('earlier_entries')} entries written before the chain "
                                              f"no longer match their digest (now {len(earlier)} entries): changed, "
                                              "removed or added"))


def _check_signed_versions(conn: Connection, signatures: dict[tuple[str, int], tuple[str, str]],
                           result: Verification) -> None:
    problem = result.problems.append
    rows = conn.execute(text("SELECT * FROM report_versions ORDER BY case_id, version")).all()
    present = {(r.case_id, r.version): r for r in rows}
    for row in rows:
        if row.signed_at is None and row.signed_by is None:
            continue
        result.signed_versions += 1
        where = f"report {row.case_id} v{row.version}"
        actual = signed_content_hash(row.case_id, row.version, row.content_json, row.amendment_reason,
                                     row.signed_by, row.signed_at)
        if row.content_sha256 is not None and row.content_sha256 != actual:
            problem(Problem(where, "signed content changed after signing (does not match its content hash)"))
        vouched = signatures.get((row.case_id, row.version))
        if vouched is None:
            problem(Problem(where, "is marked signed but no sign-out entry in the audit log vouches for it: forged, "
                                   "or signed outside the workbench"))
        elif vouched[0] != actual:
            problem(Problem(where, f"differs from the content signed ({vouched[1]} records another hash): "
                                   "overwritten after signing"))
    for (case_id, version), (_, entry) in sorted(signatures.items()):
        row = present.get((case_id, version))
        if row is None or row.signed_at is None:
            problem(Problem(f"report {case_id} v{version}", f"{entry} records its signature but the version is "
                                                            f"{'missing' if row is None else 'no longer signed'}"))
    versions: dict[str, list[int]] = {}
    for case_id, version in present:
        versions.setdefault(case_id, []).append(version)
    for case_id, numbers in sorted(versions.items()):
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            problem(Problem(f"case {case_id}", f"report versions {sorted(numbers)} do not run 1, 2, 3...: "
                                               "a version was removed or inserted"))


def _check_cases(conn: Connection, rows: list[Any], result: Verification) -> None:
    logged = {r.case_id for r in rows}
    for (case_id,) in conn.execute(text("SELECT case_id FROM cases ORDER BY case_id")).all():
        if case_id not in logged:
            result.problems.append(Problem(f"case {case_id}", "has no entry in the audit log: the log was truncated "
                                                              "or the case was inserted outside the workbench"))


def _check_users(conn: Connection, rows: list[Any], result: Verification) -> None:
    added: dict[str, str] = {}
    active: dict[str, bool] = {}
    for row in rows:
        after = _json(row.after_json)
        if not isinstance(after, dict) or "username" not in after:
            continue
        if row.action == "add user":
            added[after["username"]] = after.get("role")
            active[after["username"]] = True
        elif row.action in ("activate user", "deactivate user"):
            active[after["username"]] = bool(after.get("active"))
    for user in conn.execute(text("SELECT username, role, active FROM users ORDER BY username")).all():
        where = f"user {user.username}"
        if user.username not in added:
            result.problems.append(Problem(where, "has no 'add user' entry in the audit log: added outside the "
                                                  "workbench (or the log was truncated)"))
        elif added[user.username] != user.role:
            result.problems.append(Problem(where, f"is {user.role} but was added as {added[user.username]}: role "
                                                  "changed outside the workbench"))
        if user.username in added and bool(user.active) != active[user.username]:
            result.problems.append(Problem(where, f"is {'active' if user.active else 'deactivated'}, but the audit "
                                                  "log last set the opposite: changed outside the workbench"))


def _json(value: str | None) -> Any:
    try:
        return json.loads(value) if value else None
    except ValueError:
        return None
