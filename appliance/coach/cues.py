"""Which sound to play when: tones for breath phases, the end of a hold, a finished drill or break.

Pure: views in, calls to an injected sink (and speaker) out, local time from an injected clock.
Each cue plays once, on the view where its moment begins; a repeated view (the UI's 30 Hz
ticks, a pause and resume) plays nothing.  Spoken words are for breaks only, where the eyes may
be closed; during drills the person is looking at the mirror, so a tone is enough.

    cues = SoundCues(SoundSettings(), sink, speaker, local_time=lambda: datetime.now().time())
    cues.update(view)        # every View the coach renders
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import time
from typing import Any, Protocol

from appliance.coach.view import Screen, View
from appliance.errors import ConfigError


class Cue(enum.StrEnum):
    INHALE = "inhale"  # a rising tone: breathe in
    HOLD = "hold"  # a level tone: hold (or rest, empty)
    EXHALE = "exhale"  # a falling tone: breathe out
    PHASE = "phase"  # a soft tick: the next step of a relaxation (tense the forehead, picture...)
    HOLD_DONE = "hold_done"  # a bright chime: the target held long enough (a role-play step done)
    DRILL_DONE = "drill_done"  # a gentle two-note close: the drill ended without the hold (time up, cut short)
    BREAK_DONE = "break_done"  # three rising notes: the break is over, open your eyes


BREATH_CUES = {"inhale": Cue.INHALE, "hold": Cue.HOLD, "exhale": Cue.EXHALE}
BREAK_END_S = 0.5  # a break left with less than this to go ran to its end (not skipped)


class Sink(Protocol):
    def play(self, cue: Cue, volume: float) -> None: ...  # volume 0-1, already past the user's curve


class Speaker(Protocol):
    def say(self, words: str, volume: float) -> None: ...


@dataclass(frozen=True)
class SoundSettings:
    """``[sound]`` in config.toml."""

    enabled: bool = True  # breaks ask for closed eyes: without sound they only work with eyes open
    volume: int = 50  # 0-100; 0 is silent
    voice: bool = True  # speak break cues where espeak-ng is installed (never a network voice)
    quiet_from: str = "21:00"  # local time from which the mirror stays silent ("" with quiet_until "": never)
    quiet_until: str = "07:00"  # and until which

    def __post_init__(self) -> None:
        for name in ("enabled", "voice"):
            if not isinstance(getattr(self, name), bool):
                raise _bad(name, getattr(self, name), "true or false")
        if isinstance(self.volume, bool) or not isinstance(self.volume, int) or not 0 <= self.volume <= 100:
            raise _bad("volume", self.volume, "a whole number from 0 (silent) to 100")
        if (self.quiet_from == "") != (self.quiet_until == ""):
            raise _bad("quiet_from", self.quiet_from, 'both quiet_from and quiet_until, or both "" for no quiet hours')
        for name in ("quiet_from", "quiet_until"):
            if getattr(self, name) != "":
                clock_time(getattr(self, name), name)
        if self.quiet_from and clock_time(self.quiet_from) == clock_time(self.quiet_until):
            raise _bad("quiet_until", self.quiet_until, 'a time other than quiet_from (both "" for no quiet hours)')

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> SoundSettings:
        known = [spec.name for spec in fields(cls)]
        unknown = sorted(set(data) - set(known))
        if unknown:
            known_words = ", ".join(known)
            raise ConfigError(
                f"unknown sound settings: {', '.join(unknown)}", hint=f"use any of: {known_words}", setting=unknown[0]
            )
        return cls(**data)

    @property
    def level(self) -> float:
        """The volume as an amplitude 0-1: squared, so each step of the setting sounds like a similar step."""
        return (self.volume / 100.0) ** 2

    def is_quiet_at(self, now: time) -> bool:
        if not self.quiet_from:
            return False
        start, end = clock_time(self.quiet_from), clock_time(self.quiet_until)
        return start <= now < end if start < end else now >= start or now < end  # the night wraps midnight


def clock_time(text: str, name: str = "quiet_from") -> time:
    """ "21:00" -> 21:00; anything else is a ConfigError naming the setting."""
    try:
        hours, minutes = (int(part) for part in str(text).split(":"))
        return time(hours, minutes)
    except (ValueError, TypeError):
        raise _bad(name, text, 'a time of day as "HH:MM", e.g. "21:30"') from None


def _bad(name: str, value, wanted: str) -> ConfigError:
    message = f"the sound setting {name}={value!r} is not usable"
    return ConfigError(message, hint=f"set {name} to {wanted}", setting=name)


class SoundCues:
    """Watches the views and plays each cue once at its moment, unless sound is off or it is quiet hours."""

    def __init__(
        self,
        settings: SoundSettings,
        sink: Sink,
        speaker: Speaker | None = None,
        *,
        local_time: Callable[[], time],
    ) -> None:
        self.settings, self.sink, self.speaker = settings, sink, speaker
        self.local_time = local_time
        self._phase_key: tuple | None = None  # the break phase last cued
        self._break_left: float | None = None  # seconds left in the break when last seen
        self._screen: Screen | None = None  # the screen under any pause
        self._step: tuple[str, int] | None = None  # a role-play's (drill, step) last seen

    @property
    def is_silent(self) -> bool:
        """Off, at volume 0, or in quiet hours: nothing plays and nothing is spoken."""
        settings = self.settings
        return not settings.enabled or settings.volume == 0 or settings.is_quiet_at(self.local_time())

    def update(self, view: View) -> list[Cue]:
        """The cues ``view`` begins (played, unless silent); the state moves on either way, so
        sound switched back on never replays a moment that has passed."""
        cues: list[tuple[Cue, str]] = []
        screen = view.paused_screen or view.screen
        if screen is Screen.BREAK and view.relaxation is not None:
            cues += self._break_cues(view)
        elif self._screen is Screen.BREAK and self._break_left is not None and self._break_left <= BREAK_END_S:
            cues.append((Cue.BREAK_DONE, "The break is over. Open your eyes."))
        if screen is not Screen.BREAK:
            self._phase_key = self._break_left = None
        if screen is Screen.DRILL and view.drill is not None and view.screen is Screen.DRILL:
            step = (view.drill.drill_id, view.drill.step_index)
            if self._step is not None and self._step[0] == step[0] and step[1] > self._step[1]:
                cues.append((Cue.HOLD_DONE, ""))
            self._step = step
        elif screen is not Screen.DRILL:
            self._step = None
        if screen is Screen.RESULT and self._screen is not Screen.RESULT and view.result is not None:
            if view.result.outcome == "completed":
                cues.append((Cue.HOLD_DONE, ""))
            elif view.result.outcome != "skipped":
                cues.append((Cue.DRILL_DONE, ""))
        self._screen = screen
        if cues and not self.is_silent:
            for cue, words in cues:
                self.sink.play(cue, self.settings.level)
                if words and self.settings.voice and self.speaker is not None:
                    self.speaker.say(words, self.settings.volume / 100.0)
        return [cue for cue, _ in cues]

    def _break_cues(self, view: View) -> list[tuple[Cue, str]]:
        rest = view.relaxation
        self._break_left = rest.seconds_left
        key = (rest.break_id, rest.cycle, rest.phase, rest.words)
        if key == self._phase_key:
            return []
        self._phase_key = key
        # The whole instruction the first time round; after that the phase's name is enough.
        words = rest.words if rest.cycle <= 1 else rest.phase
        return [(BREATH_CUES.get(rest.breath, Cue.PHASE), words)]
