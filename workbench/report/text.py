"""One place that makes free text safe to store and to export (PDF, FHIR, phenopacket).

Text typed into the app, read from a VCF or pasted from another system may hold control
characters (FHIR strings forbid them), lone UTF-16 surrogates (protobuf refuses them) or
decomposed accents. :func:`clean_text` fixes what can be fixed without changing what a reader
sees, and refuses (with a message naming the field) what cannot: text longer than its field allows.
The store calls it on every free-text entry point; the report writers call :func:`clean_strings`
on the whole content, so text stored before this check existed exports too.

>>> clean_text("Cafe\u0301\\x00 \\ud800ok\\r\\nline 2\\tend")
'Café �ok\\nline 2 end'
>>> clean_text("x" * 30, field="patient name", limit=20)
Traceback (most recent call last):
...
workbench.report.text.TextError: patient name is 30 characters long; at most 20 are allowed
"""
from __future__ import annotations

import unicodedata
from dataclasses import fields, is_dataclass, replace
from typing import TypeVar

# Field sizes: a name or an identifier is one line; an interpretation may run to pages.
SHORT_TEXT = 200
LONG_TEXT = 20_000
REPLACEMENT = "\ufffd"
# Bidirectional overrides and isolates can make a stored name display as a different one.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class TextError(ValueError):
    """A text field that cannot be stored as given; the message names the field."""


def clean_text(value: str, *, field: str = "text", limit: int | None = None, single_line: bool = False) -> str:
    """NFC-normalised ``value`` without control characters (newlines kept unless ``single_line``),
    with each lone surrogate replaced by U+FFFD; raise :class:`TextError` past ``limit`` characters."""
    if not isinstance(value, str):
        raise TextError(f"{field} must be text, not {type(value).__name__}")
    out = []
    for char in value.replace("\r\n", "\n").replace("\r", "\n"):
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            out.append(REPLACEMENT)
        elif char == "\n":
            out.append(" " if single_line else "\n")
        elif char == "\t":
            out.append(" ")
        elif unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS or code in (0xFFFE, 0xFFFF):
            continue
        else:
            out.append(char)
    text = unicodedata.normalize("NFC", "".join(out))
    if limit is not None and len(text) > limit:
        raise TextError(f"{field} is {len(text):,} characters long; at most {limit:,} are allowed")
    return text


T = TypeVar("T")


def clean_strings(value: T) -> T:
    """The same frozen dataclass tree with every string passed through :func:`clean_text` (no limit)."""
    if isinstance(value, str):
        return clean_text(value)  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: clean_strings(getattr(value, f.name)) for f in fields(value)}
        return replace(value, **{k: v for k, v in changes.items() if v is not getattr(value, k)})
    if isinstance(value, tuple):
        cleaned = tuple(clean_strings(v) for v in value)
        return value if all(a is b for a, b in zip(cleaned, value)) else cleaned  # type: ignore[return-value]
    return value


def shorten(text: str, limit: int, marker: str = "… [truncated]") -> str:
    """``text`` cut to at most ``limit`` characters with a visible marker when cut.

    >>> shorten("abcdefghij", 8, "…")
    'abcdefg…'
    >>> shorten("abc", 8)
    'abc'
    """
    if len(text) <= limit:
        return text
    return text[: max(limit - len(marker), 0)] + marker


def short_allele(allele: str, limit: int = 24) -> str:
    """A long REF/ALT as its ends and length, so a 3 kb indel fits a table cell.

    >>> short_allele("ACGT" * 750)
    'ACGTACGTAC…ACGTACGT (3,000 bp)'
    >>> short_allele("AC")
    'AC'
    """
    if len(allele) <= limit:
        return allele
    return f"{allele[:10]}…{allele[-8:]} ({len(allele):,} bp)"
