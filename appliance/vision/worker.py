"""The live vision thread: newest frame in, Observation out, never dying silently.

Two daemon threads: a reader keeps the newest frame from the source in a one-frame slot
(overwriting any frame not yet taken: stale frames are dropped, nothing queues up), and the
worker takes it, runs the pipeline and publishes the Observation to ``when_observation`` and
``latest``.  Frames can also be pushed with ``submit`` (then no source is needed).
``set_rate(fps)`` slows the worker (the display is off: a few frames a second still notice a
face); ``set_rate(None)`` is full speed again at once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from appliance.camera.base import Backoff, EndOfStream, FrameSource
from appliance.errors import ApplianceError, CameraError, FrameError
from appliance.logthrottle import Throttle
from appliance.messages import Observation

log = logging.getLogger(__name__)


class LatestFrame:
    """A one-frame slot: ``put`` replaces what is there, ``take`` waits for a frame and empties it.

    ``close`` makes ``take`` return None at once (to stop a thread waiting on it); ``open`` undoes it.
    """

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._frame = None
        self._closed = False
        self.dropped = 0

    def open(self) -> None:
        with self._ready:
            self._closed = False

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()

    def put(self, frame) -> None:
        with self._ready:
            if self._frame is not None:
                self.dropped += 1
            self._frame = frame
            self._ready.notify_all()

    def take(self, timeout: float | None = None):
        with self._ready:
            self._ready.wait_for(lambda: self._frame is not None or self._closed, timeout)
            if self._closed:
                return None
            frame, self._frame = self._frame, None
            return frame


class VisionWorker:
    """Runs ``pipeline.observe`` on the newest frame of ``source``, in a thread.

    ``pipeline`` is anything with ``observe(frame) -> Observation`` (a VisionPipeline built
    with the thread count wanted).  ``when_observation`` is called on the worker thread with
    each Observation; keep it short (hand over to the UI with Clock / @mainthread).  A bad
    frame or a failing callback is logged and skipped; a source error is logged and the
    source restarted after ``backoff`` delays.  ``last_error`` keeps the latest problem.

    A source whose read hangs past ``read_timeout + stall_margin`` (a driver that ignores its
    timeout) is noticed by the worker thread: reported like any source error, its reader thread
    abandoned, and reading resumed on a new reader with ``reopen()``'s new source (or, without
    ``reopen``, the same source stopped and started again).  ``heartbeat`` proves the worker
    thread itself is alive; a source error that cannot heal (``retryable = False``) ends reading
    and stays in ``source_failure``.
    """

    def __init__(
        self,
        pipeline,
        source: FrameSource | None = None,
        *,
        when_observation=None,
        when_error=None,
        backoff: Backoff | None = None,
        read_timeout: float = 2.0,
        stall_margin: float = 5.0,
        reopen: Callable[[], FrameSource] | None = None,
    ) -> None:
        self.pipeline, self.source = pipeline, source
        self.when_observation, self.when_error = when_observation, when_error
        self.backoff = backoff or Backoff()
        self.read_timeout, self.stall_margin, self.reopen = read_timeout, stall_margin, reopen
        self.stalls = 0  # reads that hung past read_timeout + stall_margin
        self.stalls_in_a_row = 0  # since the last frame
        self.heartbeat = time.monotonic()  # when the worker thread last went round its loop
        self._generation = 0  # the current reader's number; a reader abandoned in a hung read has an older one
        self._busy_since: float | None = None  # when the current reader entered start()/read()
        self._restarting_source = False
        self.last_error: BaseException | None = None
        self.source_failure: BaseException | None = None  # an error that ended the source for good
        self.frames_processed = self.bad_frames = self.source_restarts = 0
        self._slot = LatestFrame()
        self._stop = threading.Event()
        self._published = threading.Condition()
        self._latest: Observation | None = None
        self._threads: list[threading.Thread] = []
        self._source_done = threading.Event()
        self._interval = 0.0  # seconds between frames worked on; 0 is as fast as frames come
        self._next_due = 0.0
        self._rate_changed = threading.Event()
        self._throttle = Throttle(log)  # a bad frame 30 times a second is one line, then a count

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        if self.is_running:
            return
        self._stop.clear()
        self._slot.open()
        self._source_done.clear()
        self.heartbeat = time.monotonic()
        self._threads = [threading.Thread(target=self._work, name="vision-worker", daemon=True)]
        self._threads[0].start()
        if self.source is not None:
            self._start_reader()

    def _start_reader(self) -> None:
        reader = threading.Thread(target=self._read_source, args=(self._generation,), name="vision-reader", daemon=True)
        self._threads.append(reader)
        reader.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._slot.close()  # wake the worker
        self._rate_changed.set()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def __enter__(self) -> VisionWorker:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def is_running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    @property
    def is_source_finished(self) -> bool:
        """True when a finite source (a video without loop, a folder) has given all its frames."""
        return self._source_done.is_set()

    @property
    def frames_dropped(self) -> int:
        return self._slot.dropped

    def set_rate(self, fps: float | None) -> None:
        """Work on at most ``fps`` frames a second (None: every frame); any thread."""
        if fps is not None and fps <= 0:
            raise ValueError(f"fps must be above 0, got {fps}")
        self._interval = 0.0 if fps is None else 1.0 / fps
        self._next_due = min(self._next_due, time.monotonic() + self._interval)
        self._rate_changed.set()  # cut a slow wait short

    @property
    def rate(self) -> float | None:
        return None if not self._interval else 1.0 / self._interval

    # -- observations ------------------------------------------------------------------------
    @property
    def latest(self) -> Observation | None:
        return self._latest

    def submit(self, frame) -> None:
        """Offer a frame; it replaces any frame the worker has not taken yet."""
        self._slot.put(frame)

    def wait_for_observation(self, timeout: float | None = None, *, where=None) -> Observation | None:
        """The latest Observation once one exists (and satisfies ``where``, if given), or None
        after ``timeout``.  Like gpiozero's wait_for_press: returns at once if it already holds."""

        def ready() -> bool:
            return self._latest is not None and (where is None or bool(where(self._latest)))

        with self._published:
            return self._latest if self._published.wait_for(ready, timeout) else None

    # -- threads -----------------------------------------------------------------------------
    def _work(self) -> None:
        while not self._stop.is_set():
            self.heartbeat = time.monotonic()
            self._check_reader()
            delay = self._next_due - time.monotonic()
            if delay > 0:  # slowed down: the reader keeps the slot fresh meanwhile
                self._rate_changed.wait(delay)
                self._rate_changed.clear()
                continue
            frame = self._slot.take(timeout=0.5)
            if frame is None:
                continue
            self._next_due = time.monotonic() + self._interval
            try:
                observation = self.pipeline.observe(frame)
            except FrameError as error:
                self.bad_frames += 1
                self._note(error, "skipped a bad frame")
                continue
            except Exception as error:  # the thread must outlive any one frame
                self._note(error, "the vision pipeline failed on a frame", traceback=True)
                continue
            with self._published:
                self._latest = observation
                self.frames_processed += 1
                self._published.notify_all()
            if self.when_observation is not None:
                try:
                    self.when_observation(observation)
                except Exception as error:
                    self._note(error, "when_observation raised", traceback=True)

    def _read_source(self, generation: int) -> None:
        source = self.source
        while not self._stop.is_set():
            self._busy_since = time.monotonic()
            try:
                if generation > 0 and self._restarting_source:  # after a hang: release the old state first
                    self._restarting_source = False
                    source.stop()
                source.start()
                frame = source.read(self.read_timeout)
            except EndOfStream:
                if self._abandoned(generation, source):
                    return
                log.info("%s has no more frames", source.name)
                self._source_done.set()
                break
            except Exception as error:  # CameraError, or anything a driver throws
                if self._abandoned(generation, source):
                    return
                self._busy_since = None
                self._note(error, f"the {source.name} source failed")
                source.stop()
                if getattr(error, "retryable", True) is False:  # e.g. a broken picamera2: retrying cannot heal it
                    log.error("not retrying %s: it cannot work until the problem is fixed", source.name)
                    self.source_failure = error
                    return
                delay = self.backoff.next_delay()
                self.source_restarts += 1
                log.info("restarting %s in %.1f s", source.name, delay)
                self._stop.wait(delay)
                continue
            if self._abandoned(generation, source):
                return
            self._busy_since = None
            self.stalls_in_a_row = 0
            self.backoff.reset()
            self._slot.put(frame)
        self._busy_since = None
        source.stop()

    def _abandoned(self, generation: int, source: FrameSource) -> bool:
        """True for a reader given up in a hung read that has now come back: it leaves quietly."""
        if generation == self._generation:
            return False
        log.info("a reader of %s given up earlier has returned; it ends", source.name)
        if source is not self.source:
            try:
                source.stop()
            except Exception:
                log.debug("stopping an abandoned source failed", exc_info=True)
        return True

    def _check_reader(self) -> None:
        """On the worker thread: a reader stuck in start()/read() too long is abandoned and replaced."""
        since = self._busy_since
        if since is None or self.source is None or self._stop.is_set() or self.is_source_finished:
            return
        stuck = time.monotonic() - since
        if stuck <= self.read_timeout + self.stall_margin:
            return
        name = self.source.name
        self._generation += 1  # the stuck reader, should it ever return, sees it was given up
        self._busy_since = None
        self._threads = [thread for thread in self._threads if thread.name != "vision-reader"]
        self.stalls += 1
        self.stalls_in_a_row += 1
        self.source_restarts += 1
        self._note(
            CameraError(
                f"the {name} source hung: no frame and no error for {stuck:.0f} s (its timeout is "
                f"{self.read_timeout:g} s); it is being restarted",
                hint="if this repeats, check the camera's cable and the journal for driver errors",
            ),
            "a source read hung",
        )
        if self.reopen is not None:
            try:
                self.source = self.reopen()
            except Exception as error:
                self._note(error, "the source could not be made again")
        else:
            self._restarting_source = True
        self._start_reader()

    def _note(self, error: BaseException, what: str, *, traceback: bool = False) -> None:
        self.last_error = error
        if self.when_error is not None:
            try:
                self.when_error(error)
            except Exception:
                log.exception("when_error raised")
        detail = error.describe() if isinstance(error, ApplianceError) else f"{type(error).__name__}: {error}"
        self._throttle.warning(what, "%s: %s", what, detail, exc_info=traceback)
