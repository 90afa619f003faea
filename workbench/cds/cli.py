"""``workbench serve-cds``: run the CDS Hooks service over the case store."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

TOKEN_ENV = "WORKBENCH_CDS_TOKEN"
TOKEN_FILE_ENV = "WORKBENCH_CDS_TOKEN_FILE"


def read_token(token_file: Path | None) -> str:
    """The operator's bearer token: ``--token-file``, else $WORKBENCH_CDS_TOKEN_FILE, else $WORKBENCH_CDS_TOKEN."""
    path = token_file or (Path(os.environ[TOKEN_FILE_ENV]) if os.environ.get(TOKEN_FILE_ENV) else None)
    if path is not None:
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as error:
            raise SystemExit(f"serve-cds: cannot read the token file {path} ({error.strerror})") from None
    return os.environ.get(TOKEN_ENV, "").strip()


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve-cds", help="serve CDS Hooks (order-select, order-sign) from signed reports")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--database", default=None, help="case store URL (default: WORKBENCH_DATABASE_URL or the "
                                                         "local SQLite store)")
    parser.add_argument("--token-file", type=Path, default=None,
                        help=f"file holding the bearer token EHR requests must present (or ${TOKEN_FILE_ENV} / "
                             f"${TOKEN_ENV}); at least 16 characters")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    import uvicorn

    from workbench.cds.service import create_app
    from workbench.knowledge.pgx_tables import load_pgx_tables
    from workbench.store.casestore import open_store

    token = read_token(args.token_file)
    if len(token) < 16:
        print(f"serve-cds: no bearer token of at least 16 characters configured (--token-file, ${TOKEN_FILE_ENV} or "
              f"${TOKEN_ENV}); refusing to serve without one", file=sys.stderr)
        return 2
    app = create_app(open_store(args.database), token, load_pgx_tables())
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0
