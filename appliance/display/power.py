"""Switching the monitor off and on: small backends behind one interface, and ``choose_power``.

Every backend has ``name``, ``is_on``, ``off()``, ``on()`` and ``why_not()`` ("" when it works
on this system, else the reason).  The command backends run their tool through ``runner(argv,
timeout) -> Ran`` (tests pass a fake that records argv); ``root`` is where /sys and /dev are
(tests pass a folder).  What each one does, and where it works:

- ``kms``: a panel's backlight through the kernel (``/sys/class/backlight/*/bl_power``, the Pi's
  DSI touch displays).  HDMI's DPMS is a property of the DRM connector, and setting it needs the
  DRM master, which is the mirror's own SDL window (KMSDRM) or the desktop's compositor, so no
  other program (modetest, kmsprint only reads) can set it while the mirror runs.
- ``vcgencmd``: ``vcgencmd display_power 0|1``: the firmware's display (legacy or fake KMS, Pi 4
  and older).  Under full KMS (Bookworm's default) it answers but does nothing, so it is skipped.
  It talks to the firmware through /dev/vcio (or /dev/vcio_gencmd), which the unit must allow.
- ``wlr-randr``: ``wlr-randr --output NAME --off|--on`` in a Wayland desktop session (labwc, wayfire).
- ``cec``: HDMI-CEC through ``cec-ctl``: the TV goes to standby and wakes with Image View On.  A
  Pi 4 has an adapter per HDMI port (/dev/cec0, /dev/cec1): the one a TV answers on is used.
- ``ddc``: DDC/CI through ``ddcutil setvcp d6 04|01`` (VCP power mode), for monitors that obey it;
  it needs the i2c-dev module (/dev/i2c-*), which scripts/install-pi loads at boot.
- ``overlay``: a black layer over the whole picture (the mirror's own); always works, saves no power.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from appliance.errors import ApplianceError

log = logging.getLogger(__name__)
POWER_KINDS = ("auto", "kms", "vcgencmd", "wlr-randr", "cec", "ddc", "overlay")
AUTO_ORDER = ("kms", "vcgencmd", "wlr-randr", "cec", "ddc")


class DisplayPowerError(ApplianceError):
    """The monitor could not be switched off or on."""


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def why(self) -> str:
        text = (self.stderr or self.stdout).strip().splitlines()
        return text[-1] if text else f"exit status {self.returncode}"


Runner = Callable[[Sequence[str], float], Ran]


def read_only_mount(path: Path) -> bool:
    """True when ``path`` is on a file system mounted read-only for this process (a sandbox's /sys)."""
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def run_command(argv: Sequence[str], timeout: float) -> Ran:
    """The real runner: the command's exit status and output, never an exception."""
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, check=False)
    except FileNotFoundError:
        return Ran(127, "", f"{argv[0]} is not installed")
    except subprocess.TimeoutExpired:
        return Ran(124, "", f"{argv[0]} took longer than {timeout:g} s")
    except OSError as error:
        return Ran(126, "", f"{argv[0]}: {error}")
    return Ran(done.returncode, done.stdout, done.stderr)


class DisplayPower:
    name = ""

    def __init__(self) -> None:
        self.is_on = True

    def why_not(self) -> str:
        return ""

    def off(self) -> None:
        self._switch(False)
        self.is_on = False

    def on(self) -> None:
        self._switch(True)
        self.is_on = True

    def _switch(self, on: bool) -> None:
        raise NotImplementedError


class OverlayPower(DisplayPower):
    """The mirror's black full-screen layer: ``show(True)`` puts it up (call it on the UI thread)."""

    name = "overlay"

    def __init__(self, show: Callable[[bool], None]) -> None:
        super().__init__()
        self._show = show

    def _switch(self, on: bool) -> None:
        self._show(not on)


class CommandPower(DisplayPower):
    timeout = 5.0

    def __init__(self, *, runner: Runner = run_command, root: Path = Path("/")) -> None:
        super().__init__()
        self.runner, self.root = runner, Path(root)

    def _run(self, *argv: str) -> Ran:
        ran = self.runner(list(argv), self.timeout)
        if not ran.ok:
            raise DisplayPowerError(
                f"{' '.join(argv)} failed: {ran.why()}", hint="check the [presence] power setting (doctor)"
            )
        return ran


class KmsPower(CommandPower):
    """A panel's backlight (``bl_power``: 0 on, 4 off) through sysfs; no command to run."""

    name = "kms"

    def _backlights(self) -> list[Path]:
        return sorted((self.root / "sys/class/backlight").glob("*/bl_power"))

    def why_not(self) -> str:
        lights = self._backlights()
        if not lights:
            return "no backlight in /sys/class/backlight (HDMI's DPMS needs the DRM master: the window itself)"
        if read_only_mount(lights[0]):
            return (
                f"{lights[0]} is on a read-only /sys in this process (the unit's ProtectKernelTunables): "
                "run sudo scripts/install-pi again, it lets the unit write the backlights it finds"
            )
        if not os.access(lights[0], os.W_OK):
            return (
                f"{lights[0]} is not writable by this user: scripts/install-pi's udev rule gives it to the video group"
            )
        return ""

    def _switch(self, on: bool) -> None:
        lights = self._backlights()
        if not lights:
            raise DisplayPowerError("no backlight in /sys/class/backlight")
        try:
            lights[0].write_text("0\n" if on else "4\n")
        except OSError as error:
            raise DisplayPowerError(f"cannot write {lights[0]}: {error}") from error


class VcgencmdPower(CommandPower):
    name = "vcgencmd"

    def why_not(self) -> str:
        ran = self.runner(["vcgencmd", "display_power"], self.timeout)
        if "open device file" in ran.stdout + ran.stderr:  # vcgencmd.c mbox_open(): it prints, then exits
            return (
                "vcgencmd cannot open /dev/vcio (the firmware's mailbox): the user needs the video group, "
                "and the unit DeviceAllow=char-vcio"
            )
        if not ran.ok or not re.search(r"display_power=[01]\b", ran.stdout):
            return f"vcgencmd display_power does not answer: {ran.why()}"
        if self._full_kms():
            return "full KMS drives the display: vcgencmd display_power has no effect there"
        return ""

    def _full_kms(self) -> bool:
        """True when the kernel's vc4 KMS (not the firmware) drives HDMI: it owns DRM connectors."""
        connectors = list((self.root / "sys/class/drm").glob("card*-HDMI-A-*"))
        fake_kms = any(
            (node / "status").is_file() and (node / "status").read_bytes().rstrip(b"\0\n") == b"okay"
            for node in (self.root / "proc/device-tree/soc").glob("firmwarekms*")
        )
        return bool(connectors) and not fake_kms

    def _switch(self, on: bool) -> None:
        self._run("vcgencmd", "display_power", "1" if on else "0")


class WlrRandrPower(CommandPower):
    name = "wlr-randr"

    def __init__(self, *, output: str = "", environ: Mapping[str, str] | None = None, **options) -> None:
        super().__init__(**options)
        self.output = output
        self.environ = os.environ if environ is None else environ

    def why_not(self) -> str:
        if not self.environ.get("WAYLAND_DISPLAY"):
            return "no Wayland session (WAYLAND_DISPLAY is not set)"
        ran = self.runner(["wlr-randr"], self.timeout)
        if not ran.ok:
            return f"wlr-randr: {ran.why()}"
        outputs = [line.split()[0] for line in ran.stdout.splitlines() if line and not line[0].isspace()]
        if not outputs:
            return "wlr-randr lists no outputs"
        self.output = self.output or outputs[0]
        return ""

    def _switch(self, on: bool) -> None:
        if not self.output:
            raise DisplayPowerError("no Wayland output to switch", hint="run doctor to see the outputs")
        self._run("wlr-randr", "--output", self.output, "--on" if on else "--off")


class CecPower(CommandPower):
    """The TV (logical address 0) over HDMI-CEC; the Pi registers as a playback device first."""

    name = "cec"

    def __init__(self, **options) -> None:
        super().__init__(**options)
        self.device = ""  # the adapter a TV answered on (why_not finds it)

    def _devices(self) -> list[str]:
        found = (self.root / "dev").glob("cec[0-9]*")
        return [f"/dev/{path.name}" for path in sorted(found, key=lambda path: (len(path.name), path.name))]

    def why_not(self) -> str:
        devices = self._devices()
        if not devices:
            return "no HDMI-CEC adapter (/dev/cec*)"
        problems = []
        for device in devices:  # each HDMI port has its own adapter: the monitor may be on any
            ran = self.runner(["cec-ctl", "-d", device, "--playback"], self.timeout)
            if not ran.ok:
                problems.append(f"{device}: cec-ctl: {ran.why()}")
                continue
            ran = self.runner(["cec-ctl", "-d", device, "--to", "0", "--give-device-power-status"], self.timeout)
            if ran.ok and "pwr-state" in ran.stdout:
                self.device = device
                return ""
            problems.append(f"{device}: no TV answers")
        return "no TV answers on HDMI-CEC (" + "; ".join(problems) + ")"

    def _switch(self, on: bool) -> None:
        if not self.device and self.why_not():
            raise DisplayPowerError("no TV answers on HDMI-CEC", hint="run doctor to see each adapter")
        self._run("cec-ctl", "-d", self.device, "--to", "0", "--image-view-on" if on else "--standby")


class DdcPower(CommandPower):
    """VCP code d6 (power mode): 01 on, 04 off."""

    name = "ddc"
    timeout = 10.0  # ddcutil waits on the monitor's slow I2C

    def why_not(self) -> str:
        if not list((self.root / "dev").glob("i2c-[0-9]*")):
            return "no /dev/i2c-* (the i2c-dev module is not loaded: scripts/install-pi loads it at boot)"
        ran = self.runner(["ddcutil", "getvcp", "d6"], self.timeout)
        if not ran.ok or "0xd6" not in ran.stdout.lower():
            return f"no monitor answers DDC/CI power mode: {ran.why()}"
        return ""

    def _switch(self, on: bool) -> None:
        self._run("ddcutil", "setvcp", "d6", "01" if on else "04")


class RecordingPower(DisplayPower):
    """The test backend (like gpiozero's mock pins): records (clock(), on) per switch; can be slow or fail."""

    name = "recording"

    def __init__(self, *, clock: Callable[[], float] | None = None, slow: float = 0.0, fail: bool = False) -> None:
        super().__init__()
        self.clock = clock or time.monotonic
        self.slow, self.fail = slow, fail
        self.switches: list[tuple[float, bool]] = []

    @property
    def calls(self) -> list[bool]:
        return [on for _, on in self.switches]

    def _switch(self, on: bool) -> None:
        if self.slow:
            time.sleep(self.slow)
        self.switches.append((self.clock(), on))
        if self.fail:
            raise DisplayPowerError(f"the test backend failed to switch {'on' if on else 'off'}")


BACKENDS: dict[str, type[CommandPower]] = {
    "kms": KmsPower,
    "vcgencmd": VcgencmdPower,
    "wlr-randr": WlrRandrPower,
    "cec": CecPower,
    "ddc": DdcPower,
}


def choose_power(
    kind: str,
    *,
    overlay: Callable[[bool], None],
    runner: Runner = run_command,
    root: Path = Path("/"),
    environ: Mapping[str, str] | None = None,
) -> tuple[DisplayPower, list[str]]:
    """The backend for ``[presence] power`` and, per backend tried, why it was not taken.

    ``auto`` takes the first in AUTO_ORDER that works here; a named one that does not work,
    like auto finding none, gives the overlay (the screen still goes dark).
    """
    reasons: list[str] = []
    for name in AUTO_ORDER if kind == "auto" else (kind,) if kind != "overlay" else ():
        options = {"runner": runner, "root": root}
        if name == "wlr-randr":
            options["environ"] = environ
        backend = BACKENDS[name](**options)
        why = backend.why_not()
        if not why:
            return backend, reasons
        reasons.append(f"{name}: {why}")
    return OverlayPower(overlay), reasons
