"""The systemd unit scripts/install-pi installs: liveness settings, ordering, and its security score."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATE = PROJECT / "systemd" / "expression-mirror.service"
EXPOSURE_TARGET = 2.0


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
    assert unit["ProtectSystem"] == ["strict"] and unit["UMask"] == ["0077"]
    allowed = " ".join(unit["DeviceAllow"])
    for device in ("char-drm", "char-video4linux", "char-media", "char-dma_heap", "char-gpiochip", "char-input"):
        assert device in allowed
    assert "PrivateDevices" not in unit  # it would hide /dev/dri and the camera
    environment = " ".join(unit["Environment"])
    assert "XDG_DATA_HOME=/var/lib" in environment and unit["StateDirectory"] == ["appliance"]


def test_systemd_analyze_rates_the_unit_at_most_2(tmp_path):
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


def test_the_mirror_may_open_the_sound_card(tmp_path):
    # DevicePolicy=closed allowed no ALSA node and the user was not in audio: SDL_mixer could not open
    # the device (Kivy: "Unable to open mixer") and the breaks were silent. A system user has no PulseAudio.
    unit = settings(rendered(tmp_path))
    assert "char-alsa rw" in unit["DeviceAllow"]
    assert "audio" in unit["SupplementaryGroups"][0].split()
    assert "SDL_AUDIODRIVER=alsa" in unit["Environment"]


def test_device_groups_are_loaded_before_the_unit_resolves_them(tmp_path):
    # systemd resolves DeviceAllow=char-NAME once at start; a group whose module loads later is left out.
    unit = settings(rendered(tmp_path))
    wants, after = unit["Wants"][0].split(), unit["After"]
    for module in ("drm", "videodev", "mc", "i2c_dev", "cec", "snd"):
        assert f"modprobe@{module}.service" in wants
        assert any(f"modprobe@{module}.service" in line.split() for line in after)


def test_a_crash_loop_stops_at_a_start_limit(tmp_path):
    # On a desktop that holds the DRM master the mirror never opens: it must not restart every 3 s for ever.
    unit = settings(rendered(tmp_path))
    interval, burst = float(unit["StartLimitIntervalSec"][0]), int(unit["StartLimitBurst"][0])
    restart, watchdog = float(unit["RestartSec"][0]), float(unit["WatchdogSec"][0])
    assert interval > 0 and burst >= 3
    assert burst * restart < interval  # a process that dies at once reaches the limit
    assert burst * (watchdog + restart) > interval  # a watchdog restart now and then never does


def test_udev_events_reach_the_mirror_and_ip_stays_out(tmp_path):
    # A private network namespace receives no kobject uevents: a keyboard plugged in later was never seen.
    unit = settings(rendered(tmp_path))
    assert "PrivateNetwork" not in unit or unit["PrivateNetwork"] == ["no"]
    assert unit["IPAddressDeny"] == ["any"]
    assert unit["RestrictAddressFamilies"][0].split() == ["AF_UNIX", "AF_NETLINK"]


def test_vcgencmd_may_open_the_firmware_mailbox(tmp_path):
    # raspberrypi/utils vcgencmd.c opens /dev/vcio_gencmd or /dev/vcio (the vcio group), never /dev/vchiq.
    assert "char-vcio rw" in settings(rendered(tmp_path))["DeviceAllow"]


def test_the_settings_folder_stays_read_only(tmp_path):
    # ConfigurationDirectory= is mounted read-write inside the sandbox like the other *Directory= settings.
    unit = settings(rendered(tmp_path))
    assert "ConfigurationDirectory" not in unit and unit["ProtectSystem"] == ["strict"]
    assert "XDG_CONFIG_HOME=/etc" in " ".join(unit["Environment"])


def test_a_display_sdl_cannot_open_is_reported_by_sdl_not_by_an_x11_fallback(tmp_path):
    # Kivy tries its x11 window after sdl2: on the console its "Couldn't connect to X server" hid SDL's reason.
    assert "KIVY_WINDOW=sdl2" in settings(rendered(tmp_path))["Environment"]
