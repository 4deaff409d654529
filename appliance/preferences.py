"""Choices made with the buttons on the mirror's settings screen, kept across restarts.

``$XDG_DATA_HOME/appliance/preferences.json`` holds, per key, the value chosen on the mirror and
the value config.toml had at that moment::

    {"coach.difficulty": {"value": "hard", "config": "normal"}, "sound.volume": {"value": 30, "config": 50}}

The keys: ``coach.difficulty``, ``sound.enabled``, ``sound.volume``, ``sound.voice`` and
``display.preview`` (the small camera picture; config.toml's ``preview``, or ``run --preview``).

A choice wins while config.toml still says what it said when the choice was made; once the file
is edited for that key, the file wins (the newer decision counts either way).  Each profile
has its own file (``profiles/<id>/preferences.json``, see appliance/profiles.py); ``use`` switches
to another person's, and the guest's choices (no path) last only until the next switch.

Writes happen on a background thread (never on the UI thread), atomically (write, fsync,
rename): a power cut leaves the old file or the new one.  An unreadable file is reported in the
log and ignored; the next choice replaces it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from appliance.atomic import BackgroundWriter, read_table
from appliance.coach.cues import SoundSettings
from appliance.coach.difficulty import LEVELS
from appliance.config import Config
from appliance.paths import data_dir

log = logging.getLogger(__name__)
FILE_NAME = "preferences.json"
SOUND_KEYS = ("enabled", "volume", "voice")


def default_path() -> Path:
    return data_dir() / FILE_NAME


def _valid(key: str, value: Any) -> bool:
    if key == "coach.difficulty":
        return value in LEVELS
    if key == "sound.volume":
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 100
    return key in ("sound.enabled", "sound.voice", "display.preview") and isinstance(value, bool)


class Preferences:
    def __init__(self, config: Config, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._configured = {"coach.difficulty": config.coach.get("difficulty", "normal")}
        self._configured.update({f"sound.{name}": getattr(config.sound, name) for name in SOUND_KEYS})
        self._configured["display.preview"] = bool(config.preview)
        self._sound = config.sound
        self._chosen: dict[str, dict[str, Any]] = {}
        self._writer = BackgroundWriter(
            prefix=".preferences-",
            thread_name="preferences",
            failure="could not keep the mirror's settings in %s: %s (they apply until restart)",
        )
        self.is_kept = True  # False for the guest: choices are not written anywhere
        self.voice_engine = ""  # the speech command found on this system ("" = none): what the screen can offer
        self.when_changed: list = []  # callbacks(preferences) after each choice: apply it to the coach, the sound
        self._load()

    def _load(self) -> None:
        self._chosen = {}
        for key, entry in (self._read() if self.is_kept else {}).items():
            configured = self._configured.get(key)
            if isinstance(entry, dict) and _valid(key, entry.get("value")) and entry.get("config") == configured:
                self._chosen[key] = entry

    def use(self, path: Path | None) -> None:
        """Another person's choices (``None``: the guest's, kept nowhere), applied at once."""
        self.wait()  # the last person's last choice is on disk, in their own file
        self.is_kept = path is not None
        if path is not None:
            self.path = Path(path)
        self._load()
        for callback in self.when_changed:
            callback(self)

    def _read(self) -> dict:
        return read_table(self.path, what="the mirror's saved choices")

    # ------------------------------------------------------------------ reading
    def value(self, key: str) -> Any:
        entry = self._chosen.get(key)
        return entry["value"] if entry is not None else self._configured[key]

    @property
    def difficulty(self) -> str:
        return self.value("coach.difficulty")

    @property
    def preview(self) -> bool:
        return self.value("display.preview")

    @property
    def sound(self) -> SoundSettings:
        return replace(self._sound, **{name: self.value(f"sound.{name}") for name in SOUND_KEYS})

    # ------------------------------------------------------------------ choosing
    def choose(self, key: str, value: Any) -> None:
        """Keep ``value`` for ``key`` (saved in the background)."""
        if key not in self._configured or not _valid(key, value):
            raise ValueError(f"not a preference: {key}={value!r}")
        self._chosen[key] = {"value": value, "config": self._configured[key]}
        if self.is_kept:  # the guest's choices last until the next switch
            self._writer.save(self.path, json.dumps(self._chosen, indent=1, sort_keys=True))
        for callback in self.when_changed:
            callback(self)

    def wait(self, timeout: float = 5.0) -> None:
        """Until every choice is on disk (tests, switching people, and closing the mirror)."""
        self._writer.wait(timeout)
