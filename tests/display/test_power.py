"""Display power backends against a fake command runner (argv recorded, nothing real run) and a fake /sys."""

from __future__ import annotations

import os
import types

import pytest

from appliance.display.power import (
    CecPower,
    DdcPower,
    DisplayPowerError,
    KmsPower,
    OverlayPower,
    Ran,
    VcgencmdPower,
    WlrRandrPower,
    choose_power,
    run_command,
)

WLR_RANDR = """HDMI-A-1 "Dell Inc. DELL P2419H (HDMI-A-1)"
  Make: Dell Inc.
  Enabled: yes
  Modes:
    1920x1080 px, 60.000000 Hz (preferred, current)
"""


class FakeRunner:
    """Answers by the command's first words, like the real tools; records every argv."""

    def __init__(self, answers: dict[tuple[str, ...], Ran] | None = None) -> None:
        self.answers = answers or {}
        self.calls: list[list[str]] = []

    def __call__(self, argv, timeout):
        assert timeout > 0
        self.calls.append(list(argv))
        for length in range(len(argv), 0, -1):
            if tuple(argv[:length]) in self.answers:
                return self.answers[tuple(argv[:length])]
        return Ran(127, "", f"{argv[0]} is not installed")


def test_vcgencmd_switches_with_display_power(tmp_path):
    runner = FakeRunner({("vcgencmd",): Ran(0, "display_power=1\n")})
    power = VcgencmdPower(runner=runner, root=tmp_path)
    assert power.why_not() == ""  # no KMS connectors: the firmware drives the display
    power.off()
    power.on()
    assert runner.calls[1:] == [["vcgencmd", "display_power", "0"], ["vcgencmd", "display_power", "1"]]
    assert power.is_on


def test_vcgencmd_is_skipped_under_full_kms(tmp_path):
    (tmp_path / "sys/class/drm/card1-HDMI-A-1").mkdir(parents=True)
    runner = FakeRunner({("vcgencmd",): Ran(0, "display_power=1\n")})
    assert "full KMS" in VcgencmdPower(runner=runner, root=tmp_path).why_not()
    fkms = tmp_path / "proc/device-tree/soc/firmwarekms@7e600000"
    fkms.mkdir(parents=True)
    (fkms / "status").write_bytes(b"okay\0")
    assert VcgencmdPower(runner=runner, root=tmp_path).why_not() == ""


def test_vcgencmd_without_the_command_says_so(tmp_path):
    runner = FakeRunner({("vcgencmd",): Ran(255, "", 'error=1 error_msg="Command not registered"')})
    assert "Command not registered" in VcgencmdPower(runner=runner, root=tmp_path).why_not()


def test_wlr_randr_finds_the_output_and_switches_it(tmp_path):
    runner = FakeRunner({("wlr-randr",): Ran(0, WLR_RANDR)})
    power = WlrRandrPower(runner=runner, root=tmp_path, environ={"WAYLAND_DISPLAY": "wayland-0"})
    assert power.why_not() == "" and power.output == "HDMI-A-1"
    power.off()
    power.on()
    assert runner.calls[1:] == [
        ["wlr-randr", "--output", "HDMI-A-1", "--off"],
        ["wlr-randr", "--output", "HDMI-A-1", "--on"],
    ]


def test_wlr_randr_needs_a_wayland_session(tmp_path):
    runner = FakeRunner({("wlr-randr",): Ran(0, WLR_RANDR)})
    assert "Wayland" in WlrRandrPower(runner=runner, root=tmp_path, environ={}).why_not()
    assert runner.calls == []


def test_cec_registers_finds_a_tv_and_sends_standby_and_image_view_on(tmp_path):
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev/cec0").touch()
    runner = FakeRunner(
        {
            ("cec-ctl", "-d", "/dev/cec0", "--playback"): Ran(0, "Logical Address: 4\n"),
            ("cec-ctl", "-d", "/dev/cec0", "--to"): Ran(0, "GIVE_DEVICE_POWER_STATUS:\n\tpwr-state: on (0x00)\n"),
        }
    )
    power = CecPower(runner=runner, root=tmp_path)
    assert power.why_not() == ""
    power.off()
    power.on()
    assert runner.calls[-2:] == [
        ["cec-ctl", "-d", "/dev/cec0", "--to", "0", "--standby"],
        ["cec-ctl", "-d", "/dev/cec0", "--to", "0", "--image-view-on"],
    ]


def test_cec_without_an_adapter_or_a_tv(tmp_path):
    assert "/dev/cec" in CecPower(runner=FakeRunner(), root=tmp_path).why_not()
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev/cec0").touch()
    runner = FakeRunner({("cec-ctl", "-d", "/dev/cec0", "--playback"): Ran(0, "")})
    assert "no TV" in CecPower(runner=runner, root=tmp_path).why_not()


def i2c_bus(root):
    (root / "dev").mkdir(exist_ok=True)
    (root / "dev/i2c-20").touch()  # the HDMI port's DDC bus once i2c-dev is loaded
    return root


def test_ddc_sets_vcp_d6(tmp_path):
    i2c_bus(tmp_path)
    runner = FakeRunner({("ddcutil",): Ran(0, "VCP code 0xd6 (Power mode): DPM: On,  DPMS: Off (sl=0x01)\n")})
    power = DdcPower(runner=runner, root=tmp_path)
    assert power.why_not() == ""
    power.off()
    power.on()
    assert runner.calls == [
        ["ddcutil", "getvcp", "d6"],
        ["ddcutil", "setvcp", "d6", "04"],
        ["ddcutil", "setvcp", "d6", "01"],
    ]


def test_a_failing_command_is_an_error_naming_it(tmp_path):
    i2c_bus(tmp_path)
    runner = FakeRunner({("ddcutil", "setvcp"): Ran(1, "", "Display not found")})
    power = DdcPower(runner=runner, root=tmp_path)
    with pytest.raises(DisplayPowerError, match="ddcutil setvcp d6 04 failed: Display not found"):
        power.off()
    assert power.is_on  # it did not go off


def test_kms_writes_the_backlight(tmp_path):
    light = tmp_path / "sys/class/backlight/10-0045/bl_power"
    light.parent.mkdir(parents=True)
    light.write_text("0\n")
    power = KmsPower(root=tmp_path)
    assert power.why_not() == ""
    power.off()
    assert light.read_text() == "4\n" and not power.is_on
    power.on()
    assert light.read_text() == "0\n"


def test_kms_without_a_backlight_says_why(tmp_path):
    assert "DRM master" in KmsPower(root=tmp_path).why_not()


def test_the_overlay_shows_and_hides_the_black_layer():
    shown: list[bool] = []
    power = OverlayPower(shown.append)
    power.off()
    power.on()
    assert shown == [True, False] and power.why_not() == ""


def test_auto_takes_the_first_that_works(tmp_path):
    i2c_bus(tmp_path)
    runner = FakeRunner({("wlr-randr",): Ran(0, WLR_RANDR), ("ddcutil",): Ran(0, "VCP code 0xd6\n")})
    power, reasons = choose_power(
        "auto", overlay=lambda _: None, runner=runner, root=tmp_path, environ={"WAYLAND_DISPLAY": "wayland-0"}
    )
    assert power.name == "wlr-randr"
    assert [reason.split(":")[0] for reason in reasons] == ["kms", "vcgencmd"]


def test_auto_with_nothing_gives_the_overlay(tmp_path):
    power, reasons = choose_power("auto", overlay=lambda _: None, runner=FakeRunner(), root=tmp_path, environ={})
    assert power.name == "overlay" and len(reasons) == 5


def test_a_named_backend_that_does_not_work_gives_the_overlay(tmp_path):
    runner = FakeRunner()
    power, reasons = choose_power("cec", overlay=lambda _: None, runner=runner, root=tmp_path, environ={})
    assert power.name == "overlay" and reasons == ["cec: no HDMI-CEC adapter (/dev/cec*)"]
    power, reasons = choose_power("overlay", overlay=lambda _: None, runner=runner, root=tmp_path)
    assert power.name == "overlay" and reasons == [] and runner.calls == []


def test_the_real_runner_reports_a_missing_command_without_raising():
    ran = run_command(["appliance-no-such-command-here"], 1.0)
    assert ran.returncode == 127 and "not installed" in ran.why()


def test_kms_under_a_read_only_sys_names_the_sandbox_not_a_udev_rule(tmp_path, monkeypatch):
    # ProtectKernelTunables=yes mounts /sys read-only: os.access says no, and the mount is the cause.
    light = tmp_path / "sys/class/backlight/10-0045/bl_power"
    light.parent.mkdir(parents=True)
    light.write_text("0\n")
    real_statvfs = os.statvfs

    def statvfs(path):
        result = real_statvfs(path)
        if str(path).startswith(str(tmp_path / "sys")):
            return types.SimpleNamespace(f_flag=result.f_flag | os.ST_RDONLY)
        return result

    monkeypatch.setattr(os, "statvfs", statvfs)
    why = KmsPower(root=tmp_path).why_not()
    assert "read-only /sys" in why and "ProtectKernelTunables" in why and "udev" not in why


def test_vcgencmd_that_cannot_open_the_mailbox_names_dev_vcio(tmp_path):
    # raspberrypi/utils vcgencmd.c mbox_open(): tries /dev/vcio_gencmd then /dev/vcio, prints this, exits -1.
    runner = FakeRunner({("vcgencmd",): Ran(255, "Can't open device file: /dev/vcio_gencmd\n")})
    why = VcgencmdPower(runner=runner, root=tmp_path).why_not()
    assert "/dev/vcio" in why and "char-vcio" in why


def test_cec_uses_the_adapter_a_tv_answers_on(tmp_path):
    # A Pi 4's second HDMI port is /dev/cec1: a monitor there was missed when cec0 was always used.
    (tmp_path / "dev").mkdir()
    for name in ("cec0", "cec1"):
        (tmp_path / "dev" / name).touch()
    runner = FakeRunner(
        {
            ("cec-ctl", "-d", "/dev/cec0", "--playback"): Ran(0, "Physical Address: f.f.f.f\n"),
            ("cec-ctl", "-d", "/dev/cec0", "--to"): Ran(1, "", "Transmit failed: Not Acknowledged"),
            ("cec-ctl", "-d", "/dev/cec1", "--playback"): Ran(0, "Physical Address: 2.0.0.0\n"),
            ("cec-ctl", "-d", "/dev/cec1", "--to"): Ran(0, "GIVE_DEVICE_POWER_STATUS:\n\tpwr-state: on (0x00)\n"),
        }
    )
    power = CecPower(runner=runner, root=tmp_path)
    assert power.why_not() == "" and power.device == "/dev/cec1"
    power.off()
    assert runner.calls[-1] == ["cec-ctl", "-d", "/dev/cec1", "--to", "0", "--standby"]


def test_cec_with_no_tv_on_any_adapter_says_so_for_each(tmp_path):
    (tmp_path / "dev").mkdir()
    for name in ("cec0", "cec1"):
        (tmp_path / "dev" / name).touch()
    runner = FakeRunner({("cec-ctl",): Ran(0, "")})
    why = CecPower(runner=runner, root=tmp_path).why_not()
    assert "/dev/cec0: no TV answers" in why and "/dev/cec1: no TV answers" in why


def test_ddc_without_i2c_dev_says_the_module_is_not_loaded(tmp_path):
    runner = FakeRunner({("ddcutil",): Ran(0, "VCP code 0xd6 (Power mode): DPM: On\n")})
    why = DdcPower(runner=runner, root=tmp_path / "no-i2c").why_not()
    assert "i2c-dev" in why and runner.calls == []  # ddcutil is not even asked
