"""What a drill aims at, and how close a face is to it.

A target is pluggable: anything with ``labels``, ``describe()``, ``as_data()``,
``match(observation, full_at)``, ``reading(observation)`` and ``unreadable(observation)``,
registered under its ``type`` in ``TARGET_TYPES``: ``"mixture"`` reads the smoothed reading
(``mixture.py``); ``"expression"`` the reading and the drill's recipe (``expression_target.py``);
``"features"`` and ``"look"`` read the named features (``feature_targets.py``); ``"consistency"`` the
person's own best example (``consistency_target.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol

from appliance.coach.consistency_target import ConsistencyTarget
from appliance.coach.expression_target import ExpressionTarget
from appliance.coach.feature_targets import FeatureTarget
from appliance.coach.features import FeatureReading
from appliance.coach.mixture import MixtureTarget
from appliance.errors import ConfigError
from appliance.messages import Observation


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


TARGET_TYPES: dict[str, Callable[[Mapping], Target]] = {
    "mixture": MixtureTarget.from_data,
    "expression": ExpressionTarget.from_data,
    "features": FeatureTarget.from_data,
    "look": FeatureTarget.from_data,
    "consistency": ConsistencyTarget.from_data,
}


def target_from_data(data: Mapping) -> Target:
    kind = data.get("type", "mixture") if isinstance(data, Mapping) else None
    if kind not in TARGET_TYPES:
        raise ConfigError(f"unknown target type {kind!r}", hint=f"use one of {sorted(TARGET_TYPES)}")
    return TARGET_TYPES[kind](data)
