"""The session state machine, driven by a fake clock and scripted observations."""

import pytest
from coach_fakes import face, make_driver, no_face

from appliance.coach.events import AttemptFinished, SessionEnded, SessionStarted
from appliance.coach.view import ProgressView, Screen
from appliance.messages import Command

SMILE = face(happiness=0.8, neutral=0.1)  # match 100 for a happiness target
BLANK = face(neutral=0.9)  # match ~1 for a happiness target


def start_drill(drill_id="happiness", **settings):
    driver = make_driver(**settings)
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT)  # home -> "Choose a drill"
    view = driver.coach.view
    assert view.screen is Screen.CHOOSE
    keys = [item.key for item in view.menu]
    driver.press(*[Command.NEXT] * keys.index(drill_id), Command.SELECT)
    return driver


def test_todays_practice_speaks_of_what_needs_work_only_once_there_are_scores():
    driver = make_driver()
    (today,) = [m for m in driver.coach.view.menu if m.key == "today"]
    assert today.detail.startswith("A mix to begin: ")
    driver.coach.set_history(ProgressView(), {"happiness": [40.0]})
    (today,) = [m for m in driver.coach.view.menu if m.key == "today"]
    assert today.detail.startswith("More of what needs work: ")


def test_home_menu_wraps_and_back_returns_home():
    driver = make_driver()
    view = driver.coach.view
    assert view.screen is Screen.HOME and [m.key for m in view.menu][:3] == ["morning", "today", "drills"]
    assert driver.press(Command.PREVIOUS).menu_index == len(view.menu) - 1
    assert driver.press(Command.NEXT, Command.NEXT, Command.NEXT).menu_index == 2
    assert driver.press(Command.SELECT).screen is Screen.CHOOSE
    assert driver.press(Command.BACK).screen is Screen.HOME


def test_prepare_counts_down_then_a_continuous_hold_completes_the_drill():
    driver = start_drill()
    view = driver.coach.view
    assert view.screen is Screen.PREPARE and view.countdown_s == 2.0 and view.drill.title == "Happiness"
    assert driver.show(1.0, BLANK).countdown_s == pytest.approx(1.0)
    view = driver.show(1.0, BLANK)
    assert view.screen is Screen.DRILL and view.live.match < 10 and view.live.tip.startswith("Lift the corners")
    driver.show(1.0, BLANK)
    view = driver.show(2.0, SMILE)
    assert view.live.is_met and view.live.held_s == pytest.approx(2.0, abs=0.11)
    assert view.live.hold_progress == pytest.approx(2 / 3, abs=0.04)
    view = driver.show(1.1, SMILE)
    assert view.screen is Screen.RESULT
    result = view.result
    assert result.outcome == "completed" and result.best_match == 100 and result.score == 100
    assert result.time_to_target_s == pytest.approx(1.1, abs=0.11)
    assert result.time_to_best_s == pytest.approx(result.time_to_target_s)


def test_the_hold_counts_only_while_the_target_is_met_continuously():
    driver = start_drill()
    driver.show(2.0, BLANK)  # countdown
    driver.show(2.5, SMILE)
    view = driver.show(0.5, BLANK)
    assert view.live.held_s == 0.0 and not view.live.is_met
    assert driver.show(2.5, SMILE).screen is Screen.DRILL  # 2.5 s again is not 3 s
    assert driver.show(0.6, SMILE).screen is Screen.RESULT


def test_no_face_pauses_the_hold_and_the_view_says_why():
    driver = start_drill()
    driver.show(2.0, BLANK)
    driver.show(2.0, SMILE)
    view = driver.show(5.0, no_face())
    assert not view.live.has_face and "No face seen" in view.live.no_face_message
    assert view.live.held_s == pytest.approx(2.0, abs=0.11) and view.live.tip == ""
    assert driver.show(1.1, SMILE).screen is Screen.RESULT  # the hold resumed where it paused


def test_a_stalled_camera_counts_as_no_face():
    driver = start_drill()
    driver.show(2.0, BLANK)
    driver.show(1.0, SMILE)
    view = driver.show(3.0)  # ticks only: no observations
    assert not view.live.has_face and view.live.held_s < 2.2


def test_pause_freezes_everything_and_resume_carries_on():
    driver = start_drill()
    driver.show(1.0, BLANK)
    view = driver.press(Command.PAUSE)
    assert view.screen is Screen.PAUSED and view.paused_screen is Screen.PREPARE
    assert driver.show(30.0, BLANK).countdown_s == pytest.approx(1.0)
    assert driver.press(Command.NEXT).screen is Screen.PAUSED  # other buttons do nothing while paused
    assert driver.press(Command.PAUSE).screen is Screen.PREPARE
    assert driver.coach.view.session_elapsed_s == pytest.approx(1.0)


def test_a_missed_drill_ends_at_the_perform_limit_with_a_score_from_the_peak():
    driver = start_drill(perform_limit_s=5.0)
    driver.show(2.0, BLANK)
    driver.show(1.0, face(happiness=0.56))  # match 70: met for a moment...
    view = driver.until(lambda v: v.screen is Screen.RESULT, face(happiness=0.32))  # ...then 40
    assert view.result.outcome == "missed" and view.result.best_match == 70
    assert view.result.score == 35 + round(0.5 * 70 * 1.0 / 3)


def test_skip_records_the_attempt_and_moves_on_previous_retries():
    driver = start_drill()
    driver.show(2.5, BLANK)
    view = driver.press(Command.NEXT)
    assert view.screen is Screen.PREPARE and view.drill.drill_id == "surprise"
    events = driver.coach.drain_events()
    assert isinstance(events[0], SessionStarted)
    assert isinstance(events[1], AttemptFinished) and events[1].outcome == "skipped"
    driver.show(2.0, BLANK)
    driver.until(lambda v: v.screen is Screen.RESULT, face(surprise=0.9))
    assert driver.press(Command.PREVIOUS).drill.drill_id == "surprise"
    assert driver.coach.view.screen is Screen.PREPARE


def test_result_waits_for_a_button_or_moves_on_by_itself_in_a_routine():
    driver = start_drill(result_s=3.0)
    driver.show(2.0, BLANK)
    view = driver.show(3.1, SMILE)
    assert view.screen is Screen.RESULT and view.timer_s == pytest.approx(3.0, abs=0.11)
    assert driver.show(3.0, SMILE).screen is Screen.PREPARE


def test_a_roleplay_runs_its_cues_in_time_and_scores_each_step():
    driver = start_drill("job_interview")
    driver.show(2.0, BLANK)
    view = driver.show(1.0, SMILE)
    assert view.drill.step_index == 0 and view.drill.cue.startswith("Greet") and view.drill.step_count == 5
    view = driver.show(2.5, face(neutral=0.85, happiness=0.15))
    assert view.drill.step_index == 1 and view.drill.cue.startswith("Listen")
    view = driver.until(lambda v: v.screen is Screen.RESULT, face(neutral=0.85, happiness=0.15))
    steps = view.result.steps
    assert [s.cue for s in steps][0].startswith("Greet") and len(steps) == 5
    assert steps[0].score == pytest.approx((100 + 2 * 18.75) / 3, abs=3)  # 1 s of smile, 2 s of calm
    assert steps[1].score == 99  # neutral 0.85 fills its 0.8; happiness 0.15 fills 0.1875 of its 0.2 (/ 0.8)
    assert view.result.score == round(sum(s.score for s in steps) / 5)


def test_end_shows_the_summary_and_records_the_session_end():
    driver = start_drill()
    driver.show(2.0, BLANK)
    driver.show(3.1, SMILE)
    view = driver.press(Command.END)
    assert view.screen is Screen.SUMMARY and view.summary.drills_done == 1 and view.summary.average_score == 100
    ended = driver.coach.drain_events()[-1]
    assert isinstance(ended, SessionEnded) and ended.attempts == 1 and ended.wall_time == 1_750_000_000.0
    assert driver.press(Command.SELECT).screen is Screen.HOME


def test_back_during_a_drill_goes_home_and_records_it_skipped():
    driver = start_drill()
    driver.show(3.0, BLANK)
    assert driver.press(Command.BACK).screen is Screen.HOME
    kinds = [type(e).__name__ for e in driver.coach.drain_events()]
    assert kinds == ["SessionStarted", "AttemptFinished", "SessionEnded"]


def test_the_screen_command_is_ignored():
    driver = start_drill()
    driver.show(0.5, BLANK)
    before = driver.coach.view
    assert driver.press(Command.SCREEN) == before


def test_notices_expire_and_views_are_immutable_values():
    driver = make_driver(notice_s=2.0)
    driver.coach.notify("History was reset.")
    view = driver.coach.tick(driver.t)
    assert view.notice == "History was reset." and view.notice_kind == "warning"
    assert driver.show(2.1).notice == ""
    assert isinstance(hash(view), int)  # frozen all the way down: safe to share with the UI thread
    with pytest.raises(AttributeError):
        view.screen = Screen.DRILL


def test_commands_may_be_given_by_name():
    driver = make_driver()
    assert driver.coach.handle("next", driver.t).menu_index == 1


def test_when_no_face_can_be_read_at_all_the_drill_says_why():
    driver = start_drill()
    driver.coach.vision_problem = "No faces can be read: the expression model is damaged"
    assert driver.show(0.5).live.no_face_message == driver.coach.vision_problem  # the get-ready screen
    view = driver.show(2.0)
    assert view.screen is Screen.DRILL and view.live.no_face_message == driver.coach.vision_problem
    driver.coach.vision_problem = ""
    assert "No face seen" in driver.show(0.1).live.no_face_message


def test_free_practice_counts_drills_in_the_catalogues_order():
    driver = make_driver()
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT)  # "Choose a drill"
    view = driver.press(Command.NEXT, Command.SELECT)  # the second drill of the list
    drills = len(driver.coach.catalogue.drills)
    assert (view.routine_position, view.routine_length) == (2, drills)
    driver.press(Command.SELECT)  # start it now
    view = driver.press(Command.NEXT)  # skip: on to the third
    assert view.routine_position == 3


def test_the_peak_is_named_by_its_frame_timestamp_live_and_when_the_attempt_ends():
    driver = make_driver()
    coach = driver.coach
    coach.start_plan(coach.plan_for("drill:genuine_smile"))  # a headshot look, read on the expression here
    driver.until(lambda view: view.screen is Screen.DRILL, face(happiness=0.55))
    assert coach.view.live.peak_frame_at is not None  # the first frame is the best so far
    driver.t += 0.1
    view = coach.observe(face(42.5, happiness=0.62), driver.t)  # the best match, in a frame stamped 42.5
    assert view.live.peak_frame_at == 42.5
    driver.t += 0.1
    assert coach.observe(face(42.6, happiness=0.58), driver.t).live.peak_frame_at == 42.5  # a lesser frame
    driver.until(lambda view: view.screen is Screen.RESULT, face(99.0, happiness=0.58))
    (finished,) = [event for event in coach.drain_events() if isinstance(event, AttemptFinished)]
    assert finished.kind == "headshot" and finished.peak_frame_at == 42.5
