"""The shell's handle on vision: a frame source and the vision worker, started and stopped together.

``start(publish, on_error)`` opens the source and, on a thread of its own (loading models takes
a moment the UI must not wait for), builds the pipeline and starts the worker, whose thread calls
``publish(observation)``; a failure there (a missing model) goes to ``on_error(error)``.
``set_rate(fps)`` slows the worker while the display is off (None: full speed); ``set_neutral``
and ``set_facing`` change what the pipeline reads faces against, kept for a pipeline still loading.
``problem()`` says, in words, why no observations are arriving (a camera that failed and is
being retried), or "" when all is well; ``is_healthy()`` whether vision is either delivering
frames or reporting why not (the shell pings systemd's watchdog only while it is).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from appliance.camera import Frame, FrameSource, open_source
from appliance.config import Config

log = logging.getLogger(__name__)
WORKER_NICENESS = 5
HEARTBEAT_LIMIT_S = 10.0  # the worker thread goes round at least every 0.5 s plus one inference
STALLS_BEFORE_RESTART = 2  # hung reads in a row, each restarted in-process, before the process is
STARTUP_LIMIT_S = 120.0  # loading the models takes seconds; this long means it hung


def lower_thread_priority(steps: int) -> None:
    """Make the calling thread ``steps`` nicer (Linux schedules threads one by one); no-op elsewhere."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + steps)
    except (AttributeError, OSError):
        pass


class KeepLatest(FrameSource):
    """A source that passes frames through, keeps the newest grey image for the preview and, with
    best takes on, hands each frame to ``ring`` (the recent colour frames)."""

    def __init__(self, inner: FrameSource, ring=None) -> None:
        super().__init__()
        self.inner, self.name, self.ring = inner, inner.name, ring
        self.latest_gray = None

    def _open(self) -> None:
        self.inner.start()

    def _read(self, timeout: float) -> Frame:
        frame = self.inner.read(timeout)
        self.latest_gray = frame.gray
        if self.ring is not None:
            self.ring.add(frame)
        return frame

    def _close(self) -> None:
        self.inner.stop()


class VisionLink:
    def __init__(self, config: Config, *, model_path: Path | None = None, silence_s: float = 3.0) -> None:
        self.config, self.model_path, self.silence_s = config, model_path, silence_s
        self.name = config.source
        self.worker = None
        self.source: KeepLatest | None = None
        self._last_seen = time.monotonic()
        self._publish = None
        self._lock = threading.Lock()
        self._stopped = False
        self._starter: threading.Thread | None = None
        self._reniced = False
        self._rate: float | None = None
        self.pipeline = None  # once built (on the start thread)
        self._neutral: tuple[dict[str, float] | None, str, dict[str, float] | None] = (None, "population", None)
        self._examples = None  # the person's examples of their expressions (vision.examples.PersonalExamples)
        # The (yaw, pitch) the camera sees of a head facing the mirror: config.toml's until the shell
        # hands over the one kept on the mirror (appliance/camera_facing.py), before start.
        self._facing = (config.camera.facing_yaw_deg, config.camera.facing_pitch_deg)
        self._started_at = time.monotonic()
        self.ring = None  # the recent colour frames, only with best takes on (appliance/ui/takes_link.py)
        if config.capture.best_takes:
            from appliance.ui.takes_link import FrameRing

            self.ring = FrameRing()

    def start(self, publish, on_error=None) -> None:
        from appliance.vision.pipeline import VisionPipeline  # litert loads here, not at import
        from appliance.vision.worker import VisionWorker

        self.source = self._open_source()
        self.name = self.source.name
        if self.name == "demo" and self.config.source == "auto":  # the glass wears a DEMO badge; the terminal hears it
            log.info("no camera here: the demo face stands in (a DEMO badge on the glass)")
        self._publish = publish
        with self._lock:
            options = {"num_threads": self.config.threads, "facing": self._facing}
        if self.model_path is not None:
            options["model_path"] = self.model_path

        def build_and_start() -> None:
            try:
                pipeline = VisionPipeline(**options)
            except Exception as error:  # ModelError, or a runtime that cannot load the model
                if on_error is not None:
                    on_error(error)
                return
            with self._lock:
                if self._stopped:
                    return
                self.pipeline = pipeline
                if self._neutral[0] is not None:  # a neutral face chosen before the pipeline was ready
                    _hand_over(pipeline, *self._neutral)
                if self._examples:  # so are examples
                    _hand_examples(pipeline, self._examples)
                if self._facing != options["facing"]:  # the camera's angle chosen while the models loaded
                    pipeline.set_facing(*self._facing)
                self._last_seen = time.monotonic()
                self.worker = VisionWorker(pipeline, self.source, when_observation=self._seen, reopen=self._open_source)
                self.worker.set_rate(self._rate)
                self.worker.start()

        self._stopped = False
        self._started_at = time.monotonic()
        self._starter = threading.Thread(target=build_and_start, name="vision-start", daemon=True)
        self._starter.start()

    def set_rate(self, fps: float | None) -> None:
        with self._lock:
            self._rate = fps
            if self.worker is not None:
                self.worker.set_rate(fps)

    def set_neutral(self, geometry, *, kind: str = "personal", appearance=None) -> None:
        """The neutral face the features are read against (None: the population's) and, optionally, the
        expression model's reading of it by label; kept for a pipeline still being built, handed to a
        running one at once (its swap is thread-safe)."""
        with self._lock:
            known = geometry is not None
            self._neutral = (
                dict(geometry) if known else None,
                kind,
                dict(appearance) if known and appearance else None,
            )
            neutral, pipeline = self._neutral, self.pipeline
        if pipeline is not None:
            _hand_over(pipeline, *neutral)

    def set_examples(self, examples) -> None:
        """The person's examples of their own expressions (None or empty: none); kept for a pipeline still
        being built, handed to a running one at once (its swap is thread-safe)."""
        with self._lock:
            self._examples = examples or None
            pipeline = self.pipeline
        if pipeline is not None:
            _hand_examples(pipeline, examples or None)

    @property
    def facing(self) -> tuple[float, float]:
        """The (yaw, pitch) the camera sees of a head facing the mirror, in use or to be used."""
        with self._lock:
            return self._facing

    def set_facing(self, yaw: float, pitch: float) -> None:
        """Read head poses against this facing from the next frame on; kept for a pipeline still being
        built, handed to a running one at once (its swap is thread-safe)."""
        with self._lock:
            self._facing = (float(yaw), float(pitch))
            facing, pipeline = self._facing, self.pipeline
        if pipeline is not None:
            pipeline.set_facing(*facing)

    def _open_source(self) -> KeepLatest:
        """A new source for the configured spec (at start, and again after a read hung)."""
        camera = self.config.camera
        size = (camera.width, camera.height)
        inner = open_source(
            self.config.source,
            size=size,
            fps=camera.fps,
            loop=True,
            still_size=_still_size(size) if self.ring is not None else None,
            exposure_value=camera.exposure_value,
            brightness=camera.brightness,
            autofocus=camera.autofocus,
        )
        self.source = KeepLatest(inner, self.ring)
        return self.source

    def is_healthy(self) -> bool:
        """True while vision delivers frames or reports why not (the systemd watchdog's question).

        False when the worker thread stopped going round (a hung pipeline), when restarting a hung
        source did not help twice in a row, when the camera cannot be released without a new
        process, or when the models have not loaded after ``STARTUP_LIMIT_S``.
        """
        worker = self.worker
        now = time.monotonic()
        if worker is None:
            starting = self._starter is not None and self._starter.is_alive()
            return not (starting and now - self._started_at > STARTUP_LIMIT_S)
        if now - worker.heartbeat > HEARTBEAT_LIMIT_S:
            return False
        if worker.source_failure is not None:
            return not getattr(worker.source_failure, "needs_new_process", False)
        return worker.stalls_in_a_row < STALLS_BEFORE_RESTART

    @property
    def is_demo(self) -> bool:
        """The picture is an embedded demo (someone else's face), not a camera."""
        return self.source is not None and self.source.name == "demo"

    def follow(self, view) -> None:
        """Each view the mirror shows (UI thread): the demo face acts on it (rests, or smiles when a drill
        asks for a smile); other sources take no cue from the glass."""
        act = getattr(self.source.inner, "act", None) if self.source is not None else None
        if act is not None:
            act(view)

    def _seen(self, observation) -> None:
        if not self._reniced:  # runs on the worker thread: when the CPU is short, the UI thread goes first
            self._reniced = True
            lower_thread_priority(WORKER_NICENESS)
        self._last_seen = time.monotonic()
        self._publish(observation)

    def problem(self) -> str:
        if self.worker is None:
            return ""
        if self.worker.is_source_finished:
            return f"the {self.name} source has no more frames"
        if self.worker.source_failure is not None:
            return f"No camera picture: {str(self.worker.source_failure).splitlines()[0]}"
        error = self.worker.last_error
        if error is not None and time.monotonic() - self._last_seen > self.silence_s:
            return f"No camera picture: {str(error).splitlines()[0]}"
        return self.source.inner.notice if self.source is not None else ""

    def latest_gray(self):
        return self.source.latest_gray if self.source is not None else None

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop()


def _still_size(size: tuple[int, int]) -> tuple[int, int]:
    from appliance.camera.picamera import still_size  # imports no picamera2

    return still_size(size)


def _hand_over(pipeline, geometry, kind: str, appearance=None) -> None:
    """``pipeline.set_neutral``; a neutral face it refuses leaves the one it had and is logged: it must
    never keep the camera from starting.  The history hands over only faces vision can use (the coach
    calls the person calibrated then), so a refused appearance is dropped and the geometry tried alone:
    the coach and vision keep agreeing on whose face the features are read against."""
    try:
        pipeline.set_neutral(geometry, kind=kind, appearance=appearance)
        return
    except Exception as error:  # the pipeline's own validation: whatever it raises, vision goes on
        log.error("the vision pipeline refused the %s neutral face: %s", kind, error)
    if appearance is not None and geometry is not None:
        try:
            pipeline.set_neutral(geometry, kind=kind)
            log.warning("the %s neutral face is used without its appearance", kind)
        except Exception as error:
            log.error("the vision pipeline refused the %s neutral face's geometry too: %s", kind, error)


def _hand_examples(pipeline, examples) -> None:
    """``pipeline.set_examples``; examples it refuses (another reading's) leave the plain reading, logged."""
    try:
        pipeline.set_examples(examples)
    except Exception as error:  # the pipeline's own validation: vision goes on without them
        log.error("the vision pipeline refused the person's examples: %s", error)
        pipeline.set_examples(None)
