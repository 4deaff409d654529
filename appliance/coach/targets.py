"""What a drill aims at, and how close a face is to it.

A target is pluggable: anything with ``labels``, ``describe()``, ``as_data()``,
``match(observation, full_at)``, ``reading(observation)`` and ``unreadable(observation)``,
registered under its ``type`` in ``TARGET_TYPES``: ``"mixture"`` reads the expression
model's smoothed probabilities; ``"features"`` and ``"look"`` read the named features
(``feature_targets.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from appliance.coach.features import FeatureReading
from appliance.errors import ConfigError
from appliance.messages import Observation
from appliance.vision.classifier import EXPRESSIONS


class Target(Protocol):
    @property
    def labels(self) -> tuple[str, ...]: ...  # what the UI highlights, strongest first

    def describe(self) -> str: ...

    def as_data(self) -> dict: ...  # the catalogue entry it was read from (normalised)

    def match(self, observation: Observation, full_at: float, reading: FeatureReading | None = None) -> float | None:
        """0-100, or None when this target cannot judge the observation (no face).  ``reading``: this
        observation's ``reading()`` when the caller has it already (it is not worked out again)."""

    def reading(self, observation: Observation) -> FeatureReading | None:
        """The features behind the match (None for a target that does not read them)."""

    def unreadable(self, observation: Observation) -> str:
        """Why a face in view cannot be judged, in words ("" when it can, or there is no face)."""


@dataclass(frozen=True)
class MixtureTarget:
    """A mixture of model labels, weights summing to 1.

    match = 100 * min(1, overlap / full_at), where overlap = sum over labels of
    min(smoothed[label], weight[label]): the share of the face's probability
    that sits where the target wants it (1 minus the total-variation distance).
    A pure target is just that label's probability; ``full_at`` lets a face the
    model reads at 0.8 count as a full match.
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
        overlap = sum(min(float(observation.smoothed.get(label, 0.0)), weight) for label, weight in self.weights)
        return 100.0 * min(1.0, overlap / full_at)

    def reading(self, observation: Observation) -> FeatureReading | None:
        return None

    def unreadable(self, observation: Observation) -> str:
        return ""


TARGET_TYPES: dict[str, Callable[[Mapping], Target]] = {"mixture": MixtureTarget.from_data}


def target_from_data(data: Mapping) -> Target:
    kind = data.get("type", "mixture") if isinstance(data, Mapping) else None
    if kind not in TARGET_TYPES:
        raise ConfigError(f"unknown target type {kind!r}", hint=f"use one of {sorted(TARGET_TYPES)}")
    return TARGET_TYPES[kind](data)


def _register_feature_targets() -> None:
    from appliance.coach.feature_targets import FeatureTarget  # it builds on MixtureTarget, defined above

    TARGET_TYPES["features"] = FeatureTarget.from_data
    TARGET_TYPES["look"] = FeatureTarget.from_data


_register_feature_targets()
