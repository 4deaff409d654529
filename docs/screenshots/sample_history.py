"""A made-up practice history for the README's progress screenshots: five weeks, a few missed days,
a resting face taken on the first day and the features' range of motion growing since.

    XDG_DATA_HOME=build/screens python docs/screenshots/sample_history.py

Writes to the history the appliance would use (``$XDG_DATA_HOME/appliance/history.sqlite3``) and
refuses to touch one that exists: point XDG_DATA_HOME at a scratch folder, never at a real one.
The scores are invented (seeded, improving with noise); no person's practice is in them.
"""

from __future__ import annotations

import random
import sys
from datetime import date, datetime, timedelta

from appliance.coach.events import AttemptFinished, BreakFinished, NeutralCalibrated, SessionEnded, SessionStarted
from appliance.history import HistoryStore, default_path
from appliance.vision.features import GEOMETRY

DAYS = 35
MISSED = {9, 17, 18, 30}  # days ago without practice
DRILLS = {"happiness": 52, "surprise": 45, "genuine_smile": 38, "anger": 30, "contemplative_look": 35}
# Range of motion: the features each drill moves, and where their best starts (it grows by about half).
MOVES = {
    "happiness": {"smile": 0.42, "eye_narrow": 0.25},
    "surprise": {"brow_raise": 0.38, "eye_widen": 0.3, "jaw_drop": 0.35},
    "genuine_smile": {"smile": 0.4, "eye_narrow": 0.3},
    "anger": {"brow_lower": 0.3, "lip_press": 0.25},
    "contemplative_look": {},
}


def resting_face() -> tuple[tuple, int, float, float]:
    """The demo face's resting photo as a calibration keeps it (appliance/camera/demo/NOTICE.md): the
    per-key median of its geometry over 20 frames, their count, yaw and pitch.  Against it the
    screenshots' drill reads the demo face as a calibrated person's is read."""
    import numpy as np

    from appliance.camera.demo import demo_face_source
    from appliance.vision.pipeline import VisionPipeline

    pipeline = VisionPipeline()
    with demo_face_source(fps=1000) as source:
        seen = [o for o in (pipeline.observe(source.read()) for _ in range(20)) if o.geometry]
    if not seen:
        raise SystemExit("the demo face gave no landmarks: run python -m appliance doctor")
    geometry = tuple((key, float(np.median([o.geometry[key] for o in seen]))) for key in sorted(GEOMETRY))
    yaw, pitch = (float(np.median([o.pose[angle] for o in seen])) for angle in ("yaw", "pitch"))
    return geometry, len(seen), yaw, pitch


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
            if number == 1:  # the resting face, taken before the first practice
                store.record(NeutralCalibrated(*resting_face(), 0.0, wall - 60))
            store.record(SessionStarted(number, "morning", "Morning routine", 0.0, wall))
            store.record(BreakFinished(number, "face_relaxation", False, "", True, 40.0, 35.0, 0.0, wall + 40))
            chosen = rng.sample(list(DRILLS), k=rng.randint(3, 5))
            for n, drill in enumerate(chosen):
                progress = (DAYS - back) / DAYS
                score = round(min(98, max(5, DRILLS[drill] + 40 * progress + rng.gauss(0, 6))))
                reach = tuple((name, round(min(1.0, start * (1 + 0.5 * progress) + rng.gauss(0, 0.03)), 3))
                              for name, start in MOVES[drill].items())  # fmt: skip
                store.record(AttemptFinished(number, drill, "expression", (drill,), "completed", score, score, 3.0,
                                             3.0, 1.0, 1.0, 6.0, "", 0.0, wall + 60 + 50 * n,
                                             feature_best=reach))  # fmt: skip
            store.record(SessionEnded(number, "done", rng.uniform(5, 16) * 60, len(chosen), 0.0, wall + 900))
    print(f"wrote {number} sessions of made-up practice to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
