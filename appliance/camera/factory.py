"""``--source`` strings to frame sources: auto | camera | demo | webcam[:N] | PATH (video or folder)."""

from __future__ import annotations

import logging
from pathlib import Path

from appliance.camera.base import FrameSource
from appliance.config import is_raspberry_pi
from appliance.errors import CameraError
from appliance.glass import Words, words_for_the_glass

log = logging.getLogger(__name__)

PI_CAMERA_UNUSABLE = "The Pi camera cannot be used (see the log): the demo face stands in."
SOURCES_HELP = (
    "auto (the Pi camera if present; else the demo face, except on a Pi), camera, demo (a face that rests"
    " and smiles on cue), demo-clip (a video), webcam[:N], or a video file or image folder"
)


def source_argument(spec: str) -> str:
    """``--source`` checked when the command line is read (argparse ``type``): a mistyped webcam
    index or a missing file stops the command at once, before a window opens."""
    import argparse

    spec = spec.strip()
    if spec in ("auto", "camera", "demo", "demo-clip", "webcam"):
        return spec
    if spec.startswith("webcam:"):
        if not spec.partition(":")[2].isdigit():
            raise argparse.ArgumentTypeError(f"{spec!r}: the webcam index is not a number (use webcam or webcam:N)")
        return spec
    if not Path(spec).expanduser().exists():
        raise argparse.ArgumentTypeError(f"{spec!r} is neither a source name nor an existing file or folder")
    return spec


def open_source(
    spec: str = "auto",
    *,
    size: tuple[int, int] = (640, 480),
    fps: float = 30.0,
    loop: bool = False,
    realtime: bool = True,
    still_size: tuple[int, int] | None = None,
    **camera_controls: float | bool,
) -> FrameSource:
    """A (not yet started) source for ``spec``.

    ``size`` and ``fps`` apply to cameras; ``loop`` and ``realtime`` (paced at the recording's
    own rate) to videos and folders; ``camera_controls`` (exposure_value, brightness, autofocus) to the Pi
    camera, and ``still_size`` (best takes) is its main stream's size: frames carry colour pixels
    that big.  Other sources give the colour they have.  The demo always loops in real time.
    """
    spec = (spec or "auto").strip()
    notice = ""
    if spec == "auto":
        from appliance.camera.picamera import camera_available

        try:
            found = camera_available()
        except CameraError as error:  # picamera2 installed but broken: said, never silently the demo
            if is_raspberry_pi():  # on the appliance a stranger's face on the glass would be a lie
                raise
            log.error("the Pi camera cannot be used, so the demo face runs instead: %s", error.describe())
            found, notice = None, PI_CAMERA_UNUSABLE  # the log names the error and its fix
        if found:
            spec = "camera"
        elif found is not None and is_raspberry_pi():
            raise CameraError(
                "No camera found.",
                hint="check the camera's ribbon cable and that the camera is enabled, then restart;"
                " --source demo shows the demo face",
            )
        else:
            spec = "demo"
    if spec == "camera":
        from appliance.camera.picamera import PiCameraSource

        return PiCameraSource(size=size, fps=fps, preview_size=still_size, **camera_controls)
    if spec in ("demo", "demo-clip"):
        from appliance.camera.demo import demo_face_source, demo_source

        source = demo_face_source() if spec == "demo" else demo_source()
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


@words_for_the_glass
def _glass_words():
    yield Words("No camera found.", "notice", "no camera on a Pi")
    yield Words(PI_CAMERA_UNUSABLE, "notice", "a broken picamera2, the demo instead")
