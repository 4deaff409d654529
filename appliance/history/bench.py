"""History benchmark: build a practice history of N sessions, then time the summary and a save.

    python -m appliance.history.bench [--sessions 4000] [--attempts 8] [--db PATH] [--repeat 5] [--json]

One session a day (a few years of mornings), each with ``--attempts`` drills and a break.  Prints
the time ``summarize`` takes (what the mirror computes after every attempt, break and session),
the time of ``scores_by_drill``, and of recording one event (one fsynced transaction).
Target: summary of a 4,000-session history under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from appliance.arguments import count
from appliance.coach.events import AttemptFinished, BreakFinished, SessionEnded, SessionStarted
from appliance.errors import run_tool
from appliance.history.store import HistoryStore
from appliance.history.summary import summarize

DRILLS = ("neutral", "happiness", "surprise", "anger", "sadness", "fear", "disgust", "contempt", "genuine_smile")
DAY = 86400.0


def build(path: Path, sessions: int, attempts: int) -> date:
    """Fill ``path`` with ``sessions`` daily sessions ending today; returns today.  Bulk-loaded in one transaction."""
    today = date.today()
    first = datetime(today.year, today.month, today.day, 7, 30).timestamp() - (sessions - 1) * DAY
    with HistoryStore(path) as store:
        db = store.connection
        db.execute("BEGIN")
        for number in range(1, sessions + 1):
            wall = first + (number - 1) * DAY
            events = [SessionStarted(number, "morning", "Morning routine", 0.0, wall)]
            for i in range(attempts):
                drill = DRILLS[(number + i) % len(DRILLS)]
                outcome = "skipped" if (number + i) % 17 == 0 else "completed"
                score = (number * 7 + i * 13) % 101
                events.append(AttemptFinished(number, drill, "expression", (drill,), outcome, score, score, 3.0, 3.0,
                                              1.0, 1.0, 8.0, "", 0.0, wall + 10 * (i + 1)))  # fmt: skip
            events.append(BreakFinished(number, "box_breathing", False, "", True, 64.0, 40.0, 0.0, wall + 200))
            events.append(SessionEnded(number, "done", 300.0, attempts, 0.0, wall + 300))
            for event in events:
                store._write(event)
        db.execute("COMMIT")
    return today


def timed(action, repeat: int) -> dict:
    """Wall and CPU milliseconds of ``action``: on a shared machine the CPU time is the steadier figure."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {"median": round(statistics.median(wall), 2), "max": round(max(wall), 2),
            "cpu_median": round(statistics.median(cpu), 2), "n": repeat}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m appliance.history.bench", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sessions", type=count(1, 1_000_000), default=4000, help="sessions in the history (default 4000)"
    )
    parser.add_argument("--attempts", type=count(1, 1_000_000), default=8, help="attempts per session (default 8)")
    parser.add_argument("--repeat", type=count(1, 1_000_000), default=5, help="timed runs of each step (default 5)")
    parser.add_argument("--db", type=Path, help="build the history here (default: a temporary folder)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "history.sqlite3"
        if path.exists():
            parser.error(f"{path} exists: the benchmark builds a new history (give another --db)")
        start = time.perf_counter()
        today = build(path, args.sessions, args.attempts)
        built_s = time.perf_counter() - start
        with HistoryStore(path) as store:
            summary_ms = timed(lambda: summarize(store, today), args.repeat)
            scores_ms = timed(store.scores_by_drill, args.repeat)
            number = args.sessions + 1
            store.record(SessionStarted(number, "morning", "Morning routine", 0.0, time.time()))
            record_ms = timed(lambda: store.record(BreakFinished(number, "box_breathing", False, "", True, 64.0, 40.0,
                                                                 0.0, time.time())), args.repeat)  # fmt: skip
        figures = {
            "sessions": args.sessions,
            "attempts": args.sessions * args.attempts,
            "build_s": round(built_s, 2),
            "summary_ms": summary_ms,
            "scores_by_drill_ms": scores_ms,
            "record_ms": record_ms,
        }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:20s} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_tool(main))
