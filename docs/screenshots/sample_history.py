"""A made-up practice history for the README's progress screenshots: five weeks, a few missed days.

    XDG_DATA_HOME=build/screens python docs/screenshots/sample_history.py

Writes to the history the appliance would use (``$XDG_DATA_HOME/appliance/history.sqlite3``) and
refuses to touch one that exists: point XDG_DATA_HOME at a scratch folder, never at a real one.
The scores are invented (seeded, improving with noise); no person's practice is in them.
"""

from __future__ import annotations

import random
import sys
from datetime import date, datetime, timedelta

from appliance.coach.events import AttemptFinished, BreakFinished, SessionEnded, SessionStarted
from appliance.history import HistoryStore, default_path

DAYS = 35
MISSED = {9, 17, 18, 30}  # days ago without practice
DRILLS = {"happiness": 52, "surprise": 45, "genuine_smile": 38, "anger": 30, "contemplative_look": 35}


def main() -> int:
    path = default_path()
    if path.exists():
        print(f"{path} exists: refusing to add made-up practice to it (set XDG_DATA_HOME to a scratch folder)")
        return 1
    rng = random.Random(16)
    with HistoryStore(path) as store:
        number = 0
        for back in range(DAYS, 0, -1):  # up to yesterday: the screenshot run itself practises today
            if back in MISSED:
                continue
            number += 1
            day = date.today() - timedelta(days=back)
            wall = datetime.combine(day, datetime.min.time()).timestamp() + 7.5 * 3600 + rng.uniform(0, 1800)
            store.record(SessionStarted(number, "morning", "Morning routine", 0.0, wall))
            store.record(BreakFinished(number, "face_relaxation", False, "", True, 40.0, 35.0, 0.0, wall + 40))
            chosen = rng.sample(list(DRILLS), k=rng.randint(3, 5))
            for n, drill in enumerate(chosen):
                progress = (DAYS - back) / DAYS
                score = round(min(98, max(5, DRILLS[drill] + 40 * progress + rng.gauss(0, 6))))
                store.record(AttemptFinished(number, drill, "expression", (drill,), "completed", score, score, 3.0,
                                             3.0, 1.0, 1.0, 6.0, "", 0.0, wall + 60 + 50 * n))  # fmt: skip
            store.record(SessionEnded(number, "done", rng.uniform(5, 16) * 60, len(chosen), 0.0, wall + 900))
    print(f"wrote {number} sessions of made-up practice to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
