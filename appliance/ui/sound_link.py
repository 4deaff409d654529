"""The shell's sound: the coach's cue schedule fed with every View, the tones through Kivy, words through espeak-ng.

    sound = open_sound(preferences)            # after the Preferences (what the settings screen changed)
    shell.listeners.append(sound.cues.update)  # every View the mirror shows
    shell.when_started(lambda: shell.later(1.0, sound.sink.preload))  # tones loaded before the first cue

Everything here runs on Kivy's main thread except espeak-ng, a separate process that is never waited for.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from appliance.coach.cues import Cue, SoundCues
from appliance.preferences import Preferences
from appliance.sound.player import KivySink
from appliance.sound.speech import EspeakSpeaker
from appliance.sound.tones import tone_files

log = logging.getLogger(__name__)


class SilentSink:
    """Where tones go when none could be written: nowhere (said once in the log)."""

    def preload(self) -> None:
        pass

    def play(self, cue: Cue, volume: float) -> None:
        pass


@dataclass
class Sound:
    cues: SoundCues
    sink: KivySink | SilentSink
    speaker: EspeakSpeaker | None

    def apply(self, preferences: Preferences) -> None:
        """A choice on the settings screen: the next cue follows it."""
        self.cues.settings = preferences.sound
        if self.speaker is not None and not (self.cues.settings.enabled and self.cues.settings.voice):
            self.speaker.stop()

    def close(self) -> None:
        if self.speaker is not None:
            self.speaker.stop()


def local_time():
    return datetime.now().time()


def open_sound(preferences: Preferences) -> Sound:
    try:
        sink = KivySink(tone_files())
    except OSError as error:
        log.error("no tones: %s; the mirror stays silent", error)
        sink = SilentSink()
    speaker = EspeakSpeaker.find()
    preferences.voice_engine = speaker.executable if speaker is not None else ""
    if speaker is None:
        log.info("no espeak-ng on this system: tones only, no spoken cues")
    sound = Sound(SoundCues(preferences.sound, sink, speaker, local_time=local_time), sink, speaker)
    preferences.when_changed.append(sound.apply)
    return sound
