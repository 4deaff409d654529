"""Feature and look targets: amplitude toward full_at, isolation, pose, and what they cannot judge."""

import pytest
from coach_fakes import face, features_face, no_face

from appliance.coach.catalogue import load_catalogue
from appliance.coach.feature_targets import NO_FEATURES, FeatureTarget
from appliance.coach.targets import target_from_data
from appliance.errors import ConfigError

BROWS = {"type": "features", "feature": "brow_raise", "full_at": 0.6, "calm": ["smile", "jaw_drop"]}


def test_the_match_is_the_amplitude_toward_full_at():
    target = target_from_data(BROWS)
    assert target.labels == ("brow_raise",)
    assert target.match(features_face(brow_raise=0.3), full_at=0.8) == pytest.approx(50.0)
    assert target.match(features_face(brow_raise=0.9), full_at=0.8) == 100.0
    reading = target.reading(features_face(brow_raise=0.3))
    assert (reading.feature, reading.amplitude, reading.missing) == ("brow_raise", 0.3, "brow_raise")


def test_a_calm_feature_over_its_tolerance_costs_isolation():
    target = target_from_data(BROWS)
    assert target.match(features_face(brow_raise=0.6, smile=0.15), full_at=0.8) == 100.0  # within tolerance
    # 0.35 over the tolerance leaves no isolation at all; halfway, half of it
    assert target.match(features_face(brow_raise=0.6, smile=0.325), full_at=0.8) == pytest.approx(50.0)
    assert target.match(features_face(brow_raise=0.6, jaw_drop=0.6), full_at=0.8) == 0.0
    reading = target.reading(features_face(brow_raise=0.6, smile=0.3, jaw_drop=0.2))
    assert reading.loud == "smile" and reading.isolation == pytest.approx(1 - 0.15 / 0.35)


def test_features_outside_the_calm_list_are_free():
    target = target_from_data(BROWS)  # eye_widen is not asked to stay calm: raising brows lifts the lids
    assert target.match(features_face(brow_raise=0.6, eye_widen=0.8), full_at=0.8) == 100.0


def test_others_means_every_feature_but_the_wanted_ones():
    target = target_from_data({"type": "features", "want": {"smile": 0.3, "asymmetry": 0.5}, "calm": "others"})
    assert {name for name, _ in target.calm} == {
        "brow_raise", "brow_lower", "eye_widen", "eye_narrow", "nose_wrinkle", "mouth_corners_down",
        "lip_stretch", "lip_press", "lip_pucker", "jaw_drop",
    }  # fmt: skip
    # both wanted: the weakest one sets the reach, and is the one missing
    reading = target.reading(features_face(smile=0.3, asymmetry=0.1))
    assert reading.reach == pytest.approx(0.2) and reading.missing == "asymmetry"


def test_a_wanted_feature_that_has_not_moved_is_missing_before_one_that_falls_short():
    target = load_catalogue().drill("genuine_smile").target  # smile full at 0.5, eye narrowing at 0.35
    # the smile moved (0.25, half of full) and the eyes did not (0.19, 54% of full): the eyes are missing
    half_smile = target.reading(features_face(smile=0.25, eye_narrow=0.19))
    assert half_smile.missing == "eye_narrow" and half_smile.reach == pytest.approx(0.5)
    # both moved: the weaker share is missing; neither moved: the weaker share too
    assert target.reading(features_face(smile=0.25, eye_narrow=0.3)).missing == "smile"
    assert target.reading(features_face(smile=0.1, eye_narrow=0.1)).missing == "smile"


def test_without_landmarks_a_feature_target_cannot_judge_and_says_why():
    target = target_from_data(BROWS)
    assert target.match(face(surprise=0.9), full_at=0.8) is None
    assert target.unreadable(face(surprise=0.9)) == NO_FEATURES
    assert target.match(no_face(), full_at=0.8) is None
    assert target.unreadable(no_face()) == ""  # no face is said elsewhere


def test_the_genuine_smile_needs_both_smile_and_eyes_and_says_which_is_missing():
    target = load_catalogue().drill("genuine_smile").target
    happy = {"happiness": 0.9, "neutral": 0.1}
    posed = target.reading(features_face(smile=0.7, smoothed=happy))
    assert posed.missing == "eye_narrow"
    eyes_only = target.reading(features_face(eye_narrow=0.5, smoothed=happy))
    assert eyes_only.missing == "smile"
    genuine = features_face(smile=0.6, eye_narrow=0.4, smoothed=happy)
    assert target.reading(genuine).missing == ""
    assert target.match(genuine, full_at=0.8) > 95
    assert target.match(features_face(smile=0.7, smoothed=happy), full_at=0.8) < 65  # under the drill's threshold


def test_the_serious_look_wants_eye_contact_and_a_calm_mouth():
    target = load_catalogue().drill("serious_look").target
    calm = {"neutral": 0.8, "anger": 0.2}
    assert target.match(features_face(smoothed=calm), full_at=0.8) == pytest.approx(100.0)
    turned = target.reading(features_face(pose={"yaw": 20.0, "pitch": 0.0, "roll": 0.0}, smoothed=calm))
    assert turned.pose_off == "yaw_less" and turned.pose_fit == pytest.approx(0.0)
    smiling = target.reading(features_face(smile=0.4, smoothed=calm))
    assert smiling.loud == "smile" and smiling.isolation < 0.4


def test_the_contemplative_look_wants_a_slight_tilt():
    target = load_catalogue().drill("contemplative_look").target
    level = target.reading(features_face())
    assert level.pose_off == "roll_more" and level.pose_fit == pytest.approx(0.6)
    tilted = target.reading(features_face(pose={"yaw": 0.0, "pitch": 0.0, "roll": -8.0}))
    assert tilted.pose_off == "" and tilted.pose_fit == 1.0


def smile_of_corners(greater: float, lesser: float) -> dict[str, float]:
    """The smile and asymmetry features of a mouth whose corners lift ``greater`` and ``lesser`` (smile units)."""
    from appliance.coach.recipes import ASYMMETRY_IN_SMILE

    return {"smile": (greater + lesser) / 2, "asymmetry": min(1.0, (greater - lesser) / (2 * ASYMMETRY_IN_SMILE))}


def test_the_one_sided_smile_wants_the_other_corner_at_rest():
    target = load_catalogue().drill("one_sided_smile").target
    one_sided = features_face(**smile_of_corners(0.6, 0.0))
    assert target.match(one_sided, full_at=0.8) >= 60
    # an ordinary smile, one corner a little higher: asymmetry and smile are both past their full_at
    uneven = features_face(**smile_of_corners(0.75, 0.45))
    assert uneven.features["asymmetry"] >= 0.5 and uneven.features["smile"] >= 0.3
    reading = target.reading(uneven)
    assert reading.reach == 1.0 and reading.loud == "both_corners"
    assert target.match(uneven, full_at=0.8) < 60


def test_only_a_calm_feature_may_be_a_derived_cue():
    assert {name for name, _ in target_from_data(BROWS | {"calm": ["both_corners"]}).calm} == {"both_corners"}
    with pytest.raises(ConfigError):
        target_from_data({"type": "features", "feature": "both_corners"})


def test_a_look_without_landmarks_falls_back_to_its_expression():
    target = load_catalogue().drill("genuine_smile").target
    assert target.match(face(happiness=0.8), full_at=0.8) == pytest.approx(100.0)
    assert target.unreadable(face(happiness=0.8)) == ""


def test_the_description_says_the_rest_calm_only_when_it_is():
    frown = load_catalogue().drill("frown_control").target  # tolerates eye narrowing 0.35 and the nose 0.3
    assert "the rest calm" not in frown.describe()
    assert "eye narrow up to 0.35" in frown.describe() and "nose wrinkle up to 0.3" in frown.describe()
    assert target_from_data({"type": "features", "feature": "smile", "calm": "others"}).describe() == (
        "smile 0.6; the rest calm"
    )


def test_every_catalogue_target_round_trips_through_as_data():
    for drill in load_catalogue().drills:
        for target in [drill.target] if drill.target else [step.target for step in drill.steps]:
            assert target_from_data(target.as_data()) == target, drill.id


@pytest.mark.parametrize(
    "data",
    [
        {"type": "features"},
        {"type": "features", "feature": "eyebrow"},
        {"type": "features", "feature": "smile", "full_at": 0},
        {"type": "features", "feature": "smile", "calm": ["grin"]},
        {"type": "features", "feature": "smile", "tolerance": "low"},
        {"type": "look", "pose": {"tilt": {"max_abs": 5}}},
        {"type": "look", "pose": {"roll": {"min_abs": 20, "max_abs": 10}}},
        {"type": "look", "calm": {}},
    ],
)
def test_bad_feature_targets_are_config_errors(data):
    with pytest.raises(ConfigError):
        FeatureTarget.from_data(data)
