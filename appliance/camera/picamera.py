"""The Raspberry Pi camera through picamera2: a main stream for the preview and a lores YUV420
stream whose Y plane is the grey image the vision path reads (a Pi 4 only gives YUV on lores).

picamera2 is imported here and nowhere else: it exists only on a Pi (apt python3-picamera2).
"""

from __future__ import annotations

import logging
import os
import threading
import time

import numpy as np

from appliance.camera.base import Frame, FrameSource
from appliance.errors import CameraError

log = logging.getLogger(__name__)

_NO_CAMERA_HINT = "check the ribbon cable and that no other program holds the camera (rpicam-hello --list-cameras)"
_NUMPY_HINT = (
    "apt's camera libraries (simplejpeg, picamera2) are built for numpy 1.x, but this environment has numpy {numpy}: "
    "reinstall with scripts/install-pi (numpy below 2 on a Pi), or run `.venv/bin/pip install 'numpy<2'`, "
    "so apt's numpy 1.24 is used"
)
_ABI_SIGNS = (  # what numpy says when a compiled module was built against another numpy ABI
    "numpy.dtype size changed",
    "numpy.core.multiarray failed to import",
    "_ARRAY_API",
    "compiled using NumPy",
)
STILL_WIDTH = 1920  # best takes: the main stream's width (the vision size's aspect ratio), 1920x1440 for 640x480
STOP_TIMEOUT_S = 3.0  # how long stopping and closing the camera may take before it is given up as wedged
# libcamera's AfModeContinuous (control_ids.yaml: AfModeManual 0, AfModeAuto 1, AfModeContinuous 2), as a
# number so libcamera's module is not imported here.  picamera2 leaves a motorised lens (Camera Module
# 3) where the tuning file puts it whatever the distance; a face half a metre away is then soft, and
# blur makes movements read smaller (docs/features.md: a 1-pixel blur reads a smile at 0.89 of its size).
AF_MODE_CONTINUOUS = 2

# An import that failed once fails the same way until the process restarts (Python keeps the
# half-imported modules' state, and the fix is a reinstall): remember it, never retry.
_import_failure: CameraError | None = None


class CameraBroken(CameraError):
    """picamera2 is installed but cannot work in this process (e.g. a numpy ABI mismatch).

    Retrying will not help: the user must fix the installation and restart the appliance.
    """

    retryable = False
    needs_new_process = False


class CameraWedged(CameraBroken):
    """The camera did not let go after a stall: only a new process (systemd restarts it) can open it."""

    needs_new_process = True


def _picamera2_class():
    global _import_failure
    if _import_failure is not None:
        raise _import_failure
    try:
        from picamera2 import Picamera2
    except ModuleNotFoundError as error:
        if error.name not in ("picamera2", "libcamera"):
            _import_failure = _broken(error)
            raise _import_failure from None
        missing = CameraError(
            "picamera2 is not installed, so the Pi camera cannot be used",
            hint="on Raspberry Pi OS: sudo apt install python3-picamera2 and make the venv with "
            "--system-site-packages (sudo scripts/install-pi does both), then restart the mirror; "
            "elsewhere use --source demo",
        )
        missing.retryable = False  # an install needs a restart anyway: no retrying every few seconds
        raise missing from None
    except Exception as error:  # ValueError (numpy ABI), ImportError from a dependency, OSError...
        _import_failure = _broken(error)
        raise _import_failure from None
    return Picamera2


def _broken(error: BaseException) -> CameraBroken:
    text = f"{type(error).__name__}: {error}"
    if any(sign in str(error) for sign in _ABI_SIGNS):
        return CameraBroken(
            f"picamera2 is installed but cannot be imported: numpy does not match ({text})",
            hint=_NUMPY_HINT.format(numpy=np.__version__),
        )
    return CameraBroken(
        f"picamera2 is installed but cannot be imported ({text})",
        hint="reinstall it: sudo apt install --reinstall python3-picamera2 python3-libcamera, then restart the mirror",
    )


def camera_available() -> bool:
    """True when picamera2 imports and libcamera lists at least one camera; False when there is
    no picamera2 or no camera.  A picamera2 that is installed but broken raises :class:`CameraBroken`:
    the user must hear about it rather than silently get the demo clip."""
    try:
        picamera2_class = _picamera2_class()
    except CameraBroken:
        raise
    except CameraError:  # not installed: not a Pi, or a Pi without the camera stack
        return False
    try:
        return bool(picamera2_class.global_camera_info())
    except Exception as error:  # libcamera itself failing is as broken as a failed import
        raise CameraBroken(
            f"libcamera could not list the cameras ({type(error).__name__}: {error})", hint=_NO_CAMERA_HINT
        ) from None


def still_size(size: tuple[int, int], width: int = STILL_WIDTH) -> tuple[int, int]:
    """The main stream's size when best takes are on: ``width`` wide (never below ``size``), same aspect.

    A video configuration streams main at the camera's frame rate, so this is the largest picture
    the peak frame can have without a mode switch (which takes about a second, and the peak would
    be gone).  Lores keeps ``size`` for vision; both come from the same sensor crop, so the aspect
    ratios must match or one picture is stretched.
    """
    vision_width, vision_height = size
    width = max(width, vision_width)
    return width, max(vision_height, 2 * round(width * vision_height / vision_width / 2))


class PiCameraSource(FrameSource):
    """Camera ``camera_num`` with lores ``size`` (the vision frames) at ``fps``.

    ``preview_size`` is the main stream's size (at least ``size``; by default ``size``); with
    ``preview`` each frame also carries its RGB pixels, which the face detector prefers to grey
    when they have the grey image's size.  ``exposure_value`` (stops, -8 to 8) and ``brightness``
    (-1 to 1) are libcamera's ExposureValue and Brightness controls: a camera behind a two-way
    mirror sees a dark picture.  ``autofocus`` keeps a motorised lens focused (AfMode Continuous)
    on a camera that has one; others are left as they are.  A request not completed within the read
    timeout is a stall.
    """

    def __init__(
        self,
        *,
        size: tuple[int, int] = (640, 480),
        fps: float = 30.0,
        preview_size: tuple[int, int] | None = None,
        preview: bool = True,
        camera_num: int = 0,
        exposure_value: float = 0.0,
        brightness: float = 0.0,
        autofocus: bool = True,
        stop_timeout: float = STOP_TIMEOUT_S,
    ) -> None:
        super().__init__()
        preview_size = preview_size or size
        if preview_size[0] < size[0] or preview_size[1] < size[1]:
            raise CameraError(f"the preview size {preview_size} is smaller than the vision size {size}")
        self.size, self.fps, self.preview_size = tuple(size), float(fps), tuple(preview_size)
        self.preview, self.camera_num = preview, camera_num
        self.exposure_value, self.brightness = float(exposure_value), float(brightness)
        self.autofocus = bool(autofocus)
        self.stop_timeout = stop_timeout
        self.name = f"camera:{camera_num}"
        self._camera = None
        self._lores_size = self.size
        self._count = 0
        self._stalled = False
        self.is_wedged = False  # a camera that would not stop: only a new process can open it again

    def controls(self, available=()) -> dict[str, float]:
        """The libcamera controls asked for; the defaults are left out, so a camera without them still
        opens (picamera2 refuses a control the camera does not advertise).  ``available``: the
        camera's controls by name (``Picamera2.camera_controls``)."""
        controls = {"FrameRate": self.fps}
        if self.exposure_value:
            controls["ExposureValue"] = self.exposure_value
        if self.brightness:
            controls["Brightness"] = self.brightness
        if self.autofocus and "AfMode" in available:
            controls["AfMode"] = AF_MODE_CONTINUOUS
        return controls

    def _open(self) -> None:
        if self.is_wedged:
            raise CameraWedged(
                f"camera {self.camera_num} did not stop after a stall and cannot be opened again in this process",
                hint="the appliance restarts itself (systemd watchdog); if this repeats, check the ribbon cable",
            )
        picamera2_class = _picamera2_class()
        camera = _construct(picamera2_class, self.camera_num)
        try:
            config = camera.create_video_configuration(
                main={"size": self.preview_size, "format": "RGB888"},
                lores={"size": self.size, "format": "YUV420"},
                controls=self.controls(camera.camera_controls),
            )
            camera.configure(config)
            # libcamera may align the size; what it chose is what the frames have.
            self._lores_size = tuple(camera.camera_configuration()["lores"]["size"])
            camera.start()
        except Exception as error:
            self._release(camera, stalled=False)
            raise CameraError(
                f"camera {self.camera_num} could not be configured: {error}", hint=_NO_CAMERA_HINT
            ) from None
        self._camera, self._stalled = camera, False

    def _read(self, timeout: float) -> Frame:
        try:
            request = self._camera.capture_request(wait=timeout)
        except TimeoutError:
            # The request stays queued in picamera2's event loop; stop() would wait behind it forever.
            self._stalled = True
            raise CameraError(f"the camera sent no frame for {timeout:g} s", hint=_NO_CAMERA_HINT) from None
        except Exception as error:
            self._stalled = True
            raise CameraError(f"the camera stopped: {error}", hint=_NO_CAMERA_HINT) from None
        try:
            gray = y_plane(request.make_array("lores"), self._lores_size)
            # picamera2's "RGB888" is B, G, R in memory.  make_array copies out of the buffer, so a view is
            # safe after release; only the vision-size picture (the detector's input) is made contiguous.
            rgb = request.make_array("main")[:, :, 2::-1] if self.preview else None
            if rgb is not None and self.preview_size == self.size:
                rgb = np.ascontiguousarray(rgb)
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
            self._release(camera, stalled=self._stalled)

    def _release(self, camera, *, stalled: bool) -> None:
        """Stop and close ``camera`` on a helper thread, waiting at most ``stop_timeout``.

        After a stall the queued capture job is cancelled first (picamera2 0.3.20+), or, on an older
        picamera2, the camera is closed without a separate stop.  A camera that still does not let
        go is left to its thread and marked wedged: waiting longer would hang the vision thread.
        """

        def release() -> None:
            if stalled and hasattr(camera, "cancel_all_and_flush"):
                _quietly(camera.cancel_all_and_flush)
            if not stalled or hasattr(camera, "cancel_all_and_flush"):
                _quietly(camera.stop)
            _quietly(camera.close)

        helper = threading.Thread(target=release, name="camera-release", daemon=True)
        helper.start()
        helper.join(self.stop_timeout)
        if helper.is_alive():
            self.is_wedged = True
            log.error("camera %s did not stop within %.1f s; giving it up", self.camera_num, self.stop_timeout)


def _construct(picamera2_class, camera_num: int):
    """``Picamera2(camera_num)``, releasing what a failed constructor leaves behind.

    picamera2 opens its notification pipe before it looks for the camera; when the camera is
    missing (IndexError) or busy (RuntimeError) the half-built object keeps that pipe, and when busy
    it also stays registered with the camera manager, so it is never collected.  Retrying every few
    seconds would exhaust the process's file descriptors within hours.
    """
    try:
        count = len(picamera2_class.global_camera_info())
    except Exception as error:
        raise CameraError(f"libcamera could not list the cameras: {error}", hint=_NO_CAMERA_HINT) from None
    if camera_num >= count:  # no constructor call at all, so nothing to leak
        listed = f"libcamera lists {count} camera(s)"
        raise CameraError(f"camera {camera_num} could not be opened: {listed}", hint=_NO_CAMERA_HINT)
    camera = picamera2_class.__new__(picamera2_class)
    try:
        camera.__init__(camera_num)
    except Exception as error:  # RuntimeError when busy, IndexError when it vanished meanwhile
        _free_half_built(picamera2_class, camera)
        raise CameraError(f"camera {camera_num} could not be opened: {error}", hint=_NO_CAMERA_HINT) from None
    return camera


def _free_half_built(picamera2_class, camera) -> None:
    manager = getattr(picamera2_class, "_cm", None)
    index = getattr(camera, "camera_idx", None)
    cameras = getattr(manager, "cameras", None)
    if isinstance(cameras, dict) and index is not None and cameras.get(index) is camera:
        _quietly(lambda: manager.cleanup(index))  # unregister; the last one also ends the manager's thread
    reader = getattr(camera, "notifymeread", None)
    if reader is not None:
        _quietly(reader.close)
    writer = getattr(camera, "notifyme_w", None)
    if isinstance(writer, int):
        _quietly(lambda: os.close(writer))
    camera.is_open = False  # its __del__ calls close(), which then returns at once


def y_plane(yuv420: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The Y plane (HxW uint8, C-contiguous) of a YUV420 array of shape (H*3/2, stride), stride >= W.

    ``yuv420`` is already picamera2's own copy (CompletedRequest.make_array copies out of the camera
    buffer), so the plane is a view of it; only rows padded to a wider stride are copied, to drop the
    padding.
    """
    width, height = size
    if yuv420.ndim != 2 or yuv420.shape[0] < height * 3 // 2 or yuv420.shape[1] < width:
        raise CameraError(f"a lores buffer of shape {yuv420.shape} does not hold a {width}x{height} YUV420 image")
    return np.ascontiguousarray(yuv420[:height, :width], dtype=np.uint8)


def _quietly(action) -> None:
    try:
        action()
    except Exception:  # releasing a camera that has already gone
        log.debug("camera cleanup failed", exc_info=True)
