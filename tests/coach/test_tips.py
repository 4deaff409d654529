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
    # with landmarks the coach reads the lips for itself, and names them only when they do stretch
    cues = {"brow_raise": 0.5, "eye_widen": 0.5, "jaw_drop": 0.5}
    assert expression_tip("surprise", now, earlier=earlier, **cues, lip_stretch=0.4).startswith("Keep your lips still")
    assert not expression_tip("surprise", now, earlier=earlier, **cues).startswith("Keep your lips still")


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


def test_a_restless_feature_in_the_same_part_is_named_as_the_opposing_movement():
    together = feature_tip("eyebrows_up", brow_raise=0.6, brow_lower=0.5)
    assert together == "Raise the brows without drawing them together."
    assert feature_tip("cheeky_smile", smile=0.6, mouth_corners_down=0.5) == "Lift the corners; do not pull them down."
    assert feature_tip("lips_pursed", lip_pucker=0.6, smile=0.5) == "Push the lips forward without smiling."


def test_a_one_sided_smile_with_both_corners_up_is_told_to_rest_the_other():
    assert feature_tip("one_sided_smile", smile=0.6, asymmetry=0.6) == (
        "Let the other corner rest: lift one side of the mouth only."
    )


def test_no_isolation_tip_asks_to_keep_still_the_part_that_should_move():
    from appliance.coach.features import PARTS, same_part
    from appliance.vision.features import FEATURES

    generic = next(t.text for t in TIPS if t.when.get("loud") == "any" and t.when.get("kinds") == ["feature"])
    for drill in load_catalogue().drills:
        if drill.kind != "feature":
            continue
        main = drill.target.wants[0][0]
        full = {name: full_at for name, full_at in drill.target.wants}
        for loud, _ in drill.target.calm:
            if loud not in FEATURES:
                continue  # a derived cue cannot be set on its own
            text = feature_tip(drill.id, **full, **{loud: 0.5})
            if same_part(main, loud):
                own = [t.text for t in TIPS if drill.id in t.when.get("drills", ()) and t.when.get("loud") == loud]
                assert own and text == own[0], (drill.id, loud, text)
            else:
                assert text == generic.format(part=PARTS[main], loud_part=PARTS[loud]), (drill.id, loud, text)


GENUINE_BOTH = "Corners of the mouth up, and let the smile reach your eyes until they crease."
GENUINE_EYES = "Let it reach your eyes: lift the cheeks until the eyes crease, the corners staying up."
GENUINE_MOUTH = "Your eyes smile; now the mouth too: corners up and out."


def test_the_genuine_smile_names_what_is_missing_mouth_eyes_or_both():
    assert feature_tip("genuine_smile") == GENUINE_BOTH  # a resting face
    assert feature_tip("genuine_smile", smile=0.05) == GENUINE_BOTH  # a flicker is not a mouth that is there
    assert feature_tip("genuine_smile", eye_narrow=0.05) == GENUINE_BOTH
    assert feature_tip("genuine_smile", smile=0.3) == GENUINE_EYES
    assert feature_tip("genuine_smile", eye_narrow=0.3) == GENUINE_MOUTH
    # the mouth half way (its share 0.5) but the eyes not moved at all (share 0.54): the eyes are missing
    assert feature_tip("genuine_smile", smile=0.25, eye_narrow=0.19) == GENUINE_EYES


def test_a_genuine_smile_tip_says_a_part_is_there_only_when_it_has_moved():
    from appliance.coach.recipes import CUE_LEVEL

    steps = [round(0.025 * i, 3) for i in range(25)]
    for smile in steps:
        for eyes in steps:
            text = feature_tip("genuine_smile", smile=smile, eye_narrow=eyes)
            assert text in (GENUINE_BOTH, GENUINE_EYES, GENUINE_MOUTH) or text.startswith("That's it"), (smile, eyes)
            assert (text == GENUINE_EYES) <= (smile >= CUE_LEVEL), (smile, eyes)  # "the corners staying up"
            assert (text == GENUINE_MOUTH) <= (eyes >= CUE_LEVEL), (smile, eyes)  # "your eyes smile"
            assert (text == GENUINE_BOTH) == (smile < CUE_LEVEL and eyes < CUE_LEVEL), (smile, eyes)


def test_a_look_spoilt_by_a_restless_feature_is_told_which_not_to_make_it_bigger():
    from appliance.vision.features import FEATURES

    # Every look's wanted features at their targets, one feature it wants calm moving hard: the tip
    # names what to let rest, never the generic "make it bigger" or "a little more".
    generic = {t.text for t in TIPS if set(t.when) <= {"match_below", "match_above", "met"}}
    for drill in load_catalogue().drills:
        target = drill.target
        if getattr(target, "kind", "") != "look":
            continue
        for loud, _ in target.calm:
            if loud not in FEATURES:
                continue
            text = feature_tip(drill.id, **{**dict(target.wants), loud: 0.7})
            assert text not in generic and not text.startswith("That's it"), (drill.id, loud, text)


def test_looks_say_what_the_head_should_do():
    assert feature_tip("contemplative_look") == "Tilt your head a little, as if listening to an idea."
    assert feature_tip("serious_look", pose={"yaw": 15.0, "pitch": 0.0, "roll": 0.0}).startswith("Eyes level")


def test_a_smile_that_zeroes_a_look_is_named_before_the_head():
    turned = {"yaw": 12.0, "pitch": 0.0, "roll": 0.0}  # 4 degrees outside the serious look's bounds
    assert feature_tip("serious_look", pose=turned, smile=0.7).startswith("Let the smile go")
    assert feature_tip("contemplative_look", smile=0.7).startswith("Let the smile go")  # untilted too
    assert feature_tip("contemplative_look", brow_raise=0.7).startswith("Softer: let your brows relax")


def test_a_look_names_the_head_when_it_costs_more_than_a_restless_feature():
    turned = {"yaw": 15.0, "pitch": 0.0, "roll": 0.0}  # pose fit 0.3
    assert feature_tip("serious_look", pose=turned, smile=0.2).startswith("Eyes level")  # isolation 0.86
    assert feature_tip("contemplative_look", smile=0.25).startswith("Tilt your head")  # isolation 0.86 > 0.6


def test_a_lagging_corner_is_named_when_known():
    assert feature_tip("cheeky_smile", "right", smile=0.3, asymmetry=0.5) == (
        "The right corner lags: lift both corners evenly."
    )


def expression_tip(drill_id, smoothed=None, met=False, earlier=None, **features):
    """An expression drill's tip with landmarks: the reading ``smoothed`` (``earlier`` a second ago), the
    named features."""
    from coach_fakes import features_face

    drill = load_catalogue().drill(drill_id)
    seen = features_face(smoothed=smoothed, **features)
    context = TipContext(
        drill.id, drill.kind, drill.labels[0], seen.smoothed, earlier or {}, 40.0, met, None, dict(seen.features)
    )
    return choose_tip(TIPS, context)


def test_expression_tips_name_the_cue_the_landmarks_miss():
    assert expression_tip("fear", brow_raise=0.5, brow_lower=0.4, eye_widen=0.6) == (
        "Stretch your lips back toward your ears."
    )
    assert expression_tip("anger", eye_narrow=0.5, lip_press=0.5) == "Pull your brows down and together."
    assert expression_tip("anger", brow_lower=0.5) == "Press your lips firmly together."
    assert expression_tip("anger", brow_lower=0.5, eye_widen=0.5) != "Press your lips firmly together."  # a glare
    assert expression_tip("surprise", brow_raise=0.6, eye_widen=0.6) == "Let your jaw drop, the mouth loose and open."
    assert expression_tip("disgust").startswith("Wrinkle your nose")
    assert expression_tip("contempt", smile=0.3).startswith("Tighten one corner")
    assert expression_tip("sadness", brow_raise=0.3) == "Let the corners of your mouth sink down."
    assert expression_tip("happiness", eye_narrow=0.4).startswith("Lift the corners of your mouth up and out")


def test_every_expression_drill_has_a_tip_for_each_cue_it_can_miss():
    from appliance.coach.recipes import RECIPES, shown_cue

    for label, prototype in RECIPES.items():
        for cue in prototype.cues:
            present = {shown_cue(other): 0.6 for other in prototype.cues if other != cue}
            text = expression_tip(label, **present)
            named = shown_cue(cue)
            wanted = [t.text for t in TIPS if t.when.get("missing_cue") == named and t.when.get("target") == label]
            assert wanted and text == wanted[0], (label, cue)


def test_without_landmarks_or_once_met_the_cues_give_way():
    # no landmarks: the model's reading alone, as before
    assert tip("fear", face(surprise=0.6, neutral=0.2).smoothed).startswith("Draw the brows together as they rise")
    # every cue there, but the reading not yet convinced: the coach does not ask for what is there
    cues = {"brow_raise": 0.5, "brow_lower": 0.4, "eye_widen": 0.6, "lip_stretch": 0.5}
    surprised = face(surprise=0.6, neutral=0.2).smoothed
    assert expression_tip("fear", surprised, **cues) == "Every part is there: now make it a little stronger."
    # a movement the recipe wants still is named before that
    against = expression_tip("fear", surprised, **cues, smile=0.5)
    assert against == "Keep your mouth still: it pulls against this one."
    assert "Hold it steady" in expression_tip("fear", face(fear=0.6, neutral=0.3).smoothed, met=True)
    # a look or a feature drill is not an expression drill: its own tips stay
    assert feature_tip("jaw_drop", jaw_drop=0.1) == "Let the jaw hang lower, lips loose."


def test_the_tips_stay_free_of_models_camera_and_ui():
    import subprocess
    import sys

    code = (
        "import sys, appliance.coach.tips, appliance.coach.coach;"
        "print(sorted(m for m in ('ai_edge_litert', 'tflite_runtime', 'kivy', 'cv2', 'picamera2') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_condition_this_coach_does_not_know_never_matches():
    from appliance.coach.catalogue import Tip

    tips = [Tip("from a newer tips file", {"moon_phase": "full"}), Tip("fallback", {})]
    context = TipContext("fear", "expression", "fear", face(fear=0.3).smoothed, {}, 20.0, False)
    assert choose_tip(tips, context) == "fallback"


def test_a_face_too_far_away_is_asked_to_come_closer_before_any_correction():
    from coach_fakes import features_face

    drill = load_catalogue().drill("eyebrows_up")

    def tip_at(width, met=False):
        seen = features_face(box=(300, 200, width, width), brow_raise=0.1)
        context = TipContext(drill.id, drill.kind, drill.labels[0], seen.smoothed, {}, 30.0, met,
                             drill.target.reading(seen), dict(seen.features), "", float(width))  # fmt: skip
        return choose_tip(TIPS, context)

    assert tip_at(50) == "Come a little closer: from this far, small movements read smaller."
    assert tip_at(64) != tip_at(50) and "closer" not in tip_at(64)  # near enough: the usual correction
    assert "Hold it steady" in tip_at(50, met=True)  # a target met from afar is still praised
    unknown = TipContext(drill.id, drill.kind, drill.labels[0], {"neutral": 1.0}, {}, 30.0, False)
    assert "closer" not in choose_tip(TIPS, unknown)  # no width known: no claim about distance


def test_the_live_drill_measures_the_face_s_width_for_the_tip():
    from coach_fakes import choose_drill, features_face, make_driver

    driver = make_driver()
    choose_drill(driver, "eyebrows_up")
    far = features_face(box=(300, 200, 50, 50), brow_raise=0.1)
    view = driver.until(lambda v: v.live is not None and v.live.tip != "", far, limit=30)
    assert view.live.tip.startswith("Come a little closer")
