"""Vectorised first look at a block of VCF lines: genotype codes for every record, no Python loop.

Used for genome-size input, where a per-line Python loop would dominate the run time. numpy
finds the newline and tab positions of a whole block at once; from them it reads each
record's chromosome (once per run of equal names), REF/ALT shape, and the first characters
of the family's GT fields, and turns them into the tally codes of :mod:`workbench.qc.tally`.
Anything unusual (a header line, a wrong column count, a multi-digit allele, an odd GT, a GT
allele beyond the record's ALT alleles, a POS not starting with 1-9) is marked ``odd`` and
left to the exact per-line path, which reports the malformed ones, so the two paths agree on
every well-formed record (a POS past the contig end is checked only on the exact path and for
the records the proband carries).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from workbench.qc import tally as T

_NEWLINE, _TAB, _COMMA, _COLON, _CR = 10, 9, 44, 58, 13
_PAD = b"\n\n\n\n\n\n\n\n"


def _code_tables() -> tuple[np.ndarray, np.ndarray]:
    """Tally code by the record's ALT count (capped at 9) and the (first, third) byte of a diploid GT or
    the byte of a haploid GT; -1 = odd, including an allele the record does not have (``0/2`` with one ALT)."""
    diploid = np.full((10, 256, 256), -1, dtype=np.int64)
    haploid = np.full((10, 256), -1, dtype=np.int64)
    symbols = [ord("."), *range(ord("0"), ord("9") + 1)]
    for n_alts in range(1, 10):
        for a in symbols:
            first = None if a == ord(".") else a - ord("0")
            if (first or 0) <= n_alts:
                haploid[n_alts, a] = T.genotype_code((first,))
            for b in symbols:
                second = None if b == ord(".") else b - ord("0")
                if max(first or 0, second or 0) <= n_alts:
                    diploid[n_alts, a, b] = T.genotype_code((first, second))
    return diploid, haploid


_DIPLOID, _HAPLOID = _code_tables()
_TRANSITION = np.zeros((256, 256), dtype=bool)
for _ref, _alt in ("AG", "GA", "CT", "TC"):
    for _r in (_ref, _ref.lower()):
        for _a in (_alt, _alt.lower()):
            _TRANSITION[ord(_r), ord(_a)] = True
_ENDS_FIELD = np.zeros(256, dtype=bool)
_ENDS_FIELD[[_COLON, _TAB, _NEWLINE, _CR]] = True
_SEPARATOR = np.zeros(256, dtype=bool)
_SEPARATOR[[ord("/"), ord("|")]] = True
_CARRIES = np.zeros(T.GENOTYPE_CODES, dtype=bool)
_CARRIES[list(T.CARRIES_ALT)] = True


@dataclass
class Block:
    """The result for one block: tally counts and which lines need the per-line path."""

    counts: np.ndarray  # bincount over tally indices of the fast lines
    starts: np.ndarray  # byte offset of every line in the block
    ends: np.ndarray  # offset of every line's newline
    odd: np.ndarray  # line indexes for the exact per-line path (not counted in ``counts``)
    carriers: np.ndarray  # fast line indexes where the proband carries an ALT allele
    info_spans: np.ndarray  # (start, end) byte offsets of INFO for ``carriers``
    multiallelic: np.ndarray  # for ``carriers``: more than one ALT allele
    arr: np.ndarray  # the block's bytes (padded) and their count, for first_entry_frequency
    size: int
    commas: np.ndarray  # positions of commas, then ``size``


def scan_block(buf: bytes, n_columns: int, columns: tuple[int, int, int],
               chrom_class_of: Callable[[bytes], int], par_x: tuple[tuple[int, int], ...]) -> Block:
    """Codes for the complete lines of ``buf`` (which must end with a newline)."""
    arr = np.frombuffer(buf + _PAD, dtype=np.uint8)
    size = len(buf)
    ends = np.flatnonzero(arr[:size] == _NEWLINE)
    n_lines = len(ends)
    starts = np.empty(n_lines, dtype=np.int64)
    starts[:1] = 0
    starts[1:] = ends[:-1] + 1
    tabs = np.flatnonzero(arr[:size] == _TAB)
    per_line = np.diff(np.searchsorted(tabs, ends), prepend=0)
    good = (per_line == n_columns - 1) & (arr[starts] != ord("#"))
    if good.all():
        tab = tabs.reshape(n_lines, n_columns - 1)
    else:
        tab = tabs[np.repeat(good, per_line)].reshape(-1, n_columns - 1)
    index = np.flatnonzero(good)
    line_start = starts[index]

    chrom_class = _chrom_classes(arr, line_start, tab[:, 0], chrom_class_of)
    x = np.flatnonzero(chrom_class == T.X_NONPAR)
    if len(x):
        pos = _parse_int(arr, tab[x, 0] + 1, tab[x, 1])
        in_par = np.zeros(len(x), dtype=bool)
        for low, high in par_x:
            in_par |= (pos >= low) & (pos <= high)
        chrom_class[x[in_par]] = T.X_PAR

    ref_len = tab[:, 3] - tab[:, 2] - 1
    alt_len = tab[:, 4] - tab[:, 3] - 1
    snv = (ref_len == 1) & (alt_len == 1)
    transition = _TRANSITION[arr[tab[:, 2] + 1], arr[tab[:, 3] + 1]]
    commas = np.flatnonzero(arr[:size] == _COMMA)
    n_alts = np.minimum(np.searchsorted(commas, tab[:, 4]) - np.searchsorted(commas, tab[:, 3]) + 1, 9)
    multi = (alt_len >= 3) & (n_alts > 1)
    variant_class = np.where(snv, np.where(transition, T.TRANSITION, T.TRANSVERSION),
                             np.where(multi, T.MULTIALLELIC, T.OTHER_BIALLELIC))

    fmt = tab[:, 7] + 1
    has_gt = (arr[fmt] == ord("G")) & (arr[fmt + 1] == ord("T")) & _ENDS_FIELD[arr[fmt + 2]]
    first_pos_digit = arr[tab[:, 0] + 1]
    odd = (first_pos_digit < ord("1")) | (first_pos_digit > ord("9"))  # 0, negative or not a number
    codes = []
    for column in columns:
        if column < 0:
            codes.append(np.full(len(index), T.NO_CALL, dtype=np.int64))
            continue
        s = tab[:, column - 1] + 1
        c0, c1, c2, c3 = arr[s], arr[s + 1], arr[s + 2], arr[s + 3]
        diploid = _SEPARATOR[c1] & _ENDS_FIELD[c3]
        haploid = _ENDS_FIELD[c1]
        code = np.where(diploid, _DIPLOID[n_alts, c0, c2], np.where(haploid, _HAPLOID[n_alts, c0], -1))
        code = np.where(has_gt, code, T.NO_CALL)
        odd |= code < 0
        codes.append(code)
    proband, father, mother = codes
    fast = ~odd
    flat = T.tally_index(chrom_class, variant_class, proband, father, mother)  # element-wise on the arrays
    counts = np.bincount(flat[fast], minlength=T.TALLY_SIZE)
    carrying = fast & _CARRIES[np.maximum(proband, 0)]
    info_spans = np.stack([tab[carrying, 6] + 1, tab[carrying, 7]], axis=1)
    odd_lines = np.concatenate([np.flatnonzero(~good), index[odd]])
    odd_lines.sort()
    return Block(counts=counts, starts=starts, ends=ends, odd=odd_lines, carriers=index[carrying],
                 info_spans=info_spans, multiallelic=multi[carrying], arr=arr, size=size,
                 commas=np.append(commas, size))


def _chrom_classes(arr: np.ndarray, start: np.ndarray, end: np.ndarray,
                   chrom_class_of: Callable[[bytes], int]) -> np.ndarray:
    """Chromosome class per line; names are compared byte-wise to the previous line's, so only
    the first line of each run of equal names is looked up in Python."""
    n = len(start)
    out = np.empty(n, dtype=np.int64)
    if n == 0:
        return out
    length = end - start
    same = np.zeros(n, dtype=bool)
    same[1:] = length[1:] == length[:-1]
    last = len(arr) - 1
    for k in range(int(length.max())):
        check = same[1:] & (k < length[1:])  # equal lengths: both names have a byte k
        if start[-1] + k <= last:
            equal = arr[start[1:] + k] == arr[start[:-1] + k]
        else:  # a name longer than the padding near the end: clip (the clipped lines are not checked)
            equal = arr[np.minimum(start[1:] + k, last)] == arr[np.minimum(start[:-1] + k, last)]
        same[1:] &= ~check | equal
    runs = np.flatnonzero(~same)
    bounds = np.append(runs, n)
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        out[lo:hi] = chrom_class_of(bytes(arr[start[lo]:end[lo]]))
    return out


def _parse_int(arr: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Decimal integers in [start, end) (non-digits give nonsense, which only affects PAR checks)."""
    value = np.zeros(len(start), dtype=np.int64)
    length = end - start
    for k in range(int(length.max()) if len(length) else 0):
        use = k < length
        digit = arr[np.where(use, start + k, start)].astype(np.int64) - ord("0")
        value = np.where(use, value * 10 + digit, value)
    return value


def _last_info_field(block: Block, spans: np.ndarray, key: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Where each record's last INFO field starts if it is ``key`` (e.g. b"CSQ=", where VEP writes it).

    Returns (found, the value's start offset, the block's '|' offsets): every position list ends
    with the buffer size as a sentinel, so "the next one" always exists.
    """
    arr, size = block.arr, block.size
    info_start, info_end = spans[:, 0], spans[:, 1]
    semis = np.append(np.flatnonzero(arr[:size] == ord(";")), size)
    pipes = np.append(np.flatnonzero(arr[:size] == ord("|")), size)
    last_semi = semis[np.maximum(np.searchsorted(semis, info_end) - 1, 0)]
    key_at = np.where((last_semi >= info_start) & (last_semi < info_end), last_semi + 1, info_start)
    found = np.ones(len(spans), dtype=bool)
    for k, byte in enumerate(key):
        found &= arr[key_at + k] == byte
    return found, key_at + len(key), pipes


def first_entry_frequency(block: Block, spans: np.ndarray, multiallelic: np.ndarray, key: bytes,
                          columns: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Population frequency of bi-allelic records from the first annotation entry, vectorised.

    ``spans`` are the records' INFO (start, end) offsets; ``key`` is e.g. b"CSQ=" and ``columns``
    the frequency fields' positions in an entry. Every entry of a bi-allelic record describes
    the same allele, so the first entry carries its frequency (an empty first entry only makes
    the record look rare, which the exact parser then corrects). The key is looked for where
    VEP writes it, as the last INFO field. Returns (largest value over the columns, NaN when
    none; ``undecided``): records with several ALT alleles, the key elsewhere or an unusual
    value are undecided and go to the exact per-line path.
    """
    n = len(spans)
    value = np.full(n, np.nan)
    undecided = multiallelic.copy()
    if n == 0:
        return value, undecided
    arr, size = block.arr, block.size
    info_end = spans[:, 1]
    found, value_start, pipes = _last_info_field(block, spans, key)
    commas = block.commas
    undecided |= ~found

    def next_after(positions: np.ndarray, start: np.ndarray) -> np.ndarray:
        return positions[np.minimum(np.searchsorted(positions, start), len(positions) - 1)]

    entry_end = np.minimum(next_after(commas, value_start), info_end)
    first_pipe = np.searchsorted(pipes, value_start)
    for column in columns:
        if column == 0:
            start = value_start
        else:
            start = np.minimum(pipes[np.minimum(first_pipe + column - 1, len(pipes) - 1)] + 1, size)
        end = np.minimum(next_after(pipes, start), entry_end)
        broken = start > entry_end
        number, odd = _parse_float(arr, start, np.where(found & ~broken, end, start))
        undecided |= found & (broken | odd)
        value = np.fmax(value, number)
    return value, undecided


def _parse_float(arr: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Decimal numbers like 0.0123 or 1.29e-05 in [start, end); NaN for empty or '.'; odd = other text."""
    n = len(start)
    length = end - start
    mantissa = np.zeros(n)
    fraction = np.zeros(n, dtype=np.int64)
    exponent = np.zeros(n, dtype=np.int64)
    negative_exp = np.zeros(n, dtype=bool)
    seen_dot = np.zeros(n, dtype=bool)
    in_exp = np.zeros(n, dtype=bool)
    after_e = np.zeros(n, dtype=bool)
    digits = np.zeros(n, dtype=np.int64)
    odd = np.zeros(n, dtype=bool)
    for k in range(int(length.max()) if n else 0):
        active = k < length
        b = arr[np.where(active, start + k, start)].astype(np.int64)
        is_digit = active & (b >= 48) & (b <= 57)
        d = b - 48
        mant_digit = is_digit & ~in_exp
        mantissa = np.where(mant_digit, mantissa * 10 + d, mantissa)
        fraction += mant_digit & seen_dot
        digits += mant_digit
        exp_digit = is_digit & in_exp
        exponent = np.where(exp_digit, exponent * 10 + d, exponent)
        is_dot = active & (b == 46) & ~in_exp
        odd |= is_dot & seen_dot
        seen_dot |= is_dot
        is_e = active & ((b == 101) | (b == 69)) & ~in_exp
        is_sign = active & ((b == 45) | (b == 43)) & after_e
        negative_exp |= is_sign & (b == 45)
        odd |= active & ~(is_digit | is_dot | is_e | is_sign)
        in_exp |= is_e
        after_e = is_e
    with np.errstate(over="ignore"):  # 1e400 is infinite, as float() reads it
        value = mantissa * np.power(10.0, np.where(negative_exp, -exponent, exponent) - fraction)
    empty = (length <= 0) | (digits == 0)
    odd |= (digits == 0) & (length > 0) & ~((length == 1) & (arr[start] == 46))
    return np.where(empty, np.nan, value), odd


def single_entry_without_gene(block: Block, spans: np.ndarray, multiallelic: np.ndarray, key: bytes,
                              columns: list[int]) -> np.ndarray:
    """Bi-allelic records whose annotation is one entry with every gene field (``columns``) empty.

    Such an allele falls in no gene (intergenic, regulatory): the annotation parser gives it no
    gene consequence and inheritance analysis drops it ("not in a gene"), so a reader that only
    feeds ranking can drop it here, before any Python object is built. 98% of a genome's rare
    alleles are such. Conservative: a record with several entries or ALT alleles, the key
    elsewhere than last in INFO, or a missing field is False (read exactly).
    """
    n = len(spans)
    if n == 0 or not columns:
        return np.zeros(n, dtype=bool)
    info_end = spans[:, 1]
    found, value_start, pipes = _last_info_field(block, spans, key)
    commas = block.commas
    single = commas[np.minimum(np.searchsorted(commas, value_start), len(commas) - 1)] >= info_end
    first_pipe = np.searchsorted(pipes, value_start)
    empty = found & single & ~multiallelic
    for column in columns:
        if column == 0:
            start = value_start
        else:
            start = pipes[np.minimum(first_pipe + column - 1, len(pipes) - 1)] + 1
        end = np.minimum(pipes[np.minimum(np.searchsorted(pipes, start), len(pipes) - 1)], info_end)
        empty &= (start <= info_end) & (end == start)
    return empty
