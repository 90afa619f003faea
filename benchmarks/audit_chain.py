"""What tamper evidence costs: case edits with the hash-chained audit log against the plain insert
it replaced, and the time ``workbench verify`` takes over the log they leave.

Two fresh SQLite stores in a temporary folder: in each, a gene is tagged ``--writes`` times (one
audited transaction each), first with the baseline (the v3 audit insert, no hash), then with the
chain; then the chained store is verified.

    python benchmarks/audit_chain.py [--writes 500]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import text

import workbench.store.audit as audit
import workbench.store.users as users
from workbench.model import Sample, Sex, Trio
from workbench.store import Role, Tag, Target, open_store


def _plain_append(conn, key, *, at, actor, case_id, action, before_json, after_json) -> str:
    """The audit insert before the chain (schema v3): no previous hash read, no HMAC."""
    conn.execute(text("INSERT INTO audit_log (at, actor, case_id, action, before_json, after_json) "
                      "VALUES (:at, :a, :c, :action, :b, :af)"),
                 {"at": at, "a": actor, "c": case_id, "action": action, "b": before_json, "af": after_json})
    return ""


def edits_per_second(url: str, folder: Path, writes: int) -> tuple[float, object]:
    store = open_store(url, audit_key=audit.AuditKey(b"b" * 64, "benchmark"))
    analyst = store.add_user("amy", "amy-analyst-pass", Role.ANALYST, "Amy Analyst", None)
    vcf = folder / "family.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n")
    case = store.create_case(Trio(Sample("NB-1", "FAM-1", Sex.FEMALE)), vcf, "HPO", analyst)
    version, times = case.row_version, []
    for n in range(writes):
        start = time.perf_counter()
        version = store.set_tag(case.case_id, Target.gene(f"G{n % 50}"), Tag.CANDIDATE if n % 2 else None,
                                analyst, version)
        times.append(time.perf_counter() - start)
    return statistics.median(times), store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writes", type=int, default=500)
    args = parser.parse_args(argv)
    users._HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # log-ins are not measured here
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        real_append = audit.append
        audit.append = _plain_append
        try:
            baseline, _ = edits_per_second(f"sqlite:///{folder / 'plain.sqlite3'}", folder, args.writes)
        finally:
            audit.append = real_append
        chained, store = edits_per_second(f"sqlite:///{folder / 'chained.sqlite3'}", folder, args.writes)
        start = time.perf_counter()
        result = store.verify()
        verify_seconds = time.perf_counter() - start
    print(f"audited edit, median of {args.writes}: chained {chained * 1000:.2f} ms vs plain insert "
          f"{baseline * 1000:.2f} ms (ratio {chained / baseline:.2f})")
    print(f"workbench verify over {result.entries} entries: {verify_seconds * 1000:.0f} ms "
          f"({'intact' if result.ok else 'PROBLEMS'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
