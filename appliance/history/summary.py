"""Streaks, sessions and per-expression trends from the stored history."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from appliance.coach.features import title as feature_title
from appliance.coach.view import ProgressView, RangeView, SeriesView, TrendView
from appliance.history.store import HistoryStore
from appliance.vision.features import FEATURES

TREND_WINDOW = 5  # attempts in "recent" and in "previous"
TREND_STEP = 3  # points of change before a trend counts as up or down
RECENT_SESSIONS = 10
RANGE_WEEKS = 6  # weeks of range of motion the progress screen and the CLI show
RANGE_STEP = 0.05  # change of a week's best against the weeks before that counts as up or down
CHART_WEEKS = 4  # the progress screen's calendar and line charts; their queries read no further back


@dataclass(frozen=True)
class SessionRow:
    day: str
    title: str
    attempts: int
    average_score: int | None
    minutes: float
    ended: bool


@dataclass(frozen=True)
class HistorySummary:
    streak_days: int
    best_streak_days: int
    practice_days: int
    sessions: int
    attempts: int
    practiced_today: bool
    minutes_today: float
    trends: tuple[TrendView, ...]
    recent_sessions: tuple[SessionRow, ...]
    range_of_motion: tuple[RangeView, ...] = ()  # per feature with records, in FEATURES order
    neutral_day: str = ""  # when the personal neutral face in use was taken ("" : never)
    today: str = ""
    practice_days_shown: tuple[str, ...] = ()  # days with practice in the last CHART_WEEKS weeks
    week_minutes: tuple[tuple[str, float], ...] = ()  # the last 7 days, oldest first
    series: tuple[SeriesView, ...] = ()  # per drill: its daily mean score over the last CHART_WEEKS weeks
    range_rows_left_out: int = 0  # feature_range rows that do not read (or are dated after today): not shown

    @property
    def is_empty(self) -> bool:
        return self.sessions == 0 and self.attempts == 0

    def progress_view(self) -> ProgressView:
        return ProgressView(self.streak_days, self.best_streak_days, self.sessions, self.attempts,
                            self.practiced_today, self.minutes_today, self.trends, self.message(),
                            self.range_of_motion, self.neutral_day, self.today,
                            self.practice_days_shown, self.week_minutes, self.series)  # fmt: skip

    def message(self) -> str:
        """What to do next, by the rule that makes a practice day (a finished drill, or a break run to its
        end with a face seen: schema V3): minutes today that did not count say what would."""
        if self.practiced_today:
            return ""
        if self.minutes_today > 0:  # the figures and the bar show them: "not practised" would contradict them
            return "Today counts once you finish a drill or a whole break."
        if self.is_empty:
            return "No practice yet: start with the morning routine."
        if self.streak_days:
            return "Not practised yet today: a few minutes keeps the streak going."
        return "Not practised yet today: a few minutes starts a streak."

    def as_dict(self) -> dict:
        return asdict(self)


def streaks(days: set[date], today: date) -> tuple[int, int]:
    """(current, best) runs of consecutive practice days.  Today not practised yet does not break the run."""
    best = run = 0
    previous = None
    for day in sorted(days):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best, previous = max(best, run), day
    current = 0
    day = today if today in days else today - timedelta(days=1)
    while day in days:
        current, day = current + 1, day - timedelta(days=1)
    return current, best


# Runs of consecutive days in SQL (a day minus its rank is the same all through a run): years of
# days stay a few milliseconds; ``streaks`` is the same rule in Python, and the tests hold them equal.
RUNS = """
WITH ranked AS (SELECT day, julianday(day) - ROW_NUMBER() OVER (ORDER BY day) AS run
                FROM practice_days WHERE day <= :today),
     runs AS (SELECT MAX(day) AS last, COUNT(*) AS length FROM ranked GROUP BY run)
SELECT COALESCE(MAX(length), 0), COALESCE(MAX(IIF(last IN (:today, date(:today, '-1 day')), length, 0)), 0)
FROM runs
"""


def stored_streaks(db, today: date) -> tuple[int, int]:
    """(current, best) as ``streaks`` counts them, from the practice_days table."""
    best, current = db.execute(RUNS, {"today": today.isoformat()}).fetchone()
    return current, best


def trend(label: str, title: str, scores: list[float], attempts: int | None = None) -> TrendView:
    """Recent = mean of the last 5 scores; previous = mean of the 5 before (None until there are any).
    ``attempts``: how many scores there are in all (default: ``len(scores)``)."""
    recent, earlier = scores[-TREND_WINDOW:], scores[-2 * TREND_WINDOW : -TREND_WINDOW]
    recent_mean = round(sum(recent) / len(recent))
    previous = round(sum(earlier) / len(earlier)) if earlier else None
    direction = "flat"
    if previous is not None and recent_mean - previous >= TREND_STEP:
        direction = "up"
    elif previous is not None and previous - recent_mean >= TREND_STEP:
        direction = "down"
    return TrendView(label, title, recent_mean, previous, len(scores) if attempts is None else attempts, direction)


def readable_ranges(rows, today: date) -> tuple[list[tuple[str, str, float]], int]:
    """(the rows that read as (ISO day up to ``today``, feature name, amplitude 0-1), how many did not).

    SQLite keeps whatever a row was given (a hand-edited file, another program): one bad row must not
    hide the rest.  A day after today is left out too (a clock that was wrong then): it fits no week."""
    good, left_out = [], 0
    for day, feature, best in rows:
        try:
            when, value = date.fromisoformat(day), float(best)
            # A feature's amplitude is 0-1 by its contract (vision.features): anything else was never measured.
            readable = when.isoformat() == day and 0.0 <= value <= 1.0 and isinstance(feature, str) and feature
        except (TypeError, ValueError):
            readable = False
        if readable and when <= today:
            good.append((day, feature, value))
        else:
            left_out += 1
    return good, left_out


def range_of_motion(rows: list[tuple[str, str, float]], today: date, weeks: int = RANGE_WEEKS) -> tuple[RangeView, ...]:
    """Each feature's best amplitude per week (the last ``weeks``, this week last), from (day, feature, best) rows.

    A "week" is 7 days ending today, so today's practice always lands in the last one; the recent
    best is that week's.  The direction compares it with the best of the weeks before.  ``rows`` are
    readable ones (``readable_ranges``: ``summarize`` filters them once for this and the charts).
    """
    by_feature: dict[str, list[tuple[date, float]]] = {}
    for day, feature, best in rows:
        by_feature.setdefault(feature, []).append((date.fromisoformat(day), float(best)))
    views = []
    for feature in [f for f in FEATURES if f in by_feature] + sorted(set(by_feature) - set(FEATURES)):
        buckets: list[float | None] = [None] * weeks
        for day, best in by_feature[feature]:
            back = (today - day).days // 7
            if 0 <= back < weeks:
                slot = weeks - 1 - back
                buckets[slot] = max(best, buckets[slot] or 0.0)
        recent, before = buckets[-1], [value for value in buckets[:-1] if value is not None]
        direction = "flat"
        if recent is not None and before and recent - max(before) >= RANGE_STEP:
            direction = "up"
        elif recent is not None and before and max(before) - recent >= RANGE_STEP:
            direction = "down"
        rounded = tuple(round(value, 3) if value is not None else None for value in buckets)
        views.append(RangeView(feature, feature_title(feature), rounded[-1], rounded, direction,
                               len(by_feature[feature])))  # fmt: skip
    return tuple(views)


def summarize(store: HistoryStore, today: date, titles: dict[str, str] | None = None) -> HistorySummary:
    """What the history says as of ``today``; ``titles`` names drills (default: their ids), in display order."""
    db = store.connection
    current, best = stored_streaks(db, today)
    (practice_days,) = db.execute("SELECT COUNT(*) FROM practice_days").fetchone()
    counts = dict(db.execute("SELECT drill_id, scored FROM drill_totals"))
    recent_scores = store.scores_by_drill(2 * TREND_WINDOW)
    titles = titles or {}
    order = [d for d in titles if d in counts] + sorted(d for d in counts if d not in titles)
    trends = tuple(trend(d, titles.get(d, d), recent_scores[d], counts[d]) for d in order)
    # Sessions with something in them (schema v3's "filled"): all of them less the few empty ones.
    (sessions,) = db.execute(
        "SELECT (SELECT COUNT(*) FROM sessions) - COUNT(*) FROM sessions WHERE NOT filled"
    ).fetchone()
    (attempts,) = db.execute("SELECT COUNT(*) FROM attempts").fetchone()
    rows = db.execute(
        "SELECT s.day, s.title, s.plan, s.active_s, s.ended_at,"
        " (SELECT COUNT(*) FROM attempts a WHERE a.session_id = s.id),"
        " (SELECT AVG(score) FROM attempts a WHERE a.session_id = s.id AND a.outcome != 'skipped')"
        " FROM sessions s WHERE s.filled ORDER BY s.started_at DESC, s.id DESC LIMIT ?",
        (RECENT_SESSIONS,),
    ).fetchall()
    recent = tuple(
        SessionRow(day, title or plan, count, round(mean) if mean is not None else None, round(active / 60, 1),
                   ended is not None)
        for day, title, plan, active, ended, count, mean in rows
    )  # fmt: skip
    first_day = (today - timedelta(days=7 * RANGE_WEEKS - 1)).isoformat()
    feature_days, left_out = readable_ranges(store.feature_range(first_day), today)
    ranges = range_of_motion(feature_days, today)
    neutral = store.latest_neutral()
    first = today - timedelta(days=CHART_WEEKS * 7 - 1)
    shown = tuple(day for (day,) in db.execute("SELECT day FROM practice_days WHERE day BETWEEN ? AND ? ORDER BY day",
                                                 (first.isoformat(), today.isoformat())))  # fmt: skip
    minutes = week_minutes(store, today)  # today is its last day
    return HistorySummary(current, best, practice_days, sessions, attempts, today.isoformat() in shown[-1:],
                          minutes[-1][1], trends, recent, ranges,
                          neutral.day if neutral is not None else "", today.isoformat(), shown, minutes,
                          daily_series(store, first, today, titles) + feature_series(feature_days, first),
                          left_out)  # fmt: skip


def empty_summary(today: date) -> HistorySummary:
    """What ``summarize`` says of a history with nothing in it: for one not made yet (never practised,
    the guest), with the same keys as any other."""
    days = tuple(((today - timedelta(days=back)).isoformat(), 0.0) for back in range(6, -1, -1))
    return HistorySummary(0, 0, 0, 0, 0, False, 0.0, (), (), today=today.isoformat(), week_minutes=days)


def feature_series(feature_days, first: date) -> tuple[SeriesView, ...]:
    """Each feature's best amplitude per day from ``first`` on, as line charts after the drills' (in
    FEATURES order): the range of motion rising over the weeks.  ``feature_days`` is (day, feature, best),
    as ``readable_ranges`` gives them."""
    points: dict[str, list[tuple[str, float]]] = {}
    for day, feature, best in feature_days:
        if day >= first.isoformat():
            points.setdefault(feature, []).append((day, round(float(best), 2)))
    ordered = [name for name in FEATURES if name in points]
    return tuple(SeriesView(f, f"Range: {feature_title(f)}", tuple(points[f]), unit="amplitude") for f in ordered)


def week_minutes(store: HistoryStore, today: date) -> tuple[tuple[str, float], ...]:
    """Minutes of practice (pauses excluded) on each of the last 7 days, oldest first; 0 for a day without."""
    first = today - timedelta(days=6)
    rows = store.connection.execute(
        "SELECT day, active_s FROM day_minutes WHERE day BETWEEN ? AND ?",  # kept by a trigger: a row a day
        (first.isoformat(), today.isoformat()),
    )
    seconds = dict(rows)
    days = [(first + timedelta(days=n)).isoformat() for n in range(7)]
    return tuple((day, round(seconds.get(day, 0.0) / 60, 1)) for day in days)


def daily_series(store: HistoryStore, first: date, last: date, titles: dict[str, str] | None = None):
    """Each drill's mean score per practice day from ``first`` to ``last``; most practice days first."""
    rows = store.connection.execute(  # drill_days is kept by a trigger: a row a drill a day, not every attempt
        "SELECT drill_id, day, total / scored FROM drill_days WHERE day BETWEEN ? AND ? ORDER BY day",
        (first.isoformat(), last.isoformat()),
    )
    points: dict[str, list[tuple[str, float]]] = {}
    for drill_id, day, mean in rows:
        points.setdefault(drill_id, []).append((day, round(mean, 1)))
    titles = titles or {}
    order = {drill_id: n for n, drill_id in enumerate(titles)}
    ranked = sorted(points, key=lambda d: (-len(points[d]), order.get(d, len(order)), d))
    return tuple(SeriesView(d, titles.get(d, d), tuple(points[d])) for d in ranked)
