"""Checks of the devices: camera, display, display power, GPIO buttons (and a live press monitor)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from appliance.camera.base import FrameSource
from appliance.config import Config
from appliance.display.power import Runner, choose_power, run_command
from appliance.doctor import Check
from appliance.errors import ApplianceError

CAMERA_FRAMES = 15


def check_camera(open_camera: Callable[[], FrameSource], *, frames: int = CAMERA_FRAMES) -> Check:
    """Open the camera, read ``frames`` frames: their rate and mean brightness (behind glass, a dark picture)."""
    source = open_camera()  # CameraError (no picamera2, no camera) becomes the check's detail
    try:
        source.start()
        first = source.read(5.0)
        started, brightness = time.monotonic(), [float(np.mean(first.gray))]
        for _ in range(frames - 1):
            brightness.append(float(np.mean(source.read(5.0).gray)))
        fps = (frames - 1) / max(1e-6, time.monotonic() - started)
    finally:
        source.stop()
    width, height = first.size
    mean = sum(brightness) / len(brightness)
    detail = f"{source.name}: {width}x{height}, {fps:.1f} fps, mean brightness {mean:.0f}/255"
    if mean < 20:
        return Check("camera", False, detail + ": too dark to find a face; more light, or raise its brightness")
    return Check("camera", True, detail)


def check_display(
    config: Config,
    *,
    root: Path = Path("/"),
    environ: Mapping[str, str] | None = None,
    runner: Runner = run_command,
) -> Check:
    """What SDL will draw on (its video driver), the monitor's size from DRM, and the settings applied.

    On the console (KMSDRM) a running desktop is a failure: its display manager holds the DRM master,
    and SDL skips a card it cannot become master of (SDL 2.30 SDL_kmsdrmvideo.c), so no window opens.
    """
    from appliance.ui.kivy_setup import kivy_settings

    environ = os.environ if environ is None else environ
    driver = environ.get("SDL_VIDEODRIVER") or (
        "wayland" if environ.get("WAYLAND_DISPLAY") else "x11" if environ.get("DISPLAY") else "kmsdrm"
    )
    settings = kivy_settings(fullscreen=config.is_fullscreen, rotation=config.display.rotation)
    monitors = connected_monitors(root)
    facts = [
        f"SDL video driver {driver}{'' if environ.get('SDL_VIDEODRIVER') else ' (SDL picks it)'}",
        f"vsync {settings[('graphics', 'vsync')]}",
        f"rotation {config.display.rotation}",
        "fullscreen" if config.is_fullscreen else "windowed",
    ]
    if monitors:
        facts.insert(1, ", ".join(f"{name} {size}" for name, size in monitors))
    if (
        driver == "kmsdrm"
        and runner(["systemctl", "is-active", "display-manager.service"], 5.0).stdout.strip() == "active"
    ):
        return Check(
            "display",
            False,
            "; ".join(facts) + "; a desktop (display-manager.service) holds the display, so the mirror gets no"
            " window: sudo scripts/install-pi switches to console boot, then reboot",
        )
    if not monitors and driver == "kmsdrm":
        return Check(
            "display", False, "; ".join(facts) + "; no connected monitor in /sys/class/drm: check the HDMI cable"
        )
    return Check("display", True, "; ".join(facts))


def connected_monitors(root: Path) -> list[tuple[str, str]]:
    """(connector, preferred mode) for each connected DRM connector, e.g. ("HDMI-A-1", "1920x1080")."""
    found = []
    for connector in sorted((root / "sys/class/drm").glob("card*-*")):
        status = connector / "status"
        if status.is_file() and status.read_text().strip() == "connected":
            modes = (connector / "modes").read_text().split() if (connector / "modes").is_file() else []
            found.append((connector.name.partition("-")[2], modes[0] if modes else "size unknown"))
    return found


def check_display_power(config: Config, **options) -> Check:
    """Which backend turns the monitor off when no one is there, and why the ones before it were not taken."""
    kind, off_after = config.presence.power, config.presence.off_after_s
    power, reasons = choose_power(kind, overlay=lambda _black: None, **options)
    when = "never (off_after_s = 0)" if not off_after else f"after {off_after:g} s without a face"
    detail = f"{power.name} ({kind}), display off {when}"
    if reasons:
        detail += "; not taken: " + "; ".join(reasons)
    if kind not in ("auto", "overlay") and power.name != kind:
        return Check("display power", False, detail + "; the black overlay stands in (no power saved)")
    return Check("display power", True, detail)


def check_gpio(config: Config, *, pin_factory=None) -> Check:
    """The pin library gpiozero picks, and each button's state (all up when nobody presses)."""
    buttons = open_buttons(config, pin_factory=pin_factory)
    try:
        factory = next(iter(buttons.values())).pin_factory
        library = type(factory).__name__ + (f" on gpiochip{factory.chip}" if hasattr(factory, "chip") else "")
        states = {name: button.is_pressed for name, button in buttons.items()}
    finally:
        for button in buttons.values():
            button.close()
    pins = config.buttons.pins
    listed = ", ".join(f"{name} GPIO{pins[name]} {'PRESSED' if down else 'up'}" for name, down in states.items())
    if any(states.values()):
        return Check("gpio", False, f"{library}: {listed}: a button reads pressed with no one pressing (wiring?)")
    return Check("gpio", True, f"{library}: {listed}")


def open_buttons(config: Config, *, pin_factory=None) -> dict:
    import warnings

    from gpiozero import Button

    from appliance.controls import header_pin_factory

    buttons = {}
    if pin_factory is None:  # the header's chip, whatever gpiozero 2.0.1 guesses
        pin_factory = header_pin_factory()
    with warnings.catch_warnings():  # gpiozero warns about each pin library it skips
        warnings.simplefilter("ignore")
        try:
            for name, pin in config.buttons.pins.items():
                buttons[name] = Button(pin, pull_up=True, bounce_time=None, pin_factory=pin_factory)
        except Exception as error:
            for button in buttons.values():
                button.close()
            raise ApplianceError(
                f"no GPIO ({type(error).__name__}: {error})",
                hint="on a Pi: sudo apt install python3-lgpio and a venv with --system-site-packages",
            ) from None
    return buttons


def watch_buttons(
    config: Config,
    seconds: float,
    *,
    say: Callable[[str], None] = print,
    pin_factory=None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """Print each press and release live for ``seconds``, so the wiring can be checked; returns the presses."""
    buttons = open_buttons(config, pin_factory=pin_factory)
    presses, start = [0], time.monotonic()

    def report(name: str, pressed: bool) -> None:
        presses[0] += pressed
        what = "pressed" if pressed else "released"
        say(f"{time.monotonic() - start:6.2f} s  {name:<7} GPIO{config.buttons.pins[name]:<3} {what}")

    try:
        for name, button in buttons.items():
            button.when_pressed = lambda name=name: report(name, True)
            button.when_released = lambda name=name: report(name, False)
        say(f"press each button ({', '.join(buttons)}); watching for {seconds:g} s")
        sleep(seconds)
    finally:
        for button in buttons.values():
            button.close()
    say(f"{presses[0]} presses")
    return presses[0]
