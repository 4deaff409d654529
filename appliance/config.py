"""The appliance's settings: defaults, validation, and an optional TOML file.

The file is ``config_dir()/config.toml`` (``~/.config/appliance/config.toml``); every key is
optional.  All keys, with their defaults::

    source = "auto"        # auto (camera, else the demo face) | camera | demo | demo-clip | webcam | webcam:N | a path
    fullscreen = "auto"    # true | false | "auto" (fullscreen on a Raspberry Pi, a window elsewhere)
    preview = false        # a small camera picture for positioning oneself

    [camera]
    width = 640
    height = 480
    fps = 30
    exposure_value = 0.0   # exposure compensation in stops, -8.0 to 8.0 (libcamera ExposureValue):
                           # a camera behind a two-way mirror sees a dark picture; try 1.0 or 2.0
    brightness = 0.0       # -1.0 to 1.0 (libcamera Brightness), added after exposure
    autofocus = true       # a camera with a motorised lens (Camera Module 3) keeps the face in focus
    facing_yaw_deg = 0.0   # the head pose the camera sees when you look straight into the mirror:
    facing_pitch_deg = 0.0 # 0, 0 behind the glass at eye level; a camera above or beside the mirror
                           # sees a level head turned (-45.0 to 45.0; the calibration says the numbers,
                           # and holding SELECT there sets them on the mirror: appliance/camera_facing.py)

    [vision]
    threads = 2            # inference threads

    [buttons]              # BCM pin numbers; buttons wired to ground, internal pull-ups
    next = 17
    select = 27
    back = 22
    break = 23
    hold_time = 0.8        # seconds for a long press
    led = false            # a pin number to light an LED while the camera is in use

    [display]
    rotation = 0           # 0 | 90 | 180 | 270: a portrait monitor (90 or 270) or an upside-down one (180)

    [presence]             # the screen sleeps when no one is at the mirror
    off_after_s = 300      # seconds without a face before the display goes off; 0 = never
    power = "auto"         # auto | kms | vcgencmd | wlr-randr | cec | ddc | overlay (see display/power.py)

    [coach]                # passed through to the coach's own settings (appliance/coach/settings.py)
    difficulty = "normal"  # easy | normal | hard (also on the mirror's settings screen)

    [sound]                # tones for breaks and results, spoken break cues (appliance/coach/cues.py)
    enabled = true
    volume = 50            # 0 (silent) to 100
    voice = true           # speak break cues with espeak-ng, if it is installed
    quiet_from = "21:00"   # silent from this local time...
    quiet_until = "07:00"  # ...until this one ("" and "" for no quiet hours)

    [capture]              # best takes for headshot looks (appliance/takes.py); OFF unless you turn it on
    best_takes = false     # true: keep the colour frame at the peak of each headshot-look attempt,
                           # as a JPEG in the data directory (takes/<look>/), shown on the result screen;
                           # false: no image is ever written
    max_per_look = 5       # 1 to 50: the newest this many are kept per look, older ones are deleted

A choice made on the mirror's settings screen (difficulty, sound) is kept in the data
directory (appliance/preferences.py) and wins until the same key is changed in this file; so does
the camera's angle chosen on the mirror during calibration (appliance/camera_facing.py).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from appliance.coach.cues import SoundSettings
from appliance.controls import DEFAULT_PINS
from appliance.display.power import POWER_KINDS
from appliance.errors import ConfigError
from appliance.paths import config_dir

SOURCE_KINDS = ("auto", "camera", "demo", "demo-clip", "webcam")
GPIO_PINS = range(2, 28)  # the BCM pins on the 40-pin header
ROTATIONS = (0, 90, 180, 270)
FACING_RANGE_DEG = (-45.0, 45.0)  # [camera] facing_*_deg, also when chosen on the mirror (appliance/camera_facing.py)


@dataclass(frozen=True)
class CameraSettings:
    width: int = 640
    height: int = 480
    fps: int = 30
    exposure_value: float = 0.0
    brightness: float = 0.0
    autofocus: bool = True
    # The pose (degrees) the camera sees of a head facing the mirror: subtracted from every pose, so
    # "turned" means turned away from the mirror wherever the camera sits.
    facing_yaw_deg: float = 0.0
    facing_pitch_deg: float = 0.0


@dataclass(frozen=True)
class ButtonSettings:
    pins: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_PINS))
    hold_time: float = 0.8
    led: int | None = None


@dataclass(frozen=True)
class DisplaySettings:
    rotation: int = 0  # degrees the picture is turned, so it reads upright on a turned monitor


@dataclass(frozen=True)
class PresenceSettings:
    off_after_s: float = 300.0  # 0: the display never goes off by itself
    power: str = "auto"


@dataclass(frozen=True)
class CaptureSettings:
    best_takes: bool = False  # opt-in: no picture is kept unless the person asks for it
    max_per_look: int = 5


@dataclass(frozen=True)
class Config:
    source: str = "auto"
    fullscreen: bool | str = "auto"
    preview: bool = False
    camera: CameraSettings = field(default_factory=CameraSettings)
    threads: int = 2
    buttons: ButtonSettings = field(default_factory=ButtonSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    presence: PresenceSettings = field(default_factory=PresenceSettings)
    coach: dict[str, Any] = field(default_factory=dict)
    sound: SoundSettings = field(default_factory=SoundSettings)
    capture: CaptureSettings = field(default_factory=CaptureSettings)
    path: Path | None = None  # the file it came from, if any

    @property
    def is_fullscreen(self) -> bool:
        return is_raspberry_pi() if self.fullscreen == "auto" else bool(self.fullscreen)

    def with_overrides(self, **changes: Any) -> Config:
        """A copy with command-line overrides (None means "not given")."""
        return replace(self, **{key: value for key, value in changes.items() if value is not None})


def default_path() -> Path:
    return config_dir() / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Settings from ``path`` (default: the user's config.toml); defaults when the default file is absent."""
    data, path = _read_settings(path)
    return Config() if data is None else parse_config(data, path=path)


TABLES = ("camera", "vision", "buttons", "display", "presence", "coach", "sound", "capture")
"""The settings file's tables ([camera], ...); everything else in it is a top-level key."""

MAX_LEFT_OUT = 64  # more bad settings than this: the file is not a settings file, use none of it


def load_config_for_mirror(path: Path | None = None) -> tuple[Config, list[ConfigError]]:
    """The settings the mirror starts with, and what it had to leave out of them.

    A settings file it cannot read leaves the defaults; a setting it cannot use is left out, its
    default used instead, and each is returned to be said (on the glass and in the log).  Why: the
    mirror starts at boot on an appliance with four buttons and no keyboard; a typo in config.toml
    must not leave a blank mirror that systemd will not restart.  ``config check`` and ``doctor``
    still refuse the file, and a --config path that does not exist is still an error (it was typed
    on a command line, where it can be said and fixed at once).
    """
    path = Path(path) if path is not None else None
    try:
        data, found = _read_settings(path)
    except ConfigError as error:
        if error.setting == "--config":
            raise
        return Config(path=path or default_path()), [error]
    if data is None:  # no file at the default place: the defaults, nothing to say
        return Config(), []
    problems: list[ConfigError] = []
    while True:
        try:
            return parse_config(data, path=found), problems
        except ConfigError as error:
            problems.append(error)
            left = _leave_out(data, error.setting) if len(problems) <= MAX_LEFT_OUT else None
            if left is None:  # nothing to leave out that would help: none of the file is used
                error.setting = ""
                return Config(path=found), problems
            error.setting = left  # what the mirror starts without (a whole table, when the check was across keys)


def _leave_out(data: dict[str, Any], setting: str) -> str | None:
    """Delete ``setting`` ("camera.fps", "buttons", a quoted "a.b" key) from the parsed file and say what
    went; when it is not in the file (a check across keys named the other one, left at its default),
    the table it belongs to goes instead; None when neither is there."""
    table, path = data, []
    rest = setting
    while rest:
        if rest in table:  # the whole remaining name is a key here (TOML allows dots in quoted keys)
            del table[rest]
            return ".".join([*path, rest])
        head, dot, rest = rest.partition(".")
        if not dot or not isinstance(table.get(head), dict):
            break
        table, path = table[head], [*path, head]
    if path:
        parent = data
        for name in path[:-1]:
            parent = parent[name]
        del parent[path[-1]]
        return ".".join(path)
    return None


def _read_settings(path: Path | None) -> tuple[dict[str, Any] | None, Path]:
    """The parsed file at ``path`` (default: the user's config.toml), None when the default is absent."""
    explicit = path is not None
    path = Path(path) if explicit else default_path()
    try:
        exists = path.exists()
    except OSError as error:  # a folder on the way that cannot be entered
        raise ConfigError(f"cannot read the settings file {path}: {error}", hint="check its permissions") from None
    if not exists:
        if explicit:
            raise ConfigError(
                f"the settings file {path} does not exist", hint="check the path, or leave it out", setting="--config"
            )
        return None, path
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), path
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"the settings file {path} is not UTF-8 text (byte {error.start})",
            hint="save it as UTF-8 in a text editor",
        ) from None
    except OSError as error:
        raise ConfigError(f"cannot read the settings file {path}: {error}", hint="check its permissions") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"the settings file {path} is not valid TOML: {error}", hint="fix that line") from error


def parse_config(data: dict[str, Any], *, path: Path | None = None) -> Config:
    """Validate a settings table; ConfigError names the bad key, its value and what is allowed."""
    where = f" in {path}" if path else ""
    _only(data, {"source", "fullscreen", "preview", *TABLES}, "", where)
    camera = _table(data, "camera", where)
    _only(
        camera,
        {"width", "height", "fps", "exposure_value", "brightness", "autofocus", "facing_yaw_deg", "facing_pitch_deg"},
        "camera.",
        where,
    )
    vision = _table(data, "vision", where)
    _only(vision, {"threads"}, "vision.", where)
    buttons = _table(data, "buttons", where)
    _only(buttons, {*DEFAULT_PINS, "hold_time", "led"}, "buttons.", where)
    display = _table(data, "display", where)
    _only(display, {"rotation"}, "display.", where)
    presence = _table(data, "presence", where)
    _only(presence, {"off_after_s", "power"}, "presence.", where)
    capture = _table(data, "capture", where)
    _only(capture, {"best_takes", "max_per_look"}, "capture.", where)

    defaults = Config()
    source = data.get("source", defaults.source)
    if not isinstance(source, str) or not source.strip():
        _bad("source", source, f"one of {', '.join(SOURCE_KINDS)}, webcam:N, or a video file / image folder", where)
    pins = {name: _int(buttons, name, GPIO_PINS, "buttons.", where, DEFAULT_PINS[name]) for name in DEFAULT_PINS}
    led = buttons.get("led", False)
    led = None if led is False else _int(buttons, "led", GPIO_PINS, "buttons.", where, None)
    used = list(pins.values()) + ([led] if led is not None else [])
    if len(set(used)) != len(used):
        _bad("buttons", used, "a different pin for each button and the LED", where)
    return Config(
        source=source.strip(),
        fullscreen=_fullscreen(data, where),
        preview=_bool(data, "preview", defaults.preview, where),
        camera=CameraSettings(
            width=_int(camera, "width", range(64, 4097), "camera.", where, 640),
            height=_int(camera, "height", range(48, 3073), "camera.", where, 480),
            fps=_int(camera, "fps", range(1, 121), "camera.", where, 30),
            exposure_value=_float(camera, "exposure_value", (-8.0, 8.0), "camera.", where, 0.0),
            brightness=_float(camera, "brightness", (-1.0, 1.0), "camera.", where, 0.0),
            autofocus=_bool(camera, "autofocus", True, where, "camera."),
            facing_yaw_deg=_float(camera, "facing_yaw_deg", FACING_RANGE_DEG, "camera.", where, 0.0),
            facing_pitch_deg=_float(camera, "facing_pitch_deg", FACING_RANGE_DEG, "camera.", where, 0.0),
        ),
        threads=_int(vision, "threads", range(1, 9), "vision.", where, defaults.threads),
        buttons=ButtonSettings(pins=pins, hold_time=_hold_time(buttons, where), led=led),
        display=DisplaySettings(rotation=_rotation(display, where)),
        presence=_presence(presence, where),
        coach=_coach(data, where),
        sound=_sound(data, where),
        capture=CaptureSettings(
            best_takes=_bool(capture, "best_takes", False, where, "capture."),
            max_per_look=_int(capture, "max_per_look", range(1, 51), "capture.", where, 5),
        ),
        path=path,
    )


def _bad(key: str, value: Any, allowed: str, where: str) -> None:
    raise ConfigError(f"setting {key} = {value!r}{where} is not allowed", hint=f"use {allowed}", setting=key)


def _only(table: dict[str, Any], allowed: set[str], prefix: str, where: str) -> None:
    for key in table:
        if key not in allowed:
            _bad(prefix + key, table[key], "one of the known keys: " + ", ".join(sorted(allowed)), where)


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        _bad(key, value, f"a [{key}] table", where)
    return value


def _int(table: dict[str, Any], key: str, allowed: range, prefix: str, where: str, default: Any) -> Any:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        _bad(prefix + key, value, f"a whole number from {allowed.start} to {allowed.stop - 1}", where)
    return value


def _float(table: dict[str, Any], key: str, limits: tuple[float, float], prefix: str, where: str, default: float):
    value = table.get(key, default)
    low, high = limits
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        _bad(prefix + key, value, f"a number from {low:g} to {high:g}", where)
    return float(value)


def _bool(table: dict[str, Any], key: str, default: bool, where: str, prefix: str = "") -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        _bad(prefix + key, value, "true or false", where)
    return value


def _fullscreen(data: dict[str, Any], where: str) -> bool | str:
    value = data.get("fullscreen", "auto")
    if value != "auto" and not isinstance(value, bool):
        _bad("fullscreen", value, 'true, false or "auto"', where)
    return value


def _sound(data: dict[str, Any], where: str) -> SoundSettings:
    try:
        return SoundSettings.from_mapping(_table(data, "sound", where))
    except ConfigError as error:
        raise ConfigError(f"{error}{where}", hint=error.hint, setting=_within("sound", error)) from None


def _coach(data: dict[str, Any], where: str) -> dict[str, Any]:
    """The [coach] table, checked as the mirror builds its coach (CoachSettings, and the breaks and drills
    it names), so ``config check`` and ``doctor`` refuse what ``run`` would.  It stays a table: the
    mirror lays the difficulty chosen on its settings screen over it."""
    from appliance.coach.catalogue import load_catalogue
    from appliance.coach.routines import check_settings_ids
    from appliance.coach.settings import CoachSettings

    table = dict(_table(data, "coach", where))
    try:
        check_settings_ids(load_catalogue(), CoachSettings.from_mapping(table))
    except ConfigError as error:
        raise ConfigError(f"{error}{where}", hint=error.hint, setting=_within("coach", error)) from None
    return table


def _within(table: str, error: ConfigError) -> str:
    """The setting an error of a table's own checks names, as a key of the whole file."""
    if error.setting in ("", table) or error.setting.startswith(f"{table}."):
        return error.setting or table
    return f"{table}.{error.setting}"


def is_raspberry_pi() -> bool:
    try:
        return "Raspberry Pi" in Path("/proc/device-tree/model").read_text(errors="replace")
    except OSError:
        return False


def _hold_time(buttons: dict[str, Any], where: str) -> float:
    value = buttons.get("hold_time", 0.8)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.3 <= value <= 5.0:
        _bad("buttons.hold_time", value, "seconds from 0.3 to 5.0", where)
    return float(value)


def _rotation(display: dict[str, Any], where: str) -> int:
    value = display.get("rotation", 0)
    if isinstance(value, bool) or value not in ROTATIONS:
        _bad("display.rotation", value, "0, 90, 180 or 270 (degrees the picture is turned)", where)
    return int(value)


def _presence(presence: dict[str, Any], where: str) -> PresenceSettings:
    off_after = presence.get("off_after_s", 300)
    if isinstance(off_after, bool) or not isinstance(off_after, int | float) or not 0 <= off_after <= 86400:
        _bad("presence.off_after_s", off_after, "seconds from 0 (never) to 86400; 10 or more is sensible", where)
    if 0 < off_after < 10:
        _bad("presence.off_after_s", off_after, "0 (never) or at least 10 seconds", where)
    power = presence.get("power", "auto")
    if power not in POWER_KINDS:
        _bad("presence.power", power, ", ".join(f'"{kind}"' for kind in POWER_KINDS), where)
    return PresenceSettings(off_after_s=float(off_after), power=power)
