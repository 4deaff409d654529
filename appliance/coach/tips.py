"""Choosing the tip to show from what the camera sees (the rules are data in tips.json)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from appliance.coach.catalogue import Tip
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


def _rising(context: TipContext, label: str) -> bool:
    now = float(context.smoothed.get(label, 0.0))
    before = float(context.earlier.get(label, now)) if context.earlier else now
    return now >= RISING_MIN and now - before >= RISING_BY


def _holds(condition: str, wanted, context: TipContext) -> bool:
    probability = context.smoothed.get
    checks = {
        "target": lambda: context.target_label == wanted,
        "drills": lambda: context.drill_id in wanted,
        "kinds": lambda: context.kind in wanted,
        "met": lambda: context.met == wanted,
        "dominant": lambda: dominant(context.smoothed) == wanted,
        "not_dominant": lambda: dominant(context.smoothed) != wanted,
        "rising": lambda: _rising(context, wanted),
        "above": lambda: all(float(probability(k, 0.0)) > v for k, v in wanted.items()),
        "below": lambda: all(float(probability(k, 0.0)) < v for k, v in wanted.items()),
        "match_below": lambda: context.match < wanted,
        "match_above": lambda: context.match > wanted,
        "intensity_above": lambda: intensity(context.smoothed) > wanted,
        "intensity_below": lambda: intensity(context.smoothed) < wanted,
    }
    if condition not in checks:
        return False  # an unknown condition never matches, so a newer tips file cannot crash an older coach
    return checks[condition]()


def choose_tip(tips: Sequence[Tip], context: TipContext) -> str:
    """The first tip whose conditions all hold ("" when none does or there is no face)."""
    if not context.smoothed:
        return ""
    for tip in tips:
        if all(_holds(name, wanted, context) for name, wanted in tip.when.items() if name != "comment"):
            return tip.text
    return ""


KNOWN_CONDITIONS = (
    "target", "drills", "kinds", "met", "dominant", "not_dominant", "rising", "above", "below",
    "match_below", "match_above", "intensity_above", "intensity_below",
)  # fmt: skip
