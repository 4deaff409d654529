"""Hand out frames of a recording at the rate they were recorded, as a live camera would."""

from __future__ import annotations

import time


class Pacer:
    """Sleeps until each frame is due at ``fps``; when far behind it catches up instead of bursting."""

    def __init__(self, fps: float, *, clock=time.monotonic, sleep=time.sleep) -> None:
        self.period = 1.0 / fps
        self._clock, self._sleep = clock, sleep
        self._due: float | None = None

    def wait(self) -> None:
        now = self._clock()
        if self._due is None or now - self._due > self.period:
            self._due = now  # first frame, or more than a frame late: restart the schedule
        elif self._due > now:
            self._sleep(self._due - now)
        self._due += self.period
