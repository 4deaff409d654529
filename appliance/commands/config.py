"""``python -m appliance config check [FILE]``: validate a settings file before the mirror reads it.

Exit 0 and "ok" when it is valid; exit 2 naming the key, its value and what is allowed.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("config", help="check a settings file", description=__doc__)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate FILE (default: ~/.config/appliance/config.toml)")
    check.add_argument("file", nargs="?", type=Path, help="the settings file")
    check.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from appliance.config import default_path, load_config

    load_config(args.file)  # a ConfigError is printed by the CLI with exit status 2
    path = args.file if args.file is not None else default_path()
    print(f"ok: {path}" if path.exists() else f"ok: no file at {path}, the defaults apply")
    return 0
