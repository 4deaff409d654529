"""``--source`` strings to frame sources: auto | camera | demo | webcam[:N] | PATH (video or folder)."""

from __future__ import annotations

import logging
from pathlib import Path

from appliance.camera.base import FrameSource
from appliance.errors import CameraError

log = logging.getLogger(__name__)

SOURCES_HELP = (
    "auto (the Pi camera if present, else the demo clip), camera, demo, webcam[:N], or a video file or image folder"
)


def open_source(
    spec: str = "auto",
    *,
    size: tuple[int, int] = (640, 480),
    fps: float = 30.0,
    loop: bool = False,
    realtime: bool = True,
    still_size: tuple[int, int] | None = None,
    **camera_controls: float,
) -> FrameSource:
    """A (not yet started) source for ``spec``.

    ``size`` and ``fps`` apply to cameras; ``loop`` and ``realtime`` (paced at the recording's
    own rate) to videos and folders; ``camera_controls`` (exposure_value, brightness) to the Pi
    camera, and ``still_size`` (best takes) is its main stream's size: frames carry colour pixels
    that big.  Other sources give the colour they have.  The demo always loops in real time.
    """
    spec = (spec or "auto").strip()
    notice = ""
    if spec == "auto":
        from appliance.camera.picamera import camera_available

        try:
            spec = "camera" if camera_available() else "demo"
        except CameraError as error:  # picamera2 installed but broken: the demo, and the user is told
            log.error("the Pi camera cannot be used, so the demo clip runs instead: %s", error.describe())
            spec, notice = "demo", f"Pi camera unusable, showing the demo clip: {error}"
    if spec == "camera":
        from appliance.camera.picamera import PiCameraSource

        return PiCameraSource(size=size, fps=fps, preview_size=still_size, **camera_controls)
    if spec == "demo":
        from appliance.camera.demo import demo_source

        source = demo_source()
        source.notice = notice
        return source
    if spec == "webcam" or spec.startswith("webcam:"):
        from appliance.camera.webcam import WebcamSource

        index = spec.partition(":")[2] or "0"
        if not index.isdigit():
            raise CameraError(f"webcam index {index!r} is not a number", hint="use webcam or webcam:N, e.g. webcam:1")
        return WebcamSource(int(index), size=size, fps=fps)
    path = Path(spec).expanduser()
    if path.is_dir():
        from appliance.camera.folder import ImageFolderSource

        return ImageFolderSource(path, loop=loop, fps=fps if realtime else None)
    if path.is_file():
        from appliance.camera.video import VideoFileSource

        return VideoFileSource(path, loop=loop, realtime=realtime, with_rgb=True)
    raise CameraError(f"{spec!r} is neither a source name nor an existing file or folder", hint=f"use {SOURCES_HELP}")
