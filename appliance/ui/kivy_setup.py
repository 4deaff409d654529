"""Configure Kivy before anything imports it: window mode, no argv parsing, quiet files.

Kivy reads these once, when ``kivy.core.window`` is first imported, so ``run`` calls
``configure_kivy`` before it imports the UI.
"""

from __future__ import annotations

import logging
import os
import sys

WINDOW_SIZE = (540, 960)  # a portrait mirror that fits a laptop screen


def configure_kivy(*, fullscreen: bool, size: tuple[int, int] = WINDOW_SIZE, log_level: str = "warning") -> None:
    if "kivy.core.window" in sys.modules:
        raise RuntimeError("configure_kivy must run before the Kivy window is created")
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # our CLI owns argv
    os.environ.setdefault("KIVY_NO_CONFIG", "1")  # settings come from config.toml, not ~/.kivy
    os.environ.setdefault("KIVY_NO_FILELOG", "1")  # the appliance logs to the journal
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # Kivy's records go through Python logging
    logging.getLogger("kivy").addFilter(_no_optional_tracebacks)
    from kivy.config import Config

    Config.set("kivy", "log_level", log_level)
    Config.set("kivy", "exit_on_escape", "0" if fullscreen else "1")
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "show_cursor", "0" if fullscreen else "1")
    Config.set("graphics", "width", str(size[0]))
    Config.set("graphics", "height", str(size[1]))
    Config.set("graphics", "maxfps", "60")
    Config.set("input", "mouse", "mouse,disable_multitouch")


def _no_optional_tracebacks(record: logging.LogRecord) -> bool:
    """Kivy logs a traceback when the optional multitouch library (libmtdev) is absent: one line is enough."""
    if "MTDev is not supported" in str(record.msg):
        record.exc_info, record.exc_text = None, None
        record.levelno, record.levelname = logging.INFO, "INFO"
    return True
