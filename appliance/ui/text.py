"""The words and numbers the screens show, as pure functions (no Kivy) so they are easy to test."""

from __future__ import annotations

import datetime as dt
import re

from appliance.coach.view import Screen, View
from appliance.glass import Words, words_for_the_glass

GLASS_CHARS = 90  # a notice is one or two short lines on the glass; details go to the log


def glass(message: str) -> str:
    """``message`` as the glass shows it: its first line, file names without their folders, no errno
    numbers, at most GLASS_CHARS (cut at a word).  The whole message is in the log."""
    line = message.strip().splitlines()[0] if message.strip() else ""
    line = re.sub(r"\[Errno \d+\]\s*", "", line)
    line = re.sub(r"'?(?:~|\.{0,2})?/(?:[^\s/':]+/)+([^\s/':]+)'?", r"\1", line)  # /a/b/c.db -> c.db
    if len(line) <= GLASS_CHARS:
        return line
    cut = line[: GLASS_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def greeting(now: dt.datetime) -> str:
    """Morning from midnight to noon: someone up at 03:00 is early, not late (as English greets it)."""
    hour = now.hour
    if hour < 12:
        return "Good morning"
    if 12 <= hour < 18:
        return "Good afternoon"
    return "Good evening"


def clock(now: dt.datetime) -> str:
    return now.strftime("%H:%M")


def date_line(now: dt.datetime) -> str:
    return now.strftime("%A %d %B").replace(" 0", " ")


def seconds(value: float | None) -> str:
    """0:07, 1:30 - or "" for no timer."""
    if value is None:
        return ""
    total = max(0, int(value + 0.999))  # a countdown shows 1 until it reaches 0
    return f"{total // 60}:{total % 60:02d}"


def percent(value: float | int) -> str:
    return f"{round(value)}%"


def count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def streak(days: int) -> str:
    if days <= 0:
        return "No streak yet"
    return f"{days} day streak" if days == 1 else f"{days} days in a row"


def progress_figures(progress) -> str:
    """The progress screen's line under the streak: "best 9 days · 21 sessions · this week 70 min · today 8 min".
    No best before any streak ("best 0 days" reads as a fault), no "today" without minutes today."""
    week = sum(value for _, value in progress.week_minutes)
    parts = [f"best {count(progress.best_streak_days, 'day')}" if progress.best_streak_days > 0 else ""]
    parts.append(count(progress.sessions, "session"))
    parts.append(f"this week {minutes(week) or '0 min'}")  # as today's: never "0 min" for a few seconds
    parts.append(f"today {minutes(progress.minutes_today)}" if progress.minutes_today > 0 else "")
    return " · ".join(part for part in parts if part)


def summary_figures(summary) -> str:
    """What the session held: "5 drills · 1 break · average 74 · 7 min · best: Surprise 91".  A session of
    breaks only says so, with no average (of no scores, "average 0" meant nothing)."""
    drills, breaks = summary.drills_done, summary.breaks
    parts = [count(drills, "drill") if drills or not breaks else "", count(breaks, "break") if breaks else ""]
    parts.append(f"average {summary.average_score}" if drills else "")
    parts.append(minutes(summary.minutes))
    parts.append(f"best: {summary.best_title} {summary.best_score}" if summary.best_title else "")
    return " · ".join(part for part in parts if part)


def routine_line(view: View) -> str:
    if not view.routine_title:
        return ""
    if view.routine_length:
        return f"{view.routine_title} · {view.routine_position} of {view.routine_length}"
    return view.routine_title


def held(held_s: float, required_s: float) -> str:
    if required_s <= 0:
        return ""
    return f"held {held_s:.1f} of {required_s:.0f} s"


def outcome(word: str) -> str:
    return {
        "completed": "Well held",
        "missed": "Not this time",
        "cut_short": "Cut short",
        "skipped": "Skipped",
    }.get(word, word.replace("_", " ").capitalize())


def minutes(value: float) -> str:
    """A duration on the glass: "12 min", "under a minute" (never "0 min"), "" for none at all."""
    if value <= 0:
        return ""
    return "under a minute" if value < 1 else f"{value:.0f} min"


ROLEPLAY_WELL_PLAYED = 60  # a role-play's score (its steps' mean match) from which its headline praises it


def outcome_for(word: str, reached: bool, *, roleplay_score: int | None = None) -> str:
    """The result's headline; a miss that did reach the target says so (beside "best match 100%",
    "Not this time" read as a contradiction): it was the hold that fell short.  A role-play always
    runs to its end ("completed"): its headline follows its score, not "Well held" for a 21."""
    if roleplay_score is not None and word == "completed":
        return "Well played" if roleplay_score >= ROLEPLAY_WELL_PLAYED else "Played through: the steps need work"
    if word == "missed" and reached:
        return "Reached it, not held long enough"
    return outcome(word)


def result_figures(result) -> str:
    """The result's figures: "best match 93% · held 2.1 of 3 s · on target after 1.2 s".  A role-play's
    are its steps' scores alone: its hold, best match and time to target belong to no one step."""
    if result.steps:
        return "steps " + " · ".join(str(step.score) for step in result.steps)
    parts = [f"best match {result.best_match}%", held(result.held_s, result.hold_required_s)]
    if result.time_to_target_s is not None:
        parts.append(f"on target after {result.time_to_target_s:.1f} s")
    if result.isolation is not None:
        parts.append(f"isolation {result.isolation}%")
    return " · ".join(part for part in parts if part)


def trend_word(direction: str) -> str:
    return {"up": "rising", "down": "falling"}.get(direction, "steady")


def chart_title(series, trends, index: int, count: int) -> str:
    """The line chart's headline: "Happiness  78%  rising  ·  1 of 5" (the trend over the last attempts)."""
    if series is None:
        return ""
    trend = next((t for t in trends if t.label == series.label), None)
    figures = f"  {trend.recent}%  {trend_word(trend.direction)}" if trend is not None else ""
    return f"{series.title}{figures}" + (f"  ·  {index + 1} of {count}" if count > 1 else "")


PAUSED_WHAT = {
    Screen.DRILL: "The drill",
    Screen.PREPARE: "The drill",
    Screen.BREAK: "The break",
}


def paused_line(view: View) -> str:
    what = PAUSED_WHAT.get(view.paused_screen, "Your session") if view.paused_screen else "Your session"
    return f"{what} waits for you"


def menu_window(count: int, index: int, rows: int) -> tuple[int, int]:
    """[first, last) of the menu items to show: at most ``rows``, the selected one inside."""
    if count <= rows:
        return 0, count
    first = min(max(0, index - rows // 2), count - rows)
    return first, first + rows


RANGES_UNCALIBRATED = "Range of motion: calibrate your resting face in settings to start measuring it."
RANGES_NONE = "Range of motion: practise any drill to start measuring it."


def range_heading(*, calibrated: bool, more: int) -> str:
    """The range of motion's first line: "Range of motion, best this week · 3 more in the charts"."""
    heading = "Range of motion, best this week"
    if not calibrated:  # measured against a resting face that can no longer be used: shown, not added to
        heading += " (calibrate again in settings to add to it)"
    return heading + (f" · {more} more in the charts" if more > 0 else "")


def range_lines(ranges, neutral_day: str, per_line: int = 2, lines: int = 2) -> str:
    """The progress screen's range of motion: each feature's best this week and its trend, in words
    (the mirror's font has no block or arrow glyphs; each feature has its own chart too).

    At most ``lines`` lines of ``per_line`` features, the widest movements this week first: every
    feature the person moved would take the room the line chart below needs."""
    if not neutral_day and not ranges:
        return RANGES_UNCALIBRATED
    if not ranges:
        return RANGES_NONE  # every drill's frames count
    ordered = sorted(ranges, key=lambda row: 1.0 if row.recent_best is None else -row.recent_best)
    shown = ordered[: per_line * lines]
    heading = range_heading(calibrated=bool(neutral_day), more=len(ordered) - len(shown))
    cells = []
    for row in shown:
        figure = f"{row.recent_best:.2f} {trend_word(row.direction)}" if row.recent_best is not None else "-"
        cells.append(f"{row.title} {figure}")
    rows = ["   ".join(cells[i : i + per_line]) for i in range(0, len(cells), per_line)]
    return heading + "\n" + "\n".join(rows)


def feature_line(live) -> str:
    """A feature drill's reading above the meter: the feature's amplitude against full, what the bar shows."""
    share = min(100, round(100 * live.amplitude / live.full_at)) if live.full_at else 0
    return f"{live.feature.replace('_', ' ')} {share}%"


def feature_figures(live) -> str:
    """Its isolation and match, a quiet line under the meter: on the reading's line the narrow column
    beside the hold ring wrapped them mid-pair ("isolation / 100%")."""
    isolation = f"isolation {round(100 * live.isolation)}% · " if live.isolation is not None else ""
    return f"{isolation}match {live.match}%"


@words_for_the_glass
def _glass_words():
    """The words these functions make, at their widest."""
    from types import SimpleNamespace

    for word in ("completed", "missed", "cut_short", "skipped"):
        for reached, score in ((False, None), (True, None), (False, 10), (False, 90)):
            yield Words(outcome_for(word, reached, roleplay_score=score), "headline", f"result: {word}")
    result = SimpleNamespace(steps=(), best_match=100, held=0, held_s=99.9, hold_required_s=99.0,
                             time_to_target_s=99.9, isolation=100)  # fmt: skip
    yield Words(result_figures(result), "body", "result figures")
    steps = SimpleNamespace(steps=[SimpleNamespace(score=100)] * 8)
    yield Words(result_figures(steps), "body", "result figures, a role-play")
    summary = SimpleNamespace(drills_done=99, breaks=99, average_score=100, minutes=99.0,
                              best_title="Smize: smile with the eyes", best_score=100)  # fmt: skip
    yield Words(summary_figures(summary), "body", "summary figures")
    progress = SimpleNamespace(best_streak_days=999, sessions=9999, week_minutes=[("", 999)] * 7, minutes_today=999)
    yield Words(progress_figures(progress), "quiet", "progress figures")
    from appliance.profiles import NAME_LENGTH

    yield Words(streak(999), "body", "streak on home")
    yield Words(streak(999), "headline", "streak on progress")
    longest = f"{greeting(dt.datetime(2026, 1, 1, 15))}, {'W' * NAME_LENGTH}"
    yield Words(longest, "headline", "greeting, the longest name")
    for screen in (Screen.DRILL, Screen.BREAK, None):
        yield Words(paused_line(View(paused_screen=screen)), "body", "paused")
    for words in (RANGES_UNCALIBRATED, RANGES_NONE, range_heading(calibrated=False, more=99)):
        yield Words(words, "quiet", "range of motion")
    series = SimpleNamespace(title="Smize: smile with the eyes", label="smize")
    trend = SimpleNamespace(label="smize", recent=100, direction="down")
    yield Words(chart_title(series, [trend], 98, 99), "body", "chart title")
