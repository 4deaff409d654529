"""The doctor's checks run the way the unit runs the mirror: as its user, inside its sandbox.

``systemctl cat`` gives the installed unit with its drop-ins; the [Service] settings that shape the
process (user, groups, environment, folders, the sandbox, the device list) become ``systemd-run -p``
properties of a short-lived service that runs ``doctor --here --json``.  The same checks also run
as the unit's user without the sandbox; a check that fails only inside is said to be the
sandbox's doing (a device the unit does not allow, a read-only /sys), not the hardware's.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from appliance.display.power import Ran, Runner, run_command
from appliance.doctor import Check

UNIT = "expression-mirror.service"
TIMEOUT_S = 300.0  # the camera (15 frames) and loading every model, twice over
# The process's identity: both runs have it, so the only difference between them is the sandbox.
IDENTITY = ("User", "Group", "SupplementaryGroups", "Environment", "WorkingDirectory", "UMask")
SANDBOX = (
    *("NoNewPrivileges", "CapabilityBoundingSet", "AmbientCapabilities", "ProtectSystem", "ProtectHome"),
    *("PrivateTmp", "PrivateNetwork", "PrivateDevices", "PrivateUsers", "PrivateMounts", "IPAddressDeny"),
    *("IPAddressAllow", "RestrictAddressFamilies", "RestrictNamespaces", "RestrictRealtime", "RestrictSUIDSGID"),
    *("LockPersonality", "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs", "ProtectClock"),
    *("ProtectControlGroups", "ProtectHostname", "ProtectProc", "ProcSubset", "KeyringMode"),
    *("SystemCallArchitectures", "SystemCallFilter", "SystemCallErrorNumber", "MemoryDenyWriteExecute"),
    *("DevicePolicy", "DeviceAllow", "ReadWritePaths", "ReadOnlyPaths", "InaccessiblePaths"),
    *("StateDirectory", "LogsDirectory", "CacheDirectory", "ConfigurationDirectory", "RuntimeDirectory"),
)


def unit_properties(unit_text: str, keys: Sequence[str]) -> list[str]:
    """``KEY=VALUE`` for each of ``keys`` set in the [Service] sections of ``systemctl cat`` output,
    in file order (an empty assignment in a drop-in resets a list, and stays in, as systemd reads it)."""
    properties, section = [], ""
    for raw in unit_text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line
            continue
        key, equals, value = line.partition("=")
        if section == "[Service]" and equals and key.strip() in keys:
            properties.append(f"{key.strip()}={value.strip()}")
    if any(item.startswith("RuntimeDirectory=") for item in properties):
        properties.append("RuntimeDirectoryPreserve=yes")  # the mirror's own /run/appliance stays
    return properties


def systemd_run(properties: Sequence[str], argv: Sequence[str]) -> list[str]:
    command = ["systemd-run", "--wait", "--pipe", "--quiet", "--collect", "--service-type=exec"]
    for item in properties:
        command += ["-p", item]
    return [*command, "--", *argv]


def unavailable(*, root: Path = Path("/"), runner: Runner = run_command, euid: int | None = None) -> str:
    """Why the checks cannot run inside the unit's sandbox here ("" when they can)."""
    if not (root / "run/systemd/system").is_dir():
        return "systemd is not running here"
    if (os.geteuid() if euid is None else euid) != 0:
        return "only root can start a service as the unit's user (run: sudo ... doctor)"
    ran = runner(["systemctl", "cat", UNIT], 10.0)
    if not ran.ok:
        return f"the unit {UNIT} is not installed (sudo scripts/install-pi installs it)"
    return ""


def checks_in_unit(
    doctor_argv: Sequence[str], *, runner: Runner = run_command
) -> tuple[list[Check], list[Check] | None, str]:
    """(checks inside the unit's sandbox, checks as its user without the sandbox, the user).

    The second list is None when that run failed (the first is then still worth reading).
    """
    unit_text = runner(["systemctl", "cat", UNIT], 10.0).stdout
    identity = unit_properties(unit_text, IDENTITY)
    user = next((item.partition("=")[2] for item in identity if item.startswith("User=")), "root")
    argv = [sys.executable, "-m", "appliance", "doctor", "--here", "--json", *doctor_argv]
    inside = _run_checks(runner, unit_properties(unit_text, IDENTITY + SANDBOX), argv)
    if isinstance(inside, str):
        from appliance.errors import ApplianceError

        raise ApplianceError(f"the checks could not run inside the unit's sandbox: {inside}")
    outside = _run_checks(runner, identity, argv)
    return inside, (None if isinstance(outside, str) else outside), user


def _run_checks(runner: Runner, properties: list[str], argv: list[str]) -> list[Check] | str:
    ran: Ran = runner(systemd_run(properties, argv), TIMEOUT_S)
    try:
        return [Check(**item) for item in json.loads(ran.stdout)]
    except (ValueError, TypeError):
        return ran.why()


def blame_the_sandbox(inside: list[Check], outside: list[Check] | None, user: str) -> list[Check]:
    """``inside``, with each check that passes for ``user`` outside the sandbox said to fail because of it."""
    passed = {check.name: check for check in outside or [] if check.ok}
    named = []
    for check in inside:
        if not check.ok and check.name in passed:
            outside_it = passed[check.name].detail
            check = Check(
                check.name,
                False,
                f"{check.detail} [the unit's sandbox is the cause: as {user} outside it: {outside_it}]",
            )
        named.append(check)
    return named
