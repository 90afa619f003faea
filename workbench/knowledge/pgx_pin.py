"""Re-create the pinned pharmacogenomic files of ``ontology/`` from the registry packages they come from.

Run once by a maintainer when a source is upgraded (never at run time)::

    pip download --no-deps pypgx==0.27.0 panno==0.3.1 -d /tmp/pgx
    python -m workbench.knowledge.pgx_pin /tmp/pgx/pypgx-0.27.0-py3-none-any.whl /tmp/pgx/panno-0.3.1.tar.gz

* pypgx's ``pypgx/api/data/*.csv`` tables are copied byte for byte (gzip-compressed);
* PAnno's knowledge base (``panno/assets/pgx_kb.sqlite3``) holds the CPIC guideline texts pypgx lacks
  (MT-RNR1 and aminoglycosides, G6PD and rasburicase, CYP2C9 and phenytoin, TPMT and thiopurines...):
  its ``GuidelineMerge`` rows whose Source is CPIC are exported unchanged to a TSV.

It prints the SOURCES.json entries (each archive's sha256, each file's uncompressed sha256) to paste in by
hand, so the rest of that hand-formatted file is left as it is.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import sqlite3
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

PYPGX_TABLES = ("allele-table", "variant-table", "diplotype-table", "phenotype-table", "recommendation-table",
                "cpic-table", "gene-table", "equation-table")
PANNO_COLUMNS = ("Gene", "Drug", "Phenotype", "Genotype", "Recommendation", "Avoid", "Alternate", "Dosing", "PAID",
                 "Summary")
CPIC_GUIDELINE_FILE = "panno_cpic_guidelines.tsv"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_gz(path: Path, data: bytes) -> str:
    with gzip.GzipFile(path, "wb", mtime=0) as fh:  # mtime 0: the same input gives the same bytes
        fh.write(data)
    return _sha256(data)


def pin_pypgx(wheel: Path, directory: Path) -> dict:
    """Copy the wheel's tables into ``directory``; returns its SOURCES.json entry."""
    files = {}
    with zipfile.ZipFile(wheel) as archive:
        for table in PYPGX_TABLES:
            data = archive.read(f"pypgx/api/data/{table}.csv")
            name = f"pypgx_{table.replace('-', '_')}.csv"
            files[f"{name}.gz"] = {"uncompressed_sha256": _write_gz(directory / f"{name}.gz", data)}
    return {"version": "pypgx 0.27.0 (CPIC/PharmVar allele definitions as shipped)",
            "licence": "MIT (pypgx); the tables restate PharmVar/CPIC definitions (CPIC: CC0)",
            "source": "PyPI wheel pypgx==0.27.0, files pypgx/api/data/*.csv (byte-identical, gzip-compressed)",
            "wheel_sha256": _sha256(wheel.read_bytes()), "files": files}


def pin_panno(sdist: Path, directory: Path) -> dict:
    """Export the CPIC rows of PAnno's guideline table; returns its SOURCES.json entry."""
    with tarfile.open(sdist) as archive, tempfile.TemporaryDirectory() as tmp:
        member = next(m for m in archive.getmembers() if m.name.endswith("panno/assets/pgx_kb.sqlite3"))
        db = Path(tmp) / "pgx_kb.sqlite3"
        db.write_bytes(archive.extractfile(member).read())  # type: ignore[union-attr]
        with sqlite3.connect(db) as connection:
            rows = connection.execute(f"SELECT {', '.join(PANNO_COLUMNS)} FROM GuidelineMerge WHERE Source = 'CPIC' "
                                      "ORDER BY ID").fetchall()
    text = io.StringIO()
    writer = csv.writer(text, delimiter="\t", lineterminator="\n")
    writer.writerow(PANNO_COLUMNS)
    for row in rows:
        writer.writerow(["" if value is None else str(value).replace("\t", " ").replace("\n", " ") for value in row])
    sha = _write_gz(directory / f"{CPIC_GUIDELINE_FILE}.gz", text.getvalue().encode("utf-8"))
    return {"version": "PAnno 0.3.1 knowledge base (CPIC guideline recommendations as of 2022)",
            "licence": "CPIC guideline content: CC0 1.0 (https://cpicpgx.org/license/); package MPL-2.0",
            "source": "PyPI sdist panno==0.3.1, file panno/assets/pgx_kb.sqlite3, table GuidelineMerge rows with "
                      "Source = 'CPIC', columns " + ", ".join(PANNO_COLUMNS) + " (exported by "
                      "workbench/knowledge/pgx_pin.py; tabs and newlines inside a text replaced by spaces)",
            "sdist_sha256": _sha256(sdist.read_bytes()),
            "files": {f"{CPIC_GUIDELINE_FILE}.gz": {"uncompressed_sha256": sha}}}


def main(argv: list[str]) -> int:
    wheel, sdist = Path(argv[0]), Path(argv[1])
    directory = Path(argv[2]) if len(argv) > 2 else Path(__file__).resolve().parents[2] / "ontology"
    entries = {"pypgx": pin_pypgx(wheel, directory), "cpic_guidelines": pin_panno(sdist, directory)}
    print(json.dumps(entries, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
