"""The doctor's device checks (camera, display, display power, GPIO) on fakes: frames, /sys, pins, commands."""

from __future__ import annotations

import numpy as np
from gpiozero.pins.mock import MockFactory, MockPin

from appliance.camera.base import Frame, FrameSource
from appliance.config import Config, PresenceSettings
from appliance.display.power import Ran
from appliance.doctor import guarded
from appliance.doctor.hardware import (
    check_camera,
    check_display,
    check_display_power,
    check_gpio,
    watch_buttons,
)
from appliance.errors import CameraError


class FakeCamera(FrameSource):
    name = "camera"

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level, self.index, self.stopped = level, 0, False

    def _open(self) -> None:
        pass

    def _read(self, timeout: float) -> Frame:
        self.index += 1
        return Frame(np.full((480, 640), self.level, np.uint8), float(self.index), None, self.index)

    def _close(self) -> None:
        self.stopped = True


def test_a_working_camera_reports_its_size_rate_and_brightness():
    camera = FakeCamera(level=110)
    check = check_camera(lambda: camera, frames=5)
    assert check.ok and "640x480" in check.detail and "fps" in check.detail and "brightness 110/255" in check.detail
    assert camera.stopped


def test_a_dark_picture_fails():
    check = check_camera(lambda: FakeCamera(level=5), frames=3)
    assert not check.ok and "too dark" in check.detail


def test_no_camera_says_why():
    def missing():
        raise CameraError("picamera2 is not installed", hint="sudo apt install python3-picamera2")

    check = guarded("camera", check_camera, missing)
    assert not check.ok and check.detail == "picamera2 is not installed; what to do: sudo apt install python3-picamera2"


def test_a_camera_that_fails_mid_read_is_stopped_and_reported():
    class Stalling(FakeCamera):
        def _read(self, timeout):
            raise CameraError("the camera stalled: no frame in 5 s")

    camera = Stalling(level=100)
    check = guarded("camera", check_camera, lambda: camera)
    assert not check.ok and "stalled" in check.detail and camera.stopped


def fake_sys(tmp_path, connected=True):
    connector = tmp_path / "sys/class/drm/card1-HDMI-A-1"
    connector.mkdir(parents=True)
    (connector / "status").write_text("connected\n" if connected else "disconnected\n")
    (connector / "modes").write_text("1920x1080\n1280x720\n")
    return tmp_path


def test_the_display_reports_driver_monitor_and_vsync(tmp_path):
    config = Config(fullscreen=True).with_overrides()
    check = check_display(config, root=fake_sys(tmp_path), environ={})
    assert check.ok
    for words in ("SDL video driver kmsdrm", "HDMI-A-1 1920x1080", "vsync 1", "rotation 0", "fullscreen"):
        assert words in check.detail


def test_no_monitor_on_the_console_fails(tmp_path):
    check = check_display(Config(), root=fake_sys(tmp_path, connected=False), environ={})
    assert not check.ok and "HDMI cable" in check.detail


def test_a_running_desktop_on_the_console_fails_and_says_how_to_switch(tmp_path):
    # lightdm's compositor holds the DRM master; SDL's KMSDRM skips the card: the mirror gets no window.
    def runner(argv, timeout):
        active = argv == ["systemctl", "is-active", "display-manager.service"]
        return Ran(0, "active\n") if active else Ran(3, "inactive\n")

    check = check_display(Config(), root=fake_sys(tmp_path), environ={}, runner=runner)
    assert not check.ok and "holds the display" in check.detail and "console boot" in check.detail
    check = check_display(Config(), root=tmp_path, environ={"SDL_VIDEODRIVER": "kmsdrm"}, runner=lambda a, t: Ran(3))
    assert "holds the display" not in check.detail


def test_a_desktop_session_is_named(tmp_path):
    check = check_display(Config(), root=tmp_path, environ={"WAYLAND_DISPLAY": "wayland-0"})
    assert check.ok and "driver wayland" in check.detail


def test_display_power_names_what_was_taken_and_why_not_the_others(tmp_path):
    def runner(argv, timeout):
        return Ran(0, "VCP code 0xd6 (Power mode): DPM: On\n") if argv[0] == "ddcutil" else Ran(127, "", "missing")

    (tmp_path / "dev").mkdir()
    (tmp_path / "dev/i2c-20").touch()  # i2c-dev loaded: the HDMI port's DDC bus
    check = check_display_power(Config(), runner=runner, root=tmp_path, environ={})
    assert check.ok and check.detail.startswith("ddc (auto)") and "after 300 s" in check.detail
    assert "cec: no HDMI-CEC adapter" in check.detail


def test_a_chosen_display_power_that_does_not_work_fails(tmp_path):
    config = Config(presence=PresenceSettings(power="cec", off_after_s=0))
    check = check_display_power(config, runner=lambda argv, timeout: Ran(127), root=tmp_path, environ={})
    assert not check.ok and "overlay (cec)" in check.detail and "never" in check.detail


def test_gpio_lists_each_button_up():
    check = check_gpio(Config(), pin_factory=MockFactory())
    assert check.ok and check.detail.startswith("MockFactory: next GPIO17 up, select GPIO27 up")


class ShortedPin(MockPin):
    """A pin wired straight to ground: the pull-up cannot raise it."""

    def drive_high(self):
        self.drive_low()


def test_a_button_stuck_down_fails():
    factory = MockFactory()
    factory.pin(22, pin_class=ShortedPin)
    check = check_gpio(Config(), pin_factory=factory)
    assert not check.ok and "back GPIO22 PRESSED" in check.detail


def test_no_gpio_says_what_to_do():
    class Broken:
        def __getattr__(self, name):
            raise RuntimeError("no /dev/gpiochip0")

    check = guarded("gpio", check_gpio, Config(), pin_factory=Broken())
    assert not check.ok and "no GPIO" in check.detail and "python3-lgpio" in check.detail


def test_watching_the_buttons_prints_each_press_live():
    factory, lines = MockFactory(), []

    def presses(_seconds):
        factory.pin(23).drive_low()
        factory.pin(23).drive_high()
        factory.pin(17).drive_low()

    count = watch_buttons(Config(), 5, say=lines.append, pin_factory=factory, sleep=presses)
    assert count == 2
    assert "break   GPIO23  pressed" in lines[1] and "released" in lines[2] and "next" in lines[3]
    assert lines[-1] == "2 presses"
