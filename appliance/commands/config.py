"""``python -m appliance config check [FILE]``: validate a settings file before the mirror reads it.

Exit 0 and "ok" when it is valid; exit 2 naming each bad key, its value and what is allowed (all
of them in one run, as the mirror's log does when it starts without them).
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
    import sys

    from appliance.config import default_path, load_config_for_mirror

    # The mirror's own reading: every setting it would start without, not only the first.  A --config
    # path that does not exist is still a ConfigError, printed by the CLI with exit status 2.
    _config, problems = load_config_for_mirror(args.file)
    path = args.file if args.file is not None else default_path()
    for problem in problems:
        print(f"error: {problem.describe()}", file=sys.stderr)
    if len(problems) > 1:
        print(f"{len(problems)} settings to fix in {path}", file=sys.stderr)
    if problems:
        return 2
    print(f"ok: {path}" if path.exists() else f"ok: no file at {path}, the defaults apply")
    return 0
