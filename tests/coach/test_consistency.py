"""The consistency drill: "your anger, as last time", judged by closeness to the person's own best example."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from appliance.coach.consistency_target import NO_EXAMPLE, UNCALIBRATED, ConsistencyTarget
from appliance.coach.view import Screen
from appliance.errors import ConfigError
from appliance.vision.examples import BANDWIDTH, CLEAR_DEPARTURE, rest_inputs
from appliance.vision.reading import head
from tests.coach.coach_fakes import choose_drill, features_face, make_driver
from tests.coach.test_examples_kept import DIRECTION, REST, anger_face

OTHER = np.zeros(len(DIRECTION))
OTHER[:2] = [2**-0.5, -(2**-0.5)]  # another way of moving the face, at right angles to DIRECTION


def moved(t: float, vector, *, neutral: str = "personal"):
    return replace(features_face(t, neutral=neutral), reading_inputs=tuple((REST + vector).tolist()))


def calibrated_driver():
    driver = make_driver()
    driver.coach.set_personal_neutral({"brow_gap": 0.4}, "2026-12-01")
    return driver


def test_without_an_example_the_drill_says_so_at_once_and_is_not_scored():
    driver = calibrated_driver()
    view = choose_drill(driver, "anger_again")
    view = driver.until(lambda v: v.screen is Screen.RESULT, moved(0.0, DIRECTION * 4))
    assert view.result.outcome == "skipped" and view.result.reason == NO_EXAMPLE.format(label="anger")


def test_the_anger_kept_from_practice_is_the_standard_the_next_one_is_held_to():
    driver = calibrated_driver()
    choose_drill(driver, "anger")
    driver.until(lambda v: v.screen is Screen.RESULT, anger_face(0.0, moved=3 * CLEAR_DEPARTURE))
    assert set(driver.coach.best_examples) == {"anger"}
    driver.coach.end_session("done", go_home=True)
    choose_drill(driver, "anger_again")
    view = driver.until(lambda v: v.screen is Screen.DRILL, moved(0.0, DIRECTION * 3 * CLEAR_DEPARTURE))
    assert driver.coach.attempt.match == pytest.approx(100.0)  # the same face as at its best
    view = driver.until(lambda v: v.screen is Screen.RESULT, moved(0.0, DIRECTION * 3 * CLEAR_DEPARTURE))
    assert view.result.outcome == "completed"


def test_a_different_face_scores_low_and_a_near_one_high():
    target = ConsistencyTarget.from_data({"type": "consistency", "label": "anger"}).bound(DIRECTION * 4)
    same = target.match(moved(0.0, DIRECTION * 4), 0.6)
    near = target.match(moved(0.0, DIRECTION * 4 + OTHER * BANDWIDTH), 0.6)
    far = target.match(moved(0.0, OTHER * 4), 0.6)
    assert same == pytest.approx(100.0) and near == pytest.approx(100 * np.exp(-0.5)) and far < 10


def test_it_cannot_judge_without_the_persons_resting_face_and_says_why():
    target = ConsistencyTarget("anger").bound(DIRECTION * 4)
    face = moved(0.0, DIRECTION * 4, neutral="population")
    assert target.match(face, 0.6) is None and target.unreadable(face) == UNCALIBRATED
    no_geometry = replace(face, neutral="personal", reading_inputs=tuple(rest_inputs(head())[:8]))
    assert target.match(no_geometry, 0.6) is None and "features" in target.unreadable(no_geometry)


def test_neutral_has_no_example_to_be_consistent_with():
    with pytest.raises(ConfigError, match="consistency target"):
        ConsistencyTarget.from_data({"type": "consistency", "label": "neutral"})


def test_the_best_examples_loaded_keep_those_kept_this_run():
    driver = calibrated_driver()
    driver.coach.best_examples = {"anger": ((1.0,), 90)}
    driver.coach.set_best_examples({"anger": ([2.0], 95), "fear": ([3.0], 70)}, replace_all=False)
    assert driver.coach.best_examples == {"anger": ((1.0,), 90), "fear": ((3.0,), 70)}
    driver.coach.set_best_examples({})
    assert driver.coach.best_examples == {}
