"""The shell's side of best takes: recent full-resolution frames, the frame at the coach's peak, the write.

    vision worker --frames--> FrameRing (the last few colour frames, by timestamp)
    coach View (live.peak_frame_at) --> the candidate: the ring's frame at the best match so far
    coach AttemptFinished (a headshot look, peak_frame_at T) --> TakeWriter (its thread) writes the JPEG
    TakeWriter done --> main thread: the result screen shows it, the LED stops blinking

The coach only names the peak's frame timestamp; picking and keeping pixels is this module's job.
The ring holds references to the source's arrays (no copies); the candidate keeps one frame alive
for the attempt, so memory is the ring plus one frame.  Built only when ``[capture] best_takes``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

import numpy as np

from appliance.coach.events import AttemptFinished
from appliance.coach.view import Screen, View
from appliance.takes import Take, TakeWriter

log = logging.getLogger(__name__)
HEADSHOT = "headshot"
RING_FRAMES = 8  # ~0.27 s at 30 fps: covers inference and the UI's drain between a frame and its view
MATCH_TOLERANCE_S = 0.005  # the peak names its own frame's timestamp: only that frame will do, never a neighbour
BLINK_MIN_S = 1.0  # the LED blinks at least this long, so a quick write is still seen
SHOWN_S = 4.0  # the take stays on the result screen this long


class FrameRing:
    """The last ``size`` colour frames, fed on the vision thread, read on the main thread."""

    def __init__(self, size: int = RING_FRAMES) -> None:
        self._frames: deque[tuple[float, np.ndarray]] = deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, frame) -> None:
        if frame.rgb is not None:
            with self._lock:
                self._frames.append((frame.timestamp, frame.rgb))

    def at(self, timestamp: float, tolerance: float = MATCH_TOLERANCE_S) -> np.ndarray | None:
        """The colour frame taken at ``timestamp`` (the nearest within ``tolerance``), or None."""
        with self._lock:
            frames = list(self._frames)
        if not frames:
            return None
        taken, rgb = min(frames, key=lambda pair: abs(pair[0] - timestamp))
        return rgb if abs(taken - timestamp) <= tolerance else None


class TakesLink:
    """Keeps the frame at each headshot attempt's peak and has it written when the attempt ends.

    ``post(fn, seconds)`` runs ``fn()`` on the main thread (Kivy's Clock) after ``seconds``;
    ``show(take)`` puts a take on the result screen, ``blink(on)`` the camera LED and ``warn(message)``
    says a failed write on the mirror, all three on the main thread.
    """

    def __init__(
        self,
        writer: TakeWriter,
        ring: FrameRing,
        *,
        post: Callable[[Callable[[], None], float], None],
        show: Callable[[Take], None] = lambda take: None,
        blink: Callable[[bool], None] = lambda on: None,
        warn: Callable[[str], None] = lambda message: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.writer, self.ring, self._post, self._show, self._blink, self._warn = writer, ring, post, show, blink, warn
        self._clock = clock
        self._candidate: tuple[float, np.ndarray] | None = None
        self._blinking_since: float | None = None
        self._pending = 0
        writer.when_saved = lambda take: post(lambda: self._saved(take), 0.0)
        writer.when_failed = lambda message: post(lambda: self._failed(message), 0.0)

    def view(self, view: View) -> None:
        """Every view the shell shows: while a headshot look is performed, hold the frame at its best match."""
        live, drill = view.live, view.drill
        if view.screen is not Screen.DRILL or live is None or drill is None or drill.kind != HEADSHOT:
            return
        peak = live.peak_frame_at
        if peak is None or (self._candidate is not None and self._candidate[0] == peak):
            return
        rgb = self.ring.at(peak)
        if rgb is not None:
            self._candidate = (peak, rgb)

    def events(self, events) -> None:
        """The coach's events: a finished headshot attempt has its peak frame written."""
        for event in events:
            if isinstance(event, AttemptFinished):
                candidate, self._candidate = self._candidate, None
                if event.kind == HEADSHOT and event.outcome != "skipped" and event.peak_frame_at is not None:
                    self._keep(event, candidate)

    def _keep(self, event: AttemptFinished, candidate: tuple[float, np.ndarray] | None) -> None:
        if candidate is not None and candidate[0] == event.peak_frame_at:
            rgb = candidate[1]
        else:  # the peak came in the attempt's last batch of frames: it is still in the ring
            rgb = self.ring.at(event.peak_frame_at)
        if rgb is None:
            log.info("no colour frame at the peak of %s (the source gives none): no take", event.drill_id)
            return
        self._pending += 1
        if self._blinking_since is None:
            self._blinking_since = self._clock()
            self._blink(True)
        self.writer.save(event.drill_id, rgb)

    def _saved(self, take: Take) -> None:
        self._done()
        self._show(take)

    def _failed(self, message: str) -> None:
        self._done()
        self._warn(message)

    def _done(self) -> None:
        self._pending = max(0, self._pending - 1)
        if self._pending or self._blinking_since is None:
            return
        left = BLINK_MIN_S - (self._clock() - self._blinking_since)
        self._blinking_since = None
        self._post(self._stop_blinking, max(0.0, left))

    def _stop_blinking(self) -> None:
        if self._blinking_since is None:  # unless another take started meanwhile
            self._blink(False)


def open_takes(
    config, ring: FrameRing | None, *, post, root=None, **callbacks
) -> tuple[TakeWriter | None, TakesLink | None]:
    """The take writer (for settings' "delete all", also when takes are off but some are on disk) and,
    only with ``[capture] best_takes`` on, the link that keeps new ones (``callbacks``: show, blink, warn).
    (None, None) when takes are off and none were ever kept: nothing of this runs."""
    from appliance.takes import TakeStore, default_root

    store = TakeStore(root if root is not None else default_root(), max_per_look=config.capture.max_per_look)
    if not config.capture.best_takes:
        if not store.root.is_dir():  # one stat at start-up: off, and nothing kept before
            return None, None
        return TakeWriter(store), None
    writer = TakeWriter(store)
    return writer, TakesLink(writer, ring if ring is not None else FrameRing(), post=post, **callbacks)
