"""The camera's angle to the mirror, chosen on the mirror, kept for the device across restarts.

A camera above, below or beside the mirror sees a head that faces the mirror as turned; vision
reads every pose against that view (``VisionPipeline(facing=)``).  config.toml can say it
([camera] facing_yaw_deg, facing_pitch_deg); on the mirror, holding SELECT when calibration refuses
a head that reads turned ("I am facing the mirror") sets it.  The camera belongs to the device, not
to a person, so the choice is kept once, not in a profile: ``$XDG_DATA_HOME/appliance/camera.json``
holds, per key, the value chosen and the value config.toml had at that moment::

    {"facing_yaw_deg": {"value": 3.0, "config": 0.0}, "facing_pitch_deg": {"value": -17.0, "config": 0.0}}

The rule is preferences.py's: a chosen value wins while config.toml still says what it said when
it was chosen; once the file is edited for that key, the file wins (the newer decision counts).
Values stay within config.toml's range (``FACING_RANGE_DEG``): a total beyond it is clamped, and
logged.  Writes happen on a background thread (never on the UI thread), atomically (write, fsync,
rename): a power cut leaves the old file or the new one.  An unreadable file is logged and
ignored; the next choice replaces it.  ``forget`` drops the values chosen on the mirror (the settings
screen's "Camera angle" row): config.toml's are used again, and the file is rewritten empty.
"""

from __future__ import annotations

import json
import logging
import math
from pathlib import Path
from typing import Any

from appliance.atomic import BackgroundWriter, read_table
from appliance.config import FACING_RANGE_DEG, CameraSettings
from appliance.paths import data_dir

log = logging.getLogger(__name__)
FILE_NAME = "camera.json"
KEYS = ("facing_yaw_deg", "facing_pitch_deg")


def default_path() -> Path:
    return data_dir() / FILE_NAME


def _is_angle(value: Any) -> bool:
    low, high = FACING_RANGE_DEG
    return isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high


def within_range(key: str, value: float) -> float:
    """``value`` clamped to config.toml's range for ``key``; logged when it was beyond it."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"not an angle: {key}={value!r}")
    low, high = FACING_RANGE_DEG
    clamped = min(high, max(low, float(value)))
    if clamped != value:
        log.warning("the camera's %s of %.1f degrees is beyond %g to %g: kept as %g", key, value, low, high, clamped)
    return clamped


class CameraFacing:
    """The (yaw, pitch) the camera sees of a head facing the mirror: chosen on the mirror, else config.toml's."""

    def __init__(self, camera: CameraSettings, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()
        self._configured = {key: float(getattr(camera, key)) for key in KEYS}
        self._chosen: dict[str, dict[str, float]] = {}
        self._writer = BackgroundWriter(
            prefix=".camera-",
            thread_name="camera-facing",
            failure="could not keep the camera's angle in %s: %s (it applies until restart)",
        )
        self._load()

    def _load(self) -> None:
        for key, entry in self._read().items():
            if key not in KEYS:
                continue
            if not isinstance(entry, dict) or not _is_angle(entry.get("value")):
                log.warning("ignoring the camera's saved %s in %s: %r is not an angle", key, self.path, entry)
            elif entry.get("config") == self._configured[key]:
                self._chosen[key] = {"value": float(entry["value"]), "config": self._configured[key]}
            else:
                log.info("config.toml's camera.%s was changed since the mirror chose one: config.toml's is used", key)

    def _read(self) -> dict:
        return read_table(self.path, what="the camera's saved angle")

    @property
    def facing(self) -> tuple[float, float]:
        """(yaw, pitch) in degrees, left and up positive: what vision reads every head pose against."""
        yaw, pitch = (self._chosen[key]["value"] if key in self._chosen else self._configured[key] for key in KEYS)
        return yaw, pitch

    @property
    def is_chosen(self) -> bool:
        """Whether a value chosen on the mirror is in use (for either angle)."""
        return bool(self._chosen)

    def choose(self, yaw: float, pitch: float) -> tuple[float, float]:
        """Keep this facing (clamped to the range; saved in the background) and return it as kept."""
        # Both checked before either is kept: a bad pitch leaves the yaw in use as it was.
        kept = {key: round(within_range(key, value), 2) for key, value in zip(KEYS, (yaw, pitch), strict=True)}
        for key, value in kept.items():  # to 0.01 degree: no float noise in the file
            self._chosen[key] = {"value": value, "config": self._configured[key]}
        self._save()
        return self.facing

    def forget(self) -> tuple[float, float]:
        """Drop the facing chosen on the mirror (the file rewritten in the background): config.toml's, returned."""
        self._chosen.clear()
        self._save()
        return self.facing

    def _save(self) -> None:
        self._writer.save(self.path, json.dumps(self._chosen, indent=1, sort_keys=True))

    def wait(self, timeout: float = 5.0) -> None:
        """Until every write started so far is done, the last choice on disk (tests, and closing the mirror)."""
        self._writer.wait(timeout)
