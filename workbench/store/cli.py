"""``workbench report`` (export a signed report), ``workbench add-user`` (create a log-in) and
``workbench verify`` (is the audit chain whole and every signed report what was signed?).

All act as the local operator: whoever can run them can already read the database file or
connect to its server. They use ``--database`` or ``WORKBENCH_DATABASE_URL`` or the default store.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

from workbench.report import FORMATS, render
from workbench.store import Role, StoreError, default_database_url, open_store
from workbench.store.audit import load_key


def register(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser("report", help="export a signed report as PDF, FHIR bundle or phenopacket",
                                   description="Export a signed report version (the latest signed one by default).")
    report.add_argument("case_id")
    report.add_argument("--version", type=int, help="report version (default: latest signed)")
    report.add_argument("--format", choices=sorted(FORMATS), default="pdf")
    report.add_argument("--output", "-o", help="file to write, '-' for stdout (default: <case>-v<N><suffix>)")
    report.add_argument("--draft", action="store_true", help="allow exporting an unsigned draft (marked DRAFT)")
    report.add_argument("--database", help="SQLAlchemy URL (default: WORKBENCH_DATABASE_URL or the local SQLite store)")
    report.set_defaults(run=run_report)

    user = subparsers.add_parser("add-user", help="create a user who can log in to the app",
                                 description="Create a user; the password is asked for twice (or read from stdin).")
    user.add_argument("username")
    user.add_argument("--role", required=True, choices=[r.value for r in Role])
    user.add_argument("--name", required=True, help="full name, as printed in signature blocks")
    user.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    user.add_argument("--database", help="SQLAlchemy URL (default: WORKBENCH_DATABASE_URL or the local SQLite store)")
    user.set_defaults(run=run_add_user)

    verify = subparsers.add_parser("verify", help="check the audit chain and every signed report version",
                                   description="Check that no audit entry was changed, removed, inserted or "
                                               "reordered and that every signed report version is what was "
                                               "signed. Exits 1 and lists each problem when something is wrong.")
    verify.add_argument("--database", help="SQLAlchemy URL (default: WORKBENCH_DATABASE_URL or the local SQLite store)")
    verify.add_argument("--key-file", help="the audit key file (default: WORKBENCH_AUDIT_KEY_FILE or audit.key in "
                                           "the workbench data folder)")
    verify.set_defaults(run=run_verify)


def _fail(message: str) -> int:
    print(f"workbench: error: {message}", file=sys.stderr)
    return 2


def run_report(args: argparse.Namespace) -> int:
    try:
        store = open_store(args.database)
        if args.version is None:
            chosen = store.latest_signed(args.case_id) or (store.report(args.case_id) if args.draft else None)
            if chosen is None:
                return _fail(f"case {args.case_id} has no signed report (use --draft to export the draft)")
        else:
            chosen = store.report(args.case_id, args.version)
            if chosen is None:
                return _fail(f"case {args.case_id} has no report")
        if not chosen.signed and not args.draft:
            return _fail(f"report version {chosen.version} of case {args.case_id} is not signed "
                         f"(use --draft to export it marked DRAFT)")
        data = render(chosen.content, args.format)
    except StoreError as error:
        return _fail(str(error))
    if args.output == "-":
        sys.stdout.buffer.write(data)
        return 0
    output = Path(args.output or f"{args.case_id}-v{chosen.version}{FORMATS[args.format][0]}")
    output.write_bytes(data)
    print(f"wrote {output} ({'signed' if chosen.signed else 'DRAFT'} version {chosen.version})", file=sys.stderr)
    return 0


def run_add_user(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            return _fail("no password on standard input (--password-stdin reads its first line)")
    elif not sys.stdin or not sys.stdin.isatty():
        return _fail("no terminal to ask for the password: give it on standard input with --password-stdin, "
                     "e.g. `printf '%s\\n' \"$PASSWORD\" | workbench add-user ... --password-stdin`")
    else:
        try:
            password = getpass.getpass("Password: ")
            if getpass.getpass("Repeat password: ") != password:
                return _fail("the passwords differ")
        except EOFError:
            return _fail("the password prompt was closed before a password was given")
    try:
        user = open_store(args.database).add_user(args.username, password, Role(args.role), args.name, actor=None)
    except (StoreError, ValueError) as error:
        return _fail(str(error))
    print(f"added {user.role.value} {user.username!r} ({user.display_name})", file=sys.stderr)
    return 0


def run_verify(args: argparse.Namespace) -> int:
    url = make_url(args.database or default_database_url())
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).is_file():
        return _fail(f"no database at {url.database}")
    try:
        key = load_key(args.key_file, create=False)
    except (OSError, ValueError) as error:
        return _fail(str(error))
    try:
        result = open_store(args.database, audit_key=key).verify()
    except StoreError as error:
        return _fail(str(error))
    for problem in result.problems:
        print(f"PROBLEM {problem}")
    print(result.summary())
    return 0 if result.ok else 1
