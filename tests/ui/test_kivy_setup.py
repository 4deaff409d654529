"""Kivy window settings: vsync always, rotation laid out on the turned size, fullscreen without cursor or quit key."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from appliance.ui.kivy_setup import kivy_settings

PROJECT = Path(__file__).resolve().parents[2]


def test_vsync_is_always_on():
    for fullscreen in (True, False):
        assert kivy_settings(fullscreen=fullscreen)[("graphics", "vsync")] == "1"


def test_fullscreen_hides_the_cursor_and_escape_does_not_quit():
    settings = kivy_settings(fullscreen=True)
    assert settings[("graphics", "show_cursor")] == "0"
    assert settings[("kivy", "exit_on_escape")] == "0"
    assert settings[("graphics", "fullscreen")] == "auto"


def test_a_dev_window_shows_the_cursor_and_escape_quits():
    settings = kivy_settings(fullscreen=False)
    assert settings[("graphics", "show_cursor")] == "1"
    assert settings[("kivy", "exit_on_escape")] == "1"


@pytest.mark.parametrize(("rotation", "window"), [(0, ("540", "960")), (90, ("960", "540")), (180, ("540", "960"))])
def test_a_turned_dev_window_keeps_the_contents_size(rotation, window):
    settings = kivy_settings(fullscreen=False, size=(540, 960), rotation=rotation)
    assert settings[("graphics", "rotation")] == str(rotation)
    assert (settings[("graphics", "width")], settings[("graphics", "height")]) == window


PROBE = textwrap.dedent(
    """
    import json, sys
    from appliance.ui.kivy_setup import configure_kivy
    configure_kivy(fullscreen=sys.argv[1] == "1", size=(540, 960), rotation=int(sys.argv[2]))
    from kivy.base import EventLoop
    EventLoop.ensure_window()
    from kivy.config import Config
    from kivy.core.window import Window
    from kivy.uix.widget import Widget
    child = Widget()
    Window.add_widget(child)
    EventLoop.idle()
    print(json.dumps({"size": list(Window.size), "system": list(Window.system_size), "child": list(child.size),
                      "rotation": Window.rotation, "cursor": Window.show_cursor,
                      "vsync": Config.get("graphics", "vsync")}))
    """
)


def _probe(fullscreen: bool, rotation: int) -> dict:
    """A real (offscreen SDL) window made by configure_kivy, in a process of its own."""
    env = {**os.environ, "SDL_VIDEODRIVER": "offscreen", "PYTHONPATH": str(PROJECT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "1" if fullscreen else "0", str(rotation)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=PROJECT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_portrait_monitor_lays_out_on_the_turned_size():
    window = _probe(fullscreen=True, rotation=270)
    width, height = window["system"]  # the display's own (landscape) mode
    assert window["rotation"] == 270 and window["vsync"] == "1" and window["cursor"] is False
    assert window["size"] == [height, width] == window["child"]


def test_a_dev_window_turned_90_shows_a_portrait_mirror():
    window = _probe(fullscreen=False, rotation=90)
    assert window["system"] == [960, 540] and window["size"] == [540, 960] == window["child"]
    assert window["cursor"] is True


def kivy_record(level: int, message: str) -> logging.LogRecord:
    return logging.LogRecord("kivy", level, __file__, 1, message, None, None)


@pytest.fixture
def root_level():
    """Set the root logger's level for one test (setLevel clears logging's caches both ways)."""
    root = logging.getLogger()
    before = root.level
    yield root.setLevel
    root.setLevel(before)


@pytest.mark.parametrize("verbose", [False, True])
def test_no_sound_device_is_not_a_critical_line_from_kivy(verbose, monkeypatch, root_level):
    """Kivy logs CRITICAL "AudioSDL2: Unable to open mixer" and a warning per tone where there is no
    sound device; the sound player says it once, plainly: Kivy's lines are for --verbose only."""
    from appliance.ui import kivy_setup

    monkeypatch.setitem(kivy_setup._audio, "missing", False)
    root_level(logging.DEBUG if verbose else logging.INFO)  # as run sets it, with --verbose or without
    mixer = kivy_record(logging.CRITICAL, "AudioSDL2: Unable to open mixer: b'ALSA: no audio device'")
    tone = kivy_record(logging.WARNING, "AudioSDL2: Unable to load tone.wav: b'Audio device not opened'")
    assert [kivy_setup.plain_kivy_records(r) for r in (mixer, tone)] == [verbose, verbose]
    assert mixer.levelname == tone.levelname == "DEBUG"
    other = kivy_record(logging.CRITICAL, "Window: Unable to find any valuable Window provider")
    assert kivy_setup.plain_kivy_records(other) and other.levelname == "CRITICAL"
