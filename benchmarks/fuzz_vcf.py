"""Fuzz both VCF readers: mutated trio VCFs must read or fail with InputError, nothing else.

    python benchmarks/fuzz_vcf.py [--seconds 120] [--seed 1]

Each iteration mutates a small real-shaped trio VCF (VEP CSQ, GRCh38 contigs, chrX and a
multi-allelic record) with a seeded ``random.Random``: hostile field values (``1e400``, a
200-character CHROM, ``0/9``, NUL bytes, a BOM...), dropped, doubled or cut lines, flipped
bytes. The text is then read as plain text (line batches through the vectorised block scan),
as BGZF written in small blocks (the block decoder with its CRC32 check; every tenth time
with its compressed bytes damaged too, and every tenth BGZF read through the parallel
genome path's byte ranges) and, every third time, split into one VCF per person (the
per-person merge). Prints the iterations run, how many read cleanly or were refused
with InputError, and every other exception class (and any read slower than 5 s: a hang) with
where it was raised and a reproducing seed: that list must be empty. ``tests/test_fuzz_vcf.py`` runs the same mutations through
hypothesis for a few seconds in CI.
"""
from __future__ import annotations

import argparse
import random
import struct
import sys
import tempfile
import time
import traceback
import zlib
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from workbench.io import InputError, ReadOptions, read_family_vcf, read_pedigree  # noqa: E402
from workbench.io import vcf as vcf_module  # noqa: E402

CSQ = "Allele|Consequence|IMPACT|SYMBOL|Gene|Feature_type|Feature|BIOTYPE|HGVSc|HGVSp|MANE_SELECT|gnomADg_AF"
PED = "FAM\tkid\tdad\tmum\t1\t2\nFAM\tdad\t0\t0\t1\t1\nFAM\tmum\t0\t0\t2\t1\n"
SEED_VCF = "".join(line + "\n" for line in [
    "##fileformat=VCFv4.2", "##reference=GRCh38",
    "##contig=<ID=chr2,length=242193529>", "##contig=<ID=chr7,length=159345973>",
    "##contig=<ID=chrX,length=156040895>", "##contig=<ID=chrM,length=16569>",
    f'##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: {CSQ}">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tdad\tkid\tmum",
    "chr2\t166000000\t.\tA\tAT\t500\tPASS\tCSQ=AT|frameshift_variant|HIGH|SCN1A|ENSG0|Transcript|ENST0|protein_coding"
    "||p.Leu100fs|ENST0|\tGT:AD:DP:GQ\t0/0:30,0:30:99\t0/1:15,15:30:99\t0/0:30,0:30:99",
    "chr7\t117559590\t.\tC\tT\t500\tPASS\tCSQ=T|stop_gained|HIGH|CFTR|ENSG0|Transcript|ENST0|protein_coding"
    "|||ENST0|0.0004\tGT:AD:DP:GQ\t0/0:30,0:30:99\t0/1:15,15:30:99\t0/1:15,15:30:99",
    "chr7\t117560000\t.\tG\tA,C\t500\tPASS\tCSQ=A|missense_variant|MODERATE|CFTR|ENSG0|Transcript|ENST0|"
    "protein_coding|||ENST0|0.001,C|missense_variant|MODERATE|CFTR|ENSG0|Transcript|ENST0|protein_coding|||ENST0|0.2"
    "\tGT:AD:DP:GQ\t0/1:12,13,0:25:99\t1/2:10,11,9:30:99\t0/2:12,0,10:22:99",
    "chrX\t38400000\t.\tG\tA\t500\tPASS\tCSQ=A|missense_variant|MODERATE|OTC|ENSG0|Transcript|ENST0|protein_coding"
    "|||ENST0|\tGT:AD:DP:GQ\t0:30,0:30:99\t1/1:0,30:30:99\t0/1:15,15:30:99",
    "chrM\t3243\t.\tA\tG\t500\tPASS\t.\tGT\t0\t1\t1",
    "chr2\t1000\t.\tG\tA\t500\tPASS\tCSQ=A|synonymous_variant|LOW|SCN1A|ENSG0|Transcript|ENST0|protein_coding"
    "|||ENST0|0.3\tGT:AD:DP:GQ\t0/1:15,15:30:99\t0|1:15,15:30:99\t./.:0,0:0:0",
])
NASTY = ["", ".", "0", "-1", "1e400", "-1e400", "nan", "inf", "9" * 30, "x" * 200, "chrUn_" + "z" * 194, "0/9",
         "1/2/3", "./.", "|", ":", ",", "\t", "\r", "\x00", "é", "\ufeff", "#", "GT", "A" * 1000, "chrX", "MT",
         "2147483648", "99999999999999999999", "0/1:1e400,3:5:99", "GT:AD:DP:GQ:PL", "AD:GT", "CSQ=", "CSQ=|||||",
         "CSQ=A|x|HIGH|G|E|T|E|p|||E|1e400", "0/01", "10/0", "1|1|1", "0/-1", "\\", "chr2", "242193530"]


SLOW_SECONDS = 5.0


def mutate(text: str, rng: random.Random) -> bytes:
    """One to four random edits of the VCF text (as bytes: some edits are not valid UTF-8)."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(9)
        body = [i for i, line in enumerate(lines) if line and not line.startswith("##")] or [0]
        i = rng.choice(body)
        if kind <= 2:  # a field becomes something hostile
            fields = lines[i].split("\t")
            fields[rng.randrange(len(fields))] = rng.choice(NASTY)
            lines[i] = "\t".join(fields)
        elif kind == 3:  # inside a sample column: one sub-field
            fields = lines[i].split("\t")
            column = rng.randrange(len(fields))
            parts = fields[column].split(":")
            parts[rng.randrange(len(parts))] = rng.choice(NASTY)
            fields[column] = ":".join(parts)
            lines[i] = "\t".join(fields)
        elif kind == 4:  # a line dropped, doubled or moved
            j = rng.randrange(len(lines))
            action = rng.randrange(3)
            if action == 0:
                del lines[j]
            elif action == 1:
                lines.insert(j, lines[i])
            else:
                lines.insert(j, lines.pop(i))
        elif kind == 5:  # a tab added or lost
            line = lines[i]
            k = rng.randrange(len(line) + 1)
            lines[i] = line[:k] + "\t" + line[k:] if rng.random() < 0.5 else line.replace("\t", "", 1)
        elif kind == 6:  # a header line edited
            j = rng.randrange(min(len(lines), 12))
            k = rng.randrange(len(lines[j]) + 1)
            lines[j] = lines[j][:k] + rng.choice(NASTY) + lines[j][k + 1:]
        else:  # a whole line replaced
            lines[i] = rng.choice(NASTY)
    raw = "\n".join(lines).encode("utf-8", errors="surrogatepass")
    data = None
    kind = rng.randrange(6)
    if kind == 0:  # bytes flipped anywhere
        buf = bytearray(raw)
        for _ in range(rng.randint(1, 8)):
            if buf:
                buf[rng.randrange(len(buf))] = rng.randrange(256)
        data = bytes(buf)
    elif kind == 1:  # cut short
        data = raw[:rng.randrange(len(raw) + 1)]
    elif kind == 2:  # random bytes inserted
        k = rng.randrange(len(raw) + 1)
        data = raw[:k] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 20))) + raw[k:]
    return data if data is not None else raw


def bgzf(data: bytes, rng: random.Random) -> bytes:
    """BGZF of ``data`` in small blocks (many block boundaries), with the end-of-file block."""
    out = []
    position = 0
    while position < len(data):
        size = rng.randint(50, 4000)
        piece = data[position:position + size]
        position += size
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        deflated = compressor.compress(piece) + compressor.flush()
        out.append(b"\x1f\x8b\x08\x04\x00\x00\x00\x00\x00\xff\x06\x00BC\x02\x00"
                   + struct.pack("<H", len(deflated) + 25) + deflated
                   + struct.pack("<II", zlib.crc32(piece), len(piece)))
    out.append(bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000"))
    return b"".join(out)


def damage(data: bytes, rng: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(3)
        if choice == 0 and buf:
            buf[rng.randrange(len(buf))] ^= 1 << rng.randrange(8)
        elif choice == 1:
            cut = rng.randrange(len(buf) + 1)
            del buf[cut:cut + rng.randint(1, 40)]
        else:
            buf = buf[:rng.randrange(len(buf) + 1)]
    return bytes(buf)


def per_person(data: bytes, folder: Path) -> list[Path]:
    """The joint VCF split into one file per sample column (the per-person reader merges them back)."""
    paths = []
    for k in range(3):
        lines = []
        for line in data.split(b"\n"):
            fields = line.split(b"\t")
            lines.append(line if line.startswith(b"##") or len(fields) < 10 else
                         b"\t".join(fields[:9] + fields[9 + k:10 + k]))
        path = folder / f"person{k}.vcf"
        path.write_bytes(b"\n".join(lines))
        paths.append(path)
    return paths


def read_both(data: bytes, rng: random.Random, folder: Path, parallel: bool = False) -> list[str]:
    """Read ``data`` as a plain VCF, as BGZF and (every third time) split per person; returns 'read' or
    'refused' per read; other errors propagate."""
    ped = folder / "trio.ped"
    if not ped.exists():
        ped.write_text(PED)
    pedigree = read_pedigree(ped)
    plain = folder / "case.vcf"
    plain.write_bytes(data)
    packed = bgzf(data, rng)
    if rng.random() < 0.1:
        packed = damage(packed, rng)
    compressed = folder / "case.vcf.gz"
    compressed.write_bytes(packed)
    outcomes = []
    reads: list = [(plain, ReadOptions(workers=1)), (compressed, ReadOptions(workers=2 if parallel else 1))]
    if rng.random() < 1 / 3:
        reads.append((per_person(data, folder), ReadOptions(workers=1)))
    for path, options in reads:
        try:
            if parallel and path is compressed:
                limit, vcf_module._PARALLEL_MIN_BYTES = vcf_module._PARALLEL_MIN_BYTES, 0
                try:
                    read_family_vcf(path, pedigree, options=options)
                finally:
                    vcf_module._PARALLEL_MIN_BYTES = limit
            else:
                read_family_vcf(path, pedigree, options=options)
            outcomes.append("read")
        except InputError:
            outcomes.append("refused")
    return outcomes


def crash_class(error: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/workbench/" in f.filename]
    where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__} at {where}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    outcomes: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    examples: dict[str, str] = {}
    iterations = 0
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-vcf-") as tmp:
        folder = Path(tmp)
        while time.perf_counter() - start < args.seconds:
            seed = args.seed * 1_000_003 + iterations
            rng = random.Random(seed)
            iterations += 1
            began = time.perf_counter()
            try:
                outcomes.update(read_both(mutate(SEED_VCF, rng), rng, folder, parallel=iterations % 10 == 0))
            except Exception as error:  # the point: anything but InputError is a crash to report
                name = crash_class(error)
                crashes[name] += 1
                examples.setdefault(name, f"seed {seed}: {str(error)[:120]}")
            if time.perf_counter() - began > SLOW_SECONDS:  # a few kB must never take this long
                crashes[f"slower than {SLOW_SECONDS} s"] += 1
                examples.setdefault(f"slower than {SLOW_SECONDS} s", f"seed {seed}")
    elapsed = time.perf_counter() - start
    print(f"fuzz_vcf: {iterations} iterations ({sum(outcomes.values())} reads) in {elapsed:.0f} s, "
          f"seed {args.seed}")
    print(f"  read cleanly: {outcomes['read']}, refused with InputError: {outcomes['refused']}")
    if not crashes:
        print("  crash classes: none (only InputError escaped)")
        return 0
    print(f"  crash classes: {len(crashes)}")
    for name, count in crashes.most_common():
        print(f"    {count:6d}  {name}  ({examples[name]})")
    return 1


if __name__ == "__main__":
    sys.exit(main())
