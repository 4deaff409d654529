"""The shell's handle on vision: a frame source and the vision worker, started and stopped together.

``start(publish, on_error)`` opens the source and, on a thread of its own (loading models takes
a moment the UI must not wait for), builds the pipeline and starts the worker, whose thread calls
``publish(observation)``; a failure there (a missing model) goes to ``on_error(error)``.
``problem()`` says, in words, why no observations are arriving (a camera that failed and is
being retried), or "" when all is well.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from appliance.camera import Frame, FrameSource, open_source
from appliance.config import Config

WORKER_NICENESS = 5


def lower_thread_priority(steps: int) -> None:
    """Make the calling thread ``steps`` nicer (Linux schedules threads one by one); no-op elsewhere."""
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + steps)
    except (AttributeError, OSError):
        pass


class KeepLatest(FrameSource):
    """A source that passes frames through and keeps the newest grey image for the preview."""

    def __init__(self, inner: FrameSource) -> None:
        super().__init__()
        self.inner, self.name = inner, inner.name
        self.latest_gray = None

    def _open(self) -> None:
        self.inner.start()

    def _read(self, timeout: float) -> Frame:
        frame = self.inner.read(timeout)
        self.latest_gray = frame.gray
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

    def start(self, publish, on_error=None) -> None:
        from appliance.vision.pipeline import VisionPipeline  # litert loads here, not at import
        from appliance.vision.worker import VisionWorker

        camera = self.config.camera
        inner = open_source(self.config.source, size=(camera.width, camera.height), fps=camera.fps, loop=True)
        self.source = KeepLatest(inner)
        self.name = inner.name
        self._publish = publish
        options = {"num_threads": self.config.threads}
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
                self._last_seen = time.monotonic()
                self.worker = VisionWorker(pipeline, self.source, when_observation=self._seen)
                self.worker.start()

        self._stopped = False
        self._starter = threading.Thread(target=build_and_start, name="vision-start", daemon=True)
        self._starter.start()

    @property
    def is_demo(self) -> bool:
        """The picture is the embedded demo clip (someone else's face), not a camera."""
        return self.source is not None and self.source.name == "demo"

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
        error = self.worker.last_error
        if error is not None and time.monotonic() - self._last_seen > self.silence_s:
            return f"No camera picture: {str(error).splitlines()[0]}"
        return ""

    def latest_gray(self):
        return self.source.latest_gray if self.source is not None else None

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            worker, self.worker = self.worker, None
        if worker is not None:
            worker.stop()
