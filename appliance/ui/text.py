"""The words and numbers the screens show, as pure functions (no Kivy) so they are easy to test."""

from __future__ import annotations

import datetime as dt
import re

from appliance.coach.view import Screen, View

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
    hour = now.hour
    if 4 <= hour < 12:
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


def outcome_for(word: str, reached: bool) -> str:
    """The result's headline; a miss that did reach the target says so (beside "best match 100%",
    "Not this time" read as a contradiction): it was the hold that fell short."""
    if word == "missed" and reached:
        return "Reached it, not held long enough"
    return outcome(word)


def trend_word(direction: str) -> str:
    return {"up": "rising", "down": "falling"}.get(direction, "steady")


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
