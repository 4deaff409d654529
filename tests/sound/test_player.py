"""KivySink against a loader that behaves like Kivy's SDL2 provider (an empty sound when no device opens)."""

import logging

from appliance.coach.cues import Cue
from appliance.sound.player import KivySink


class FakeSound:
    """Like kivy.core.audio.Sound: volume 0-1, state "play"/"stop", length 0 when SDL could not load it."""

    def __init__(self, source: str, length: float = 0.6) -> None:
        self.source, self.length, self.volume, self.state, self.calls = source, length, 1.0, "stop", []

    def play(self) -> None:
        self.calls.append(("play", self.volume))
        self.state = "play"

    def stop(self) -> None:
        self.calls.append(("stop", self.volume))
        self.state = "stop"


def test_each_tone_loads_once_plays_at_the_volume_and_restarts_if_still_sounding(tmp_path):
    loaded = {}

    def loader(path):
        loaded[path] = FakeSound(path)
        return loaded[path]

    sink = KivySink({cue: tmp_path / f"{cue.value}.wav" for cue in Cue}, loader=loader)
    sink.play(Cue.INHALE, 0.25)
    sink.play(Cue.INHALE, 0.5)
    sound = loaded[str(tmp_path / "inhale.wav")]
    assert len(loaded) == 1 and sound.calls == [("play", 0.25), ("stop", 0.25), ("play", 0.5)]
    sink.preload()
    assert len(loaded) == len(Cue)


def test_no_audio_device_is_said_once_and_the_mirror_stays_silent(tmp_path, caplog):
    attempts = []

    def loader(path):
        attempts.append(path)
        return FakeSound(path, length=0)  # SDL2: "Audio device hasn't been opened"

    sink = KivySink({cue: tmp_path / f"{cue.value}.wav" for cue in Cue}, loader=loader)
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            sink.play(Cue.HOLD, 1.0)
            sink.play(Cue.EXHALE, 1.0)
    sink.preload()
    assert len(attempts) == 1  # never retried, nor tried again for the other tones (Kivy warns for each)
    assert sum("no sound device: the mirror runs silent" in record.message for record in caplog.records) == 1


def test_a_provider_that_raises_is_silence_not_a_crash(tmp_path):
    def loader(path):
        raise RuntimeError("mixer gone")

    KivySink({Cue.HOLD: tmp_path / "hold.wav"}, loader=loader).play(Cue.HOLD, 1.0)
