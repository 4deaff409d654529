"""scripts/install-pi's steps, sourced into bash with fake apt tools and a fake /etc and /sys in a folder."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

INSTALL_PI = Path(__file__).resolve().parent.parent / "scripts" / "install-pi"
FAKE_TOOL = """#!/bin/sh
# Logs each call; apt-cache knows a package only once apt-get update has fetched the lists.
echo "$(basename "$0") $*" >> "$LOG"
case "$(basename "$0") $1" in
    "apt-get update") touch "$LISTS" ;;
    "apt-cache show") [ -f "$LISTS" ] ;;
    "dpkg-query -W") echo "install ok installed" ;;
esac
"""


def run_steps(tmp_path: Path, steps: str, **variables: str) -> subprocess.CompletedProcess:
    """Source install-pi (which then only defines its functions), set ``variables``, run ``steps``."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    tools = tmp_path / "tools"
    tools.mkdir(exist_ok=True)
    for name in ("apt-get", "apt-cache", "dpkg-query"):
        (tools / name).write_text(FAKE_TOOL)
        (tools / name).chmod(0o755)
    assignments = "".join(f"{name}={value!s}; " for name, value in variables.items())
    env = {**os.environ, "PATH": f"{tools}:{os.environ['PATH']}", "LOG": str(tmp_path / "calls.log")}
    env["LISTS"] = str(tmp_path / "lists-fetched")
    return subprocess.run(
        ["bash", "-c", f"source {INSTALL_PI}; has_systemd() {{ return 1; }}; {assignments}{steps}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_package_lists_are_fetched_before_apt_is_asked_what_it_has(tmp_path):
    # pi-gen deletes /var/lib/apt/lists (export-image/02-set-sources/01-run.sh): on a fresh image
    # apt-cache knew nothing and a Pi was told "apt has no python3-picamera2".
    result = run_steps(tmp_path, "install_packages")
    calls = (tmp_path / "calls.log").read_text().splitlines()
    assert result.returncode == 0, result.stderr
    first_cache = next(index for index, call in enumerate(calls) if call.startswith("apt-cache"))
    assert calls.index("apt-get update -q") < first_cache
    assert "skipping" not in result.stdout  # python3-picamera2 and python3-lgpio were found


def test_an_offline_update_does_not_stop_the_install(tmp_path):
    (tmp_path / "tools").mkdir()
    result = run_steps(tmp_path, 'apt-get() { [ "$1" != update ] || return 100; }; install_packages')
    assert result.returncode == 0, result.stderr
    assert "apt-get update failed (offline?)" in result.stdout


@pytest.fixture
def boot(tmp_path):
    """A /etc/systemd/system and /lib/systemd/system as Raspberry Pi OS Desktop has them (lightdm)."""
    etc, lib, app = tmp_path / "etc", tmp_path / "lib", tmp_path / "app"
    for folder in (etc, lib, app):
        folder.mkdir()
    for unit in ("graphical.target", "multi-user.target", "lightdm.service"):
        (lib / unit).write_text("[Unit]\n")
    (lib / "default.target").symlink_to("graphical.target")
    (etc / "default.target").symlink_to(lib / "graphical.target")
    (etc / "display-manager.service").symlink_to(lib / "lightdm.service")
    return {"SYSTEMD_ETC": etc, "SYSTEMD_LIB": lib, "APP_DIR": app}


def default_target(boot) -> str:
    return os.path.basename(os.readlink(boot["SYSTEMD_ETC"] / "default.target"))


def test_a_desktop_boot_is_switched_to_the_console_and_back_on_remove(tmp_path, boot):
    # lightdm's compositor holds the DRM master; SDL's KMSDRM skips such a card: no window at all.
    result = run_steps(tmp_path, "display_manager; console_boot", **boot)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("lightdm.service\n")
    assert default_target(boot) == "multi-user.target" and "console from the next boot" in result.stdout
    result = run_steps(tmp_path, "display_manager || echo none; restore_desktop", **boot)
    assert "none" in result.stdout and default_target(boot) == "graphical.target"


def test_keep_desktop_leaves_the_boot_alone_and_says_why_the_mirror_cannot_open(tmp_path, boot):
    result = run_steps(tmp_path, "console_boot", KEEP_DESKTOP="1", **boot)
    assert result.returncode == 0 and default_target(boot) == "graphical.target"
    assert "WARNING: lightdm starts a desktop at boot and holds the display" in result.stdout


def test_a_console_image_is_left_as_it_is(tmp_path, boot):
    (boot["SYSTEMD_ETC"] / "display-manager.service").unlink()  # Lite: no display manager
    result = run_steps(tmp_path, "console_boot", **boot)
    assert result.returncode == 0 and result.stdout == "" and default_target(boot) == "graphical.target"


def test_the_unit_may_write_the_backlights_present_at_install(tmp_path):
    # ProtectKernelTunables= makes /sys read-only; ReadWritePaths= opens the panel's own folder again.
    device = tmp_path / "sys/devices/platform/i2c/10-0045/backlight/10-0045"
    device.mkdir(parents=True)
    (tmp_path / "sys/class/backlight").mkdir(parents=True)
    (tmp_path / "sys/class/backlight/10-0045").symlink_to(device)
    drop_in, rule = tmp_path / "unit.d", tmp_path / "70-expression-mirror.rules"
    result = run_steps(tmp_path, "allow_backlights", SYS=tmp_path / "sys", DROP_IN_DIR=drop_in, UDEV_RULE=rule)
    assert result.returncode == 0, result.stderr
    assert f"ReadWritePaths=-{device}\n" in (drop_in / "backlight.conf").read_text()
    assert 'SUBSYSTEM=="backlight"' in rule.read_text() and "chgrp video" in rule.read_text()
    (tmp_path / "sys/class/backlight/10-0045").unlink()  # the panel is gone: so is the drop-in
    run_steps(tmp_path, "allow_backlights", SYS=tmp_path / "sys", DROP_IN_DIR=drop_in, UDEV_RULE=rule)
    assert not (drop_in / "backlight.conf").exists()
