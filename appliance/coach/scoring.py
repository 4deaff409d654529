"""Reading an observation, and the score of an attempt.

The live match (0-100) comes from the drill's target (see ``targets.py``).
The attempt's score, documented here because the user sees it every day::

    score = 0.5 * best_match + 0.5 * hold_quality
    hold_quality = mean match during the longest continuous hold * min(1, held / required)

So a drill held to the end at a steady 80 scores 80 with a best of 80; a face
that touched 70 but never held scores about 35.  A role-play's score is the
mean of its steps' scores, each step's score being its mean match.
"""

from __future__ import annotations

from collections.abc import Mapping

from appliance.messages import Observation
from appliance.vision.classifier import EXPRESSIONS


def dominant(smoothed: Mapping[str, float]) -> str:
    """The most probable label ("" for an empty map); ties go to the model's order."""
    if not smoothed:
        return ""
    return max(EXPRESSIONS, key=lambda label: (float(smoothed.get(label, 0.0)), -EXPRESSIONS.index(label)))


def intensity(smoothed: Mapping[str, float]) -> float:
    """0-1: how far from a resting face (1 minus the neutral probability)."""
    if not smoothed:
        return 0.0
    return max(0.0, min(1.0, 1.0 - float(smoothed.get("neutral", 0.0))))


def strongest_expression(smoothed: Mapping[str, float]) -> tuple[str, float]:
    """The most probable non-neutral label and its probability."""
    labels = [label for label in EXPRESSIONS if label != "neutral"]
    label = max(labels, key=lambda name: float(smoothed.get(name, 0.0)))
    return label, float(smoothed.get(label, 0.0))


def is_relaxed(observation: Observation, neutral_min: float) -> bool | None:
    """During a break: neutral dominant and sure enough.  None when there is no face to judge."""
    if not observation.has_face or not observation.smoothed:
        return None
    smoothed = observation.smoothed
    return dominant(smoothed) == "neutral" and float(smoothed.get("neutral", 0.0)) >= neutral_min


def tension(smoothed: Mapping[str, float]) -> str:
    """During a break: the expression a face that is not relaxed still shows, or "" when neutral leads
    but is not sure enough (telling a face it "still shows neutral" would call rest a tension)."""
    label = dominant(smoothed)
    return "" if label == "neutral" else label


def attempt_score(best_match: float, hold_mean_match: float, held_s: float, required_s: float) -> int:
    """The formula in this module's docstring, rounded to an int 0-100."""
    fraction = min(1.0, held_s / required_s) if required_s > 0 else 1.0
    score = 0.5 * best_match + 0.5 * hold_mean_match * fraction
    return int(round(max(0.0, min(100.0, score))))


def roleplay_score(step_scores: list[int]) -> int:
    return int(round(sum(step_scores) / len(step_scores))) if step_scores else 0


def probabilities_in_order(smoothed: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple((label, round(float(smoothed.get(label, 0.0)), 4)) for label in EXPRESSIONS) if smoothed else ()
