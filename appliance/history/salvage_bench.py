"""Salvage benchmark: how much of a damaged practice history comes back, by kind of damage.

    python -m appliance.history.salvage_bench [--days 35] [--trials 20] [--seed 1] [--json]

Builds a history as the mirror keeps one (an event per transaction, WAL, closed cleanly): ``--days``
mornings with a few missed, a resting face, three to five drills and a break each.  Then damages
copies of it: the 100-byte header, the whole first page, 5 random pages (``--trials`` times), and
the file cut to 90% and to 50%; opens each as the mirror does (kept aside, salvaged into a fresh
one) and counts the rows that came back identical to the ones there before, per table, beside
the share the undamaged pages held (what any salvage could give back at most).
Target: header or first-page damage, at least 95% of the rows back.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import shutil
import sqlite3
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path

from appliance.arguments import count
from appliance.coach.events import AttemptFinished, BreakFinished, NeutralCalibrated, SessionEnded, SessionStarted
from appliance.errors import run_tool
from appliance.history.pages import Image
from appliance.history.salvage import EVENT_TABLES
from appliance.history.store import HistoryStore
from appliance.vision.features import GEOMETRY

DRILLS = ("happiness", "surprise", "genuine_smile", "anger", "contemplative_look", "sadness")
PAGE = 4096  # the history's page size (SQLite's default)
FEATURES = ("smile", "eye_narrow", "brow_raise", "eye_widen", "jaw_drop", "brow_lower", "lip_press")


def build(path: Path, days: int, seed: int) -> None:
    """A made-up history of ``days`` mornings up to yesterday (every tenth or so missed), seeded."""
    rng = random.Random(seed)
    with HistoryStore(path) as store:
        number = 0
        for back in range(days, 0, -1):
            if rng.random() < 0.1:
                continue
            number += 1
            day = date.today() - timedelta(days=back)
            wall = datetime.combine(day, datetime.min.time()).timestamp() + 7.5 * 3600 + rng.uniform(0, 1800)
            if number == 1:
                geometry = tuple((key, rng.uniform(0.1, 1.0)) for key in sorted(GEOMETRY))
                store.record(NeutralCalibrated(geometry, 45, rng.uniform(-5, 5), rng.uniform(-5, 5), 0.0, wall - 60))
            store.record(SessionStarted(number, "morning", "Morning routine", 0.0, wall))
            store.record(BreakFinished(number, "face_relaxation", False, "", True, 40.0, 35.0, 0.0, wall + 40))
            for n, drill in enumerate(rng.sample(DRILLS, k=rng.randint(3, 5))):
                score = rng.randint(20, 95)
                reach = tuple((name, round(rng.uniform(0.2, 0.9), 3)) for name in rng.sample(FEATURES, k=2))
                store.record(AttemptFinished(number, drill, "expression", (drill,), "completed", score, score, 3.0,
                                             3.0, 1.0, 1.0, 6.0, "", 0.0, wall + 60 + 50 * n,
                                             feature_best=reach))  # fmt: skip
            store.record(SessionEnded(number, "done", rng.uniform(5, 16) * 60, 4, 0.0, wall + 900))


def rows_of(path: Path) -> dict[str, set[tuple]]:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as connection:
        connection.text_factory = bytes  # compared as stored
        return {table: set(connection.execute(f"SELECT * FROM {table}")) for table in EVENT_TABLES}


def damaged_copy(original: Path, folder: Path, damage, rng: random.Random) -> tuple[Path, set[int]]:
    """A damaged copy in ``folder``, and the numbers of the pages damaged or lost."""
    folder.mkdir()
    path = folder / original.name
    data = bytearray(original.read_bytes())
    pages = damage(data, rng)
    path.write_bytes(bytes(data))
    return path, pages


def garbage(data: bytearray, pages: list[int], rng: random.Random, length: int = PAGE) -> set[int]:
    for page in pages:
        data[(page - 1) * PAGE : (page - 1) * PAGE + length] = rng.randbytes(length)
    return set(pages)


def cut(data: bytearray, keep: float) -> set[int]:
    pages = len(data) // PAGE
    del data[int(len(data) * keep) :]
    return set(range(len(data) // PAGE + 1, pages + 1))


DAMAGE = {
    "header (100 bytes)": lambda data, rng: garbage(data, [1], rng, length=100) - {1},  # page 1's rows are whole
    "first page": lambda data, rng: garbage(data, [1], rng),
    "5 random pages": lambda data, rng: garbage(data, rng.sample(range(1, len(data) // PAGE + 1), 5), rng),
    "cut to 90%": lambda data, rng: cut(data, 0.9),
    "cut to 50%": lambda data, rng: cut(data, 0.5),
}


def rows_by_page(path: Path) -> dict[int, int]:
    """How many event rows each page of an intact history holds (read with the salvage's own page reader)."""
    image = Image(path)
    roots = {values[1]: values[3] for page in image.leaves(1, set()) for _id, values in image.rows(page)}
    return {page: len(image.rows(page)) for table in EVENT_TABLES for page in image.leaves(roots[table], set())}


def recovered(path: Path, there: dict[str, set[tuple]]) -> dict[str, int]:
    """Rows back identical to the ones there before (a stand-in session made for orphaned attempts is not one)."""
    before = path.read_bytes()
    with HistoryStore(path):
        pass
    (aside,) = path.parent.glob(f"{path.name}.corrupt-*")
    if aside.read_bytes() != before:
        raise SystemExit(f"the damaged file was changed: {aside}")
    back = rows_of(path)
    return {table: len(back[table] & there[table]) for table in EVENT_TABLES}


def measure(days: int, trials_of_random: int, seed: int) -> dict:
    """The history's size, then per kind of damage the share of rows back (mean and worst) and the share
    the undamaged pages held."""
    rng = random.Random(seed)
    figures: dict = {}
    with tempfile.TemporaryDirectory() as scratch:
        original = Path(scratch) / "history.sqlite3"
        build(original, days, seed)
        there = rows_of(original)
        total = sum(map(len, there.values()))
        held = rows_by_page(original)
        figures["history"] = {"bytes": original.stat().st_size, "pages": original.stat().st_size // 4096,
                              **{table: len(rows) for table, rows in there.items()}}  # fmt: skip
        for name, damage in DAMAGE.items():
            trials = trials_of_random if name == "5 random pages" else 1
            shares, ceilings, tables = [], [], {table: 0 for table in EVENT_TABLES}
            for trial in range(trials):
                folder = Path(scratch) / f"{len(figures)}-{trial}"
                path, lost = damaged_copy(original, folder, damage, rng)
                back = recovered(path, there)
                shares.append(sum(back.values()) / total)
                ceilings.append(sum(n for page, n in held.items() if page not in lost) / total)
                tables = {table: tables[table] + back[table] for table in EVENT_TABLES}
                shutil.rmtree(folder)
            figures[name] = {"rows_back": round(sum(shares) / trials, 4), "worst": round(min(shares), 4),
                             "on_intact_pages": round(sum(ceilings) / trials, 4),
                             "trials": trials, **{t: round(n / trials, 1) for t, n in tables.items()}}  # fmt: skip
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m appliance.history.salvage_bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--days", type=count(1, 100_000), default=35, help="mornings in the history (default 35)")
    parser.add_argument("--trials", type=count(1, 10_000), default=20, help="random damages of each kind (default 20)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the history and of the damage (default 1)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # every salvage logs what it moved and read: thousands of lines here
    try:
        figures = measure(args.days, args.trials, args.seed)
    finally:
        logging.disable(logging.NOTSET)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"history: {figures.pop('history')}")
        for name, figure in figures.items():
            print(f"{name:20s} {figure}")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_tool(main))
