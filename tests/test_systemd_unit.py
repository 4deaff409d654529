"""The systemd unit scripts/install-pi installs: liveness settings, ordering, and its security score."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATE = PROJECT / "systemd" / "expression-mirror.service"
EXPOSURE_TARGET = 4.0


def rendered(tmp_path) -> Path:
    """The unit as install-pi writes it."""
    text = TEMPLATE.read_text().replace("@USER@", "expression-mirror").replace("@APP@", "/opt/expression-mirror")
    path = tmp_path / "expression-mirror.service"
    path.write_text(text)
    return path


def settings(path: Path) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key.strip(), []).append(value.strip())
    return values


def test_the_unit_is_a_watched_notify_service_that_always_restarts(tmp_path):
    unit = settings(rendered(tmp_path))
    assert unit["Type"] == ["notify"] and unit["Restart"] == ["always"]
    assert float(unit["WatchdogSec"][0]) > 0 and float(unit["RestartSec"][0]) > 0
    assert unit["User"] == ["expression-mirror"]
    assert "plymouth-quit-wait.service" in unit["After"][0] and unit["Conflicts"] == ["getty@tty1.service"]
    assert unit["ExecStart"][0].startswith("/opt/expression-mirror/venv/bin/python -m appliance run")
    assert "pip" not in unit["ExecStart"][0]  # starting never installs: a mirror boots offline


def test_the_unit_gives_the_mirror_its_devices_and_only_its_own_folders(tmp_path):
    unit = settings(rendered(tmp_path))
    assert unit["ProtectSystem"] == ["strict"] and unit["PrivateNetwork"] == ["yes"] and unit["UMask"] == ["0077"]
    allowed = " ".join(unit["DeviceAllow"])
    for device in ("char-drm", "char-video4linux", "char-media", "char-dma_heap", "char-gpiochip", "char-input"):
        assert device in allowed
    assert "PrivateDevices" not in unit  # it would hide /dev/dri and the camera
    environment = " ".join(unit["Environment"])
    assert "XDG_DATA_HOME=/var/lib" in environment and unit["StateDirectory"] == ["appliance"]


def test_systemd_analyze_rates_the_unit_at_most_4(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd to measure the unit)")
    result = subprocess.run(
        [analyze, "security", "--offline=true", "--no-pager", str(rendered(tmp_path))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if "--offline" in result.stderr and "unrecognized" in result.stderr:
        pytest.skip("this systemd-analyze has no --offline (systemd 252 or newer has it)")
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert match, result.stdout[-500:] + result.stderr[-500:]
    assert float(match.group(1)) <= EXPOSURE_TARGET, result.stdout


def test_install_pi_refuses_to_run_the_mirror_as_root():
    result = subprocess.run(
        [str(PROJECT / "scripts" / "install-pi"), "--user", "root"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    if os.geteuid() == 0:
        assert "own unprivileged user, not 'root'" in result.stderr
    else:
        assert "needs root" in result.stderr
    assert "what to do:" in result.stderr
