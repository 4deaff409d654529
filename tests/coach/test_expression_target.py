"""An expression drill judged by the reading and by the cues its own instructions ask for."""

import pytest

from appliance.coach.expression_target import ExpressionTarget
from appliance.coach.targets import target_from_data
from appliance.errors import ConfigError
from tests.coach.coach_fakes import face, features_face

FULL_AT = 0.8
ANGER = {"brow_lower": 0.7, "lip_press": 0.6}
DISGUST = {"brow_lower": 0.4, "nose_wrinkle": 0.7}
SADNESS = {"brow_lower": 0.3, "mouth_corners_down": 0.7}


def reading_says(label: str, probability: float = 0.8) -> dict:
    return {label: probability} | {other: (1 - probability) / 7 for other in
                                   ("neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear",
                                    "contempt") if other != label}  # fmt: skip


@pytest.mark.parametrize(
    ("asked", "made"),
    [("anger", DISGUST), ("anger", SADNESS), ("disgust", ANGER), ("disgust", SADNESS), ("sadness", ANGER),
     ("sadness", DISGUST)],
)  # fmt: skip
def test_a_reading_that_takes_one_lowered_brow_for_another_does_not_pass_the_wrong_expression(asked, made):
    target = ExpressionTarget(asked)
    fooled = features_face(smoothed=reading_says(asked), **made)  # the reading is sure, the cues are not there
    assert target.match(fooled, FULL_AT) < 60


@pytest.mark.parametrize(("asked", "made"), [("anger", ANGER), ("disgust", DISGUST), ("sadness", SADNESS)])
def test_the_cues_asked_for_and_a_reading_that_sees_some_of_it_pass(asked, made):
    target = ExpressionTarget(asked)
    assert target.match(features_face(smoothed=reading_says(asked), **made), FULL_AT) == pytest.approx(100)
    assert target.match(features_face(smoothed=reading_says(asked, 0.4), **made), FULL_AT) >= 60
    # every cue, but the reading sees none of it: not met either
    assert target.match(features_face(smoothed=reading_says("neutral", 0.9), **made), FULL_AT) < 60


def test_without_a_personal_neutral_or_landmarks_the_reading_alone_judges():
    target = ExpressionTarget("anger")
    assert target.match(face(anger=0.4), FULL_AT) == pytest.approx(50)
    population = features_face(neutral="population", smoothed=reading_says("anger", 0.4))
    assert target.match(population, FULL_AT) == pytest.approx(50)  # a face's own shape shows cues it is not making
    assert target.match(features_face(smoothed={}), FULL_AT) is None


def test_neutral_has_no_recipe_and_is_judged_by_the_reading():
    assert ExpressionTarget("neutral").match(features_face(smoothed=reading_says("neutral", 0.8)), FULL_AT) == 100


def test_the_catalogue_form():
    target = target_from_data({"type": "expression", "label": "fear"})
    assert target == ExpressionTarget("fear") and target.labels == ("fear",) and target.describe() == "fear"
    assert target.as_data() == {"type": "expression", "label": "fear"}
    with pytest.raises(ConfigError, match="label"):
        target_from_data({"type": "expression", "label": "smirk"})
