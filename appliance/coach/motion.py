"""Range of motion: each feature's best amplitude held for a moment, against the personal neutral face.

Only observations read against the person's own neutral face count (``neutral == "personal"``):
against an average face a resting brow can already read 0.2, and a history mixing the two
references would rise or fall with calibration, not with practice.  "Held for a moment" is the
smallest value over the last ``sustain_s`` seconds, so one noisy frame is not a record.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from appliance.messages import Observation
from appliance.vision.features import FEATURES

SUSTAIN_S = 0.5


class RangeTracker:
    def __init__(self, sustain_s: float = SUSTAIN_S) -> None:
        self.sustain_s = sustain_s
        self.best: dict[str, float] = {}  # feature -> best sustained amplitude so far
        self._window: deque[tuple[float, Mapping[str, float]]] = deque()

    def observe(self, observation: Observation, now: float) -> None:
        """``now``: seconds on the caller's clock (the attempt's performing time)."""
        if observation.neutral != "personal" or not observation.features:
            self._window.clear()  # a gap (no face, no landmarks, another reference) breaks the moment
            return
        if self._window and now < self._window[-1][0]:
            self._window.clear()
        self._window.append((now, observation.features))
        while len(self._window) > 1 and self._window[1][0] <= now - self.sustain_s:
            self._window.popleft()
        if now - self._window[0][0] < self.sustain_s:
            return
        for name in FEATURES:
            held = min(float(features.get(name, 0.0)) for _, features in self._window)
            if held > self.best.get(name, 0.0):
                self.best[name] = held

    def bests(self) -> tuple[tuple[str, float], ...]:
        """(feature, best) in FEATURES order, rounded to 3 places; features never moved are left out."""
        return tuple((name, round(self.best[name], 3)) for name in FEATURES if self.best.get(name, 0.0) > 0)
