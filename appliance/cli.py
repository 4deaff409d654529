"""``python -m appliance COMMAND``: the appliance's command line.

Each command lives in ``appliance/commands/NAME.py`` with ``add_parser(subparsers)``
that sets ``func(args) -> int``.  Errors the user can act on are printed with
what to do; anything unexpected is logged with its traceback and summarised.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback

from appliance import __version__
from appliance.errors import ApplianceError
from appliance.paths import state_dir

# Modules in appliance/commands; each names its own command (eval_features is "eval-features").
COMMANDS = ("run", "classify", "eval", "eval_features", "eval_posed", "bench", "drills", "history", "doctor", "config")


class CommandParser(argparse.ArgumentParser):
    """A command's parser.  argparse leaves an option a command does not know to the top-level parser,
    which then shows its own usage (``python -m appliance [-h] [--version] COMMAND ...``): no help for
    ``drills --bogus``.  Here the command itself refuses it, with its own usage; the exit status stays 2."""

    def parse_known_args(self, args=None, namespace=None):
        namespace, unknown = super().parse_known_args(args, namespace)
        if unknown:
            self.error(f"unrecognized arguments: {' '.join(unknown)}")
        return namespace, unknown


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m appliance", description="A smart mirror that coaches facial expressions."
    )
    parser.add_argument("--version", action="version", version=f"appliance {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=CommandParser)
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"appliance.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"appliance.commands.{name}":
                raise
            continue  # a command not built yet
        module.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ApplianceError as error:
        print(f"error: {error.describe()}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `... | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as error:  # the last line of defence: never a bare traceback
        where = _log_crash()
        print(f"error: unexpected {type(error).__name__}: {error}\n  details: {where}", file=sys.stderr)
        return 1


def _log_crash() -> str:
    try:
        folder = state_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "crash.log"
        with path.open("a", encoding="utf-8") as log:
            log.write(traceback.format_exc() + "\n")
        return f"the traceback is in {path}"
    except OSError:
        logging.getLogger(__name__).exception("unexpected error")
        return "the traceback could not be saved"


if __name__ == "__main__":
    sys.exit(main())
