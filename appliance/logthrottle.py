"""Repeated warnings said once, then at most once a period with how many were held back.

A camera sending 30 bad frames a second must not write 30 log lines a second (an SD card's
life, and a log nobody can read): the first is logged at once, the rest are counted and the
count rides on the next line logged for the same kind of problem.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable


class Throttle:
    def __init__(self, log: logging.Logger, *, every: float = 30.0, clock: Callable[[], float] = time.monotonic):
        self.log, self.every, self.clock = log, every, clock
        self._lock = threading.Lock()
        self._kinds: dict[str, tuple[float, int]] = {}  # kind -> (last logged at, held back since)

    def warning(self, kind: str, message: str, *args, exc_info: bool = False) -> bool:
        """Log ``message % args`` unless ``kind`` was logged less than ``every`` seconds ago;
        True when it was logged."""
        now = self.clock()
        with self._lock:
            last, held = self._kinds.get(kind, (None, 0))
            if last is not None and now - last < self.every:
                self._kinds[kind] = (last, held + 1)
                return False
            self._kinds[kind] = (now, 0)
        if held:
            message += f" (and {held} more like it in the last {now - last:.0f} s)"
        self.log.warning(message, *args, exc_info=exc_info)
        return True
