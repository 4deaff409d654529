"""One performance of a drill: the live match, the continuous hold, the result figures.

Time moves only through ``advance(dt, has_face)``; observations only change
what the face shows.  So the interval since the last update is always credited
to the state the face was in during it, and pauses simply never advance.
"""

from __future__ import annotations

from dataclasses import dataclass

from appliance.coach.catalogue import Drill, Step
from appliance.coach.difficulty import hold_for, threshold_for
from appliance.coach.feature_targets import FEATURES_OUT_OF_VIEW
from appliance.coach.features import FeatureReading
from appliance.coach.motion import RangeTracker
from appliance.coach.scoring import attempt_score, roleplay_score
from appliance.coach.settings import CoachSettings
from appliance.coach.targets import Target
from appliance.glass import Words, words_for_the_glass
from appliance.messages import Observation

UNJUDGED_LIMIT_S = 8.0  # a face that cannot be judged for this long skips the drill
ISOLATION_FROM = 0.3  # share of full_at from which a frame's isolation counts in the attempt's mean

TIME_UP = "Time is up for this one; it will come with practice."


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
        self.peak_frame_at: float | None = None  # the timestamp of the frame with the best match
        self.peak_inputs: tuple[float, ...] = ()  # that frame's reading inputs (an example of the expression)
        self.peak_personal = False  # they were read against the person's own resting face
        self.time_to_best_s: float | None = None
        self.time_to_target_s: float | None = None
        self.outcome: Outcome | None = None
        self.last_observation: Observation | None = None
        self.reading: FeatureReading | None = None  # the features behind the match (feature targets)
        self.unreadable = ""  # why the face in view cannot be judged (no landmarks for a feature drill)
        # The coach sets this once any frame this run had landmarks: a face without them is then turned
        # away for a moment (the drill waits for it) rather than on a device that cannot read them (skipped).
        self.reads_landmarks = False
        self.unjudged_s = 0.0  # continuous time a face was in view but could not be judged
        self.best_amplitude: float | None = None  # the target feature's highest value
        self._isolation_sum, self._isolation_n = 0.0, 0
        self.motion = RangeTracker()

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
        self.motion.observe(observation, self.elapsed_s)
        self.unreadable = self.target.unreadable(observation)
        if self.unreadable and self.reads_landmarks:
            self.unreadable = FEATURES_OUT_OF_VIEW
        reading = self.target.reading(observation)
        value = self.target.match(observation, self.settings.full_match_at, reading)
        self.reading = reading if value is not None else None
        if value is None:
            self.smoothed = {}
            return  # no face, or nothing to judge it by: the hold pauses where it is
        self.smoothed = dict(observation.smoothed)
        self._note_reading(self.reading)
        self.match = value
        if value > self.best_match:
            self.best_match, self.time_to_best_s = value, self.elapsed_s
            self.peak_frame_at = observation.timestamp
            self.peak_inputs, self.peak_personal = observation.reading_inputs, observation.neutral == "personal"
        was_met, self.met = self.met, value >= self.threshold and self._pose_fits()
        if self.met and self.time_to_target_s is None:
            self.time_to_target_s = self.elapsed_s
        if was_met and not self.met:
            self._end_hold()

    def _pose_fits(self) -> bool:
        """A look's pose is part of what the look is (a slight tilt, eyes level with the camera): outside
        its bounds the look is not met, however well the rest matches; the match still shows the progress."""
        return self.reading is None or not self.reading.pose_off

    def _unjudged(self, dt: float, has_face: bool) -> bool:
        """A face that cannot be judged (no landmarks): the hold and the timer wait, and after
        ``UNJUDGED_LIMIT_S`` of it in a row the drill is skipped, so a routine never sticks on it;
        unless landmarks were read this run: then, as for a face out of view, the drill waits."""
        if not (has_face and self.unreadable):
            self.unjudged_s = 0.0
            return False
        self.unjudged_s += dt
        if self.unjudged_s >= UNJUDGED_LIMIT_S and not self.reads_landmarks:
            self.finish(Outcome("skipped", self.unreadable.split(",")[0] + ": skipped, not scored."))
        return True

    def _note_reading(self, reading: FeatureReading | None) -> None:
        if reading is None or not reading.feature:
            return
        self.best_amplitude = max(self.best_amplitude or 0.0, reading.amplitude)
        if reading.amplitude >= ISOLATION_FROM * reading.full_at:  # isolation counts while they are trying
            self._isolation_sum += reading.isolation
            self._isolation_n += 1

    @property
    def isolation(self) -> int | None:
        """Mean isolation 0-100 over the frames the target feature was at least 30% of full; None if never."""
        return round(100 * self._isolation_sum / self._isolation_n) if self._isolation_n else None

    def advance(self, dt: float, has_face: bool) -> None:
        if self.outcome is not None or dt <= 0:
            return
        self.elapsed_s += dt
        if self._unjudged(dt, has_face) or not has_face:
            return
        self.face_s += dt
        if self.met:
            self.held_s += dt
            self._hold_integral += self.match * dt
        if self.held_s >= self.hold_required_s:
            self.finish(Outcome("completed"))
        elif self.face_s >= self.settings.perform_limit_s:
            self.finish(Outcome("missed", TIME_UP))

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
        if self._unjudged(dt, has_face) or not has_face:
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


@words_for_the_glass
def _glass_words():
    yield Words(TIME_UP, "quiet", "result: why it ended")
