"""The store's accounts: users, log-in, signature passwords, and the role checks every write makes.

:class:`UserAccounts` is the half of :class:`~workbench.store.casestore.CaseStore` that deals with
people: it needs the store's ``_transaction``, ``_audit`` and ``_throttle``. The rules it applies
(password policy, throttling, argon2 slots) are in :mod:`workbench.store.accounts`; roles and
hashing in :mod:`workbench.store.users`.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.exc import IntegrityError

from workbench.store import accounts
from workbench.store.errors import NotFoundError, StoreError
from workbench.store.errors import utc_now as _now
from workbench.store.users import (DUMMY_HASH, AuthenticationError, Permission, PermissionDenied, Role, User,
                                   hash_password, needs_rehash, require, verify_password)


class UserAccounts:
    """Users and passwords (a base of CaseStore)."""

    _throttle: accounts.ThrottlePolicy

    def has_users(self) -> bool:
        with self._transaction() as conn:
            return conn.execute(text("SELECT 1 FROM users LIMIT 1")).first() is not None

    def add_user(self, username: str, password: str, role: Role, display_name: str,
                 actor: User | None) -> User:
        """Create a user. ``actor`` must be an admin; None means the local operator (command line)."""
        if actor is not None:
            require(actor, Permission.MANAGE_USERS)  # fails fast; re-checked against the database below
        username = username.strip()
        if not username or not display_name.strip():
            raise StoreError("a user needs a username and a display name")
        accounts.check_password_policy(password, role, username, display_name.strip())
        with accounts.password_check_slot():
            password_hash = hash_password(password)
        user = User(username, display_name.strip(), role)
        try:
            with self._transaction() as conn:
                if actor is not None:
                    self._require_current(conn, actor, Permission.MANAGE_USERS)
                if conn.execute(text("SELECT 1 FROM users WHERE username = :u"), {"u": username}).first():
                    raise StoreError(f"user {username!r} already exists")
                conn.execute(text("INSERT INTO users (username, display_name, role, password_hash, active, "
                                  "created_at) VALUES (:u, :n, :r, :h, :a, :t)"),
                             {"u": username, "n": user.display_name, "r": role.value, "h": password_hash,
                              "a": True, "t": _now().isoformat()})
                self._audit(conn, actor, None, "add user", None, {"username": username, "role": role.value,
                                                                   "display_name": user.display_name})
        except IntegrityError:  # PostgreSQL: someone added the same username at the same moment
            raise StoreError(f"user {username!r} already exists") from None
        return user

    def set_user_active(self, username: str, active: bool, actor: User) -> None:
        require(actor, Permission.MANAGE_USERS)
        with self._transaction() as conn:
            self._require_current(conn, actor, Permission.MANAGE_USERS)
            before = self._user_row(conn, username)
            conn.execute(text("UPDATE users SET active = :a WHERE username = :u"), {"a": active, "u": username})
            self._audit(conn, actor, None, "activate user" if active else "deactivate user",
                        {"username": username, "active": bool(before.active)}, {"username": username, "active": active})

    def active_user(self, username: str) -> User | None:
        """The account as the database has it now, or None if it is unknown or deactivated (the app
        asks on every page load, so a deactivation ends open sessions)."""
        with self._transaction() as conn:
            row = conn.execute(text("SELECT * FROM users WHERE username = :u"), {"u": username}).first()
        return User(row.username, row.display_name, Role(row.role), True) if row is not None and row.active else None

    def users(self) -> tuple[User, ...]:
        with self._transaction() as conn:
            rows = conn.execute(text("SELECT * FROM users ORDER BY username")).all()
        return tuple(User(r.username, r.display_name, Role(r.role), bool(r.active)) for r in rows)

    def authenticate(self, username: str, password: str, client: str | None = None) -> User:
        """The user if the password matches; otherwise AuthenticationError (audited, no password kept).

        ``client`` (the browser's address, when known) is throttled as well as the account:
        :class:`~workbench.store.accounts.LoginThrottled` while either is locked.
        """
        return self._check_password(username, password, None, "log-in", "failed log-in", client)

    def confirm_signature(self, case_id: str, actor: User, password: str) -> None:
        """Check a signer's password without signing (:meth:`sign_out` checks it itself).

        Not a log-in: a wrong password is audited on the case as a failed signature, and a right
        one writes nothing (the sign-out entry that follows says what happened).
        """
        self._check_password(actor.username, password, case_id, None, "failed signature password")

    def _check_password(self, username: str, password: str, case_id: str | None, ok_action: str | None,
                        failed_action: str, client: str | None = None) -> User:
        """Verify a password, audit the outcome under the caller's action names (None: no entry).

        A locked account or client is refused before the hash is computed; the slow hash check runs
        between two short transactions (in one of the process's few argon2 slots), so it never
        holds a lock.
        """
        subjects = accounts.throttle_subjects(username, client)
        with self._transaction() as conn:
            until = accounts.locked_until(conn, subjects, _now())
            row = conn.execute(text("SELECT * FROM users WHERE username = :u"), {"u": username}).first()
        if until is not None:
            raise accounts.LoginThrottled(until)
        with accounts.password_check_slot():
            ok = verify_password(row.password_hash if row else DUMMY_HASH, password) and row is not None and row.active
            rehashed = hash_password(password) if ok and needs_rehash(row.password_hash) else None
        with self._transaction() as conn:
            if rehashed:
                conn.execute(text("UPDATE users SET password_hash = :h WHERE username = :u"),
                             {"h": rehashed, "u": username})
            if ok:
                accounts.clear_failures(conn, username)
                if ok_action:
                    self._audit(conn, None, case_id, ok_action, None, None, actor_name=username)
            else:
                until = accounts.record_failure(conn, subjects, _now(), self._throttle)
                self._audit(conn, None, case_id, failed_action, None,
                            {"username": username} | ({"client": client} if client else {})
                            | ({"locked_until": until.isoformat()} if until else {}),
                            actor_name=username)
        if not ok:
            raise AuthenticationError("unknown user, wrong password or deactivated account")
        return User(row.username, row.display_name, Role(row.role), True)

    def _require_current(self, conn: Connection, actor: User, permission: Permission) -> None:
        """:func:`require` on the account as the database has it now, not on the session's copy of it
        (an admin may have deactivated or demoted the account since it logged in)."""
        row = conn.execute(text("SELECT role, active FROM users WHERE username = :u"), {"u": actor.username}).first()
        if row is None or not row.active:
            raise PermissionDenied(f"user {actor.username!r} is deactivated or unknown")
        require(replace(actor, role=Role(row.role), active=True), permission)

    def _user_row(self, conn: Connection, username: str) -> Any:
        row = conn.execute(text("SELECT * FROM users WHERE username = :u"), {"u": username}).first()
        if row is None:
            raise NotFoundError(f"no user {username!r}")
        return row
