"""Feature drills on a fake clock: amplitude, hold and isolation make the score; tips and hints from features."""

import pytest
from coach_fakes import face, features_face
from test_coach import start_drill

from appliance.coach.events import AttemptFinished
from appliance.coach.feature_targets import FEATURES_OUT_OF_VIEW
from appliance.coach.render import NEUTRAL_HINT
from appliance.coach.view import Screen
from appliance.messages import Command
from appliance.vision.features import POPULATION_NEUTRAL

BROWS_UP = features_face(brow_raise=0.6)  # eyebrows_up: full amplitude, everything else calm
BROWS_HALF = features_face(brow_raise=0.45)  # 75% of full
BROWS_AND_SMILE = features_face(brow_raise=0.6, smile=0.325)  # full amplitude, half isolation
REST = features_face()


def finished(driver) -> AttemptFinished:
    return next(event for event in driver.coach.drain_events() if isinstance(event, AttemptFinished))


def test_a_full_isolated_hold_scores_100_and_stores_isolation_and_amplitude():
    driver = start_drill("eyebrows_up")
    driver.show(2.0, REST)  # countdown
    view = driver.show(1.0, BROWS_UP)
    assert view.live.feature == "brow_raise" and view.live.amplitude == pytest.approx(0.6)
    assert view.live.full_at == 0.6 and view.live.isolation == 1.0 and view.live.is_met
    view = driver.show(2.1, BROWS_UP)
    assert view.screen is Screen.RESULT and view.result.score == 100 and view.result.isolation == 100
    event = finished(driver)
    assert event.isolation == 100 and event.amplitude == pytest.approx(0.6)


def test_the_drill_screen_says_the_target_in_plain_words_not_the_catalogue_spec():
    driver = start_drill("eyebrows_up")
    assert driver.coach.view.drill.target_text == "brows up, the rest still"  # prepare
    driver.show(2.0, REST)
    assert driver.show(0.5, BROWS_UP).drill.target_text == "brows up, the rest still"  # drill


def test_isolation_lowers_the_match_and_the_score():
    driver = start_drill("eyebrows_up")
    driver.show(2.0, REST)
    view = driver.show(0.5, BROWS_AND_SMILE)
    assert view.live.match == 50 and not view.live.is_met  # under the threshold of 60: no hold
    assert view.live.tip == "Only the brows: keep your mouth still."
    driver.press(Command.NEXT)  # skip
    event = finished(driver)
    assert event.isolation == 50 and event.outcome == "skipped"


def test_a_weaker_hold_scores_by_the_formula():
    driver = start_drill("eyebrows_up")
    driver.show(2.0, REST)
    view = driver.show(3.1, BROWS_HALF)  # match 75, held the full 3 s
    assert view.screen is Screen.RESULT and view.result.score == 75 and view.result.best_match == 75


def test_losing_isolation_breaks_the_hold():
    driver = start_drill("eyebrows_up")
    driver.show(2.0, REST)
    driver.show(2.0, BROWS_UP)
    view = driver.show(0.3, features_face(brow_raise=0.6, jaw_drop=0.6))
    assert view.live.held_s == 0.0 and not view.live.is_met
    assert driver.show(2.5, BROWS_UP).screen is Screen.DRILL  # 2.5 s again is not 3 s


def test_without_landmarks_the_hold_and_the_timer_wait_the_mirror_says_why_then_skips():
    driver = start_drill("eyebrows_up")
    driver.show(2.0, face(neutral=0.9))
    view = driver.show(7.5, face(neutral=0.9))
    assert view.screen is Screen.DRILL and view.live.has_face and view.live.match == 0
    assert "cannot read its features" in view.live.tip
    assert driver.coach.attempt.face_s == 0.0  # the perform limit does not run
    view = driver.show(0.6, face(neutral=0.9))
    assert view.screen is Screen.RESULT and view.result.outcome == "skipped"
    assert view.result.reason == "I can see your face but cannot read its features (no landmarks): skipped, not scored."
    assert finished(driver).outcome == "skipped"


def test_a_face_turned_away_on_a_device_that_reads_landmarks_waits_and_says_to_face_the_mirror():
    driver = start_drill("eyebrows_up")
    driver.show(2.0, REST)  # landmarks read this run
    driver.show(1.0, BROWS_UP)
    driver.show(0.5, face(neutral=0.9))  # turned away: a face, no landmarks
    held = driver.coach.attempt.held_s
    view = driver.show(20.0, face(neutral=0.9))  # far past the limit that skips a drill on a device without them
    assert view.screen is Screen.DRILL and view.live.tip == FEATURES_OUT_OF_VIEW
    assert driver.coach.attempt.held_s == held  # the hold waits where it was
    view = driver.show(2.1, BROWS_UP)  # facing the mirror again: the hold carries on to the result
    assert view.screen is Screen.RESULT and view.result.score == 100


def test_features_read_against_an_average_face_say_so_on_the_drill_screen():
    driver = start_drill("eyebrows_up")
    driver.show(2.0, REST)
    assert driver.show(0.5, features_face(brow_raise=0.3, neutral="population")).live.neutral_hint == NEUTRAL_HINT
    assert driver.show(0.5, features_face(brow_raise=0.3)).live.neutral_hint == ""


def test_the_genuine_smile_says_the_eyes_are_missing():
    driver = start_drill("genuine_smile")
    driver.show(2.0, REST)
    view = driver.show(0.5, REST)  # nothing moved: neither part is there, and the tip says so
    assert view.live.tip.startswith("Corners of the mouth up, and let the smile reach your eyes")
    view = driver.show(0.5, features_face(smile=0.7, smoothed={"happiness": 0.9, "neutral": 0.1}))
    assert view.live.tip.startswith("Let it reach your eyes")
    view = driver.show(0.5, features_face(eye_narrow=0.5, smoothed={"neutral": 0.9, "happiness": 0.1}))
    assert view.live.tip.startswith("Your eyes smile; now the mouth")


def test_a_lagging_corner_is_named_against_the_personal_neutral():
    driver = start_drill("cheeky_smile")
    neutral = dict(POPULATION_NEUTRAL)
    driver.coach.set_personal_neutral(neutral, "2026-11-01")
    driver.show(2.0, REST)
    lopsided = dict(neutral, corner_r_y=neutral["corner_r_y"] - 0.05)  # the right corner lifted, the left did not
    view = driver.show(0.5, features_face(smile=0.3, asymmetry=0.5, geometry=lopsided))
    assert view.live.tip == "The left corner lags: lift both corners evenly."
    mirrored = dict(neutral, corner_l_y=neutral["corner_l_y"] - 0.05)
    view = driver.show(0.5, features_face(smile=0.3, asymmetry=0.5, geometry=mirrored))
    assert view.live.tip == "The right corner lags: lift both corners evenly."


def test_without_a_personal_neutral_one_corner_lags():
    driver = start_drill("cheeky_smile")
    driver.show(2.0, REST)
    view = driver.show(0.5, features_face(smile=0.3, asymmetry=0.5))
    assert view.live.tip == "One corner lags: lift both corners evenly."


def test_range_of_motion_is_the_best_held_value_against_the_personal_neutral_only():
    driver = start_drill("eyebrows_up")
    driver.show(2.0, REST)
    driver.show(0.1, features_face(brow_raise=0.9))  # one frame: not held, not a record
    driver.show(1.0, BROWS_HALF)
    driver.show(1.0, features_face(brow_raise=0.8, neutral="population"))  # another reference: not counted
    driver.press(Command.NEXT)
    best = dict(finished(driver).feature_best)
    assert best == {"brow_raise": pytest.approx(0.45)}


def test_an_expression_drill_with_landmarks_names_the_missing_cue_on_the_mirror():
    driver = start_drill("fear")
    wide_eyed = face(surprise=0.6, neutral=0.3).smoothed  # the model reads surprise: fear is not reached
    driver.show(2.0, features_face(smoothed=wide_eyed))  # countdown
    view = driver.show(1.0, features_face(smoothed=wide_eyed, brow_raise=0.5, brow_lower=0.3, eye_widen=0.6))
    assert view.screen is Screen.DRILL and not view.live.is_met
    assert view.live.tip == "Stretch your lips back toward your ears."
    view = driver.show(1.0, face(surprise=0.6, neutral=0.3))  # no landmarks: the model's reading alone
    assert view.live.tip.startswith("Draw the brows together as they rise")


def level_head(yaw=0.0, pitch=0.0, roll=0.0):
    return {"yaw": yaw, "pitch": pitch, "roll": roll}


@pytest.mark.parametrize(
    ("drill_id", "off", "fits", "tip"),
    [
        ("contemplative_look", level_head(), level_head(roll=-8.0), "Tilt your head a little"),
        ("serious_look", level_head(yaw=12.0), level_head(yaw=5.0), "Eyes level with the camera"),
        ("serious_look", level_head(pitch=-12.0), level_head(pitch=3.0), "Eyes level with the camera"),
    ],
)
def test_a_look_is_not_met_while_its_pose_is_outside_its_bounds(drill_id, off, fits, tip):
    calm = {"neutral": 0.9, "sadness": 0.02, "anger": 0.02}  # a resting face: the rest of the look is there
    driver = start_drill(drill_id)
    driver.show(2.0, features_face(pose=off, smoothed=calm))
    view = driver.show(6.0, features_face(pose=off, smoothed=calm))  # longer than the 4 s hold
    assert view.screen is Screen.DRILL and not view.live.is_met and view.live.held_s == 0.0
    assert view.live.match >= view.live.threshold  # the match still shows how near the rest of the look is
    assert view.live.tip.startswith(tip)
    view = driver.show(4.1, features_face(pose=fits, smoothed=calm))
    assert view.screen is Screen.RESULT and view.result.outcome == "completed"


def test_every_drill_counts_toward_range_of_motion_not_only_the_feature_drills():
    driver = start_drill("surprise")  # an expression drill: the progress screen says "practise any drill"
    driver.show(2.0, REST)
    driver.show(1.0, features_face(brow_raise=0.5, jaw_drop=0.4))
    driver.press(Command.NEXT)
    assert dict(finished(driver).feature_best) == {"brow_raise": pytest.approx(0.5), "jaw_drop": pytest.approx(0.4)}
