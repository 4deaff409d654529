"""The mirror's reading of an expression: appearance judged on its own evidence, fused with geometry.

Three steps, all plain numpy and small enough to explain to a user:

1. **Priors.**  The expression model's output carries the class frequencies it was trained on
   (FER+ Training: neutral and happiness are half of its faces, contempt 2%), plus the extra
   logits its calibration gave contempt and disgust.  At the mirror the person is asked for
   every expression in turn, so the reading divides that prior out (``on_own_evidence``) --
   tempered by ``PRIOR_POWER``, chosen on FER+ PublicTest, because a face at rest is still far
   more common at a mirror than a face of contempt.
2. **Geometry.**  Each expression's facial-action prototype (fear = brows raised *and* drawn
   together + eyes widened + lips stretched; surprise = the same brows and eyes with the jaw
   dropped and *no* stretch; anger = brows down with pressed lips, a hard stare or a glare;
   happiness = both corners up, contempt = one; ...) is scored on the named features of the
   landmarks, relative to a neutral face (the person's own when known, the population's
   otherwise).  What a prototype's strength goes beyond a resting face's (``REST``), times its
   gain (``GAINS_BY_NEUTRAL``), is log-evidence added to the appearance log-probabilities.
   Which cue of a prototype is missing (``missing_cues``) or should stay still
   (``interfering_cues``) is what the coach's tips can say.
3. **The person's own resting face.**  With a personal neutral, the model's output is judged
   against its output on that resting face too (``personal_appearance``).

The constants come from ``python -m appliance.vision.reading_fit`` (FER+ Training for the prior,
PublicTest for the power, the rest zones against the population, the typical resting face and
the gain; the fixture photos for the landmarks' jitter; never PrivateTest, never the London set).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from appliance.vision.classifier import EXPRESSIONS, softmax
from appliance.vision.features import FEATURES, SCALES, SMILE_THRESHOLD

# The prior the shipped expression model's output carries, in EXPRESSIONS order: the crowd's
# votes on FER+ Training averaged under the training recipe's row sampling (each row drawn with
# probability count(its majority label) ** -0.3), times exp(the calibration's extra logit:
# contempt +1.05, disgust +0.60, models/MODEL_CARD.md), renormalised.  Dividing by the votes
# alone would count those boosts twice.  Recomputed by appliance.vision.reading_fit.
TRAINING_PRIOR = (0.261, 0.2232, 0.1275, 0.1422, 0.0946, 0.0402, 0.047, 0.0643)

PRIOR_POWER = 0.3
"""How much of the training prior the reading divides out: 0 keeps the model's own, 1 judges
every class on its evidence alone.  Chosen on PublicTest (see reading_fit)."""

# The expression model's median log-probabilities on the faces every voter called neutral (FER+
# PublicTest, 298 faces, each probability floored at FLOOR_PROBABILITY): how a face at rest reads,
# and so what a person's own resting face is mapped onto (personal_appearance).  The first fit
# took the mean over every face the majority called neutral (-0.568, ..., sadness -2.443): with
# the prior divided out a calibrated resting face then read neutral 0.68, sad 0.13, less neutral
# than the same face without calibration.  Now 0.81.  From reading_fit (``typical_rest``).
TYPICAL_REST = (-0.22, -4.402, -5.34, -2.841, -4.835, -5.292, -5.545, -3.036)
FLOOR_PROBABILITY = 1 / 256  # below it a probability is not measured: the int8 logits' step makes it noise

CUE_LEVEL = 0.2
"""A feature at or above this has moved (a cue is present); below it, it is missing."""

FLOOR = 0.02  # a feature at rest still counts a little, so one absent cue weakens, not vetoes

# How much of `smile` one unit of `asymmetry` accounts for: smile is the corners' mean movement over
# its scale, asymmetry their difference over its own, so the lesser corner's movement in smile
# units is smile - ASYMMETRY_IN_SMILE * asymmetry.
ASYMMETRY_IN_SMILE = SCALES["asymmetry"] / (2 * SCALES["smile"]) if SCALES else 0.0


def both_corners(features: Mapping[str, float]) -> float:
    """The smile both mouth corners share (the lesser corner's lift, in smile units, 0-1).

    Happiness smiles with both corners, a little unevenly (FACS AU12 on both sides); contempt
    pulls one (AU12/14 on one side).  ``asymmetry`` alone cannot tell them apart: a broad smile a
    quarter stronger on one side moves it as much as a small one-sided pull.
    """
    return max(0.0, cue_value(features, "smile") - ASYMMETRY_IN_SMILE * cue_value(features, "asymmetry"))


# Cues the prototypes name besides the features: (the feature a tip names for it, how it is read).
DERIVED_CUES = {"both_corners": ("smile", both_corners)}


@dataclass(frozen=True)
class Prototype:
    """An expression as movements of the named features (after the facial action coding system).

    ``cues`` must all move; a cue that is a tuple of names is the strongest of them (anger's
    brows come with pressed lips, a hard stare or a glare: any one will do).  ``support`` makes
    the expression more convincing but is not needed; ``against`` must stay still (surprise drops
    the jaw but does not stretch the lips).  Besides the features, a cue may be one of
    ``DERIVED_CUES``.
    """

    expression: str
    cues: tuple[str | tuple[str, ...], ...]
    support: tuple[str, ...] = ()
    against: tuple[str, ...] = ()

    def strength(self, features: Mapping[str, float]) -> float:
        """0 (nothing of it) to 1 (every cue at full strength, nothing against).

        The cues' geometric mean (all of them together, a soft AND; 0 when none moved), raised by
        up to half by the supporting cues and lowered by the strongest cue against it.  Plain
        Python: on a dozen numbers numpy's overhead would cost a millisecond a frame.
        """
        logs = [math.log(max(cue_value(features, name), FLOOR)) for name in self.cues]
        together = (math.exp(sum(logs) / len(logs)) - FLOOR) / (1.0 - FLOOR)
        support = sum(cue_value(features, name) for name in self.support) / len(self.support) if self.support else 0.0
        against = max((cue_value(features, name) for name in self.against), default=0.0)
        return min(1.0, together * (1.0 + 0.5 * support)) * (1.0 - against)


PROTOTYPES: dict[str, Prototype] = {
    p.expression: p
    for p in (
        Prototype("happiness", cues=("both_corners",), support=("eye_narrow",), against=("mouth_corners_down",)),
        Prototype(
            "surprise", cues=("brow_raise", "eye_widen", "jaw_drop"), against=("lip_stretch", "brow_lower", "smile")
        ),
        Prototype("sadness", cues=("mouth_corners_down",), support=("brow_raise",), against=("smile",)),
        Prototype(
            "anger", cues=("brow_lower", ("lip_press", "eye_narrow", "eye_widen")), against=("brow_raise", "smile")
        ),
        Prototype("disgust", cues=("nose_wrinkle",), support=("brow_lower",), against=("smile", "brow_raise")),
        Prototype("fear", cues=("brow_raise", "brow_lower", "eye_widen", "lip_stretch"), against=("smile",)),
        Prototype("contempt", cues=("asymmetry",), against=("jaw_drop", "both_corners")),
    )
}
"""Neutral has no prototype: it is what is left when nothing moves."""

# What a face at rest shows of each prototype (its strength's 90th percentile when nothing moved),
# by the neutral the features are relative to.  "population": faces the crowd called neutral on
# FER+ PublicTest against the population neutral -- a stranger's face differs from the average
# face by its own shape (the mouth corners fill sadness's whole range: 1.0, never evidence;
# asymmetry nearly all of contempt's, and a frown with any change at the eyes most of anger's).
# "personal": faces against themselves photographed again (the fixture photos, each face brought
# to 120-240 pixels as at the mirror's camera, then shifted, scaled, tilted and noised a little;
# each read as a still photo is, from several framings): the landmarks' own jitter, mostly at the
# mouth corners.  From reading_fit.
REST = {
    "population": {
        "happiness": 0.254,
        "surprise": 0.196,
        "sadness": 1.0,
        "anger": 0.682,
        "disgust": 0.718,
        "fear": 0.09,
        "contempt": 0.928,
    },
    "personal": {
        "happiness": 0.031,
        "surprise": 0.132,
        "sadness": 0.318,
        "anger": 0.174,
        "disgust": 0.101,
        "fear": 0.041,
        "contempt": 0.282,
    },
}

# Log-evidence per unit of prototype strength beyond rest, by expression, against the population
# neutral: the largest common gain that keeps PublicTest accuracy and balanced accuracy within
# 0.01 of the reading without geometry (reading_fit).  Against a personal neutral they are
# multiplied by how much narrower its rest zones are (``personal_gains``).
GAINS = dict.fromkeys(("happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt"), 3.0)


def personal_gains(gains: Mapping[str, float] = GAINS, rest: Mapping[str, Mapping[str, float]] = REST) -> dict:
    """The gains against a person's own neutral face: ``gains`` times how many times narrower the
    rest zone is there (the median over the prototypes whose population rest zone is not the
    whole range), so a prototype's strength counts the same per rest zone's width of excess.

    Why: PublicTest (web photos, strangers against the average face) can only say how much weight
    geometry can have without harm when a resting face already departs a lot from the neutral it
    is read against.  Against one's own resting face the jitter is several times smaller, and the
    same movement is that much stronger evidence; one common factor, not one per prototype, so a
    prototype whose rest zone is narrow by chance is not made to shout.
    """
    population, personal = rest.get("population", {}), rest.get("personal", {})
    ratios = [
        population[label] / personal[label]
        for label in PROTOTYPES
        if 0 < population.get(label, 1.0) < 1.0 and personal.get(label, 0.0) > 0
    ]
    factor = max(1.0, float(np.median(ratios))) if ratios else 1.0
    return {label: round(float(gain) * factor, 3) for label, gain in gains.items()}


def on_own_evidence(probabilities, prior=TRAINING_PRIOR, power: float = PRIOR_POWER) -> np.ndarray:
    """``probabilities / prior ** power``, renormalised (EXPRESSIONS order).

    With power 1, a face that gives the model no evidence (its output equals the prior) reads
    uniform: every expression is judged on its own evidence.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    log = np.log(np.maximum(p, 1e-6)) - power * np.log(np.asarray(prior, dtype=np.float64))
    return softmax(log)


def prototype_strengths(features: Mapping[str, float] | None) -> np.ndarray:
    """Each expression's prototype strength, 0-1 (EXPRESSIONS order; neutral 0); zeros without features."""
    strengths = np.zeros(len(EXPRESSIONS))
    if features:
        for i, label in enumerate(EXPRESSIONS):
            if label in PROTOTYPES:
                strengths[i] = PROTOTYPES[label].strength(features)
    return strengths


def gain_vector(gains: Mapping[str, float] = GAINS) -> np.ndarray:
    return np.array([float(gains.get(label, 0.0)) for label in EXPRESSIONS])


def beyond_rest(strengths: np.ndarray, neutral: str = "population", rest_zones=None) -> np.ndarray:
    """How far each prototype strength goes beyond what a face at rest shows against that kind of
    neutral (``rest_zones``, default ``REST``; 0 within it).  Not rescaled: against a neutral that a
    resting face already departs from a lot, even a full prototype is weaker evidence."""
    zones = REST if rest_zones is None else rest_zones
    rest = np.array([zones.get(neutral, {}).get(label, 1.0) for label in EXPRESSIONS])
    return np.maximum(np.asarray(strengths) - rest, 0.0)


def geometry_evidence(
    features: Mapping[str, float] | None, neutral: str = "population", gains: Mapping[str, float] | None = None
) -> np.ndarray:
    """Log-evidence for each expression (EXPRESSIONS order) from the prototypes; zeros without features.

    ``neutral`` says what the features are relative to ("personal" or "population"): against a
    stranger's average face, a resting face already shows much more (its own shape), so less of
    a prototype counts as movement, and each unit of it counts for less (``GAINS_BY_NEUTRAL``,
    unless ``gains`` are given).
    """
    if gains is None:
        gains = GAINS_BY_NEUTRAL.get(neutral, GAINS)
    return beyond_rest(prototype_strengths(features), neutral) * gain_vector(gains)


def personal_appearance(appearance, resting=None) -> np.ndarray:
    """The model's probabilities relative to the person's own resting face.

    ``resting`` is the model's output on that person's neutral face.  Each log-probability moves
    by how far the resting face's departs from a typical resting face's (``TYPICAL_REST``): a
    person whose face at rest already reads a little sad needs more than that to read sad, and
    a subtle smile counts against a resting face the model reads as not smiling at all.  The
    person's neutral face itself then reads as a typical neutral face.  No parameter: the whole
    departure is removed.  Without ``resting``, the probabilities are returned as they are.

    With the prior divided out, a resting face read against itself shows neutral at 0.81 (the
    typical resting face's own reading), whoever the person is.
    """
    p = np.maximum(np.asarray(appearance, dtype=np.float64), FLOOR_PROBABILITY)
    if resting is None:
        return p / p.sum()
    bias = np.log(np.maximum(np.asarray(resting, dtype=np.float64), FLOOR_PROBABILITY)) - np.array(TYPICAL_REST)
    return softmax(np.log(p) - bias)


def fused(
    appearance,
    features: Mapping[str, float] | None = None,
    neutral: str = "population",
    *,
    resting=None,
    prior=TRAINING_PRIOR,
    power: float = PRIOR_POWER,
    gains: Mapping[str, float] | None = None,
) -> np.ndarray:
    """The mirror's reading (EXPRESSIONS order, sums to 1) from the model's probabilities and the
    features relative to a ``neutral`` face ("personal" or "population").  ``resting``, the model's
    output on the person's own neutral face when it is known, makes the appearance personal too.
    ``gains`` default to the neutral's own (``GAINS_BY_NEUTRAL``).

    Without features (no landmarks) it is the appearance judged on its own evidence.
    """
    if resting is not None:
        appearance = personal_appearance(appearance, resting)
    log = np.log(on_own_evidence(appearance, prior, power)) + geometry_evidence(features, neutral, gains)
    return softmax(log).astype(np.float32)


def explain(
    appearance, features: Mapping[str, float] | None = None, neutral: str = "population"
) -> dict[str, dict[str, float]]:
    """Per expression, where its reading came from: the appearance's log-evidence (prior divided
    out, relative to the mean over expressions) and the geometry's."""
    look = np.log(on_own_evidence(appearance))
    look -= look.mean()
    shape = geometry_evidence(features, neutral)
    return {
        label: {"appearance": round(float(look[i]), 3), "geometry": round(float(shape[i]), 3)}
        for i, label in enumerate(EXPRESSIONS)
    }


def missing_cues(expression: str, features: Mapping[str, float], level: float = CUE_LEVEL) -> list[str]:
    """The cues of ``expression``'s prototype that have not moved enough, in the prototype's order.

    ``missing_cues("fear", features) -> ["lip_stretch"]`` when the brows and eyes are right but the
    lips are not stretched.  Neutral (and an unknown label) has no cues: [].
    """
    prototype = PROTOTYPES.get(expression)
    if prototype is None:
        return []
    return [shown_cue(cue) for cue in prototype.cues if cue_value(features, cue) < level]


def interfering_cues(expression: str, features: Mapping[str, float], level: float = CUE_LEVEL) -> list[str]:
    """Features that move but should stay still for ``expression`` (for neutral: every moving feature)."""
    prototype = PROTOTYPES.get(expression)
    names = prototype.against if prototype is not None else FEATURES if expression == "neutral" else ()
    return [shown_cue(name) for name in names if cue_value(features, name) >= level]


def cue_value(features: Mapping[str, float], cue: str | tuple[str, ...]) -> float:
    """A cue's value, 0-1: a feature's, a derived cue's (``both_corners``: the lesser mouth corner's
    smile), or the strongest of a tuple's.  The coach's isolation reads calm cues with it too."""
    if isinstance(cue, tuple):
        return max(cue_value(features, name) for name in cue)
    if cue in DERIVED_CUES:
        return DERIVED_CUES[cue][1](features)
    return min(1.0, max(0.0, float(features.get(cue, 0.0))))


def shown_cue(cue: str | tuple[str, ...]) -> str:
    """The feature a tip names for a prototype's cue: a derived cue's feature, a tuple's first."""
    if isinstance(cue, tuple):
        return shown_cue(cue[0])
    return DERIVED_CUES[cue][0] if cue in DERIVED_CUES else cue


def subtle_smile_gain(
    rest: Mapping[str, Mapping[str, float]] = REST,
    typical_rest=TYPICAL_REST,
    prior=TRAINING_PRIOR,
    power: float = PRIOR_POWER,
) -> float:
    """The happiness gain against a person's own neutral face at which the typical subtle smile,
    on a face the model reads as the person's resting face, reads happiness as likely as neutral.

    Why: the smile's scale puts the typical subtle smile -- the median FER+ training face the crowd
    split between happiness and neutral, less the median face all called neutral -- at twice
    ``SMILE_THRESHOLD`` (features.py), and the crowd split those 772 faces evenly (median share
    0.5 each).  Against one's own resting face that movement is the person's, not their face's
    shape, so the geometry alone is given the crowd's verdict on it, even where the appearance
    model sees no change from rest (``TYPICAL_REST``, what ``personal_appearance`` makes of the
    resting face).  With the common factor of ``personal_gains`` alone (7.0) such a smile read
    neutral 0.70, happiness 0.15.  Computed from FER+ figures; nothing fitted, the London set
    not used.
    """
    features = dict.fromkeys(FEATURES, 0.0) | {"smile": 2 * SMILE_THRESHOLD}
    beyond = beyond_rest(prototype_strengths(features), "personal", rest)[EXPRESSIONS.index("happiness")]
    at_rest = np.log(on_own_evidence(softmax(np.asarray(typical_rest, dtype=np.float64)), prior, power))
    odds = at_rest[EXPRESSIONS.index("neutral")] - at_rest[EXPRESSIONS.index("happiness")]
    return round(float(odds / beyond), 3) if beyond > 0 else 0.0


def mirror_personal_gains(
    gains: Mapping[str, float] = GAINS,
    rest: Mapping[str, Mapping[str, float]] = REST,
    typical_rest=TYPICAL_REST,
    prior=TRAINING_PRIOR,
    power: float = PRIOR_POWER,
) -> dict[str, float]:
    """The gains the mirror uses against a personal neutral: ``personal_gains``' common factor,
    happiness's at least ``subtle_smile_gain``."""
    personal = personal_gains(gains, rest)
    if "happiness" in personal:
        personal["happiness"] = max(personal["happiness"], subtle_smile_gain(rest, typical_rest, prior, power))
    return personal


GAINS_BY_NEUTRAL = {"population": GAINS, "personal": mirror_personal_gains()}
"""The gains by what the features are relative to (``geometry_evidence``): against a personal
neutral the common factor's (``personal_gains``), happiness's at least ``subtle_smile_gain``."""
