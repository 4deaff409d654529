"""What each expression drill asks the face to do: its recipe of cues, as the drill's instructions say.

The coach judges an expression drill by the cues its own instructions ask for, besides the reading:
anger, disgust and sadness all lower the brows, and a reading that cannot tell them apart must not
praise the wrong one.  Each recipe follows the facial action coding system (fear = brows raised and
drawn together + eyes widened + lips stretched; surprise = the same brows and eyes with the jaw
dropped and no stretch; ...), over the named features of ``vision.features``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from appliance.vision.features import FEATURES, SCALES

CUE_LEVEL = 0.2
"""A feature at or above this has moved (a cue is present); below it, it is missing."""

FLOOR = 0.02  # a feature at rest still counts a little, so one absent cue weakens, not vetoes

# How much of `smile` one unit of `asymmetry` accounts for: smile is the corners' mean movement over
# its scale, asymmetry their difference over its own, so the lesser corner's movement in smile
# units is smile - ASYMMETRY_IN_SMILE * asymmetry.
ASYMMETRY_IN_SMILE = SCALES["asymmetry"] / (2 * SCALES["smile"]) if SCALES else 0.0


def both_corners(features: Mapping[str, float]) -> float:
    """The smile both mouth corners share (the lesser corner's lift, in smile units, 0-1): happiness
    lifts both corners, contempt one, and ``asymmetry`` alone cannot tell a broad uneven smile from
    a small one-sided pull."""
    return max(0.0, cue_value(features, "smile") - ASYMMETRY_IN_SMILE * cue_value(features, "asymmetry"))


# Cues the recipes name besides the features: (the feature a tip names for it, how it is read).
DERIVED_CUES = {"both_corners": ("smile", both_corners)}


@dataclass(frozen=True)
class Recipe:
    """An expression as movements of the named features.

    ``cues`` must all move; a cue that is a tuple of names is the strongest of them (anger's brows
    come with pressed lips, a hard stare or a glare: any one will do).  ``against`` must stay still
    (surprise drops the jaw but does not stretch the lips).
    """

    expression: str
    cues: tuple[str | tuple[str, ...], ...]
    against: tuple[str, ...] = ()

    def shown(self, features: Mapping[str, float], level: float = CUE_LEVEL) -> float:
        """0-1: how much of the recipe the face shows.  Each cue counts up to ``level`` and no further
        (a cue at the level is shown), the cues' geometric mean (one absent cue weakens all), lowered
        by the strongest movement against it."""
        logs = [math.log(max(min(cue_value(features, cue) / level, 1.0), FLOOR)) for cue in self.cues]
        together = (math.exp(sum(logs) / len(logs)) - FLOOR) / (1.0 - FLOOR)
        against = max((cue_value(features, name) for name in self.against), default=0.0)
        return max(0.0, together * (1.0 - max(0.0, against - CUE_LEVEL) / (1.0 - CUE_LEVEL)))


RECIPES: dict[str, Recipe] = {
    r.expression: r
    for r in (
        Recipe("happiness", cues=("both_corners",), against=("mouth_corners_down",)),
        Recipe("surprise", cues=("brow_raise", "eye_widen", "jaw_drop"), against=("lip_stretch", "brow_lower")),
        Recipe("sadness", cues=("mouth_corners_down",), against=("smile",)),
        Recipe("anger", cues=("brow_lower", ("lip_press", "eye_narrow", "eye_widen")), against=("brow_raise", "smile")),
        Recipe("disgust", cues=("nose_wrinkle",), against=("smile", "brow_raise")),
        Recipe("fear", cues=("brow_raise", "brow_lower", "eye_widen", "lip_stretch"), against=("smile",)),
        Recipe("contempt", cues=("asymmetry",), against=("jaw_drop", "both_corners")),
    )
}
"""Neutral has no recipe: it is what is left when nothing moves."""


def missing_cues(expression: str, features: Mapping[str, float], level: float = CUE_LEVEL) -> list[str]:
    """The cues of ``expression``'s recipe that have not moved enough, in the recipe's order.

    ``missing_cues("fear", features) -> ["lip_stretch"]`` when the brows and eyes are right but the
    lips are not stretched.  Neutral (and an unknown label) has no cues: [].
    """
    recipe = RECIPES.get(expression)
    if recipe is None:
        return []
    return [shown_cue(cue) for cue in recipe.cues if cue_value(features, cue) < level]


def interfering_cues(expression: str, features: Mapping[str, float], level: float = CUE_LEVEL) -> list[str]:
    """Features that move but should stay still for ``expression`` (for neutral: every moving feature)."""
    recipe = RECIPES.get(expression)
    names = recipe.against if recipe is not None else FEATURES if expression == "neutral" else ()
    return [shown_cue(name) for name in names if cue_value(features, name) >= level]


def cue_value(features: Mapping[str, float], cue: str | tuple[str, ...]) -> float:
    """A cue's value, 0-1: a feature's, a derived cue's, or the strongest of a tuple's."""
    if isinstance(cue, tuple):
        return max(cue_value(features, name) for name in cue)
    if cue in DERIVED_CUES:
        return DERIVED_CUES[cue][1](features)
    return min(1.0, max(0.0, float(features.get(cue, 0.0))))


def shown_cue(cue: str | tuple[str, ...]) -> str:
    """The feature a tip names for a recipe's cue: a derived cue's feature, a tuple's first."""
    if isinstance(cue, tuple):
        return shown_cue(cue[0])
    return DERIVED_CUES[cue][0] if cue in DERIVED_CUES else cue
