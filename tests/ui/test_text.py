"""The screens' words and numbers."""

from __future__ import annotations

import datetime as dt

from appliance.coach.view import Screen, View
from appliance.ui import text


def test_greeting_follows_the_hour():
    assert text.greeting(dt.datetime(2026, 1, 1, 7)) == "Good morning"
    assert text.greeting(dt.datetime(2026, 1, 1, 13)) == "Good afternoon"
    assert text.greeting(dt.datetime(2026, 1, 1, 22)) == "Good evening"


def test_the_small_hours_are_greeted_as_morning():
    """Past midnight it is morning, as English greets it: "Good evening" at 03:00 read as a fault."""
    assert [text.greeting(dt.datetime(2026, 1, 1, hour, 30)) for hour in (23, 0, 3, 4, 11)] == [
        "Good evening", "Good morning", "Good morning", "Good morning", "Good morning",
    ]  # fmt: skip


def test_countdowns_round_up_and_never_go_negative():
    assert text.seconds(None) == ""
    assert text.seconds(0.2) == "0:01"
    assert text.seconds(59.5) == "1:00"
    assert text.seconds(-3) == "0:00"


def test_counts_agree_with_their_number():
    assert text.count(1, "day") == "1 day"
    assert text.count(0, "drill") == "0 drills"
    assert text.count(21, "session") == "21 sessions"


def test_streak_and_routine_lines():
    assert text.streak(0) == "No streak yet"
    assert text.streak(1) == "1 day streak"
    assert text.streak(5) == "5 days in a row"
    view = View(routine_title="Morning routine", routine_position=2, routine_length=9)
    assert text.routine_line(view) == "Morning routine · 2 of 9"
    assert text.paused_line(View(screen=Screen.PAUSED, paused_screen=Screen.BREAK)) == "The break waits for you"


def test_the_chart_title_names_the_series_its_trend_and_which_chart_of_how_many():
    from appliance.coach.view import SeriesView, TrendView

    series = SeriesView("happiness", "Happiness", (("2026-11-28", 70.0),))
    trends = (TrendView("happiness", "Happiness", 78, 65, 12, "up"),)
    assert text.chart_title(series, trends, 0, 3) == "Happiness  78%  rising  ·  1 of 3"
    assert text.chart_title(series, (), 0, 1) == "Happiness"
    assert text.chart_title(None, trends, 0, 0) == ""


def test_long_menus_show_a_window_around_the_selection():
    assert text.menu_window(4, 3, 5) == (0, 4)
    assert text.menu_window(20, 0, 5) == (0, 5)
    assert text.menu_window(20, 10, 5) == (8, 13)
    assert text.menu_window(20, 19, 5) == (15, 20)


def test_range_of_motion_lines_say_what_to_do_before_there_is_any():
    from appliance.coach.view import LiveView, RangeView
    from appliance.ui import text

    assert "calibrate your resting face" in text.range_lines((), "")
    assert "practise any drill" in text.range_lines((), "2026-11-01")  # every drill's frames count (coach.motion)
    rows = (RangeView("brow_raise", "brow raise", 0.52, direction="up"), RangeView("smile", "smile", None))
    assert text.range_lines(rows, "2026-11-01").splitlines()[1] == "brow raise 0.52 rising   smile -"
    # figures measured against a resting face that can no longer be used: shown, with the way on
    uncalibrated = text.range_lines(rows, "").splitlines()
    assert "calibrate again in settings" in uncalibrated[0] and uncalibrated[1].startswith("brow raise 0.52")
    # Every feature moved: the widest four, so the line chart below keeps its room
    many = tuple(RangeView(f"f{i}", f"f{i}", i / 10, direction="flat") for i in range(1, 8))
    lines = text.range_lines(many, "2026-11-01").splitlines()
    assert lines[0].endswith("· 3 more in the charts") and len(lines) == 3
    assert lines[1:] == ["f7 0.70 steady   f6 0.60 steady", "f5 0.50 steady   f4 0.40 steady"]
    live = LiveView(match=50, feature="brow_raise", amplitude=0.45, full_at=0.6, isolation=0.667)
    assert text.feature_line(live) == "brow raise 75%"
    assert text.feature_figures(live) == "isolation 67% · match 50%"


def test_a_notice_on_the_glass_is_short_and_has_no_folders_or_errno():
    raw = ("cannot create the data folder /home/pi/.local/share/appliance: [Errno 30] Read-only file system:"
           " '/home/pi/.local/share/appliance'\n  what to do: check it")  # fmt: skip
    shown = text.glass(raw)
    assert "/home" not in shown and "Errno" not in shown and "what to do" not in shown
    assert shown.startswith("cannot create the data folder appliance: Read-only file system")
    long = text.glass("word " * 60)
    assert len(long) <= text.GLASS_CHARS and long.endswith("…")
    assert text.glass("") == ""


def test_minutes_never_say_zero_and_a_reached_miss_says_what_fell_short():
    assert text.minutes(0.4) == "under a minute" and text.minutes(12.2) == "12 min" and text.minutes(0) == ""
    assert text.outcome_for("missed", reached=True) == "Reached it, not held long enough"
    assert text.outcome_for("missed", reached=False) == "Not this time"
    assert text.outcome_for("completed", reached=True) == "Well held"


def test_the_progress_figures_leave_out_a_best_of_no_days_and_minutes_not_had():
    from appliance.coach.view import ProgressView

    first = ProgressView(sessions=1, minutes_today=1.0, week_minutes=(("2026-11-21", 1.0),))
    assert text.progress_figures(first) == "1 session · this week 1 min · today 1 min"  # was "best 0 days · ..."
    later = ProgressView(best_streak_days=9, sessions=21, week_minutes=(("2026-11-20", 70.0),))
    assert text.progress_figures(later) == "best 9 days · 21 sessions · this week 70 min"


def test_the_summary_figures_say_what_the_session_held():
    from appliance.coach.view import SummaryView

    breaks_only = SummaryView(breaks=1, minutes=0.7)
    assert text.summary_figures(breaks_only) == "1 break · under a minute"  # was "0 drills · average 0 · ..."
    drills = SummaryView(drills_done=5, average_score=74, best_title="Surprise", best_score=91, breaks=2, minutes=7.5)
    assert text.summary_figures(drills) == "5 drills · 2 breaks · average 74 · 8 min · best: Surprise 91"
    assert text.summary_figures(SummaryView(minutes=0.2)) == "0 drills · under a minute"  # every drill skipped


def test_a_role_plays_result_follows_its_score_and_shows_its_steps_alone():
    from appliance.coach.view import ResultView, StepResult
    from appliance.ui import text

    steps = tuple(StepResult(f"step {n}", score) for n, score in enumerate((19, 50, 26, 3)))
    result = ResultView("job_interview", "Role-play: job interview", 21, 93, 3.0, 12.5, 1.8, 3.0, "completed",
                        steps=steps)  # fmt: skip
    assert text.outcome_for("completed", True, roleplay_score=21) == "Played through: the steps need work"
    assert text.outcome_for("completed", True, roleplay_score=75) == "Well played"
    assert text.outcome_for("cut_short", True, roleplay_score=75) == "Cut short"
    assert text.result_figures(result) == "steps 19 · 50 · 26 · 3"  # no hold or best match of no one step
    drill = ResultView("happiness", "Happiness", 80, 90, 1.0, 1.2, 3.0, 3.0, "completed")
    assert text.outcome_for("completed", True) == "Well held"
    assert text.result_figures(drill) == "best match 90% · held 3.0 of 3 s · on target after 1.2 s"
