"""The ``workbench`` command line: each subcommand lives beside the code it drives."""
from __future__ import annotations

import argparse
import importlib
import sys

# Modules that expose ``register(subparsers)``; each adds one subcommand.
COMMAND_MODULES: tuple[str, ...] = ("workbench.ranking.cli", "workbench.store.cli", "workbench.knowledge.update",
                                     "workbench.qc.cli", "workbench.reanalysis.cli", "workbench.cds.cli",
                                     "workbench.pgx.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="workbench", description="Rapid NICU trio genome workbench.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
