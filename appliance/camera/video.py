"""Frames from a video file (PyAV), optionally looping and paced at the file's own frame rate."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from appliance.camera.base import EndOfStream, Frame, FrameSource
from appliance.camera.pacing import Pacer
from appliance.errors import CameraError

log = logging.getLogger(__name__)


class VideoFileSource(FrameSource):
    """A video file as a frame source.

    ``loop`` starts again at the end instead of raising EndOfStream; ``realtime`` hands frames
    out at the file's frame rate (a demo, a preview) rather than as fast as they decode (a
    benchmark); ``with_rgb`` also gives each frame's colour pixels.
    """

    def __init__(self, path: Path | str, *, loop: bool = False, realtime: bool = False, with_rgb: bool = False):
        super().__init__()
        self.path = Path(path)
        self.name = self.path.name
        self.loop, self.realtime, self.with_rgb = loop, realtime, with_rgb
        self.fps = 0.0
        self._container = None
        self._frames = None
        self._pacer: Pacer | None = None
        self._index = 0

    def _open(self) -> None:
        import av

        if not self.path.is_file():
            raise CameraError(f"no such video file: {self.path}", hint="check the path given as --source")
        try:
            self._container = av.open(str(self.path))
            stream = self._container.streams.video[0]
        except IndexError:
            self._close()
            raise CameraError(f"{self.path} has no video stream", hint="use a video file such as .mp4") from None
        except Exception as error:  # PyAV raises its own error types per FFmpeg failure
            self._close()
            raise CameraError(f"{self.path} could not be opened as a video: {error}") from None
        stream.thread_type = "AUTO"
        self.fps = float(stream.average_rate or stream.guessed_rate or 30)
        self._frames = self._container.decode(stream)
        if self.realtime and self._pacer is None:
            self._pacer = Pacer(self.fps)

    def _read(self, timeout: float) -> Frame:
        while True:
            try:
                decoded = next(self._frames)
                break
            except StopIteration:
                if not self.loop:
                    raise EndOfStream(str(self.path)) from None
                self._close()
                self._open()  # reopening is simpler and more robust than seeking every codec
            except Exception as error:
                raise CameraError(f"{self.path} could not be decoded at frame {self._index}: {error}") from None
        gray = decoded.to_ndarray(format="gray")
        rgb = decoded.to_ndarray(format="rgb24") if self.with_rgb else None
        if self._pacer is not None:
            self._pacer.wait()
        frame = Frame(np.ascontiguousarray(gray), time.monotonic(), rgb, self._index)
        self._index += 1
        return frame

    def _close(self) -> None:
        if self._container is not None:
            try:
                self._container.close()
            except Exception:  # closing a half-open container must not hide the real error
                log.debug("closing %s failed", self.path, exc_info=True)
        self._container, self._frames = None, None
