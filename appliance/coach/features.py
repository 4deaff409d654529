"""Reading the named features for the coach: reach, isolation, head pose, a lagging mouth corner.

The features themselves come from the vision package (``Observation.features``: 0 at the
neutral face, 1 a strong deliberate movement).  Here they are judged against what a drill
wants; every function is pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from appliance.coach.recipes import CUE_LEVEL, cue_value
from appliance.vision.features import FEATURES, corner_smiles, is_geometry

ISOLATION_SPAN = 0.35  # a calm feature this far over its tolerance leaves no isolation at all
POSE_SPAN_DEG = 10.0  # a pose this many degrees outside its bounds leaves no pose fit at all
NEAR_FULL = 0.9  # a wanted feature at 90% of its full_at is there; below, it is "missing"
LAG_SHARE = 0.8  # one corner moving less than 80% of the other lags
# A face narrower than this (pixels of the frame vision reads) is read from too few pixels: the
# demo clip's faces scaled down read a smile's movement at 0.95 of its size at 71 pixels, 0.88 at
# 51, 0.70 at 36 (docs/features.md).  The calibration refuses such a resting face; drills say
# "come closer".
MIN_FACE_WIDTH = 64.0

# Where each feature sits, for tips in words ("only the brows: keep your mouth still").
PARTS = {
    "brow_raise": "brows",
    "brow_lower": "brows",
    "eye_widen": "eyes",
    "eye_narrow": "eyes",
    "nose_wrinkle": "nose",
    "smile": "mouth",
    "mouth_corners_down": "mouth",
    "lip_stretch": "lips",
    "lip_press": "lips",
    "lip_pucker": "lips",
    "jaw_drop": "jaw",
    "asymmetry": "mouth",
    "both_corners": "mouth",  # a derived cue (coach.recipes): the smile the lesser corner shares
}


# A part inside another: "only the lips: keep your mouth still" contradicts itself as much as
# "only the brows: keep your brows still" would.
PART_WITHIN = {"lips": "mouth"}


def same_part(feature: str, other: str) -> bool:
    """Whether two features move the same part of the face (the lips count as the mouth)."""
    first, second = PARTS.get(feature, "face"), PARTS.get(other, "face")
    return PART_WITHIN.get(first, first) == PART_WITHIN.get(second, second)


def title(feature: str) -> str:
    """``brow_raise`` -> "brow raise"."""
    return feature.replace("_", " ")


@dataclass(frozen=True)
class PoseBound:
    """A limit on one pose angle, on its absolute value: ``min_abs <= |angle| <= max_abs``."""

    angle: str  # "yaw" | "pitch" | "roll"
    min_abs: float = 0.0
    max_abs: float = 180.0

    def fit(self, pose: Mapping[str, float]) -> float:
        """1 inside the bounds, falling to 0 over ``POSE_SPAN_DEG`` outside them."""
        value = abs(float(pose.get(self.angle, 0.0)))
        outside = max(self.min_abs - value, value - self.max_abs, 0.0)
        return max(0.0, 1.0 - outside / POSE_SPAN_DEG)

    def problem(self, pose: Mapping[str, float]) -> str:
        """ "" inside the bounds; else e.g. "roll_more" (tilt more) or "yaw_less" (turn back)."""
        value = abs(float(pose.get(self.angle, 0.0)))
        if value < self.min_abs:
            return f"{self.angle}_more"
        if value > self.max_abs:
            return f"{self.angle}_less"
        return ""


@dataclass(frozen=True)
class FeatureReading:
    """How a face stands against a feature target, for the meter, the tips and the result."""

    feature: str  # the target's main feature ("" for a look that wants none)
    amplitude: float  # that feature's value now, 0-1
    full_at: float  # the amplitude that counts as full
    reach: float  # 0-1: the weakest wanted feature's share of its full_at
    isolation: float  # 0-1: 1 while every calm feature stays within its tolerance
    pose_fit: float  # 0-1
    missing: str = ""  # the wanted feature furthest from full ("" when all are there)
    loud: str = ""  # the calm feature furthest over its tolerance ("" when all are calm)
    pose_off: str = ""  # e.g. "roll_more", "yaw_less" ("" when the pose fits)

    @property
    def costs_most(self) -> str:
        """What lowers the match most: "loud" (a calm feature moving), "missing" (a wanted one short) or
        "pose" ("" when nothing does).  Ties go to the face before the head: a broad smile on the serious
        look is what to name even when the head is turned too, since turning back would not lift the match."""
        costs = {"loud": self.isolation, "missing": self.reach, "pose": self.pose_fit}
        cause = min(costs, key=costs.__getitem__)  # the first of equals, in the order above
        return cause if costs[cause] < 1.0 else ""


def moved(features: Mapping[str, float], name: str) -> bool:
    """Whether a feature has moved at all: at the level the expression reading counts a cue as shown."""
    return float(features.get(name, 0.0)) >= CUE_LEVEL


def reach(features: Mapping[str, float], wants: tuple[tuple[str, float], ...]) -> tuple[float, str]:
    """The weakest wanted feature's share of its full_at (1 with nothing wanted), and the one missing.

    Missing is a wanted feature short of ``NEAR_FULL``: one that has not moved at all before one that
    moved but not far enough (a tip may then say the moving one is there), the weakest share first.
    """
    if not wants:
        return 1.0, ""
    shares = {name: min(1.0, max(0.0, float(features.get(name, 0.0))) / full_at) for name, full_at in wants}
    short = [name for name, share in shares.items() if share < NEAR_FULL]
    unmoved = [name for name in short if not moved(features, name)]
    return min(shares.values()), min(unmoved or short, key=shares.__getitem__, default="")


def isolation(features: Mapping[str, float], calm: tuple[tuple[str, float], ...]) -> tuple[float, str]:
    """1 minus the largest excess of a calm feature over its tolerance (over ``ISOLATION_SPAN``), and which.

    A calm name may be a derived cue too: ``both_corners`` calm keeps the lesser mouth corner near rest.
    """
    excess, loud = 0.0, ""
    for name, tolerance in calm:
        over = cue_value(features, name) - tolerance
        if over > excess:
            excess, loud = over, name
    return max(0.0, 1.0 - excess / ISOLATION_SPAN), loud


def calm_list(spec, wanted: tuple[str, ...], tolerance: float) -> tuple[tuple[str, float], ...]:
    """``"others"``, a list of names (each at ``tolerance``) or {name: tolerance}, as (name, tolerance) pairs."""
    if spec == "others":
        return tuple((name, tolerance) for name in FEATURES if name not in wanted)
    if isinstance(spec, Mapping):
        return tuple((name, float(value)) for name, value in spec.items())
    return tuple((name, tolerance) for name in spec)


def lagging_side(geometry: Mapping[str, float], neutral: Mapping[str, float] | None) -> str:
    """Which mouth corner moved less from the neutral face: "left", "right", or "" when unknown.

    Each corner's smile movement comes from the vision package's geometry (the person's left and
    right).  Without a personal neutral face the sides carry the face's own shape, not a movement,
    so the side is unknown and the tip says "one corner".
    """
    if not neutral or not is_geometry(geometry) or not is_geometry(neutral):
        return ""
    right, left = corner_smiles(geometry, neutral)
    if max(right, left) <= 0:  # neither corner moved up: nothing lags
        return ""
    if left < LAG_SHARE * right:
        return "left"
    if right < LAG_SHARE * left:
        return "right"
    return ""
