"""The expression model's target: a mixture of its labels (``{"type": "mixture", "weights": {...}}``).

In a module of its own so that ``feature_targets`` (a look blends one in) and ``targets`` (the
registry of every type) both build on it without importing each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from appliance.coach.features import FeatureReading
from appliance.errors import ConfigError
from appliance.messages import Observation
from appliance.vision.classifier import EXPRESSIONS


@dataclass(frozen=True)
class MixtureTarget:
    """A mixture of model labels, weights summing to 1.

    match = 100 * min(1, sum over labels of min(weight[label], smoothed[label] / full_at)):
    each label fills at most its own share of the target, and ``full_at`` forgives
    the model's reluctance label by label (a face it reads at 0.8 is a full match
    of a pure target, whose match is just that label's probability over full_at).

    Why label by label: a face at rest reads neutral near 1, and with the leniency
    applied to the whole sum its surplus filled the rest of the target, so a
    resting face matched "half smile, half rest" at 62 and passed the threshold of
    60 without a smile.  Now it fills the neutral half only: 50.
    """

    weights: tuple[tuple[str, float], ...]  # strongest first

    @classmethod
    def from_data(cls, data: Mapping) -> MixtureTarget:
        raw = data.get("weights")
        if not isinstance(raw, Mapping) or not raw:
            raise ConfigError("a mixture target needs weights", hint='write {"type": "mixture", "weights": {...}}')
        unknown = sorted(set(raw) - set(EXPRESSIONS))
        if unknown:
            raise ConfigError(f"unknown labels in a target: {unknown}", hint=f"use labels from {list(EXPRESSIONS)}")
        if any(not isinstance(w, int | float) or w <= 0 for w in raw.values()):
            raise ConfigError(f"target weights must be positive numbers: {dict(raw)}", hint="fix the catalogue")
        total = float(sum(raw.values()))
        ordered = sorted(raw.items(), key=lambda item: (-item[1], EXPRESSIONS.index(item[0])))
        return cls(tuple((label, weight / total) for label, weight in ordered))

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for label, _ in self.weights)

    def describe(self) -> str:
        if len(self.weights) == 1:
            return self.weights[0][0]
        return " + ".join(f"{label} {round(weight * 100)}%" for label, weight in self.weights)

    def as_data(self) -> dict:
        return {"type": "mixture", "weights": {label: round(weight, 4) for label, weight in self.weights}}

    def match(self, observation: Observation, full_at: float, reading: FeatureReading | None = None) -> float | None:
        if not observation.has_face or not observation.smoothed:
            return None
        smoothed = observation.smoothed
        filled = sum(min(weight, float(smoothed.get(label, 0.0)) / full_at) for label, weight in self.weights)
        return 100.0 * min(1.0, filled)

    def reading(self, observation: Observation) -> FeatureReading | None:
        return None

    def unreadable(self, observation: Observation) -> str:
        return ""
