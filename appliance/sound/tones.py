"""Soft tones, generated with numpy and written once as small WAV files to the cache.

Generated rather than shipped: no binary files in the repository, and a change to a tone is a
change to this file.  The file names carry ``VERSION``, so changed tones are written afresh.
Sine waves with a little second harmonic for warmth, slow raised-cosine fades (no clicks), a
peak of half full scale: the user's volume scales them further at playback.
"""

from __future__ import annotations

import logging
import os
import tempfile
import wave
from pathlib import Path

import numpy as np

from appliance.coach.cues import Cue
from appliance.paths import APP_NAME

log = logging.getLogger(__name__)
RATE = 22050
VERSION = 1
PEAK = 0.5

# Per cue: notes as (start Hz, end Hz, seconds); a glide when the two differ.
NOTES: dict[Cue, tuple[tuple[float, float, float], ...]] = {
    Cue.INHALE: ((330.0, 494.0, 0.9),),  # rising, like the breath
    Cue.HOLD: ((440.0, 440.0, 0.6),),  # level
    Cue.EXHALE: ((494.0, 330.0, 1.1),),  # falling
    Cue.PHASE: ((523.3, 523.3, 0.35),),
    Cue.HOLD_DONE: ((659.3, 659.3, 0.18), (987.8, 987.8, 0.45)),  # E5 B5: done
    Cue.DRILL_DONE: ((523.3, 523.3, 0.2), (392.0, 392.0, 0.45)),  # C5 G4: over, no fuss
    Cue.BREAK_DONE: ((392.0, 392.0, 0.22), (523.3, 523.3, 0.22), (659.3, 659.3, 0.6)),  # G4 C5 E5
}


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/appliance/sounds (the tones can always be made again)."""
    value = os.environ.get("XDG_CACHE_HOME")
    base = Path(value) if value and os.path.isabs(value) else Path.home() / ".cache"
    return base / APP_NAME / "sounds"


def note(start_hz: float, end_hz: float, seconds: float, rate: int = RATE) -> np.ndarray:
    """One note (float32, -1..1) with a soft attack and a longer release."""
    count = int(seconds * rate)
    hz = np.linspace(start_hz, end_hz, count)
    phase = 2 * np.pi * np.cumsum(hz) / rate
    wave_ = np.sin(phase) + 0.2 * np.sin(2 * phase)
    envelope = np.ones(count)
    attack, release = int(min(0.06, seconds / 4) * rate), int(min(0.25, seconds / 2) * rate)
    envelope[:attack] = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, attack))
    envelope[count - release :] = 0.5 + 0.5 * np.cos(np.linspace(0, np.pi, release))
    return (wave_ * envelope / 1.2).astype(np.float32)


def samples(cue: Cue, rate: int = RATE) -> np.ndarray:
    """The cue's tone as 16-bit samples, notes one after the other with a short breath between."""
    gap = np.zeros(int(0.03 * rate), dtype=np.float32)
    parts: list[np.ndarray] = []
    for start, end, seconds in NOTES[cue]:
        parts += [note(start, end, seconds, rate), gap]
    return np.round(np.concatenate(parts) * PEAK * 32767).astype("<i2")


def write_wav(path: Path, data: np.ndarray, rate: int = RATE) -> None:
    """Write mono 16-bit PCM atomically (a half-written tone is never loaded)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    try:
        with wave.open(temporary, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(rate)
            out.writeframes(data.tobytes())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def tone_files(folder: Path | None = None) -> dict[Cue, Path]:
    """Each cue's WAV file, written on first use.  A cache that cannot be written falls back to a
    temporary folder (the tones are tiny); OSError only if neither can be written."""
    folder = folder or cache_dir()
    try:
        return _ensure(folder)
    except OSError as error:
        fallback = Path(tempfile.gettempdir()) / f"{APP_NAME}-sounds-{os.getuid()}"
        log.warning("cannot write the tones to %s (%s); using %s", folder, error, fallback)
        return _ensure(fallback)


def _ensure(folder: Path) -> dict[Cue, Path]:
    files = {cue: folder / f"tone-v{VERSION}-{cue.value}.wav" for cue in Cue}
    for cue, path in files.items():
        if not path.is_file():
            write_wav(path, samples(cue))
    return files
