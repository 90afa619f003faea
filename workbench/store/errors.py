"""The store's user-facing errors and its clock, shared by the case and the user halves of the store."""
from __future__ import annotations

from datetime import datetime, timezone


class StoreError(Exception):
    """Base of the store's user-facing errors; messages are meant to be shown as they are."""


class NotFoundError(StoreError):
    pass


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
