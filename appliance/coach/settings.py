"""The coach's settings: sane defaults, validated once, frozen."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from appliance.coach.difficulty import LEVELS
from appliance.errors import ConfigError


@dataclass(frozen=True)
class CoachSettings:
    """Every timing and threshold the coach uses.  Times in seconds unless named ``_min``."""

    prepare_s: float = 3.0  # countdown before each drill
    hold_s: float = 3.0  # continuous hold a drill asks for, unless the drill says otherwise
    match_threshold: int = 60  # match (0-100) that counts as "target met", unless the drill says otherwise
    full_match_at: float = 0.8  # a label's probability that fills its share of a target (models are rarely sure)
    perform_limit_s: float = 20.0  # time with a face in view to reach and hold the target
    result_s: float = 6.0  # a result stays this long in a routine before the next drill (0: wait for a button)
    face_timeout_s: float = 1.0  # no observation for this long counts as no face
    away_s: float = 60.0  # no face for this long pauses the session; a face coming back resumes it
    session_cap_min: float = 25.0  # the articles' 20-30 minutes of mirror practice a day (all sessions), then stop
    cap_warning_min: float = 2.0  # warn this long before the cap
    break_after_active_min: float = 5.0  # minutes of effort (see effort_level) before a forced break
    effort_level: float = 0.35  # a face at least this far from neutral (1 - p(neutral)) is working
    break_after_drills: int = 8  # drills in a row before a forced break
    forced_break: str = "long_exhale"  # the break the guard calls
    quick_break: str = "box_breathing"  # the break the BREAK button starts
    strong_level: float = 0.85  # a non-neutral label this sure is a strong expression
    strong_hold_max_s: float = 10.0  # a strong expression held longer than this is cut short
    relaxed_neutral_min: float = 0.5  # during breaks: neutral dominant and at least this sure = relaxed
    rising_window_s: float = 1.0  # tips: a label is "rising" if it grew over this window
    notice_s: float = 6.0  # how long a banner stays up
    today_count: int = 6  # drills in "today's practice"
    calibration_s: float = 5.0  # "relax for a few seconds": face time the personal neutral face is taken over
    morning_routine: tuple[str, ...] = ()  # items like "drill:happiness", "break:box_breathing"; () = catalogue's
    difficulty: str = "normal"  # easy | normal | hard: scales match_threshold and hold_s (difficulty.py)

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, float | int) and not isinstance(value, bool) and not math.isfinite(value):
                raise _bad(spec.name, value, "a finite number")
        positive = ("prepare_s", "hold_s", "full_match_at", "perform_limit_s", "face_timeout_s", "away_s")
        positive += ("session_cap_min", "calibration_s")
        positive += ("break_after_active_min", "strong_hold_max_s", "rising_window_s", "notice_s")
        for name in positive:
            if not getattr(self, name) > 0:
                raise _bad(name, getattr(self, name), "a number above 0")
        for name in ("result_s", "cap_warning_min"):
            if getattr(self, name) < 0:
                raise _bad(name, getattr(self, name), "0 or more")
        if not 0 < self.match_threshold <= 100:
            raise _bad("match_threshold", self.match_threshold, "between 1 and 100")
        for name in ("full_match_at", "strong_level", "relaxed_neutral_min", "effort_level"):
            if not 0 < getattr(self, name) <= 1:
                raise _bad(name, getattr(self, name), "a probability above 0 and at most 1")
        for name in ("break_after_drills", "today_count"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise _bad(name, value, "a whole number of 1 or more")
        if self.cap_warning_min >= self.session_cap_min:
            raise _bad("cap_warning_min", self.cap_warning_min, "less than session_cap_min")
        for name in ("forced_break", "quick_break"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise _bad(name, getattr(self, name), "a break id (see `python -m appliance drills`)")
        if self.difficulty not in LEVELS:
            raise _bad("difficulty", self.difficulty, " or ".join(f'"{level}"' for level in LEVELS))
        for item in self.morning_routine:
            if not isinstance(item, str) or item.partition(":")[0] not in ("drill", "break"):
                raise _bad("morning_routine", item, 'items like "drill:happiness" or "break:box_breathing"')

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CoachSettings:
        """Settings from a config file's ``[coach]`` table; unknown keys are an error, not ignored."""
        known = {spec.name: spec for spec in fields(cls)}
        unknown = sorted(set(data) - set(known))
        if unknown:
            known_words = ", ".join(known)
            raise ConfigError(
                f"unknown coach settings: {', '.join(unknown)}", hint=f"use any of: {known_words}", setting=unknown[0]
            )
        values = dict(data)
        if "morning_routine" in values:
            if not isinstance(values["morning_routine"], list | tuple):
                raise _bad("morning_routine", values["morning_routine"], "a list of items")
            values["morning_routine"] = tuple(values["morning_routine"])
        for name, value in values.items():
            default = getattr(cls, name, None)
            if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
                values[name] = float(value)
            elif type(default) in (int, float, str) and type(values[name]) is not type(default):
                raise _bad(name, value, KIND_WORDS[type(default)])
        return cls(**values)

    @property
    def session_cap_s(self) -> float:
        return self.session_cap_min * 60.0


KIND_WORDS = {int: "a whole number", float: "a number", str: "a text in quotes"}


def _bad(name: str, value, wanted: str) -> ConfigError:
    message = f"the coach setting {name}={value!r} is not usable"
    return ConfigError(message, hint=f"set {name} to {wanted}", setting=name)
