"""A USB webcam through OpenCV (the optional ``webcam`` extra; not needed on the Pi)."""

from __future__ import annotations

import logging
import time

import numpy as np

from appliance.camera.base import Frame, FrameSource
from appliance.errors import CameraError

log = logging.getLogger(__name__)


def _cv2():
    try:
        import cv2
    except ImportError:
        raise CameraError(
            "the webcam source needs OpenCV, which is not installed",
            hint="pip install 'appliance[webcam]' (opencv-python-headless), or use --source camera|demo|PATH",
        ) from None
    return cv2


class WebcamSource(FrameSource):
    """OpenCV camera ``index`` (``/dev/videoN``) at about ``size`` and ``fps``.

    OpenCV's read blocks without a timeout; a camera that vanishes makes it fail, which
    raises CameraError so the caller can restart the source.
    """

    def __init__(self, index: int = 0, *, size: tuple[int, int] = (640, 480), fps: float = 30.0) -> None:
        super().__init__()
        self.index, self.size, self.fps = index, size, fps
        self.name = f"webcam:{index}"
        self._capture = None
        self._count = 0

    def _open(self) -> None:
        cv2 = _cv2()
        capture = cv2.VideoCapture(self.index)
        if not capture.isOpened():
            capture.release()
            raise CameraError(
                f"webcam {self.index} could not be opened",
                hint="check it is plugged in and not used by another program (ls /dev/video*)",
            )
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.size[0])
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.size[1])
        capture.set(cv2.CAP_PROP_FPS, self.fps)
        self._capture = capture

    def _read(self, timeout: float) -> Frame:
        cv2 = _cv2()
        ok, bgr = self._capture.read()
        if not ok or bgr is None:
            raise CameraError(f"webcam {self.index} stopped delivering frames", hint="check its cable")
        gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
        frame = Frame(gray, time.monotonic(), np.ascontiguousarray(bgr[:, :, ::-1]), self._count)
        self._count += 1
        return frame

    def _close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None
