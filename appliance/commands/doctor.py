"""``python -m appliance doctor``: is this appliance fit to run?  Exit 0 when every check passes.

python -m appliance doctor                 # camera, models, display, display power, GPIO, config, storage, clock
python -m appliance doctor --json          # the same as a JSON list of {name, ok, detail}
python -m appliance doctor --buttons 30    # then print button presses live for 30 s (check the wiring)

Run as root where the unit is installed, the checks run as the mirror runs: as its user, inside the
unit's sandbox (systemd-run with the unit's settings); a check that fails only there names the
sandbox as the cause.  --here runs them in this process instead.
Stop the mirror first (sudo systemctl stop expression-mirror): it holds the camera and the buttons.
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
    parser.add_argument("--here", action="store_true", help="run the checks in this process, not in the unit's sandbox")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import getpass
    import sys

    from appliance.doctor import sandbox
    from appliance.doctor.checks import run_checks
    from appliance.doctor.system import check_config

    if args.buttons is not None and not 0 < args.buttons <= 3600:
        raise ConfigError(f"--buttons {args.buttons:g} is out of range", hint="give 1 to 3600 seconds")
    where = "" if args.here else sandbox.unavailable()
    if args.here or where:
        checks, config = run_checks(args.config, model=args.model)
        said = "" if args.here else f"checks run as {getpass.getuser()} here, not inside the unit's sandbox: {where}"
    else:
        inner = ["--config", str(args.config)] if args.config else []
        inner += ["--model", str(args.model)] if args.model else []
        inside, outside, user = sandbox.checks_in_unit(inner)
        checks, config = sandbox.blame_the_sandbox(inside, outside, user), check_config(args.config)[1]
        said = f"checks run as {user} inside the unit's sandbox ({sandbox.UNIT}'s settings, through systemd-run)"
    if args.json:
        if said:
            print(said, file=sys.stderr)
        print(json.dumps([check.as_dict() for check in checks], indent=2))
    else:
        if said:
            print(said)
        for check in checks:
            print(check.line())
    if args.buttons is not None:
        from appliance.doctor.hardware import watch_buttons

        watch_buttons(config, args.buttons)
    return 0 if all(check.ok for check in checks) else 1
