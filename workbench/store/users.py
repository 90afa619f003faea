"""Users, roles and what each role may do; passwords are salted argon2id hashes (argon2-cffi).

>>> Role.DIRECTOR.may(Permission.SIGN_OUT), Role.ANALYST.may(Permission.SIGN_OUT)
(True, False)
>>> require(User("amy", "Amy Analyst", Role.ANALYST), Permission.SIGN_OUT)
Traceback (most recent call last):
...
workbench.store.users.PermissionDenied: user 'amy' (analyst) may not sign out a report: only a director may
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 10


class Permission(Enum):
    VIEW = "view cases"
    CREATE_CASE = "create a case"
    EDIT_PHENOTYPE = "edit the phenotype"
    CURATE = "tag, annotate, classify variants and draft a report"
    SIGN_OUT = "sign out a report"
    MANAGE_USERS = "manage users"


class Role(Enum):
    ANALYST = "analyst"
    CLINICIAN = "clinician"
    DIRECTOR = "director"
    ADMIN = "admin"

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self]


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ANALYST: frozenset({Permission.VIEW, Permission.CREATE_CASE, Permission.EDIT_PHENOTYPE, Permission.CURATE}),
    Role.CLINICIAN: frozenset({Permission.VIEW, Permission.EDIT_PHENOTYPE}),
    Role.DIRECTOR: frozenset({Permission.VIEW, Permission.CREATE_CASE, Permission.EDIT_PHENOTYPE,
                              Permission.CURATE, Permission.SIGN_OUT}),
    Role.ADMIN: frozenset({Permission.VIEW, Permission.MANAGE_USERS}),
}


@dataclass(frozen=True)
class User:
    """Who is acting; ``display_name`` is what a signature block prints."""

    username: str
    display_name: str
    role: Role
    active: bool = True


class PermissionDenied(Exception):
    """A user tried something their role does not allow; the message says which role may."""


class AuthenticationError(Exception):
    """Unknown user, wrong password or a deactivated account (deliberately not told apart)."""


def require(user: User, permission: Permission) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` is active and their role grants ``permission``."""
    if not user.active:
        raise PermissionDenied(f"user {user.username!r} is deactivated")
    if not user.role.may(permission):
        allowed = " or ".join(sorted(r.value for r in Role if r.may(permission)))
        article = "an" if allowed[0] in "aeiou" else "a"
        raise PermissionDenied(f"user {user.username!r} ({user.role.value}) may not {permission.value}: "
                               f"only {article} {allowed} may")


_HASHER = PasswordHasher()  # argon2id with the library's maintained defaults; holds no state


def hash_password(password: str) -> str:
    """A salted argon2id hash; raises ValueError for a password shorter than MIN_PASSWORD_LENGTH."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the library's parameters moved on since the hash was made."""
    return _HASHER.check_needs_rehash(stored_hash)


# Verified against when the username is unknown, so both failures take the same time.
DUMMY_HASH = _HASHER.hash("not-a-real-password-used-for-timing-only")
