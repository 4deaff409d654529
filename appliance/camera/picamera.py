"""The Raspberry Pi camera through picamera2: a main stream for the preview and a lores YUV420
stream whose Y plane is the grey image the vision path reads (a Pi 4 only gives YUV on lores).

picamera2 is imported here and nowhere else: it exists only on a Pi (apt python3-picamera2).
"""

from __future__ import annotations

import logging
import time

import numpy as np

from appliance.camera.base import Frame, FrameSource
from appliance.errors import CameraError

log = logging.getLogger(__name__)

_NO_CAMERA_HINT = "check the ribbon cable and that no other program holds the camera (rpicam-hello --list-cameras)"


def _picamera2_class():
    try:
        from picamera2 import Picamera2
    except ImportError:
        raise CameraError(
            "picamera2 is not installed, so the Pi camera cannot be used",
            hint="on Raspberry Pi OS: sudo apt install python3-picamera2 and make the venv with "
            "--system-site-packages; elsewhere use --source demo",
        ) from None
    return Picamera2


def camera_available() -> bool:
    """True when picamera2 imports and libcamera lists at least one camera."""
    try:
        return bool(_picamera2_class().global_camera_info())
    except Exception:  # no picamera2, no libcamera, no camera: all mean "not available"
        return False


class PiCameraSource(FrameSource):
    """Camera ``camera_num`` with lores ``size`` (the vision frames) at ``fps``.

    ``preview_size`` is the main stream's size (at least ``size``; by default ``size``); with
    ``preview`` each frame also carries its RGB pixels, which the face detector prefers to grey
    when they have the grey image's size.  A request not completed within the read timeout is a stall.
    """

    def __init__(
        self,
        *,
        size: tuple[int, int] = (640, 480),
        fps: float = 30.0,
        preview_size: tuple[int, int] | None = None,
        preview: bool = True,
        camera_num: int = 0,
    ) -> None:
        super().__init__()
        preview_size = preview_size or size
        if preview_size[0] < size[0] or preview_size[1] < size[1]:
            raise CameraError(f"the preview size {preview_size} is smaller than the vision size {size}")
        self.size, self.fps, self.preview_size = tuple(size), float(fps), tuple(preview_size)
        self.preview, self.camera_num = preview, camera_num
        self.name = f"camera:{camera_num}"
        self._camera = None
        self._lores_size = self.size
        self._count = 0

    def _open(self) -> None:
        picamera2_class = _picamera2_class()
        try:
            camera = picamera2_class(self.camera_num)
        except Exception as error:  # IndexError when absent, RuntimeError when busy
            raise CameraError(f"camera {self.camera_num} could not be opened: {error}", hint=_NO_CAMERA_HINT) from None
        try:
            config = camera.create_video_configuration(
                main={"size": self.preview_size, "format": "RGB888"},
                lores={"size": self.size, "format": "YUV420"},
                controls={"FrameRate": self.fps},
            )
            camera.configure(config)
            # libcamera may align the size; what it chose is what the frames have.
            self._lores_size = tuple(camera.camera_configuration()["lores"]["size"])
            camera.start()
        except Exception as error:
            _quietly(camera.close)
            raise CameraError(
                f"camera {self.camera_num} could not be configured: {error}", hint=_NO_CAMERA_HINT
            ) from None
        self._camera = camera

    def _read(self, timeout: float) -> Frame:
        try:
            request = self._camera.capture_request(wait=timeout)
        except TimeoutError:
            raise CameraError(f"the camera sent no frame for {timeout:g} s", hint=_NO_CAMERA_HINT) from None
        except Exception as error:
            raise CameraError(f"the camera stopped: {error}", hint=_NO_CAMERA_HINT) from None
        try:
            gray = y_plane(request.make_array("lores"), self._lores_size)
            # picamera2's "RGB888" is B, G, R in memory.
            rgb = np.ascontiguousarray(request.make_array("main")[:, :, 2::-1]) if self.preview else None
        except Exception as error:
            raise CameraError(f"a camera frame could not be read: {error}") from None
        finally:
            request.release()
        frame = Frame(gray, time.monotonic(), rgb, self._count)
        self._count += 1
        return frame

    def _close(self) -> None:
        camera, self._camera = self._camera, None
        if camera is not None:
            _quietly(camera.stop)
            _quietly(camera.close)


def y_plane(yuv420: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The Y plane (HxW uint8, a copy) of a YUV420 buffer of shape (H*3/2, stride), stride >= W."""
    width, height = size
    if yuv420.ndim != 2 or yuv420.shape[0] < height * 3 // 2 or yuv420.shape[1] < width:
        raise CameraError(f"a lores buffer of shape {yuv420.shape} does not hold a {width}x{height} YUV420 image")
    return np.array(yuv420[:height, :width], dtype=np.uint8, copy=True)


def _quietly(action) -> None:
    try:
        action()
    except Exception:  # releasing a camera that has already gone
        log.debug("camera cleanup failed", exc_info=True)
