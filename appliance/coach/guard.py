"""The overexertion guard: the articles' first common mistake is overdoing it.

It counts effort since the last break and how long a strong expression has
been held, and says when to stop, always with a reason the mirror can show.
"""

from __future__ import annotations

from collections.abc import Mapping

from appliance.coach.scoring import intensity, strongest_expression
from appliance.coach.settings import CoachSettings
from appliance.glass import Words, words_for_the_glass


class Guard:
    def __init__(self, settings: CoachSettings) -> None:
        self.settings = settings
        self.active_s = 0.0  # seconds of effort (a face away from neutral) in drills, since the last break
        self.drills_in_a_row = 0  # finished attempts since the last break
        self.strong_s = 0.0  # how long the current strong expression has lasted
        self.cap_warned = False

    def took_break(self) -> None:
        self.active_s = 0.0
        self.drills_in_a_row = 0
        self.strong_s = 0.0

    def started_attempt(self) -> None:
        """A strong face is timed within one attempt: each starts the count afresh (a restart too)."""
        self.strong_s = 0.0

    def finished_drill(self, *, skipped: bool = False) -> None:
        """An attempt ended.  A strong face is timed within one attempt (the result and prepare screens
        between attempts are a rest), so every attempt starts the count afresh, a skipped one too: else
        the seconds of a drill just skipped cut the next one short moments after it starts.  A skipped
        attempt is not a drill done, so it does not count toward the drills in a row."""
        if not skipped:
            self.drills_in_a_row += 1
        self.strong_s = 0.0

    def performed(self, seconds: float, smoothed: Mapping[str, float] | None) -> str:
        """Count ``seconds`` of performing; a reason to cut the drill short, or ""."""
        if smoothed is None:  # no face: nothing strained, nothing counted
            return ""
        if intensity(smoothed) >= self.settings.effort_level:  # a resting face is not exertion
            self.active_s += seconds
        label, probability = strongest_expression(smoothed) if smoothed else ("", 0.0)
        self.strong_s = self.strong_s + seconds if probability >= self.settings.strong_level else 0.0
        if self.strong_s > self.settings.strong_hold_max_s:
            self.strong_s = 0.0
            limit = round(self.settings.strong_hold_max_s)
            return f"Held a strong {label} face over {limit} s: let it go. Holding long strains the face."
        return ""

    def break_due(self) -> str:
        """Why a break is due now, or ""."""
        settings = self.settings
        if self.active_s >= settings.break_after_active_min * 60:
            return f"{_minutes(self.active_s)} of expressions in a row: time to relax your face."
        if self.drills_in_a_row >= settings.break_after_drills:
            return f"{self.drills_in_a_row} drills in a row: time to relax your face."
        return ""

    def cap_warning(self, session_s: float) -> str:
        """A one-time warning shortly before the session cap, or ""."""
        settings = self.settings
        if self.cap_warned or session_s < settings.session_cap_s - settings.cap_warning_min * 60:
            return ""
        self.cap_warned = True
        return f"{_minutes(settings.session_cap_s - session_s)} left: today's session ends soon."

    def cap_reached(self, session_s: float) -> str:
        if session_s < self.settings.session_cap_s:
            return ""
        return f"{_minutes(self.settings.session_cap_s)} of practice is plenty for today. Rest and come back tomorrow."


def _minutes(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute" + ("" if minutes == 1 else "s")


@words_for_the_glass
def _glass_words():
    """The guard's reasons (a notice; the break and the summary show them too), at their widest."""
    guard = Guard(CoachSettings())
    guard.strong_s = 1e6
    yield Words(guard.performed(0.1, {"happiness": 1.0}), "notice", "guard: a strong face held")
    guard.active_s, guard.drills_in_a_row = 99 * 60, 99
    yield Words(guard.break_due(), "notice", "guard: a break due")
    guard.active_s = 0.0
    yield Words(guard.break_due(), "notice", "guard: a break due")
    yield Words(guard.cap_warning(guard.settings.session_cap_s - 99 * 60), "notice", "guard: the cap near")
    yield Words(guard.cap_reached(guard.settings.session_cap_s), "body", "guard: the cap reached")
