"""A consistency drill's target (``{"type": "consistency", "label": "anger"}``): "your anger, as last time".

Judged by closeness to the person's own best example of the expression (the one kept from the
attempt with the highest match), not by the reading: the seeds ask for the same expression each time
it is needed, whatever a reading learned from strangers makes of it.  match = 100 * closeness of the
face's departure from rest to that example's (``vision.examples.closeness``: 61 at twice a still
face's jitter away).  The coach binds the example when the drill starts (``bound``); without one,
or without the person's resting face, there is nothing to compare with and the drill says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from appliance.coach.feature_targets import FEATURES_OUT_OF_VIEW
from appliance.coach.features import FeatureReading
from appliance.errors import ConfigError
from appliance.glass import Words, words_for_the_glass
from appliance.messages import Observation
from appliance.vision.classifier import EXPRESSIONS
from appliance.vision.examples import closeness, departure
from appliance.vision.reading import head

NO_EXAMPLE = "No {label} of yours kept yet: practise it first."
UNCALIBRATED = "Calibrate first (settings)."


@words_for_the_glass
def _glass_words():
    yield Words(NO_EXAMPLE.format(label="happiness"), "body", "consistency drill without an example")
    yield Words(UNCALIBRATED, "drill_column", "consistency drill, not calibrated")


@dataclass(frozen=True)
class ConsistencyTarget:
    label: str
    example: tuple[float, ...] | None = None  # the person's best example, bound when the drill starts

    @classmethod
    def from_data(cls, data: Mapping) -> ConsistencyTarget:
        label = data.get("label")
        if label not in EXPRESSIONS or label == "neutral":
            choices = [name for name in EXPRESSIONS if name != "neutral"]
            raise ConfigError(f"a consistency target's label is {label!r}", hint=f"use one of {choices}")
        return cls(label)

    def bound(self, example) -> ConsistencyTarget:
        return ConsistencyTarget(self.label, None if example is None else tuple(float(v) for v in example))

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label,)

    def describe(self) -> str:
        return f"your own {self.label}, as at your best"

    def as_data(self) -> dict:
        return {"type": "consistency", "label": self.label}

    def match(self, observation: Observation, full_at: float, reading: FeatureReading | None = None) -> float | None:
        if self.example is None or not observation.has_face or observation.neutral != "personal":
            return None
        vector = departure(observation.reading_inputs, head())
        if vector is None or len(vector) != len(self.example):
            return None
        return 100.0 * closeness(vector, self.example)

    def reading(self, observation: Observation) -> FeatureReading | None:
        return None

    def unreadable(self, observation: Observation) -> str:
        if not observation.has_face:
            return ""
        if self.example is None:
            return NO_EXAMPLE.format(label=self.label)
        if observation.neutral != "personal":
            return UNCALIBRATED
        if departure(observation.reading_inputs, head()) is None:
            return FEATURES_OUT_OF_VIEW
        return ""
