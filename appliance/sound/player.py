"""``KivySink``: the tones played through Kivy's audio (SDL2 on the Pi), on Kivy's main thread.

Each tone is loaded once.  A cue that comes while its tone still sounds restarts it; other tones
mix over each other.  No audio device or no audio provider is said once in the log and the
mirror carries on silent: sound is never a reason for the mirror not to work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path

from appliance.coach.cues import Cue

log = logging.getLogger(__name__)


def _kivy_loader(path: str):
    from kivy.core.audio import SoundLoader

    _quiet_alsa()
    return SoundLoader.load(path)


_alsa_handler = []  # the C callback, kept alive for as long as ALSA may call it


def _quiet_alsa() -> None:
    """ALSA's library writes its errors straight to stderr ("ALSA lib pcm.c: Unknown PCM default",
    eight lines where there is no sound card), past the log; KivySink says the outcome once instead."""
    if _alsa_handler:
        return
    import contextlib
    import ctypes

    handler_type = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p)
    _alsa_handler.append(handler_type(lambda *_args: None))
    # the library SDL opens for ALSA (one copy per process): without it there is nothing to quiet
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libasound.so.2").snd_lib_error_set_handler(_alsa_handler[0])


class KivySink:
    def __init__(self, files: Mapping[Cue, Path], *, loader: Callable[[str], object] = _kivy_loader) -> None:
        self._files, self._loader = dict(files), loader
        self._sounds: dict[Cue, object] = {}
        self._failed: set[Cue] = set()

    def preload(self) -> None:
        """Load every tone now (at start-up), so the first cue does not wait on a file."""
        for cue in self._files:
            self._sound(cue)

    def play(self, cue: Cue, volume: float) -> None:
        sound = self._sound(cue)
        if sound is None:
            return
        if sound.state == "play":
            sound.stop()
        sound.volume = max(0.0, min(1.0, volume))
        sound.play()

    def _sound(self, cue: Cue):
        if cue in self._sounds or cue in self._failed:
            return self._sounds.get(cue)
        if self._failed:  # no device for one tone is no device for any: Kivy would warn once per file
            self._failed.add(cue)
            return None
        path = self._files.get(cue)
        sound = None
        try:
            sound = self._loader(str(path)) if path is not None else None
        except Exception as error:  # a provider that cannot open the device raises its own errors
            log.warning("cannot load the %s tone from %s: %s", cue.value, path, error)
        if sound is not None and not getattr(sound, "length", 0):
            sound = None  # SDL2 hands back an empty sound when the device could not be opened
        if sound is None:
            if not self._failed:
                log.warning("no sound device: the mirror runs silent (Kivy could not play %s)", path)
            self._failed.add(cue)
            return None
        self._sounds[cue] = sound
        return sound
