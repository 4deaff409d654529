from coach_fakes import face

from appliance.coach.catalogue import load_catalogue
from appliance.coach.tips import KNOWN_CONDITIONS, TipContext, choose_tip

TIPS = load_catalogue().tips


def tip(drill_id, smoothed, earlier=None, match=20.0, met=False):
    drill = load_catalogue().drill(drill_id)
    context = TipContext(drill.id, drill.kind, drill.labels[0], smoothed, earlier or {}, match, met)
    return choose_tip(TIPS, context)


def test_a_neutral_face_asked_for_happiness_is_told_to_lift_the_mouth_to_the_eyes():
    assert tip("happiness", face(neutral=0.8, happiness=0.1).smoothed) == (
        "Lift the corners of your mouth and let it reach your eyes."
    )


def test_fear_rising_during_surprise_softens_the_mouth():
    earlier = face(surprise=0.5, fear=0.1).smoothed
    now = face(surprise=0.4, fear=0.35).smoothed
    assert tip("surprise", now, earlier) == "Soften the mouth, just let the jaw drop."
    # fear that is present but not growing does not trigger it
    assert tip("surprise", now, now) != "Soften the mouth, just let the jaw drop."


def test_a_met_target_says_hold_it_unless_it_is_strained():
    assert "Hold it steady" in tip("anger", face(anger=0.8, neutral=0.1).smoothed, match=95, met=True)
    assert "ease off" in tip("anger", face(anger=0.99, neutral=0.0).smoothed, match=100, met=True)


def test_kindly_confident_too_big_a_smile_is_told_to_ease_off():
    assert tip("kindly_confident", face(happiness=0.9).smoothed).startswith("A little less")


def test_serious_look_that_reads_angry():
    assert tip("serious_look", face(anger=0.6, neutral=0.3).smoothed).startswith("Serious, not cross")


def test_every_tip_uses_known_conditions_and_there_is_a_fallback():
    for item in TIPS:
        assert set(item.when) <= set(KNOWN_CONDITIONS), item
    assert TIPS[-1].when == {}
    assert tip("disgust", face(sadness=0.5, neutral=0.4).smoothed, match=45) != ""


def test_no_face_no_tip():
    assert tip("happiness", {}) == ""


def feature_tip(drill_id, lagging="", **features):
    from coach_fakes import features_face

    drill = load_catalogue().drill(drill_id)
    seen = features_face(**features)
    reading = drill.target.reading(seen)
    match = drill.target.match(seen, 0.8)
    context = TipContext(drill.id, drill.kind, drill.labels[0], seen.smoothed, {}, match, match >= 60, reading,
                         dict(seen.features), lagging)  # fmt: skip
    return choose_tip(TIPS, context)


def test_feature_tips_name_the_place_that_should_stay_still():
    assert feature_tip("eyebrows_up", brow_raise=0.6, jaw_drop=0.5) == "Only the brows: keep your jaw still."
    assert feature_tip("smize", eye_narrow=0.5, smile=0.5) == "Only the eyes: keep your mouth still."
    assert feature_tip("jaw_drop", jaw_drop=0.1) == "Let the jaw hang lower, lips loose."


def test_looks_say_what_the_head_should_do():
    assert feature_tip("contemplative_look") == "Tilt your head a little, as if listening to an idea."
    assert feature_tip("serious_look", pose={"yaw": 15.0, "pitch": 0.0, "roll": 0.0}).startswith("Eyes level")


def test_a_lagging_corner_is_named_when_known():
    assert feature_tip("cheeky_smile", "right", smile=0.3, asymmetry=0.5) == (
        "The right corner lags: lift both corners evenly."
    )
