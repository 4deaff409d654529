"""One performance of a drill: the live match, the continuous hold, the result figures.

Time moves only through ``advance(dt, has_face)``; observations only change
what the face shows.  So the interval since the last update is always credited
to the state the face was in during it, and pauses simply never advance.
"""

from __future__ import annotations

from dataclasses import dataclass

from appliance.coach.catalogue import Drill, Step
from appliance.coach.difficulty import hold_for, threshold_for
from appliance.coach.scoring import attempt_score, roleplay_score
from appliance.coach.settings import CoachSettings
from appliance.coach.targets import Target
from appliance.messages import Observation


@dataclass(frozen=True)
class Outcome:
    kind: str  # "completed" | "missed" | "cut_short" | "skipped"
    reason: str = ""


class Attempt:
    """A drill with a single target held continuously for ``hold_s``."""

    def __init__(self, drill: Drill, settings: CoachSettings) -> None:
        self.drill = drill
        self.settings = settings
        self._hold_s = hold_for(drill.hold_s or settings.hold_s, settings.difficulty)
        self.threshold = threshold_for(drill.threshold or settings.match_threshold, settings.difficulty)
        self.elapsed_s = 0.0  # performing, pauses excluded
        self.face_s = 0.0  # performing with a face in view
        self.match: float = 0.0
        self.met = False
        self.smoothed: dict[str, float] = {}
        self.held_s = 0.0  # the current continuous hold
        self._hold_integral = 0.0  # match x seconds during the current hold
        self.longest_s = 0.0
        self.longest_mean = 0.0
        self.best_match = 0.0
        self.time_to_best_s: float | None = None
        self.time_to_target_s: float | None = None
        self.outcome: Outcome | None = None
        self.last_observation: Observation | None = None

    # --- what the UI shows
    @property
    def target(self) -> Target:
        return self.drill.target

    @property
    def cue(self) -> str:
        return self.drill.cue

    @property
    def step_index(self) -> int:
        return 0

    @property
    def hold_required_s(self) -> float:
        return self._hold_s

    @property
    def hold_progress(self) -> float:
        return min(1.0, self.held_s / self.hold_required_s)

    @property
    def time_left_s(self) -> float:
        return max(0.0, self.settings.perform_limit_s - self.face_s)

    # --- inputs
    def observe(self, observation: Observation) -> None:
        if self.outcome is not None:
            return
        self.last_observation = observation
        value = self.target.match(observation, self.settings.full_match_at)
        if value is None:
            self.smoothed = {}
            return  # no face: the hold pauses where it is
        self.smoothed = dict(observation.smoothed)
        self.match = value
        if value > self.best_match:
            self.best_match, self.time_to_best_s = value, self.elapsed_s
        was_met, self.met = self.met, value >= self.threshold
        if self.met and self.time_to_target_s is None:
            self.time_to_target_s = self.elapsed_s
        if was_met and not self.met:
            self._end_hold()

    def advance(self, dt: float, has_face: bool) -> None:
        if self.outcome is not None or dt <= 0:
            return
        self.elapsed_s += dt
        if not has_face:
            return
        self.face_s += dt
        if self.met:
            self.held_s += dt
            self._hold_integral += self.match * dt
        if self.held_s >= self.hold_required_s:
            self.finish(Outcome("completed"))
        elif self.face_s >= self.settings.perform_limit_s:
            self.finish(Outcome("missed", "Time is up for this one; it will come with practice."))

    def finish(self, outcome: Outcome) -> None:
        if self.outcome is None:
            self._end_hold()
            self.outcome = outcome

    def _end_hold(self) -> None:
        if self.held_s > self.longest_s:
            self.longest_s, self.longest_mean = self.held_s, self._hold_integral / self.held_s
        if self.outcome is None and not self.met:
            self.held_s, self._hold_integral = 0.0, 0.0

    # --- the figures
    @property
    def score(self) -> int:
        return attempt_score(self.best_match, self.longest_mean, self.longest_s, self.hold_required_s)

    @property
    def step_scores(self) -> tuple[tuple[str, int], ...]:
        return ()


class RoleplayAttempt(Attempt):
    """A timed sequence of cues: each step lasts its seconds (with a face in view) and scores its mean match."""

    def __init__(self, drill: Drill, settings: CoachSettings) -> None:
        super().__init__(drill, settings)
        self._step = 0
        self._step_s = 0.0
        self._step_integral = 0.0
        self._scores: list[int] = []

    @property
    def current(self) -> Step:
        return self.drill.steps[min(self._step, len(self.drill.steps) - 1)]

    @property
    def target(self) -> Target:
        return self.current.target

    @property
    def cue(self) -> str:
        return self.current.cue

    @property
    def step_index(self) -> int:
        return min(self._step, len(self.drill.steps) - 1)

    @property
    def hold_required_s(self) -> float:
        return self.current.seconds  # a role-play's "hold" is each step's own length

    @property
    def hold_progress(self) -> float:
        return min(1.0, self._step_s / self.current.seconds)

    @property
    def time_left_s(self) -> float:
        return max(0.0, sum(step.seconds for step in self.drill.steps[self._step :]) - self._step_s)

    def advance(self, dt: float, has_face: bool) -> None:
        if self.outcome is not None or dt <= 0:
            return
        self.elapsed_s += dt
        if not has_face:
            return
        self.face_s += dt
        if self.met:
            self.held_s += dt
        self._step_s += dt
        self._step_integral += self.match * dt
        if self._step_s >= self.current.seconds:
            self._scores.append(round(self._step_integral / self._step_s))
            self._step += 1
            self._step_s, self._step_integral, self.held_s, self.met = 0.0, 0.0, 0.0, False
            if self._step >= len(self.drill.steps):
                self.finish(Outcome("completed"))
            elif self.last_observation is not None:  # judge the same face against the new step's target now
                self.observe(self.last_observation)

    @property
    def score(self) -> int:
        return roleplay_score(self._scores)

    @property
    def step_scores(self) -> tuple[tuple[str, int], ...]:
        return tuple((step.cue, score) for step, score in zip(self.drill.steps, self._scores, strict=False))


def start_attempt(drill: Drill, settings: CoachSettings) -> Attempt:
    return RoleplayAttempt(drill, settings) if drill.kind == "roleplay" else Attempt(drill, settings)
