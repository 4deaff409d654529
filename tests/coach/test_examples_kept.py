"""Examples of the person's own expressions are kept from clear departures only, and the teach routine."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from appliance.coach.events import AttemptFinished, ExampleKept
from appliance.coach.examples import KEPT, REPLACED, TEACH_HOLD_S, TOO_SMALL, UNCALIBRATED
from appliance.coach.view import Screen
from appliance.messages import Command
from appliance.vision.examples import CLEAR_DEPARTURE, departure, reading_identity, rest_inputs
from appliance.vision.reading import head
from tests.coach.coach_fakes import choose_drill, features_face, make_driver

REST = rest_inputs(head())
DIRECTION = np.ones(len(REST)) / np.sqrt(len(REST))


def anger_face(t: float, *, moved: float, neutral: str = "personal"):
    """A face the drill passes (the reading and the recipe say anger) whose reading's inputs lie
    ``moved`` from the resting face's."""
    face = features_face(t, neutral=neutral, smoothed={"anger": 0.9, "neutral": 0.1}, brow_lower=0.6, lip_press=0.6)
    return replace(face, reading_inputs=tuple((REST + DIRECTION * moved).tolist()))


def perform_anger(moved: float, *, neutral: str = "personal", hard: bool = False):
    driver = make_driver(difficulty="hard" if hard else "normal")
    driver.coach.set_personal_neutral({"brow_gap": 0.4}, "2026-12-01")
    choose_drill(driver, "anger")
    face = anger_face(0.0, moved=moved, neutral=neutral)
    view = driver.until(lambda v: v.screen is Screen.RESULT, face)
    return driver, view, driver.coach.drain_events()


def test_a_clear_departure_from_rest_is_kept_as_the_persons_example():
    _driver, view, events = perform_anger(3 * CLEAR_DEPARTURE)
    (kept,) = [event for event in events if isinstance(event, ExampleKept)]
    assert kept.label == "anger" and kept.reading == reading_identity(head()) and not kept.replaces_earlier
    assert np.linalg.norm(kept.vector) == pytest.approx(3 * CLEAR_DEPARTURE, abs=1e-3)
    assert isinstance(events[events.index(kept) - 1], AttemptFinished)  # after the attempt it came from
    assert view.result.example == KEPT.format(label="anger")


def test_a_face_that_barely_left_rest_is_not_kept():
    _driver, view, events = perform_anger(0.8 * CLEAR_DEPARTURE)  # within a still face's jitter
    assert not [event for event in events if isinstance(event, ExampleKept)]
    assert view.result.example == TOO_SMALL


def test_without_a_personal_resting_face_nothing_is_kept():
    _driver, view, events = perform_anger(3 * CLEAR_DEPARTURE, neutral="population")
    assert not [event for event in events if isinstance(event, ExampleKept)]
    assert view.result.example == UNCALIBRATED


def test_a_feature_drill_keeps_no_example():
    driver = make_driver()
    driver.coach.set_personal_neutral({"brow_gap": 0.4}, "2026-12-01")
    choose_drill(driver, "eyebrows_up")
    face = replace(features_face(0.0, brow_raise=0.9), reading_inputs=tuple((REST + DIRECTION * 5).tolist()))
    view = driver.until(lambda v: v.screen is Screen.RESULT, face)
    assert not [event for event in driver.coach.drain_events() if isinstance(event, ExampleKept)]
    assert view.result.example == ""


def test_the_teach_routine_asks_each_expression_once_holds_3_s_and_a_redo_replaces_the_example():
    driver = make_driver(difficulty="hard")  # hard holds longer; teaching holds 3 s for everyone
    driver.coach.set_personal_neutral({"brow_gap": 0.4}, "2026-12-01")
    plan = driver.coach.plan_for("teach")
    assert [item.partition(":")[2] for item in plan.items] == [
        "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt"
    ]  # fmt: skip
    assert "teach" in [item.key for item in driver.coach.view.menu]
    driver.coach.start_plan(plan)
    driver.coach.session.index = plan.items.index("drill:anger")
    driver.coach.start_item()
    face = anger_face(0.0, moved=3 * CLEAR_DEPARTURE)
    view = driver.until(lambda v: v.screen is Screen.DRILL, face)
    assert driver.coach.attempt.hold_required_s == TEACH_HOLD_S
    view = driver.until(lambda v: v.screen is Screen.RESULT, face)
    assert view.result.example == REPLACED.format(label="anger")
    first = [event for event in driver.coach.drain_events() if isinstance(event, ExampleKept)]
    driver.press(Command.PREVIOUS)  # redo it
    driver.until(lambda v: v.screen is Screen.RESULT, anger_face(0.0, moved=4 * CLEAR_DEPARTURE))
    again = [event for event in driver.coach.drain_events() if isinstance(event, ExampleKept)]
    assert len(first) == len(again) == 1 and again[0].replaces_earlier
    assert departure(np.array(again[0].vector) + REST, head()) is not None
