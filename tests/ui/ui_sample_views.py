"""One realistic View per screen, for rendering tests."""

from __future__ import annotations

from appliance.coach.view import (
    BreakView,
    CalibrationView,
    DrillView,
    LiveView,
    MenuItem,
    ProgressView,
    RangeView,
    ResultView,
    Screen,
    SeriesView,
    SummaryView,
    TrendView,
    View,
)

SMILE = DrillView(
    drill_id="genuine_smile",
    title="Genuine smile",
    kind="headshot",
    cue="Let the smile reach your eyes",
    targets=("happiness",),
    target_text="happiness 70%",
    why="A real smile uses the muscles around the eyes",
)

VIEWS = {
    Screen.HOME: View(
        screen=Screen.HOME,
        title="Home",
        menu=(
            MenuItem("morning", "Morning routine", "5 drills · 8 min"),
            MenuItem("drills", "Drills"),
            MenuItem("breaks", "Breaks"),
            MenuItem("progress", "Progress"),
        ),
        progress=ProgressView(streak_days=4),
        buttons="select: start · next: move",
    ),
    Screen.CHOOSE: View(
        screen=Screen.CHOOSE,
        title="Drills",
        menu=(
            MenuItem("genuine_smile", "Genuine smile", "Let the smile reach your eyes"),
            MenuItem("surprise", "Surprise"),
            *(MenuItem(f"drill{n}", f"Drill {n}") for n in range(18)),  # a long list must not cover the mirror
        ),
        menu_index=1,
        buttons="select: start · back: home",
    ),
    Screen.PREPARE: View(
        screen=Screen.PREPARE,
        drill=SMILE,
        countdown_s=2.4,
        routine_title="Morning routine",
        routine_position=1,
        routine_length=5,
    ),
    Screen.DRILL: View(
        screen=Screen.DRILL,
        drill=SMILE,
        live=LiveView(
            match=64,
            threshold=70,
            hold_progress=0.4,
            held_s=1.2,
            hold_required_s=3,
            tip="Lift your cheeks a little more",
            has_face=True,
            expression="happiness",
        ),
        timer_s=17.2,
        routine_title="Morning routine",
        routine_position=1,
        routine_length=5,
    ),
    Screen.RESULT: View(
        screen=Screen.RESULT,
        drill=SMILE,
        result=ResultView(
            drill_id="genuine_smile",
            title="Genuine smile",
            score=82,
            best_match=88,
            time_to_best_s=4.1,
            time_to_target_s=2.3,
            held_s=3.0,
            hold_required_s=3.0,
            outcome="completed",
            tip="Relax your forehead next time",
        ),
    ),
    Screen.BREAK: View(
        screen=Screen.BREAK,
        relaxation=BreakView(
            break_id="box",
            title="Box breathing",
            kind="breathing",
            phase="Breathe in",
            words="Slowly through your nose",
            breath="inhale",
            breath_level=0.6,
            seconds_left=42,
            cycle=2,
            cycles=4,
        ),
    ),
    Screen.PAUSED: View(screen=Screen.PAUSED, paused_screen=Screen.DRILL, drill=SMILE),
    Screen.SUMMARY: View(
        screen=Screen.SUMMARY,
        title="Session done",
        summary=SummaryView(
            drills_done=5,
            average_score=74,
            best_title="Surprise",
            best_score=91,
            minutes=7.5,
            message="Same time tomorrow",
        ),
    ),
    Screen.PROGRESS: View(
        screen=Screen.PROGRESS,
        progress=ProgressView(
            streak_days=6,
            best_streak_days=9,
            sessions=21,
            practiced_today=True,
            minutes_today=8,
            trends=(
                TrendView("happiness", "Happiness", 78, 65, 12, "up"),
                TrendView("surprise", "Surprise", 60, 62, 9, "flat"),
            ),
            ranges=(
                RangeView("brow_raise", "brow raise", 0.52, (None, 0.31, 0.4, None, 0.45, 0.52), "up", 9),
                RangeView("smile", "smile", 0.7, (0.7, 0.72, None, None, None, 0.7), "flat", 4),
            ),
            neutral_day="2026-11-02",
            today="2026-11-28",
            practice_days=(
                "2026-11-20",
                "2026-11-23",
                "2026-11-24",
                "2026-11-25",
                "2026-11-26",
                "2026-11-27",
                "2026-11-28",
            ),  # fmt: skip
            week_minutes=(
                ("2026-11-22", 0.0),
                ("2026-11-23", 12.0),
                ("2026-11-24", 9.5),
                ("2026-11-25", 20.0),
                ("2026-11-26", 14.0),
                ("2026-11-27", 7.0),
                ("2026-11-28", 8.0),
            ),  # fmt: skip
            series=(
                SeriesView(
                    "happiness", "Happiness", (("2026-11-20", 55.0), ("2026-11-24", 64.0), ("2026-11-28", 80.0))
                ),
                SeriesView("surprise", "Surprise", (("2026-11-23", 60.0), ("2026-11-27", 58.0))),
            ),
        ),
    ),
    Screen.CALIBRATE: View(
        screen=Screen.CALIBRATE,
        title="Your resting face",
        calibration=CalibrationView("refused", "You moved: hold still, head and face, for the whole 5 seconds."),
        buttons="SELECT: try again · NEXT: later · BACK: home",
    ),
}

WORDS = {
    Screen.HOME: ["Morning routine", "4 days in a row"],
    Screen.CHOOSE: ["Drills", "Surprise", "2 of 20"],
    Screen.PREPARE: ["Genuine smile", "Let the smile reach your eyes", "3"],
    Screen.DRILL: ["Genuine smile", "Lift your cheeks a little more", "0:18", "match 64%"],
    Screen.RESULT: ["Well held", "82", "best match 88%"],
    Screen.BREAK: ["Breathe in", "Slowly through your nose", "0:42", "breath 2 of 4"],
    Screen.PAUSED: ["Paused", "The drill waits for you"],
    Screen.SUMMARY: ["Session done", "5 drills", "Same time tomorrow"],
    Screen.PROGRESS: [
        "6 days in a row",
        "Happiness  78%  rising  ·  1 of 2",
        "this week 70 min",
        "brow raise 0.52 rising",
    ],
    Screen.CALIBRATE: ["Your resting face", "You moved: hold still", "SELECT: try again"],
}
