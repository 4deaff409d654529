"""An expression drill's target (``{"type": "expression", "label": "anger"}``): the reading and the recipe.

match = 100 * sqrt(evidence * shown), where evidence is the reading's probability of the
expression over ``full_at`` (at most 1) and shown is how much of the expression's recipe the
face shows (``recipes.Recipe.shown``).  Both must be there: a reading that takes lowered brows
for anger cannot praise them without the pressed lips or the hard stare the drill asks for, and
a recipe shown in full still needs the reading to see some of the expression.  The recipe counts
only against the person's own resting face: against the population's, a face's own shape shows
cues it is not making, so there the reading alone judges, as it does without landmarks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from appliance.coach.features import FeatureReading
from appliance.coach.mixture import MixtureTarget
from appliance.coach.recipes import RECIPES
from appliance.errors import ConfigError
from appliance.messages import Observation
from appliance.vision.classifier import EXPRESSIONS


@dataclass(frozen=True)
class ExpressionTarget:
    label: str

    @classmethod
    def from_data(cls, data: Mapping) -> ExpressionTarget:
        label = data.get("label")
        if label not in EXPRESSIONS:
            raise ConfigError(f"an expression target's label is {label!r}", hint=f"use one of {list(EXPRESSIONS)}")
        return cls(label)

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label,)

    def describe(self) -> str:
        return self.label

    def as_data(self) -> dict:
        return {"type": "expression", "label": self.label}

    def shown(self, observation: Observation) -> float | None:
        """How much of the recipe the face shows, 0-1; None where the recipe cannot judge it."""
        recipe = RECIPES.get(self.label)
        if recipe is None or not observation.features or observation.neutral != "personal":
            return None
        return recipe.shown(observation.features)

    def match(self, observation: Observation, full_at: float, reading: FeatureReading | None = None) -> float | None:
        evidence = MixtureTarget(((self.label, 1.0),)).match(observation, full_at)  # the reading alone, 0-100
        shown = self.shown(observation)
        if evidence is None or shown is None:
            return evidence
        return 100.0 * math.sqrt(evidence / 100.0 * shown)

    def reading(self, observation: Observation) -> FeatureReading | None:
        return None

    def unreadable(self, observation: Observation) -> str:
        return ""
