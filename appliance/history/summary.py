"""Streaks, sessions and per-expression trends from the stored history."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from appliance.coach.view import ProgressView, TrendView
from appliance.history.store import HistoryStore

TREND_WINDOW = 5  # attempts in "recent" and in "previous"
TREND_STEP = 3  # points of change before a trend counts as up or down
RECENT_SESSIONS = 10


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

    @property
    def is_empty(self) -> bool:
        return self.sessions == 0 and self.attempts == 0

    def progress_view(self) -> ProgressView:
        message = "No practice yet: start with the morning routine." if self.is_empty else ""
        if not self.is_empty and not self.practiced_today:
            message = "Not practised yet today: a few minutes keeps the streak going."
        return ProgressView(self.streak_days, self.best_streak_days, self.sessions, self.attempts,
                            self.practiced_today, self.minutes_today, self.trends, message)  # fmt: skip

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


def summarize(store: HistoryStore, today: date, titles: dict[str, str] | None = None) -> HistorySummary:
    """What the history says as of ``today``; ``titles`` names drills (default: their ids), in display order."""
    db = store.connection
    current, best = stored_streaks(db, today)
    (practice_days,) = db.execute("SELECT COUNT(*) FROM practice_days").fetchone()
    practiced_today = db.execute("SELECT 1 FROM practice_days WHERE day = ?", (today.isoformat(),)).fetchone()
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
    (seconds_today,) = db.execute("SELECT COALESCE(SUM(active_s), 0) FROM sessions WHERE day = ?",
                                  (today.isoformat(),)).fetchone()  # fmt: skip
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
    return HistorySummary(current, best, practice_days, sessions, attempts, practiced_today is not None,
                          round(seconds_today / 60, 1), trends, recent)  # fmt: skip
