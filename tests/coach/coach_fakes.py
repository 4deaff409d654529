"""Helpers for the coach's tests: observations with chosen smoothed probabilities, a scripted clock."""

from __future__ import annotations

from appliance.coach.coach import Coach
from appliance.coach.settings import CoachSettings
from appliance.messages import Command, Observation
from appliance.vision.classifier import EXPRESSIONS
from appliance.vision.features import FEATURES


def face(t: float = 0.0, **probabilities: float) -> Observation:
    """A face whose smoothed (and raw) probabilities are those given; the rest share what is left."""
    rest = [label for label in EXPRESSIONS if label not in probabilities]
    left = max(0.0, 1.0 - sum(probabilities.values()))
    values = {label: probabilities.get(label, left / len(rest) if rest else 0.0) for label in EXPRESSIONS}
    return Observation(timestamp=t, face_box=(10, 10, 100, 100), score=0.9, probabilities=values, smoothed=values)


def no_face(t: float = 0.0) -> Observation:
    return Observation(timestamp=t)


class Driver:
    """Drives a coach with a fake clock: observations every ``step`` seconds."""

    def __init__(self, coach: Coach, step: float = 0.1) -> None:
        self.coach, self.step, self.t = coach, step, 100.0

    def press(self, *commands: Command):
        for command in commands:
            view = self.coach.handle(command, self.t)
        return view

    def show(self, seconds: float, observation: Observation | None = None):
        """Advance ``seconds``, observing ``observation`` (or nothing: a stalled camera) each step."""
        view = self.coach.tick(self.t)
        for _ in range(round(seconds / self.step)):
            self.t = round(self.t + self.step, 6)
            view = self.coach.observe(observation, self.t) if observation is not None else self.coach.tick(self.t)
        return view

    def until(self, predicate, observation: Observation | None = None, limit: float = 600.0):
        elapsed = 0.0
        view = self.coach.tick(self.t)
        while not predicate(view):
            assert elapsed < limit, f"condition not reached in {limit} s; view: {view}"
            view = self.show(self.step, observation)
            elapsed += self.step
        return view


def make_driver(**settings) -> Driver:
    """A coach with a short countdown and results that wait for a button, unless told otherwise."""
    defaults = dict(prepare_s=2.0, result_s=0.0)
    defaults.update(settings)
    return Driver(Coach(CoachSettings(**defaults), wall_clock=lambda: 1_750_000_000.0))


def features_face(t: float = 0.0, *, neutral: str = "personal", pose=None, geometry=None, box=(10, 10, 100, 100),
                  smoothed=None, appearance=None, **features: float) -> Observation:  # fmt: skip
    """A face with landmarks: the named features given (the rest 0), a pose (default facing the mirror)."""
    values = {name: features.get(name, 0.0) for name in FEATURES}
    probabilities = smoothed if smoothed is not None else {label: 1.0 / len(EXPRESSIONS) for label in EXPRESSIONS}
    return Observation(
        timestamp=t, face_box=box, score=0.9, probabilities=probabilities, smoothed=probabilities,
        pose=pose if pose is not None else {"yaw": 0.0, "pitch": 0.0, "roll": 0.0},
        geometry=geometry if geometry is not None else {"brow_gap": 0.4, "mouth_width": 0.9},
        features=values, neutral=neutral, appearance=appearance if appearance is not None else probabilities,
    )  # fmt: skip


def choose_drill(driver: Driver, drill_id: str):
    """From home, through "Choose a drill", start ``drill_id``; the view after the last press."""
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT)
    keys = [item.key for item in driver.coach.view.menu]
    return driver.press(*[Command.NEXT] * keys.index(drill_id), Command.SELECT)
