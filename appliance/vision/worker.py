"""The live vision thread: newest frame in, Observation out, never dying silently.

Two daemon threads: a reader keeps the newest frame from the source in a one-frame slot
(overwriting any frame not yet taken: stale frames are dropped, nothing queues up), and the
worker takes it, runs the pipeline and publishes the Observation to ``when_observation`` and
``latest``.  Frames can also be pushed with ``submit`` (then no source is needed).
"""

from __future__ import annotations

import logging
import threading

from appliance.camera.base import Backoff, EndOfStream, FrameSource
from appliance.errors import ApplianceError, FrameError
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
    ) -> None:
        self.pipeline, self.source = pipeline, source
        self.when_observation, self.when_error = when_observation, when_error
        self.backoff = backoff or Backoff()
        self.read_timeout = read_timeout
        self.last_error: BaseException | None = None
        self.frames_processed = self.bad_frames = self.source_restarts = 0
        self._slot = LatestFrame()
        self._stop = threading.Event()
        self._published = threading.Condition()
        self._latest: Observation | None = None
        self._threads: list[threading.Thread] = []
        self._source_done = threading.Event()
        self._throttle = Throttle(log)  # a bad frame 30 times a second is one line, then a count

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        if self.is_running:
            return
        self._stop.clear()
        self._slot.open()
        self._source_done.clear()
        self._threads = [threading.Thread(target=self._work, name="vision-worker", daemon=True)]
        if self.source is not None:
            self._threads.append(threading.Thread(target=self._read_source, name="vision-reader", daemon=True))
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._slot.close()  # wake the worker
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
            frame = self._slot.take(timeout=0.5)
            if frame is None:
                continue
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

    def _read_source(self) -> None:
        source = self.source
        while not self._stop.is_set():
            try:
                source.start()
                frame = source.read(self.read_timeout)
            except EndOfStream:
                log.info("%s has no more frames", source.name)
                self._source_done.set()
                break
            except Exception as error:  # CameraError, or anything a driver throws
                self._note(error, f"the {source.name} source failed")
                source.stop()
                delay = self.backoff.next_delay()
                self.source_restarts += 1
                log.info("restarting %s in %.1f s", source.name, delay)
                self._stop.wait(delay)
                continue
            self.backoff.reset()
            self._slot.put(frame)
        source.stop()

    def _note(self, error: BaseException, what: str, *, traceback: bool = False) -> None:
        self.last_error = error
        if self.when_error is not None:
            try:
                self.when_error(error)
            except Exception:
                log.exception("when_error raised")
        detail = error.describe() if isinstance(error, ApplianceError) else f"{type(error).__name__}: {error}"
        self._throttle.warning(what, "%s: %s", what, detail, exc_info=traceback)
