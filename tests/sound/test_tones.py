"""The generated tones: soft, short, click-free, written once."""

import os
import wave

import numpy as np

from appliance.coach.cues import Cue
from appliance.sound.tones import NOTES, PEAK, RATE, samples, tone_files


def test_every_cue_has_a_short_soft_tone_that_starts_and_ends_in_silence():
    for cue in Cue:
        data = samples(cue).astype(np.float64) / 32767
        assert 0.2 < len(data) / RATE < 1.5, cue
        assert np.abs(data).max() <= PEAK + 1e-3, cue  # never louder than half scale before the volume
        assert np.abs(data[:20]).max() < 0.02 and np.abs(data[-20:]).max() < 0.02, f"{cue} would click"
        # No step steeper than the highest note's own slope: (sin x + 0.2 sin 2x) / 1.2 moves at most 1.4/1.2 x.
        top = max(max(start, end) for start, end, _ in NOTES[cue])
        assert np.abs(np.diff(data)).max() <= PEAK * 2 * np.pi * top / RATE * 1.4 / 1.2 * 1.02, f"{cue} jumps"


def test_inhale_rises_and_exhale_falls():
    def pitch(data: np.ndarray) -> float:  # zero crossings per second / 2
        return np.count_nonzero(np.diff(np.signbit(data))) * RATE / len(data) / 2

    for cue, rising in ((Cue.INHALE, True), (Cue.EXHALE, False)):
        data = samples(cue).astype(np.float64)
        third = len(data) // 3
        first, last = pitch(data[:third]), pitch(data[-third:])
        assert (last > first * 1.1) if rising else (first > last * 1.1), (cue, first, last)


def test_the_files_are_written_once_as_16_bit_mono_wav(tmp_path):
    files = tone_files(tmp_path / "sounds")
    assert set(files) == set(Cue)
    with wave.open(str(files[Cue.HOLD])) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
        assert wav.getnframes() == len(samples(Cue.HOLD))
    stamp = os.stat(files[Cue.HOLD]).st_mtime_ns
    assert tone_files(tmp_path / "sounds") == files and os.stat(files[Cue.HOLD]).st_mtime_ns == stamp
    assert sum(path.stat().st_size for path in files.values()) < 400_000


def test_a_cache_that_cannot_be_written_falls_back_to_a_temporary_folder(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    files = tone_files(blocked / "sounds")
    assert all(path.is_file() and blocked not in path.parents for path in files.values())
