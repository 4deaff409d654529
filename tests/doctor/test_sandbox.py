"""The doctor inside the unit's sandbox: the unit's settings become systemd-run properties, and a
check that fails only inside is said to be the sandbox's doing.  systemctl and systemd-run are fakes
that answer as systemd 252 does (``systemctl cat`` prints each file under a ``# path`` comment)."""

from __future__ import annotations

import json
from pathlib import Path

from appliance.display.power import Ran
from appliance.doctor import Check, sandbox

PROJECT = Path(__file__).resolve().parents[2]


def systemctl_cat() -> str:
    unit = (PROJECT / "systemd/expression-mirror.service").read_text()
    unit = unit.replace("@USER@", "expression-mirror").replace("@APP@", "/opt/expression-mirror")
    drop_in = "[Service]\nReadWritePaths=-/sys/devices/platform/i2c/10-0045/backlight/10-0045\n"
    return (
        f"# /etc/systemd/system/expression-mirror.service\n{unit}\n"
        f"# /etc/systemd/system/expression-mirror.service.d/backlight.conf\n{drop_in}"
    )


class FakeSystemd:
    """``systemctl cat`` gives the unit; ``systemd-run`` answers with the checks the test sets for a run
    with the sandbox (``inside``) or without it (``outside``), and records every argv."""

    def __init__(self, inside: list[Check], outside: list[Check] | None) -> None:
        self.inside, self.outside, self.calls = inside, outside, []

    def __call__(self, argv, timeout):
        self.calls.append(list(argv))
        if argv[:2] == ["systemctl", "cat"]:
            return Ran(0, systemctl_cat())
        sandboxed = "ProtectSystem=strict" in argv
        checks = self.inside if sandboxed else self.outside
        if checks is None:
            return Ran(1, "", "Failed to start transient service unit: Unit expression-mirror.service not found.")
        return Ran(0, json.dumps([check.as_dict() for check in checks]))


def test_the_units_sandbox_settings_become_properties_and_its_life_cycle_does_not():
    properties = sandbox.unit_properties(systemctl_cat(), sandbox.IDENTITY + sandbox.SANDBOX)
    assert "User=expression-mirror" in properties and "ProtectKernelTunables=yes" in properties
    assert "DeviceAllow=char-alsa rw" in properties and "DevicePolicy=closed" in properties
    assert "ReadWritePaths=-/sys/devices/platform/i2c/10-0045/backlight/10-0045" in properties  # the drop-in
    assert "RuntimeDirectoryPreserve=yes" in properties  # the running mirror's /run/appliance stays
    names = {item.partition("=")[0] for item in properties}
    assert not names & {"Type", "ExecStart", "WatchdogSec", "Restart", "StandardInput", "TTYPath", "Wants"}


def test_a_check_failing_only_inside_the_sandbox_names_the_sandbox():
    power_inside = Check("display power", False, "kms: /sys/class/backlight/10-0045/bl_power is on a read-only /sys")
    fake = FakeSystemd(
        inside=[Check("clock", True, "fine"), power_inside, Check("gpio", False, "no GPIO")],
        outside=[Check("clock", True, "fine"), Check("display power", True, "kms (auto)"), Check("gpio", False, "no")],
    )
    inside, outside, user = sandbox.checks_in_unit([], runner=fake)
    checks = {check.name: check for check in sandbox.blame_the_sandbox(inside, outside, user)}
    assert user == "expression-mirror"
    assert not checks["display power"].ok
    blamed = "the unit's sandbox is the cause: as expression-mirror outside it: kms (auto)"
    assert blamed in checks["display power"].detail
    assert "sandbox" not in checks["gpio"].detail  # failing outside too: the sandbox is not the cause
    first, second = [call for call in fake.calls if call[0] == "systemd-run"]
    assert first[first.index("--") + 1 :][-3:] == ["doctor", "--here", "--json"]
    assert "DeviceAllow=char-drm rw" in first and "User=expression-mirror" in first
    assert "DeviceAllow=char-drm rw" not in second and "User=expression-mirror" in second


def test_when_the_run_without_the_sandbox_fails_the_inside_checks_stand_alone():
    fake = FakeSystemd(inside=[Check("clock", False, "1970")], outside=None)
    inside, outside, user = sandbox.checks_in_unit([], runner=fake)
    assert outside is None
    assert sandbox.blame_the_sandbox(inside, outside, user) == [Check("clock", False, "1970")]


def test_where_the_sandbox_cannot_be_used_says_why(tmp_path):
    assert sandbox.unavailable(root=tmp_path) == "systemd is not running here"
    (tmp_path / "run/systemd/system").mkdir(parents=True)
    assert "only root" in sandbox.unavailable(root=tmp_path, euid=1000)
    missing = sandbox.unavailable(root=tmp_path, euid=0, runner=lambda argv, timeout: Ran(1, "", "No files found"))
    assert "not installed" in missing and "install-pi" in missing
    assert sandbox.unavailable(root=tmp_path, euid=0, runner=lambda argv, timeout: Ran(0, systemctl_cat())) == ""


def test_doctor_says_where_its_checks_ran(monkeypatch, capsys):
    from appliance import cli

    monkeypatch.setattr(sandbox, "unavailable", lambda: "")
    inside = [Check("display power", False, "read-only /sys")]
    monkeypatch.setattr(sandbox, "checks_in_unit", lambda argv: (inside, [Check("display power", True, "kms")], "em"))
    assert cli.main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("checks run as em inside the unit's sandbox")
    assert "the unit's sandbox is the cause" in out
    monkeypatch.setattr(sandbox, "unavailable", lambda: "systemd is not running here")
    import appliance.doctor.checks as checks
    from appliance.config import Config

    monkeypatch.setattr(checks, "run_checks", lambda path, model=None: ([Check("clock", True, "fine")], Config()))
    assert cli.main(["doctor"]) == 0
    assert "not inside the unit's sandbox: systemd is not running here" in capsys.readouterr().out
