"""Spoken cues through the system's espeak-ng command, when it is installed; never a network voice.

``say`` starts espeak-ng and returns at once (it never waits for the speech, so the UI thread
never blocks); words that come while others are still spoken cut them short, as a person would.
Finished processes are reaped on the next call.

    speaker = EspeakSpeaker.find()      # None when espeak-ng is not installed
    speaker.say("Breathe in", volume=0.5)
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Callable

log = logging.getLogger(__name__)
COMMAND = "espeak-ng"
WORDS_PER_MINUTE = 140  # calmer than espeak's 175


class EspeakSpeaker:
    def __init__(self, executable: str, *, runner: Callable[..., subprocess.Popen] = subprocess.Popen) -> None:
        self.executable, self._runner = executable, runner
        self._speaking: subprocess.Popen | None = None
        self.broken = ""  # why speech stopped working (the command could not be started)

    @classmethod
    def find(cls, **options) -> EspeakSpeaker | None:
        executable = shutil.which(COMMAND)
        return cls(executable, **options) if executable else None

    def command(self, words: str, volume: float) -> list[str]:
        amplitude = round(200 * max(0.0, min(1.0, volume)))  # espeak-ng's -a: 0-200, 100 its default
        return [self.executable, "-a", str(amplitude), "-s", str(WORDS_PER_MINUTE), "--", words]

    def say(self, words: str, volume: float) -> None:
        if self.broken or not words.strip():
            return
        self.stop()
        try:
            self._speaking = self._runner(
                self.command(words, volume),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # a Ctrl+C for the mirror is not for the voice
            )
        except OSError as error:
            self.broken = f"cannot run {self.executable}: {error}"
            log.warning("spoken cues are off: %s", self.broken)

    def stop(self) -> None:
        """Cut the words being spoken short (and reap a finished process); never waits."""
        speaking, self._speaking = self._speaking, None
        if speaking is not None and speaking.poll() is None:
            speaking.terminate()
