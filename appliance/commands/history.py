"""``history``: streak, recent sessions and per-expression trends from the practice history."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from appliance.coach.catalogue import load_catalogue
from appliance.errors import ConfigError
from appliance.history import HistoryStore, HistorySummary, default_path, summarize
from appliance.history.examples import example_counts
from appliance.history.summary import RANGE_WEEKS, empty_summary
from appliance.profiles import ProfileRegistry
from appliance.ui import text  # plain words on counts, no Kivy

NOTHING_YET = "No practice recorded yet. Stand at the mirror and start the morning routine: a little every day."
ARROWS = {"up": "↑", "down": "↓", "flat": "→"}


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "history",
        help="your practice streak, sessions and trends",
        description="Show your practice: the streak (days with a finished drill or a completed break), recent"
        " sessions and how each expression is trending.  Only reads the history: nothing is changed on disk.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--profile", metavar="NAME", help="whose practice (a name on the mirror; default: the last one)")
    who.add_argument("--db", type=Path, default=None, help=f"a history database file (e.g. {default_path()})")
    parser.set_defaults(func=run)


def _whose(args) -> tuple[str, Path | None, ProfileRegistry | None]:
    """(the profile's name or "", the history file (None for the guest, who keeps nothing), the people)."""
    if args.db is not None:
        return "", args.db, None
    registry = ProfileRegistry(read_only=True)  # looking never moves or creates anything
    _say_what_could_not_be_read(registry)
    if args.profile is None:
        profile = registry.last_person  # a guest at the mirror last: still a person's practice
        if profile is None:  # a mirror not yet started with profiles: its single history
            return "", default_path(), registry
    else:
        profile = registry.find(args.profile)
        if profile is None:
            names = ", ".join(p.name for p in registry.choices)
            raise ConfigError(f"no profile named {args.profile!r}", hint=f"the mirror's people: {names}")
    return profile.name, registry.history_path(profile), registry


def _say_what_could_not_be_read(registry: ProfileRegistry) -> None:
    """A damaged or unreadable list of people, on stderr: the names shown may not be the ones on the
    mirror, and the practice shown is found by the people's folders."""
    if registry.warning:
        print(f"warning: {registry.warning}\n  choose whose practice with --profile NAME or id (p1, p2...)",
              file=sys.stderr)  # fmt: skip


def run(args) -> int:
    name, path, registry = _whose(args)
    people_warning = registry.warning if registry is not None else ""
    if path is None:
        message = "The guest's practice is not kept: choose your own profile on the mirror's home screen."
        message += f" People on this mirror: {', '.join(registry.names) or 'none yet'}."
        record = empty_summary(date.today()).as_dict() | {"path": None, "warning": people_warning, "profile": name}
        record |= {"examples": {}, "examples_of_another_reading": 0}
        print(json.dumps(record | {"message": message}, indent=2) if args.json else message)
        return 0
    # A profile's or the default history not made yet is no practice; a file named with --db must be
    # there (HistoryStore says so): a mistyped path is not an empty history.  Reading never creates one.
    if args.db is None and not path.exists():
        record = empty_summary(date.today()).as_dict() | {"path": str(path), "warning": people_warning, "profile": name}
        record |= {"examples": {}, "examples_of_another_reading": 0}
        print(json.dumps(record | {"message": NOTHING_YET}, indent=2) if args.json else NOTHING_YET)
        return 0
    titles = {drill.id: drill.title for drill in load_catalogue().drills}
    with HistoryStore(path, read_only=True) as store:  # a command that only looks never writes
        summary = summarize(store, date.today(), titles)
        examples, unused = examples_kept(store)
    if args.json:
        warning = " ".join(text for text in (people_warning, store.warning) if text)
        record = summary.as_dict() | {"path": str(path), "warning": warning, "profile": name}
        record["message"] = NOTHING_YET if summary.is_empty else ""
        record |= {"examples": examples, "examples_of_another_reading": unused}
        print(json.dumps(record, indent=2))
    else:
        print(f"{name}'s practice\n" if name else "", end="")
        print(NOTHING_YET if summary.is_empty else as_text(summary))
        if examples or unused:
            print("\n" + examples_text(examples, unused))
    return 0


def examples_kept(store: HistoryStore) -> tuple[dict[str, int], int]:
    """How many examples of each expression this version reads with, and how many of another reading
    (kept, not used: the practice that follows replaces them)."""
    from appliance.vision.examples import reading_identity
    from appliance.vision.reading import head

    usable = example_counts(store.connection, reading_identity(head()))
    return usable, sum(example_counts(store.connection).values()) - sum(usable.values())


def examples_text(examples: dict[str, int], unused: int) -> str:
    kept = ", ".join(f"{label} {count}" for label, count in examples.items()) or "none yet"
    line = f"Your own expressions, kept as examples from practice: {kept}"
    if unused:
        line += f" ({text.count(unused, 'example')} from an older reading of the face, not used)"
    return line


def as_text(summary: HistorySummary) -> str:
    today = "practised today" if summary.practiced_today else "not practised yet today"
    lines = [
        f"Streak: {summary.streak_days} day{'s' * (summary.streak_days != 1)} ({today}); "
        f"best {summary.best_streak_days}; {text.count(summary.practice_days, 'practice day')} in all",
        f"Sessions: {summary.sessions}, attempts: {summary.attempts}, minutes today: {summary.minutes_today:g}",
        "",
        "Recent sessions",
    ]
    for row in summary.recent_sessions:
        average = f"average {row.average_score}" if row.average_score is not None else "no scores"
        unfinished = "" if row.ended else " (did not finish)"
        figures = f"{row.attempts:>3} attempt{'s' * (row.attempts != 1)}, {average}, {row.minutes:g} min{unfinished}"
        lines.append(f"  {row.day}  {row.title:<22} {figures}")
    lines += ["", f"Range of motion (best held amplitude 0-1 per week, the last {RANGE_WEEKS}, this week last)"]
    if not summary.neutral_day and summary.range_of_motion:  # measured against a face no longer usable
        lines.append("  calibrate your resting face again (settings on the mirror) to go on measuring it;"
                     " these were measured against the one before")  # fmt: skip
    elif not summary.neutral_day:
        lines.append("  not measured yet: calibrate your resting face (settings on the mirror) to start it")
    elif not summary.range_of_motion:
        lines.append(f"  resting face calibrated {summary.neutral_day}; nothing measured since (any drill counts)")
    for row in summary.range_of_motion:
        weeks = " ".join(f"{value:.2f}" if value is not None else "  - " for value in row.weeks)
        lines.append(f"  {row.title:<20} {weeks}  {ARROWS[row.direction]}")
    if summary.range_rows_left_out:
        count = summary.range_rows_left_out
        lines.append(f"  ({count} record{'s' * (count != 1)} left out: not readable, or dated after today)")
    lines += ["", "Trends (mean of the last 5 scores, and of the 5 before)"]
    for trend in summary.trends:
        before = f"{trend.previous:>3}" if trend.previous is not None else "  -"
        lines.append(f"  {trend.title:<26} {trend.recent:>3}  {ARROWS[trend.direction]}  was {before}"
                     f"   ({text.count(trend.attempts, 'attempt')})")  # fmt: skip
    return "\n".join(lines)
