"""``python -m appliance doctor``: is this appliance fit to run?  Exit 0 when every check passes.

python -m appliance doctor                 # camera, models, display, display power, GPIO, config, storage, clock
python -m appliance doctor --json          # the same as a JSON list of {name, ok, detail}
python -m appliance doctor --buttons 30    # then print button presses live for 30 s (check the wiring)

Stop the mirror first (sudo systemctl stop ...): it holds the camera and the buttons.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from appliance.errors import ConfigError


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check the camera, models, display, buttons, settings, storage and clock",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--json", action="store_true", help="print the checks as JSON")
    parser.add_argument("--config", type=Path, help="settings file (default: ~/.config/appliance/config.toml)")
    parser.add_argument("--model", type=Path, help="also check your own expression model, as given to run --model")
    parser.add_argument("--buttons", type=float, metavar="SECONDS", help="after the checks, print presses live")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from appliance.doctor.checks import run_checks

    if args.buttons is not None and not 0 < args.buttons <= 3600:
        raise ConfigError(f"--buttons {args.buttons:g} is out of range", hint="give 1 to 3600 seconds")
    checks, config = run_checks(args.config, model=args.model)
    if args.json:
        print(json.dumps([check.as_dict() for check in checks], indent=2))
    else:
        for check in checks:
            print(check.line())
    if args.buttons is not None:
        from appliance.doctor.hardware import watch_buttons

        watch_buttons(config, args.buttons)
    return 0 if all(check.ok for check in checks) else 1
