"""Breaks, routines and the guard inside the running coach (button handling lives in commands.py)."""

from datetime import date

import pytest
from coach_fakes import face, features_face, make_driver, no_face

from appliance.coach.events import AttemptFinished, BreakFinished, SessionEnded
from appliance.coach.routines import todays_plan
from appliance.coach.view import NoticeKind, ProgressView, Screen, SeriesView
from appliance.messages import Command

CALM = face(neutral=0.8)
TENSE = face(neutral=0.2, anger=0.7)


def test_the_morning_routine_opens_with_face_relaxation_that_the_camera_confirms():
    driver = make_driver()
    view = driver.press(Command.SELECT)
    assert view.screen is Screen.BREAK and view.routine_title == "Morning routine" and view.routine_position == 1
    rest = driver.show(1.0, TENSE).relaxation
    assert rest.phase == "Forehead" and rest.relaxed is None  # tensing on purpose is not judged
    rest = driver.show(4.0, TENSE).relaxation
    assert rest.relaxed is False and "still shows anger" in rest.relaxed_message
    rest = driver.show(2.0, CALM).relaxation
    assert rest.relaxed is True and rest.relaxed_message == "Your face looks relaxed."
    assert rest.breath == "exhale" and 0.0 < rest.breath_level < 1.0
    assert driver.show(2.0, no_face()).relaxation.relaxed is None


def test_a_face_nearly_relaxed_in_a_break_is_not_told_it_shows_neutral():
    driver = make_driver()
    driver.press(Command.SELECT)
    rest = driver.show(5.0, face(neutral=0.4, sadness=0.2)).relaxation  # neutral leads, below the 0.5 needed
    assert rest.relaxed is False
    assert "neutral" not in rest.relaxed_message and "soften a little more" in rest.relaxed_message


def test_a_break_runs_to_its_end_then_the_routine_goes_on():
    driver = make_driver()
    driver.press(Command.SELECT)
    view = driver.until(lambda v: v.screen is not Screen.BREAK, CALM)
    assert view.screen is Screen.PREPARE and view.drill.drill_id == "cheeky_smile"
    events = driver.coach.drain_events()
    finished = [e for e in events if isinstance(e, BreakFinished)]
    assert finished[0].completed and finished[0].duration_s == pytest.approx(40.0, abs=0.11)
    assert finished[0].relaxed_s == pytest.approx(24.0, abs=1.0)  # the four release phases


def test_the_break_button_mid_drill_relaxes_then_repeats_the_drill():
    driver = make_driver()
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT, Command.SELECT)  # the first drill: neutral
    driver.show(3.0, CALM)
    view = driver.press(Command.BREAK)
    assert view.screen is Screen.BREAK and view.relaxation.break_id == "box_breathing"
    assert view.relaxation.cycles == 4 and not view.relaxation.forced
    view = driver.press(Command.NEXT)  # a chosen break can be ended early
    assert view.screen is Screen.PREPARE and view.drill.drill_id == "neutral"


def test_drills_in_a_row_force_a_break_that_cannot_be_skipped():
    driver = make_driver(break_after_drills=2)
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT, Command.SELECT)  # neutral, then happiness
    view = driver.until(lambda v: v.screen is Screen.RESULT, CALM)
    assert view.notice == ""
    driver.press(Command.NEXT)
    driver.until(lambda v: v.screen is Screen.RESULT, face(happiness=0.9))
    view = driver.coach.view
    assert view.notice_kind is NoticeKind.GUARD and "2 drills in a row" in view.notice
    view = driver.press(Command.NEXT)
    assert view.screen is Screen.BREAK and view.relaxation.forced and view.relaxation.break_id == "long_exhale"
    view = driver.press(Command.NEXT)
    assert view.screen is Screen.BREAK and "protects your face" in view.notice
    view = driver.until(lambda v: v.screen is not Screen.BREAK, CALM)
    assert view.screen is Screen.PREPARE and view.drill.drill_id == "surprise"
    assert driver.coach.guard.drills_in_a_row == 0


def test_a_forced_break_offers_only_the_presses_that_work_there():
    driver = make_driver(break_after_drills=1)
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT, Command.SELECT)  # neutral
    driver.until(lambda v: v.screen is Screen.RESULT, CALM)
    view = driver.press(Command.NEXT)
    assert view.relaxation.forced and "NEXT: end the break" not in view.buttons  # NEXT is refused here
    assert view.buttons == "hold NEXT: restart it · hold SELECT: pause · BACK: home"
    assert driver.press(Command.PAUSE).buttons.startswith("SELECT: resume")  # paused: the paused screen's own
    driver.press(Command.SELECT)
    assert driver.press(Command.BACK).screen is Screen.HOME  # as the footer says
    assert "NEXT: end the break" in driver.press(Command.BREAK).buttons  # a break of one's own can be ended


def test_minutes_of_active_holds_force_a_break():
    driver = make_driver(break_after_active_min=0.5, perform_limit_s=40.0)
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT, Command.NEXT, Command.SELECT)  # happiness
    driver.show(2.0, CALM)
    view = driver.until(lambda v: v.screen is Screen.RESULT, face(neutral=0.6, happiness=0.3))
    assert view.result.outcome == "missed" and "expressions in a row" in view.notice
    assert driver.press(Command.SELECT).relaxation.forced


def test_a_strong_expression_held_too_long_is_cut_short():
    driver = make_driver(strong_hold_max_s=4.0, perform_limit_s=30.0)
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT, Command.NEXT, Command.SELECT)  # happiness
    driver.show(2.0, CALM)
    view = driver.until(lambda v: v.screen is Screen.RESULT, face(disgust=0.95))
    assert view.result.outcome == "cut_short" and "strong disgust" in view.result.reason
    assert "strong disgust" not in view.notice  # said once, on the result screen, not in a banner too
    attempt = [e for e in driver.coach.drain_events() if isinstance(e, AttemptFinished)][0]
    assert attempt.outcome == "cut_short" and attempt.duration_s == pytest.approx(4.1, abs=0.11)


def test_a_skipped_drill_does_not_lend_its_strong_seconds_to_the_next():
    # The auditor's case: a strong smile through a drill that is skipped, then the next drill.
    driver = make_driver(strong_hold_max_s=10.0, perform_limit_s=30.0)
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT, Command.NEXT, Command.NEXT, Command.NEXT)
    assert driver.press(Command.SELECT).title.endswith("Sadness")
    driver.show(2.0, CALM)
    assert driver.show(8.0, face(happiness=0.95)).screen is Screen.DRILL
    driver.press(Command.NEXT)  # skipped
    view = driver.until(lambda v: v.screen is Screen.DRILL, face(happiness=0.95))
    view = driver.show(3.0, face(happiness=0.95))
    assert view.screen is Screen.DRILL  # 3 s into this drill is not "over 10 s"
    view = driver.until(lambda v: v.screen is Screen.RESULT, face(happiness=0.95))
    assert view.result.outcome == "cut_short"  # its own 10 s still are


def test_the_session_cap_warns_then_ends_the_session():
    driver = make_driver(session_cap_min=1.0, cap_warning_min=0.5, perform_limit_s=100.0)
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT, Command.NEXT, Command.SELECT)
    view = driver.show(31.0, CALM)
    assert "1 minute left" in view.notice
    view = driver.until(lambda v: v.screen is Screen.RESULT, CALM)
    assert view.result.outcome == "cut_short" and view.result.is_last
    assert view.session_elapsed_s == pytest.approx(60.0, abs=0.11)
    view = driver.press(Command.NEXT)
    assert view.screen is Screen.SUMMARY and "plenty for today" in view.summary.reason
    assert view.summary.message == view.summary.reason  # the screen shows the message: why it ended, here
    assert isinstance(driver.coach.drain_events()[-1], SessionEnded)


def test_the_cap_is_for_the_day_practice_earlier_today_counts_and_then_only_breaks_start():
    driver = make_driver(session_cap_min=1.0, cap_warning_min=0.5, perform_limit_s=100.0)
    today = driver.coach.today().isoformat()
    driver.coach.set_history(ProgressView(minutes_today=0.75, today=today), {})  # 45 s earlier today
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT, Command.NEXT, Command.SELECT)
    view = driver.until(lambda v: v.screen is Screen.RESULT, CALM)
    assert view.result.outcome == "cut_short" and view.session_elapsed_s == pytest.approx(15.0, abs=0.11)
    driver.press(Command.NEXT, Command.SELECT)  # the summary, home
    driver.coach.set_history(ProgressView(minutes_today=1.1, today=today), {})
    view = driver.press(Command.SELECT)  # the morning routine: drills, refused for today
    assert view.screen is Screen.HOME and "plenty for today" in view.notice
    driver.coach.set_history(ProgressView(minutes_today=1.1, today="2001-01-01"), {})  # another day's figures
    assert driver.press(Command.SELECT).screen is not Screen.HOME


def test_a_restarted_drill_times_its_strong_face_afresh():
    driver = make_driver(strong_hold_max_s=10.0, perform_limit_s=30.0)
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT, Command.NEXT, Command.SELECT)  # happiness
    driver.show(2.0, CALM)
    assert driver.show(9.0, face(anger=0.95)).screen is Screen.DRILL
    driver.press(Command.PREVIOUS)  # hold NEXT: this drill again, from the countdown
    driver.until(lambda v: v.screen is Screen.DRILL, face(anger=0.95))
    assert driver.show(3.0, face(anger=0.95)).screen is Screen.DRILL  # not cut 1 s in, "for over 10 s"


def test_after_the_days_cap_a_break_runs_as_usual_and_an_offered_calibration_goes_home():
    driver = make_driver(session_cap_min=1.0, cap_warning_min=0.5)
    today = driver.coach.today().isoformat()
    driver.coach.set_history(ProgressView(minutes_today=2.0, today=today), {})
    view = driver.press(Command.BREAK)
    assert view.screen is Screen.BREAK and "plenty" not in view.notice
    view = driver.until(lambda v: v.screen is not Screen.BREAK, CALM)
    assert view.summary.message == "Come back whenever you're ready."  # not the cap's reason
    driver.press(Command.SELECT)  # home
    # the day's cap passed while the first-time calibration was on screen: home, with the reason
    driver.coach.set_history(ProgressView(today=today), {})
    driver.show(0.5, features_face(neutral="population"))
    assert driver.press(Command.SELECT).screen is Screen.CALIBRATE
    driver.coach.set_history(ProgressView(minutes_today=2.0, today=today), {})
    view = driver.press(Command.NEXT)  # "later": on to the practice, which the cap refuses
    assert view.screen is Screen.HOME and "plenty for today" in view.notice


def test_todays_practice_follows_the_history_given():
    driver = make_driver()
    scores = {"contempt": [5.0] * 5}
    driver.coach.set_history(ProgressView(streak_days=3), scores)
    view = driver.press(Command.NEXT, Command.SELECT)
    assert view.routine_title == "Today's practice" and view.relaxation.break_id == "deep_breathing"
    expected = todays_plan(driver.coach.catalogue, driver.coach.settings, scores, date.fromtimestamp(1.75e9))
    assert driver.coach.session.plan == expected
    driver.press(Command.BACK)
    keys = [item.key for item in driver.coach.view.menu]
    assert keys == ["morning", "today", "drills", "breaks", "headshot", "teach", "progress"]
    view = driver.press(Command.PREVIOUS, Command.SELECT)
    assert view.screen is Screen.PROGRESS and view.progress.streak_days == 3


def test_a_session_left_early_is_ended_not_complete():
    driver = make_driver()
    driver.press(Command.SELECT)  # the morning routine
    driver.show(2.0, CALM)
    view = driver.press(Command.END)  # hold BACK
    assert view.screen is Screen.SUMMARY and view.title == "Session ended" and not view.summary.completed
    driver.press(Command.SELECT)
    driver.press(Command.BREAK)
    view = driver.until(lambda v: v.screen is not Screen.BREAK, CALM)  # a plan run to its end
    assert view.title == "Session complete" and view.summary.completed


def test_a_break_from_home_is_a_short_session_of_its_own():
    driver = make_driver()
    view = driver.press(Command.BREAK)
    assert view.screen is Screen.BREAK and view.session_active and view.relaxation.cycle == 1
    view = driver.until(lambda v: v.screen is not Screen.BREAK, CALM)
    assert view.screen is Screen.SUMMARY and view.summary.breaks == 1
    assert view.timer_s is None and view.summary.message == "Come back whenever you're ready."
    driver.press(Command.SELECT)  # home
    driver.press(Command.BREAK)
    driver.show(2.0, CALM)
    view = driver.press(Command.NEXT)  # ended after 2 s: not a break taken
    assert view.screen is Screen.SUMMARY and view.summary.breaks == 0


def test_a_forced_break_uses_the_routines_own_break_when_one_comes_next():
    driver = make_driver(morning_routine=("drill:neutral", "break:box_breathing", "drill:happiness"),
                         break_after_drills=1)  # fmt: skip
    driver.press(Command.SELECT)
    driver.until(lambda v: v.screen is Screen.RESULT, CALM)
    view = driver.press(Command.NEXT)
    assert view.relaxation.break_id == "box_breathing" and view.relaxation.forced
    assert view.routine_position == 2


def test_the_last_drill_of_a_plan_ends_the_session_without_a_forced_break():
    driver = make_driver(morning_routine=("drill:neutral",), break_after_drills=1)
    driver.press(Command.SELECT)
    driver.until(lambda v: v.screen is Screen.RESULT, CALM)
    assert driver.coach.view.result.is_last
    assert driver.press(Command.NEXT).screen is Screen.SUMMARY


def test_a_full_voluntary_break_satisfies_the_guard():
    driver = make_driver(break_after_drills=1)
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT, Command.SELECT)  # neutral
    driver.until(lambda v: v.screen is Screen.RESULT, CALM)
    assert driver.press(Command.BREAK).relaxation.forced is False
    view = driver.until(lambda v: v.screen is not Screen.BREAK, CALM)
    assert view.screen is Screen.PREPARE and view.drill.drill_id == "happiness"
    breaks = [e for e in driver.coach.drain_events() if isinstance(e, BreakFinished)]
    assert [(b.break_id, b.forced, b.completed) for b in breaks] == [("box_breathing", False, True)]


def test_walking_away_pauses_the_session_and_coming_back_resumes_it():
    driver = make_driver(away_s=10.0)
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT, Command.SELECT)
    driver.show(3.0, CALM)
    view = driver.show(10.5, no_face())
    assert view.screen is Screen.PAUSED and "No one at the mirror" in view.paused_reason
    elapsed = view.session_elapsed_s
    assert driver.show(60.0, no_face()).session_elapsed_s == elapsed
    view = driver.show(0.2, CALM)
    assert view.screen is Screen.DRILL and view.paused_reason == ""


def test_a_button_pause_is_not_resumed_by_a_face():
    driver = make_driver()
    driver.press(Command.NEXT, Command.NEXT, Command.SELECT, Command.SELECT)
    view = driver.press(Command.PAUSE)
    assert view.paused_reason == "Paused."
    assert driver.show(2.0, CALM).screen is Screen.PAUSED
    assert driver.press(Command.SELECT).screen is Screen.PREPARE


def test_previous_goes_back_an_item_and_restarts_a_break():
    driver = make_driver()
    driver.press(Command.SELECT)  # morning: face relaxation first
    driver.show(5.0, CALM)
    view = driver.press(Command.PREVIOUS)
    assert view.relaxation.progress == 0.0 and view.relaxation.phase == "Forehead"
    view = driver.press(Command.NEXT)
    assert view.screen is Screen.PREPARE and view.drill.drill_id == "cheeky_smile"
    view = driver.press(Command.PREVIOUS)
    assert view.screen is Screen.BREAK and view.relaxation.break_id == "face_relaxation"


def test_end_while_paused_in_a_break_records_the_break_unfinished():
    driver = make_driver()
    driver.press(Command.BREAK)
    driver.show(3.0, CALM)
    driver.press(Command.PAUSE)
    view = driver.press(Command.END)
    assert view.screen is Screen.SUMMARY and not view.session_active
    events = driver.coach.drain_events()
    rest = [e for e in events if isinstance(e, BreakFinished)][0]
    assert not rest.completed and rest.duration_s == pytest.approx(3.0, abs=0.11)
    assert isinstance(events[-1], SessionEnded) and events[-1].reason == "You ended the session."


def test_next_and_previous_turn_the_progress_charts_and_back_goes_home():
    driver = make_driver()
    series = tuple(SeriesView(label, label.title(), (("2026-11-20", 50.0),)) for label in ("fear", "anger", "joy"))
    driver.coach.set_history(ProgressView(series=series), {})
    driver.press(Command.PREVIOUS, Command.SELECT)  # "Your progress" is the last item on home
    assert driver.coach.view.progress.series_index == 0
    assert driver.press(Command.NEXT).progress.series_index == 1
    assert driver.press(Command.PREVIOUS, Command.PREVIOUS).progress.series_index == 2
    assert "another chart" in driver.coach.view.buttons
    assert driver.press(Command.BACK).screen is Screen.HOME
    assert driver.press(Command.SELECT).progress.series_index == 0  # home keeps its place; the first chart again
    driver.press(Command.BACK)
    for charts in (series[:1], ()):  # one chart or none: next leaves, as before, and the footer does not offer it
        driver.coach.set_history(ProgressView(series=charts), {})
        view = driver.press(Command.SELECT)
        assert view.screen is Screen.PROGRESS and view.buttons == "BACK: home"
        assert driver.press(Command.NEXT).screen is Screen.HOME


def test_every_hint_names_a_button_and_a_press_that_exists():
    import re

    from appliance.coach.render import BUTTONS, CALIBRATE_BUTTONS, FORCED_BREAK_BUTTONS
    from appliance.controls import BUTTON_ACTIONS
    from appliance.ui.profile_panel import CHOICE_BUTTONS, EDITOR_BUTTONS
    from appliance.ui.settings_panel import BUTTONS as SETTINGS

    segment = re.compile(r"^(hold )?(NEXT|SELECT|BACK|BREAK): [a-z ]+( \(hold: [a-z ]+\))?$")
    hints = [*BUTTONS.values(), *CALIBRATE_BUTTONS.values(), FORCED_BREAK_BUTTONS]
    for hint in [*hints, SETTINGS, CHOICE_BUTTONS, EDITOR_BUTTONS]:
        for part in hint.split(" · "):
            found = segment.match(part)
            assert found, f"{part!r} in {hint!r} does not say which button to press"
            held = found.group(1) or found.group(3)
            assert not held or BUTTON_ACTIONS[found.group(2).lower()][1] is not None, part
