"""Targets on the named features: single-feature drills (``"features"``) and headshot looks (``"look"``).

    {"type": "features", "feature": "brow_raise", "full_at": 0.6, "calm": "others"}
    {"type": "features", "want": {"smile": 0.4, "asymmetry": 0.5}, "calm": ["brow_raise", ...]}
    {"type": "look", "want": {"smile": 0.5, "eye_narrow": 0.35}, "calm": {"brow_lower": 0.2},
     "pose": {"yaw": {"max_abs": 10}}, "expression": {"weights": {"happiness": 1}, "share": 0.25}}

match = 100 * reach * isolation * pose_fit, where reach is the weakest wanted feature's share
of its ``full_at`` (1 with nothing wanted), isolation is 1 until a calm feature passes its
tolerance (default 0.15) and falls to 0 over ``ISOLATION_SPAN`` more, and pose_fit is 1 inside
every pose bound.  A look may blend in the expression model: match = (1 - share) * that +
share * the mixture's match.  Without features (no landmarks) a ``"features"`` target cannot
judge (None, and ``unreadable`` says why); a look falls back to its expression mixture.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from appliance.coach.features import (
    FeatureReading,
    PoseBound,
    calm_list,
    isolation,
    reach,
    title,
)
from appliance.coach.mixture import MixtureTarget
from appliance.coach.recipes import DERIVED_CUES
from appliance.errors import ConfigError
from appliance.messages import Observation
from appliance.vision.features import FEATURES, POSE

DEFAULT_TOLERANCE = 0.15
NO_FEATURES = (
    "I can see your face but cannot read its features (no landmarks), so this drill cannot be "
    "judged here: press next to skip it (it skips itself in a few seconds)."
)
FEATURES_OUT_OF_VIEW = (
    "Face the mirror with all of your face in view: I cannot read your features like this. "
    "The hold waits (NEXT skips this drill)."
)
"""What a feature drill says instead of NO_FEATURES where landmarks have been read this run: the face
is turned away or half out of the picture for a moment, not on a device that cannot read them."""


@dataclass(frozen=True)
class FeatureTarget:
    kind: str  # "features" | "look"
    wants: tuple[tuple[str, float], ...]  # (feature, full_at), the main one first
    calm: tuple[tuple[str, float], ...]  # (feature, tolerance)
    pose: tuple[PoseBound, ...] = ()
    expression: MixtureTarget | None = None
    share: float = 0.0  # of the expression mixture in the match

    @classmethod
    def from_data(cls, data: Mapping) -> FeatureTarget:
        kind = data.get("type", "features")
        wants = _wants(data)
        if kind == "features" and not wants:
            raise ConfigError("a features target needs a feature", hint='write {"type": "features", "feature": ...}')
        tolerance = _number(data.get("tolerance", DEFAULT_TOLERANCE), "tolerance", 0.0, 1.0)
        calm = calm_list(data.get("calm", "others"), tuple(name for name, _ in wants), tolerance)
        _known((name for name, _ in calm), also=tuple(DERIVED_CUES))  # a derived cue may stay calm, not be wanted
        for _, value in calm:
            _number(value, "a calm tolerance", 0.0, 1.0)
        pose = tuple(_pose(angle, bounds) for angle, bounds in dict(data.get("pose", {})).items())
        expression, share = None, 0.0
        if "expression" in data:
            spec = data["expression"]
            expression = MixtureTarget.from_data(spec)
            share = _number(spec.get("share", 0.3), "expression share", 0.0, 1.0)
        if not wants and not calm and not pose:
            raise ConfigError("a look target asks for nothing", hint="give it want, calm or pose")
        return cls(kind, wants, calm, pose, expression, share)

    @property
    def labels(self) -> tuple[str, ...]:
        names = tuple(name for name, _ in self.wants)
        return names or (self.expression.labels if self.expression else ())

    def describe(self) -> str:
        parts = [" + ".join(f"{title(name)} {full_at:g}" for name, full_at in self.wants)] if self.wants else []
        if self.calm:
            parts.append(_describe_calm(self.calm, tuple(name for name, _ in self.wants)))
        parts += [_describe_pose(bound) for bound in self.pose]
        if self.expression is not None and self.share > 0:
            parts.append(f"reads as {self.expression.describe()}")
        return "; ".join(part for part in parts if part)

    def as_data(self) -> dict:
        data: dict = {"type": self.kind, "want": dict(self.wants), "calm": dict(self.calm)}
        if self.pose:
            data["pose"] = {b.angle: {"min_abs": b.min_abs, "max_abs": b.max_abs} for b in self.pose}
        if self.expression is not None:
            data["expression"] = self.expression.as_data() | {"share": self.share}
        return data

    def reading(self, observation: Observation) -> FeatureReading | None:
        features = observation.features
        if not observation.has_face or not features:
            return None
        reached, missing = reach(features, self.wants)
        isolated, loud = isolation(features, self.calm)
        pose_fit, pose_off = 1.0, ""
        for bound in self.pose:
            pose_fit *= bound.fit(observation.pose)
            pose_off = pose_off or bound.problem(observation.pose)
        main, full_at = self.wants[0] if self.wants else ("", 1.0)
        amplitude = float(features.get(main, 0.0)) if main else 0.0
        return FeatureReading(main, amplitude, full_at, reached, isolated, pose_fit, missing, loud, pose_off)

    def match(self, observation: Observation, full_at: float, reading: FeatureReading | None = None) -> float | None:
        if not observation.has_face:
            return None
        reading = reading if reading is not None else self.reading(observation)
        blend = self.expression.match(observation, full_at) if self.expression is not None else None
        if reading is None:  # no landmarks: a look still has its expression; a feature drill cannot judge
            return blend if self.kind == "look" else None
        value = 100.0 * reading.reach * reading.isolation * reading.pose_fit
        if blend is not None and self.share > 0:
            value = (1.0 - self.share) * value + self.share * blend
        return value

    def unreadable(self, observation: Observation) -> str:
        if not observation.has_face or observation.features or self.kind == "look":
            return ""
        return NO_FEATURES


def _wants(data: Mapping) -> tuple[tuple[str, float], ...]:
    wants = {data["feature"]: data.get("full_at", 0.6)} if "feature" in data else dict(data.get("want", {}))
    _known(wants)
    return tuple((name, _number(value, f"full_at of {name}", 0.05, 1.0)) for name, value in wants.items())


def _known(names, also: tuple[str, ...] = ()) -> None:
    unknown = sorted(set(names) - set(FEATURES) - set(also))
    if unknown:
        raise ConfigError(f"unknown features in a target: {unknown}", hint=f"use names from {list(FEATURES + also)}")


def _number(value, what: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigError(f"a feature target's {what} is {value!r}", hint=f"use a number from {low:g} to {high:g}")
    return float(value)


def _pose(angle: str, bounds: Mapping) -> PoseBound:
    if angle not in POSE or not isinstance(bounds, Mapping) or set(bounds) - {"min_abs", "max_abs"}:
        hint = f'write {{"roll": {{"min_abs": 3, "max_abs": 15}}}}, angles from {POSE}'
        raise ConfigError(f"a look's pose {angle!r}: {bounds!r}", hint=hint)
    low = _number(bounds.get("min_abs", 0.0), f"{angle} min_abs", 0.0, 90.0)
    high = _number(bounds.get("max_abs", 90.0), f"{angle} max_abs", low, 90.0)
    return PoseBound(angle, low, high)


def _describe_calm(calm: tuple[tuple[str, float], ...], wanted: tuple[str, ...]) -> str:
    """ "the rest calm" only when every other feature is calm at the default tolerance; otherwise each
    by name, with its own tolerance when it has one ("eye narrow up to 0.35")."""
    others = {name for name in FEATURES if name not in wanted}
    if {name for name, _ in calm} >= others and all(tolerance == DEFAULT_TOLERANCE for _, tolerance in calm):
        return "the rest calm"
    own = {name: f" up to {tolerance:g}" for name, tolerance in calm if tolerance != DEFAULT_TOLERANCE}
    return "calm " + ", ".join(title(name) + own.get(name, "") for name, _ in calm)


def _describe_pose(bound: PoseBound) -> str:
    if bound.min_abs > 0:
        return f"{bound.angle} {bound.min_abs:g}-{bound.max_abs:g}°"
    return f"{bound.angle} within {bound.max_abs:g}°"
