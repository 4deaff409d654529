"""Configure Kivy before anything imports it: window mode, vsync, rotation, no argv parsing, quiet files.

Kivy reads these once, when ``kivy.core.window`` is first imported, so ``run`` calls
``configure_kivy`` before it imports the UI.  ``kivy_settings`` is the pure part (tested).

- vsync: without it SDL's KMSDRM backend flips pages asynchronously, which garbles the picture
  on some Pi 4/5 kernels; Kivy's SDL2 window passes ``graphics.vsync`` to SDL_GL_SetSwapInterval.
- rotation: Kivy turns the picture in its GL projection, so it works with any SDL video driver
  (KMSDRM has no rotation of its own) and ``Window.size`` (what the layout uses) is the turned size.
- fullscreen (the appliance): no cursor, and Escape does not quit; the app ignores Ctrl+Q too.
"""

from __future__ import annotations

import logging
import os
import sys

WINDOW_SIZE = (540, 960)  # a portrait mirror that fits a laptop screen


def kivy_settings(
    *, fullscreen: bool, size: tuple[int, int] = WINDOW_SIZE, rotation: int = 0, log_level: str = "warning"
) -> dict[tuple[str, str], str]:
    """Kivy's Config values for the mirror, as {(section, key): value}."""
    width, height = size
    if rotation in (90, 270):  # a dev window stands for the turned monitor: the content keeps ``size``
        width, height = height, width
    return {
        ("kivy", "log_level"): log_level,
        ("kivy", "exit_on_escape"): "0" if fullscreen else "1",
        ("graphics", "fullscreen"): "auto" if fullscreen else "0",
        ("graphics", "show_cursor"): "0" if fullscreen else "1",
        ("graphics", "width"): str(width),
        ("graphics", "height"): str(height),
        ("graphics", "rotation"): str(rotation),
        ("graphics", "vsync"): "1",
        ("graphics", "maxfps"): "60",
        ("input", "mouse"): "mouse,disable_multitouch",
    }


def configure_kivy(
    *, fullscreen: bool, size: tuple[int, int] = WINDOW_SIZE, rotation: int = 0, log_level: str = "warning"
) -> None:
    if "kivy.core.window" in sys.modules:
        raise RuntimeError("configure_kivy must run before the Kivy window is created")
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # our CLI owns argv
    os.environ.setdefault("KIVY_NO_CONFIG", "1")  # settings come from config.toml, not ~/.kivy
    os.environ.setdefault("KIVY_NO_FILELOG", "1")  # the appliance logs to the journal
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # Kivy's records go through Python logging
    logging.getLogger("kivy").addFilter(plain_kivy_records)
    from kivy.config import Config

    settings = kivy_settings(fullscreen=fullscreen, size=size, rotation=rotation, log_level=log_level)
    for (section, key), value in settings.items():
        Config.set(section, key, value)


NO_MIXER = ("AudioSDL2: Unable to open mixer", "AudioSDL2: Unable to initialize SDL")
NO_DEVICE_AFTER = "AudioSDL2: Unable to load"  # each tone, once the mixer could not be opened
_audio = {"missing": False}


def plain_kivy_records(record: logging.LogRecord) -> bool:
    """Kivy's records as the appliance's log should say them (a logging filter on "kivy"):

    - the optional multitouch library (libmtdev) absent: one line, not a traceback;
    - no sound device: Kivy says "CRITICAL AudioSDL2: Unable to open mixer", then a warning for each
      tone.  A mirror without a speaker is a normal mirror; the sound player says it once ("no sound
      device: the mirror runs silent"), so these are kept for --verbose only (DEBUG, with SDL's reason).
    """
    message = str(record.msg)
    if "MTDev is not supported" in message:
        record.exc_info, record.exc_text = None, None
        record.levelno, record.levelname = logging.INFO, "INFO"
    elif message.startswith(NO_MIXER) or (_audio["missing"] and message.startswith(NO_DEVICE_AFTER)):
        _audio["missing"] = True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger().isEnabledFor(logging.DEBUG)  # run --verbose: the root logs DEBUG
    return True
