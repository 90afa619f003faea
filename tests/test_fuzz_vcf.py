"""Fuzz both VCF readers for a few seconds: a mutated VCF reads, or fails with InputError, never anything else.

The mutations are benchmarks/fuzz_vcf.py's (run it for minutes: it prints iterations and crash
classes); here hypothesis drives them from a seeded ``random.Random``, derandomized so CI
sees the same examples every run, and shrinks any failure to a small reproducing case.
"""
from __future__ import annotations

import importlib.util
import random
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

_SPEC = importlib.util.spec_from_file_location("fuzz_vcf", Path(__file__).resolve().parents[1] / "benchmarks"
                                               / "fuzz_vcf.py")
fuzz = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(fuzz)

_FUZZ = settings(derandomize=True, max_examples=100, deadline=timedelta(seconds=5), database=None,  # a hang fails
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@_FUZZ
@given(rng=st.randoms(use_true_random=False))
def test_mutated_vcfs_read_or_raise_input_error(tmp_path: Path, rng: random.Random) -> None:
    outcomes = fuzz.read_both(fuzz.mutate(fuzz.SEED_VCF, rng), rng, tmp_path)
    assert set(outcomes) <= {"read", "refused"}


def test_the_seed_vcf_reads_cleanly(tmp_path: Path) -> None:
    assert set(fuzz.read_both(fuzz.SEED_VCF.encode(), random.Random(0), tmp_path)) == {"read"}


def test_the_parallel_genome_path_refuses_damage_the_same_way(tmp_path: Path) -> None:
    for seed in range(4):  # the BGZF file cut into byte ranges scanned by forked workers
        rng = random.Random(seed)
        assert set(fuzz.read_both(fuzz.mutate(fuzz.SEED_VCF, rng), rng, tmp_path, parallel=True)) <= {"read", "refused"}
