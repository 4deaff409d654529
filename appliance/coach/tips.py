"""Choosing the tip to show from what the camera sees (the rules are data in tips.json)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from appliance.coach.catalogue import Tip
from appliance.coach.features import MIN_FACE_WIDTH, PARTS, FeatureReading, moved, same_part, title
from appliance.coach.recipes import RECIPES, interfering_cues, missing_cues
from appliance.coach.scoring import dominant, intensity

RISING_MIN = 0.2  # a label must be at least this probable to count as rising
RISING_BY = 0.05  # and have grown by at least this much over the window


@dataclass(frozen=True)
class TipContext:
    """Everything a tip condition may look at."""

    drill_id: str
    kind: str
    target_label: str  # the target's strongest label
    smoothed: Mapping[str, float]
    earlier: Mapping[str, float]  # smoothed probabilities about a second ago ({} if unknown)
    match: float
    met: bool
    reading: FeatureReading | None = None  # feature targets: the features behind the match
    features: Mapping[str, float] = field(default_factory=dict)  # the named features now ({} : not read)
    lagging: str = ""  # "left" | "right": the mouth corner that moved less ("" : unknown or even)
    face_width: float = 0.0  # the face box's width in the frame vision reads, pixels (0: unknown)


def _rising(context: TipContext, label: str) -> bool:
    now = float(context.smoothed.get(label, 0.0))
    before = float(context.earlier.get(label, now)) if context.earlier else now
    return now >= RISING_MIN and now - before >= RISING_BY


def _missing_cue(context: TipContext) -> str:
    """The first cue of the target expression's recipe that has not moved ("" without landmarks,
    for a target with no recipe, or when every cue is there)."""
    if not context.features:
        return ""
    return next(iter(missing_cues(context.target_label, context.features)), "")


def _cues_shown(context: TipContext) -> bool:
    """Every cue of the target expression's recipe has moved (False without landmarks or a recipe)."""
    return bool(context.features) and context.target_label in RECIPES and not _missing_cue(context)


def _against_cue(context: TipContext) -> str:
    """The first feature that moves though the target expression's recipe wants it still ("" : none)."""
    if not context.features or context.target_label not in RECIPES:
        return ""
    return next(iter(interfering_cues(context.target_label, context.features)), "")


def _is(value: str, wanted) -> bool:
    """A reading's name against a condition: a name, "any" (some name), or "" / false (none)."""
    if wanted == "any" or wanted is True:
        return bool(value)
    return value == (wanted or "")


def _checks(context: TipContext) -> dict[str, Callable[[Any], bool]]:
    """Each condition as a test of its wanted value; built once per choice, not once per condition."""
    probability = context.smoothed.get
    feature = context.features.get
    reading = context.reading
    return {
        "reads_features": lambda wanted: (reading is not None) == wanted,
        "missing": lambda wanted: reading is not None and _is(reading.missing, wanted),
        "loud": lambda wanted: reading is not None and _is(reading.loud, wanted),
        "pose_off": lambda wanted: reading is not None and _is(reading.pose_off, wanted),
        "costs_most": lambda wanted: reading is not None and _is(reading.costs_most, wanted),
        "loud_elsewhere": lambda wanted: (
            reading is not None and bool(reading.loud) and (not same_part(reading.feature, reading.loud)) == wanted
        ),
        "missing_cue": lambda wanted: _is(_missing_cue(context), wanted),
        "cues_shown": lambda wanted: _cues_shown(context) == wanted,
        "against_cue": lambda wanted: _is(_against_cue(context), wanted),
        "feature_above": lambda wanted: (
            bool(context.features) and all(float(feature(k, 0.0)) > v for k, v in wanted.items())
        ),
        "feature_below": lambda wanted: (
            bool(context.features) and all(float(feature(k, 0.0)) < v for k, v in wanted.items())
        ),
        "moved": lambda wanted: (
            bool(context.features) and all(moved(context.features, k) == bool(v) for k, v in wanted.items())
        ),
        "too_far": lambda wanted: (0 < context.face_width < MIN_FACE_WIDTH) == wanted,
        "target": lambda wanted: context.target_label == wanted,
        "drills": lambda wanted: context.drill_id in wanted,
        "kinds": lambda wanted: context.kind in wanted,
        "met": lambda wanted: context.met == wanted,
        "dominant": lambda wanted: dominant(context.smoothed) == wanted,
        "not_dominant": lambda wanted: dominant(context.smoothed) != wanted,
        "rising": lambda wanted: _rising(context, wanted),
        "above": lambda wanted: all(float(probability(k, 0.0)) > v for k, v in wanted.items()),
        "below": lambda wanted: all(float(probability(k, 0.0)) < v for k, v in wanted.items()),
        "match_below": lambda wanted: context.match < wanted,
        "match_above": lambda wanted: context.match > wanted,
        "intensity_above": lambda wanted: intensity(context.smoothed) > wanted,
        "intensity_below": lambda wanted: intensity(context.smoothed) < wanted,
    }


def _never(_wanted) -> bool:
    return False  # an unknown condition never matches, so a newer tips file cannot crash an older coach


class _Words(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _words(context: TipContext) -> _Words:
    """What a tip's {placeholders} say: {part} the target's, {loud_part} the restless feature's place,
    {missing} the wanted feature not there yet, {corner} "The left corner" or "One corner"."""
    reading = context.reading
    words = _Words(corner=f"The {context.lagging} corner" if context.lagging else "One corner")
    words["against_part"] = PARTS.get(_against_cue(context), "face")
    if reading is not None:
        words.update(part=PARTS.get(reading.feature, "face"), loud_part=PARTS.get(reading.loud, "face"),
                     loud=title(reading.loud), missing=title(reading.missing))  # fmt: skip
    return words


def choose_tip(tips: Sequence[Tip], context: TipContext) -> str:
    """The first tip whose conditions all hold ("" when none does or there is no face)."""
    if not context.smoothed and context.reading is None:
        return ""
    checks = _checks(context)
    for tip in tips:
        if all(checks.get(name, _never)(wanted) for name, wanted in tip.when.items() if name != "comment"):
            return tip.text.format_map(_words(context))
    return ""


KNOWN_CONDITIONS = (
    "target", "drills", "kinds", "met", "dominant", "not_dominant", "rising", "above", "below",
    "match_below", "match_above", "intensity_above", "intensity_below", "reads_features", "missing", "loud",
    "pose_off", "costs_most", "feature_above", "feature_below", "missing_cue", "moved", "loud_elsewhere",
    "too_far", "cues_shown", "against_cue",
)  # fmt: skip
