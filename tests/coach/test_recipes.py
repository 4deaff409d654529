"""The recipes the expression drills' instructions ask for: cues missing, cues against, how much is shown."""

import pytest

from appliance.coach.recipes import (
    CUE_LEVEL,
    DERIVED_CUES,
    RECIPES,
    both_corners,
    interfering_cues,
    missing_cues,
)
from appliance.vision.classifier import EXPRESSIONS
from appliance.vision.features import FEATURES, SCALES


def face(**moved):
    """A feature vector: everything at the neutral face except what is named."""
    assert set(moved) <= set(FEATURES)
    return {name: float(moved.get(name, 0.0)) for name in FEATURES}


FEAR = face(brow_raise=0.7, brow_lower=0.6, eye_widen=0.7, lip_stretch=0.7, jaw_drop=0.3)
SURPRISE = face(brow_raise=0.7, eye_widen=0.7, jaw_drop=0.7)
# Three expressions that all lower the brows: what tells them apart is what else moves.
ANGER = face(brow_lower=0.7, lip_press=0.6, eye_narrow=0.4)
DISGUST = face(brow_lower=0.4, nose_wrinkle=0.7)
SADNESS = face(brow_lower=0.3, mouth_corners_down=0.7)


def test_missing_cues_name_the_cue_of_the_target_that_has_not_moved():
    assert missing_cues("fear", {**FEAR, "lip_stretch": 0.05}) == ["lip_stretch"]
    assert missing_cues("fear", FEAR) == []
    assert missing_cues("anger", face()) == ["brow_lower", "lip_press"]  # lips, stare or glare: the lips named
    assert missing_cues("anger", face(brow_lower=0.6, eye_widen=0.6)) == []  # a glare will do
    assert missing_cues("happiness", face(smile=0.3, asymmetry=1.0)) == ["smile"]  # one corner is not a smile
    assert missing_cues("neutral", FEAR) == [] and missing_cues("not an expression", FEAR) == []


@pytest.mark.parametrize(
    ("asked", "shown", "missing"),
    [
        ("anger", DISGUST, ["lip_press"]),  # brows down and a wrinkled nose: no pressed lips, no stare
        ("anger", SADNESS, ["lip_press"]),
        ("disgust", ANGER, ["nose_wrinkle"]),
        ("disgust", SADNESS, ["nose_wrinkle"]),
        ("sadness", ANGER, ["mouth_corners_down"]),
        ("sadness", DISGUST, ["mouth_corners_down"]),
        ("fear", SURPRISE, ["brow_lower", "lip_stretch"]),
        ("surprise", FEAR, []),
    ],
)
def test_a_confusable_expression_misses_the_cue_the_instructions_ask_for(asked, shown, missing):
    assert missing_cues(asked, shown) == missing
    assert RECIPES[asked].shown(shown) < 0.5 or asked == "surprise"


@pytest.mark.parametrize(("asked", "shown"), [("anger", ANGER), ("disgust", DISGUST), ("sadness", SADNESS),
                                              ("fear", FEAR), ("surprise", SURPRISE)])  # fmt: skip
def test_each_recipe_is_shown_in_full_by_its_own_expression(asked, shown):
    assert RECIPES[asked].shown(shown) == pytest.approx(1.0)


def test_a_movement_against_the_recipe_takes_from_what_is_shown():
    assert interfering_cues("surprise", FEAR) == ["lip_stretch", "brow_lower"]
    assert RECIPES["surprise"].shown(FEAR) < 0.5
    assert interfering_cues("neutral", face(smile=0.5)) == ["smile"]


def test_a_cue_counts_in_full_once_it_reaches_the_cue_level():
    at_level = face(nose_wrinkle=CUE_LEVEL)
    assert RECIPES["disgust"].shown(at_level) == pytest.approx(1.0)
    assert 0 < RECIPES["disgust"].shown(face(nose_wrinkle=CUE_LEVEL / 2)) < 1


def test_every_recipe_uses_only_named_features_and_derived_cues():
    for recipe in RECIPES.values():
        names = {n for cue in recipe.cues for n in (cue if isinstance(cue, tuple) else (cue,))}
        assert names | set(recipe.against) <= set(FEATURES) | set(DERIVED_CUES)
        assert recipe.expression in EXPRESSIONS


def test_both_corners_is_the_lesser_corners_smile():
    assert both_corners(face(smile=0.5)) == pytest.approx(0.5)
    one_side = 0.04  # one corner up by this, the other still: smile is half of it, asymmetry all of it
    lopsided = face(smile=one_side / 2 / SCALES["smile"], asymmetry=one_side / SCALES["asymmetry"])
    assert both_corners(lopsided) == pytest.approx(0.0, abs=1e-9)
