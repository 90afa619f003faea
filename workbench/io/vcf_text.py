"""VCF text at the boundary: decompression, line batches with numbers, header, GT strings.

Shared by the joint-VCF reader (:mod:`workbench.io.vcf`) and the per-person merge
(:mod:`workbench.io.merge`).
"""
from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from workbench.io.bgzf import BgzfError, decompress_range, is_bgzf
from workbench.io.errors import InputError
from workbench.qc import tally as T

CHUNK_BYTES = 1024 * 1024  # blocks of ~5k records: numpy temporaries stay in the CPU cache (faster than 8 MB)


# -- genotype strings ---------------------------------------------------------------------
def gt_alleles(gt: str) -> tuple[int | None, ...]:
    """'0/1' -> (0, 1); '1' -> (1,); './.' -> (None, None); '' or '.' -> (None,)."""
    parts = gt.replace("|", "/").split("/")
    return tuple(None if p in (".", "") else int(p) for p in parts)


def bad_gt_message(gt: str) -> str:
    """The problem text for a GT that is not a genotype, the same from the joint and per-person readers."""
    return f"genotype {gt!r} is not a VCF GT value"


def allele_beyond_alts(gt: str, n_alts: int) -> str | None:
    """The problem text when a GT names an allele the record does not have (``0/2`` with one ALT), else None.

    >>> allele_beyond_alts("0/2", 1), allele_beyond_alts("1|2", 2), allele_beyond_alts("./.", 1)
    ("genotype '0/2' names allele 2 but the record has 1 ALT allele", None, None)
    """
    top = GT_TOP[gt] if gt in GT_TOP else max((a for a in gt_alleles(gt) if a is not None), default=0)
    if top > n_alts:
        return f"genotype {gt!r} names allele {top} but the record has {n_alts} ALT allele{'s' if n_alts > 1 else ''}"
    return None


# GRCh38 primary assembly lengths: positions past them are refused when the header gives no ##contig length
GRCH38_LENGTHS = {
    "chr1": 248956422, "chr2": 242193529, "chr3": 198295559, "chr4": 190214555, "chr5": 181538259,
    "chr6": 170805979, "chr7": 159345973, "chr8": 145138636, "chr9": 138394717, "chr10": 133797422,
    "chr11": 135086622, "chr12": 133275309, "chr13": 114364328, "chr14": 107043718, "chr15": 101991189,
    "chr16": 90338345, "chr17": 83257441, "chr18": 80373285, "chr19": 58617616, "chr20": 64444167,
    "chr21": 46709983, "chr22": 50818468, "chrX": 156040895, "chrY": 57227415, "chrM": 16569,
}


def parse_position(text: str, chrom: str, length: int | None) -> int:
    """POS as a number, or ValueError naming what is wrong (not a number, below 1, past the contig end).

    >>> parse_position("12", "chr1", 100)
    12
    >>> parse_position("0", "chr1", 100)
    Traceback (most recent call last):
    ValueError: position 0 is not a valid position (VCF positions start at 1)
    """
    try:
        pos = int(text)
    except ValueError:
        raise ValueError(f"position {text[:40]!r} is not a whole number") from None
    if pos < 1:
        raise ValueError(f"position {pos} is not a valid position (VCF positions start at 1)")
    if length is not None and pos > length:
        raise ValueError(f"position {pos} is past the end of {chrom} ({length} bases)")
    return pos


def _gt_code_table() -> dict[str, int]:
    """Record-level code of every common GT string, computed once (faster than parsing)."""
    table: dict[str, int] = {".": T.NO_CALL, "": T.NO_CALL}
    symbols = [".", *map(str, range(10))]
    for a in symbols:
        if a != ".":
            table[a] = T.genotype_code(gt_alleles(a))
        for b in symbols:
            for sep in "/|":
                text = f"{a}{sep}{b}"
                table[text] = T.genotype_code(gt_alleles(text))
    return table


GT_CODE = _gt_code_table()
GT_TOP = {gt: max((a for a in gt_alleles(gt) if a is not None), default=0) for gt in GT_CODE}  # highest allele


def chrom_class(chrom: str) -> int:
    if chrom == "chrX":
        return T.X_NONPAR  # PAR is decided per position
    if chrom == "chrY":
        return T.Y_CHROM
    if chrom == "chrM":
        return T.MITO
    bare = chrom[3:]
    return T.AUTOSOME if chrom.startswith("chr") and bare.isdigit() and 1 <= int(bare) <= 22 else T.OTHER_CONTIG


# -- the header ---------------------------------------------------------------------------
@dataclass(frozen=True)
class VcfHeader:
    text: str  # the '##' lines and the '#CHROM' line
    samples: tuple[str, ...]
    line_count: int
    contig_lengths: dict[str, int]
    info_ids: frozenset[str]


def parse_header(lines: list[str], name: str) -> VcfHeader:
    meta = [line for line in lines if line.startswith("##")]
    columns = lines[-1].rstrip("\r\n").split("\t")
    while len(columns) > 8 and columns[-1] == "":
        columns.pop()  # a trailing tab after the last sample name: harmless, and common from spreadsheets
    if columns[:8] != ["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO"]:
        raise InputError(f"{name} line {len(lines)}: the column header should start with "
                         "#CHROM POS ID REF ALT QUAL FILTER INFO (tab-separated)")
    lengths: dict[str, int] = {}
    info_ids = frozenset(line[len("##INFO=<ID="):].split(",", 1)[0] for line in meta if line.startswith("##INFO=<ID="))
    for line in meta:
        if line.startswith("##contig=<"):
            body = line[len("##contig=<"):].rstrip(">\r\n")
            attrs = dict(part.split("=", 1) for part in body.split(",") if "=" in part)
            if "ID" in attrs and attrs.get("length", "").isdigit():
                lengths[attrs["ID"]] = int(attrs["length"])
    samples = tuple(columns[9:])
    if "" in samples:
        raise InputError(f"{name} line {len(lines)}: sample column {10 + samples.index('')} of the column header "
                         "has no name")
    if len(samples) != len(set(samples)):
        dup = sorted({s for s in samples if samples.count(s) > 1})
        raise InputError(f"{name} line {len(lines)}: sample column(s) {', '.join(dup)} appear twice")
    return VcfHeader("".join(line if line.endswith("\n") else line + "\n" for line in lines),
                   samples, len(lines), lengths, info_ids)


# -- reading text ---------------------------------------------------------------------------
def file_kind(path: Path) -> str:
    """'bgzf', 'gzip' or 'plain', from the first bytes."""
    with open(path, "rb") as fh:
        head = fh.read(18)
    if head[:2] != b"\x1f\x8b":
        return "plain"
    return "bgzf" if is_bgzf(path) else "gzip"


def decompressed_pieces(path: Path, kind: str, on_offset: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """Decompressed bytes of the whole file in large pieces; ``on_offset`` hears the bytes read."""
    if kind == "bgzf":
        yield from decompress_range(path, 0, path.stat().st_size, CHUNK_BYTES, on_offset)
        return
    with open(path, "rb") as raw, (gzip.GzipFile(fileobj=raw) if kind == "gzip" else raw) as fh:
        while block := fh.read(CHUNK_BYTES):
            if on_offset:
                on_offset(raw.tell())
            yield block


def line_chunks(pieces: Iterable[bytes], name: str) -> Iterator[tuple[bytes, int]]:
    """(bytes of complete lines ending in a newline, number of their first line)."""
    rest = b""
    lines_done = 0
    iterator = iter(pieces)
    while True:
        try:
            piece = next(iterator, None)
        except (EOFError, zlib.error, gzip.BadGzipFile, BgzfError, OSError) as exc:
            complete = lines_done + rest.count(b"\n")
            raise InputError(f"{name}: the compressed file is damaged or truncated after line {complete} "
                             f"({exc})") from exc
        if piece is None:
            break
        data = rest + piece
        cut = data.rfind(b"\n") + 1
        chunk, rest = data[:cut], data[cut:]
        if chunk:
            yield chunk, lines_done + 1
            lines_done += chunk.count(b"\n")
    if rest:
        yield rest + b"\n", lines_done + 1


def split_header(chunks: Iterator[tuple[bytes, int]], name: str) -> tuple[VcfHeader, bytes, int]:
    """The header, then the rest of the chunk that ended it and the number of its first line."""
    header: list[str] = []
    for chunk, first in chunks:
        position = 0
        while position < len(chunk):
            end = chunk.index(b"\n", position)
            line = chunk[position:end].decode("utf-8", errors="replace").rstrip("\r")
            if not header and line.startswith("\ufeff"):
                line = line[1:]  # a UTF-8 byte order mark, as some Windows editors write: harmless
            position = end + 1
            if line.startswith("#") or not line.strip():
                header.append(line)
                if line.startswith("#CHROM"):
                    return parse_header(header, name), chunk[position:], first + chunk.count(b"\n", 0, position)
            else:
                raise InputError(f"{name} line {len(header) + 1}: expected a VCF header line (starting with '#'): "
                                 "not a VCF file")  # the line is not quoted: the file may be anything
    if not any(line.strip() for line in header):
        raise InputError(f"{name}: the file is empty")
    raise InputError(f"{name}: no '#CHROM' column header line: not a VCF file")


def unfinished_last_line(path: Path, limit: int = 1 << 20) -> bytes | None:
    """The text after the last newline of a plain file that does not end with one (None if it does).

    A plain VCF cut short mid-record shows exactly this; a compressed one is caught by its format.
    """
    with open(path, "rb") as fh:
        size = fh.seek(0, 2)
        start = max(0, size - limit)
        fh.seek(start)
        tail = fh.read()
    if not tail or tail.endswith(b"\n"):
        return None
    cut = tail.rfind(b"\n")
    return tail[cut + 1:] if cut >= 0 or start == 0 else None


def read_header(path: Path) -> VcfHeader:
    """Only the header of a VCF file, for checks made before (or instead of) reading its records."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    chunks = line_chunks(decompressed_pieces(path, file_kind(path)), str(path))
    try:
        return split_header(chunks, str(path))[0]
    finally:
        chunks.close()
