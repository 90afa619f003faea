"""Unicode fonts for the PDF: a main font (DejaVu Sans) and fallbacks for scripts it lacks.

Patient and clinician names come in any script. The PDF core fonts are Latin-1 only (an
Arabic, Hebrew, CJK or even Turkish "ğ" name became "?"), so the report embeds TrueType fonts
found on this machine (Debian: fonts-dejavu-core, fonts-noto-core, fonts-noto-cjk). What no
installed font can draw is replaced by a visible U+FFFD and listed as a warning printed in the
PDF itself, never dropped in silence; without any Unicode font the PDF says so on its first page.
Set ``WORKBENCH_PDF_FONT_DIR`` to search another folder first.
"""
from __future__ import annotations

import functools
import logging
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
             "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")
MAIN_FONT = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
# Fallbacks in order: general Noto, then scripts DejaVu Sans lacks or draws poorly; CJK last.
FALLBACK_FONTS = (
    ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
    ("NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ("NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"),
    ("NotoSansDevanagari-Regular.ttf", "NotoSansDevanagari-Bold.ttf"),
    ("NotoSansThai-Regular.ttf", "NotoSansThai-Bold.ttf"),
    ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"),
    ("NotoSansCJKsc-Regular.otf", "NotoSansCJKsc-Bold.otf"),
    ("wqy-zenhei.ttc", None),
    ("DroidSansFallbackFull.ttf", None),
)
MISSING_FONT_WARNING = ("No Unicode font (DejaVu Sans) is installed on this server: this PDF uses a Latin-1 font "
                        "and shows '?' for other characters. Install fonts-dejavu-core. The FHIR and phenopacket "
                        "exports carry the exact text.")


@dataclass(frozen=True)
class FontFile:
    family: str
    regular: Path
    bold: Path | None
    coverage: frozenset[int] = frozenset()


@dataclass(frozen=True)
class FontSet:
    """The fonts found: ``main`` None means only the Latin-1 core fonts are available."""

    main: FontFile | None
    fallbacks: tuple[FontFile, ...]
    coverage: frozenset[int]  # code points some regular font can draw

    def drawable(self, char: str) -> bool:
        return ord(char) in self.coverage or unicodedata.category(char) in ("Zs", "Cc", "Mn", "Cf")

    def fallbacks_for(self, text: str) -> tuple[FontFile, ...]:
        """Only the fallback fonts ``text`` needs (loading each costs time), in order."""
        if self.main is None:
            return ()
        missing = {ord(c) for c in set(text)} - self.main.coverage
        chosen = []
        for fallback in self.fallbacks:
            if missing & fallback.coverage:
                chosen.append(fallback)
                missing -= fallback.coverage
        return tuple(chosen)


def _search_dirs() -> list[Path]:
    extra = os.environ.get("WORKBENCH_PDF_FONT_DIR")
    dirs = [Path(extra)] if extra else []
    return dirs + [Path(d).expanduser() for d in FONT_DIRS]


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, Path]:
    """File name -> path of every font file under the search folders (first found wins)."""
    found: dict[str, Path] = {}
    for folder in _search_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() in (".ttf", ".otf", ".ttc"):
                found.setdefault(path.name, path)
    return found


def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(path), fontNumber=0, lazy=True)
        return frozenset(font.getBestCmap() or {})
    except Exception as error:  # a damaged font file must not stop the report
        log.warning("font %s could not be read (%s); skipped", path, error)
        return frozenset()


@functools.lru_cache(maxsize=1)
def find_fonts() -> FontSet:
    """The fonts this machine has; logs a warning when no Unicode font is installed."""
    index = _index()
    if MAIN_FONT[0] not in index:
        log.warning(MISSING_FONT_WARNING)
        return FontSet(None, (), frozenset(range(32, 256)))
    main = FontFile("Main", index[MAIN_FONT[0]], index.get(MAIN_FONT[1]), _cmap(index[MAIN_FONT[0]]))
    coverage = set(main.coverage)
    fallbacks = []
    for number, (regular, bold) in enumerate(FALLBACK_FONTS):
        if regular in index:
            glyphs = _cmap(index[regular])
            if glyphs - coverage:
                fallbacks.append(FontFile(f"Fallback{number}", index[regular], index.get(bold) if bold else None,
                                          glyphs))
                coverage |= glyphs
    return FontSet(main, tuple(fallbacks), frozenset(coverage))
