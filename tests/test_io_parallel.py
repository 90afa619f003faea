"""The genome path (BGZF cut into byte ranges, scanned side by side) equals the serial read."""
from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from workbench.io import ReadOptions, read_family_vcf, read_pedigree
from workbench.io import vcf as vcf_module

FIXTURES = Path(__file__).parent / "fixtures" / "vcf"


def bgzf(data: bytes, block: int) -> bytes:
    """BGZF with small blocks, so that range cuts fall inside lines."""
    out = []
    for start in [*range(0, len(data), block), len(data)]:  # the last, empty block is the EOF marker
        piece = data[start:start + block]
        deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        body = deflate.compress(piece) + deflate.flush()
        out.append(b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff\x06\x00BC\x02\x00"
                   + struct.pack("<H", 18 + len(body) + 8 - 1) + body
                   + struct.pack("<II", zlib.crc32(piece), len(piece)))
    return b"".join(out)


@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_ranges_give_the_serial_answer_with_exact_line_numbers(tmp_path: Path, monkeypatch,
                                                                        workers: int) -> None:
    text = gzip.decompress((FIXTURES / "qc_swapped_father.vcf.gz").read_bytes())
    text += b"chr1\t1\tbroken record\n"  # a bad line near the end keeps its line number too
    path = tmp_path / "trio.vcf.gz"
    path.write_bytes(bgzf(text, 997))
    ped = read_pedigree(FIXTURES / "qc_trio.ped")
    serial = read_family_vcf(path, ped, options=ReadOptions(workers=1, max_population_af=1.0))
    monkeypatch.setattr(vcf_module, "_PARALLEL_MIN_BYTES", 0)
    parallel = read_family_vcf(path, ped, options=ReadOptions(workers=workers, max_population_af=1.0))
    assert parallel.variants == serial.variants and len(serial.variants) > 100
    assert parallel.records_read == serial.records_read and parallel.problems == serial.problems
    last_line = text.count(b"\n")
    assert str(parallel.problems[0]).endswith(f"line {last_line}: expected 12 tab-separated columns, found 3")
    assert np.isclose(parallel.qc.parents[0].kinship, serial.qc.parents[0].kinship)
    lines = text.decode().split("\n")
    for variant in parallel.variants[::25]:
        fields = lines[variant.source_line - 1].split("\t")
        assert (fields[0], int(fields[1])) == (variant.chrom, variant.pos)


def test_the_genome_path_reads_the_block_offsets_once(tmp_path: Path, monkeypatch) -> None:
    """The offsets are a pass over every block header of a ~100 MB file: checking the file and cutting it share one."""
    text = gzip.decompress((FIXTURES / "qc_swapped_father.vcf.gz").read_bytes())
    path = tmp_path / "trio.vcf.gz"
    path.write_bytes(bgzf(text, 997))
    reads: list[Path] = []
    real_block_offsets = vcf_module.block_offsets
    monkeypatch.setattr(vcf_module, "block_offsets", lambda p: reads.append(p) or real_block_offsets(p))
    monkeypatch.setattr(vcf_module, "_PARALLEL_MIN_BYTES", 0)
    read_family_vcf(path, read_pedigree(FIXTURES / "qc_trio.ped"), options=ReadOptions(workers=2))
    assert reads == [path]
