"""Account protection: the password policy, log-in throttling and a bound on concurrent argon2 checks.

Password policy (checked when a user is created, never on log-in):

* at least 10 characters, 12 for a director or an administrator (they sign reports and manage
  accounts);
* not one character repeated, not a run of consecutive letters, digits or keyboard keys;
* not one of the 30,000 most common passwords (zxcvbn's list) and not the username;
* hard enough to guess by zxcvbn's estimate, which also knows the username and the name: score
  2 of 4 for everyone ("somewhat guessable": over 10^6 guesses), 3 for directors and administrators
  (over 10^8).

>>> check_password_policy("aaaaaaaaaaaa", Role.DIRECTOR, "dora")
Traceback (most recent call last):
...
workbench.store.accounts.WeakPasswordError: the password is one character repeated
>>> check_password_policy("opal-harbour-kettle", Role.DIRECTOR, "dora")

Throttling: each failed password (log-in or signature) counts against the account and, when the
app knows it, the client address. After ``free_failures`` in a row the subject is locked for
``first_lock``, doubling with each further failure up to ``max_lock``; while locked a password is
refused without being hashed, so a flood of guesses costs no argon2 memory. A right password
clears the account's count, and a failure an hour after the last one starts a new count (so the
typos of a whole ward behind one address do not add up over days). The counts live in the store
(table ``login_throttle``), so every app process sees them.
"""
from __future__ import annotations

import contextlib
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterator

from sqlalchemy import Connection, bindparam, text

from workbench.store.users import MIN_PASSWORD_LENGTH, AuthenticationError, Role

STRICT_ROLES = frozenset({Role.DIRECTOR, Role.ADMIN})
STRICT_MIN_LENGTH = 12
_KEYBOARD_RUNS = ("qwertyuiopasdfghjklzxcvbnm", "1234567890", "abcdefghijklmnopqrstuvwxyz")


class WeakPasswordError(ValueError):
    """The password breaks the policy; the message says which rule."""


def check_password_policy(password: str, role: Role, username: str, display_name: str = "") -> None:
    minimum = STRICT_MIN_LENGTH if role in STRICT_ROLES else MIN_PASSWORD_LENGTH
    if len(password) < minimum:
        raise WeakPasswordError(f"password must have at least {minimum} characters"
                                + (f" for a {role.value}" if role in STRICT_ROLES else ""))
    lowered = password.lower()
    if len(set(lowered)) == 1:
        raise WeakPasswordError("the password is one character repeated")
    if _is_run(lowered):
        raise WeakPasswordError("the password is a run of consecutive letters, digits or keyboard keys")
    if username and lowered in (username.lower(), username.lower()[::-1]):
        raise WeakPasswordError("the password is the username")
    from zxcvbn import zxcvbn
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    if lowered in FREQUENCY_LISTS["passwords"]:
        raise WeakPasswordError("the password is one of the 30,000 most common passwords")
    known_words = [username, display_name, *display_name.split()]
    estimate = zxcvbn(password, user_inputs=[w for w in known_words if w])
    needed = 3 if role in STRICT_ROLES else 2
    if estimate["score"] < needed:
        if any(m.get("dictionary_name") == "user_inputs" for m in estimate["sequence"]):
            reason = "it is built on the username or name"
        else:
            reason = (estimate["feedback"].get("warning") or "it is easy to guess").rstrip(".").lower()
        raise WeakPasswordError(f"the password is too easy to guess ({reason}); a few unrelated words make "
                                "a strong one")


def _is_run(lowered: str) -> bool:
    steps = {ord(b) - ord(a) for a, b in zip(lowered, lowered[1:])}
    if steps in ({1}, {-1}):
        return True
    return any(lowered in run or lowered in run[::-1] for run in _KEYBOARD_RUNS)


# ------------------------------------------------------------------------------------ throttling
@dataclass(frozen=True)
class ThrottlePolicy:
    free_failures: int = 5           # per account, before the first lock
    client_free_failures: int = 20   # per client address (many accounts guessed from one place)
    first_lock: timedelta = timedelta(seconds=30)
    max_lock: timedelta = timedelta(minutes=15)
    forget_after: timedelta = timedelta(hours=1)  # a failure this long after the last one starts a new count

    def lock_after(self, failures: int, free: int) -> timedelta | None:
        if failures < free:
            return None
        return min(self.first_lock * 2 ** min(failures - free, 20), self.max_lock)


class LoginThrottled(AuthenticationError):
    """Too many failed passwords: refused without checking, until ``until``."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(f"too many failed passwords for this account or from this address; try again after "
                         f"{until:%H:%M:%S} UTC")


def throttle_subjects(username: str, client: str | None) -> list[tuple[str, str]]:
    """(subject, kind) rows that a password attempt counts against."""
    return [(f"user:{username}", "user")] + ([(f"client:{client}", "client")] if client else [])


def locked_until(conn: Connection, subjects: list[tuple[str, str]], now: datetime) -> datetime | None:
    query = text("SELECT locked_until FROM login_throttle WHERE subject IN :s AND locked_until > :now")
    rows = conn.execute(query.bindparams(bindparam("s", expanding=True)),
                        {"s": [s for s, _ in subjects], "now": now.isoformat()}).all()
    return max((datetime.fromisoformat(r.locked_until) for r in rows), default=None)


def record_failure(conn: Connection, subjects: list[tuple[str, str]], now: datetime,
                   policy: ThrottlePolicy) -> datetime | None:
    """Count a failure against each subject; return when the attempt's subjects are locked until (or None)."""
    until = None
    lock_row = " FOR UPDATE" if conn.dialect.name == "postgresql" else ""  # SQLite: BEGIN IMMEDIATE locked it all
    for subject, kind in subjects:
        # Concurrent failures for one subject: the first creates the row, all then count in turn.
        conn.execute(text("INSERT INTO login_throttle (subject, failures, last_failure_at) VALUES (:s, 0, :at) "
                          "ON CONFLICT (subject) DO NOTHING"), {"s": subject, "at": now.isoformat()})
        row = conn.execute(text("SELECT failures, last_failure_at FROM login_throttle WHERE subject = :s"
                                + lock_row), {"s": subject}).one()
        recent = now - datetime.fromisoformat(row.last_failure_at) < policy.forget_after
        failures = (row.failures if recent else 0) + 1
        lock = policy.lock_after(failures, policy.free_failures if kind == "user" else policy.client_free_failures)
        conn.execute(text("UPDATE login_throttle SET failures = :f, last_failure_at = :at, locked_until = :l "
                          "WHERE subject = :s"),
                     {"s": subject, "f": failures, "at": now.isoformat(),
                      "l": (now + lock).isoformat() if lock else None})
        if lock:
            until = max(until, now + lock) if until else now + lock
    return until


def clear_failures(conn: Connection, username: str) -> None:
    conn.execute(text("DELETE FROM login_throttle WHERE subject = :s"), {"s": f"user:{username}"})


# ---------------------------------------------------------------- bounded argon2 (64 MiB each)
MAX_PASSWORD_CHECKS_ENV = "WORKBENCH_MAX_PASSWORD_CHECKS"
_SLOTS = threading.BoundedSemaphore(max(1, int(os.environ.get(MAX_PASSWORD_CHECKS_ENV) or 2)))
SLOT_WAIT_SECONDS = 20.0


class ServerBusy(AuthenticationError):
    """Every password-check slot stayed busy: the attempt was not checked (and not counted)."""


@contextlib.contextmanager
def password_check_slot() -> Iterator[None]:
    """Hold one of the process's few argon2 slots, so a flood of log-ins queues instead of taking
    64 MiB each at once."""
    if not _SLOTS.acquire(timeout=SLOT_WAIT_SECONDS):
        raise ServerBusy("the server is busy checking other passwords; try again in a minute")
    try:
        yield
    finally:
        _SLOTS.release()
