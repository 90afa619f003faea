"""The ``workbench`` command line: each subcommand lives beside the code it drives."""
from __future__ import annotations

import argparse
import importlib
import sys

# Modules that expose ``register(subparsers)``; each adds one subcommand.
COMMAND_MODULES: tuple[str, ...] = ("workbench.ranking.cli", "workbench.store.cli", "workbench.knowledge.update",
                                     "workbench.qc.cli", "workbench.reanalysis.cli", "workbench.cds.cli",
                                     "workbench.pgx.cli")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given ``argv``, only the modules up to the one that registers its subcommand
    are imported (the store's, the app's and the updater's dependencies cost a ``workbench rank``
    run most of a second otherwise). Without a known subcommand every module is loaded, so help
    and errors list them all."""
    parser = argparse.ArgumentParser(prog="workbench", description="Rapid NICU trio genome workbench.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    wanted = next((a for a in argv or () if not a.startswith("-")), None)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
        if wanted is not None and wanted in subparsers.choices:
            break
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
