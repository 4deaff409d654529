"""The embedded demo sources: a real face on a fresh clone with no camera.

``demo_face_source`` (``--source demo``, and ``auto`` without a camera off the Pi) shows the whole
practice loop: two photos of one person from the London set (demo/NOTICE.md), a resting face and
a smile.  The face acts on cue, as a person at the mirror would: it rests while the mirror
calibrates, prepares or pauses, and smiles a moment into a drill that asks for a smile (happiness,
a genuine or a cheeky smile); any other drill it does not attempt, and reads as a miss.
``demo_source`` (``--source demo-clip``) loops the public-domain clip (demo/README.md): a face
that talks and turns, which the calibration refuses and no drill can be met on.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from appliance.camera.base import Frame, FrameSource
from appliance.camera.pacing import Pacer
from appliance.camera.video import VideoFileSource

DEMO_FOLDER = Path(__file__).resolve().parent / "demo"
DEMO_CLIP = DEMO_FOLDER / "short_hamilton_clip.mp4"
DEMO_FACES = {"rest": DEMO_FOLDER / "london_001_neutral.jpg", "smile": DEMO_FOLDER / "london_001_happiness.jpg"}
SMILE_TARGETS = {"happiness", "smile"}  # a drill whose targets name one of these asks for a smile
SMILE_AFTER_S = 1.5  # into the drill: the meter is seen low first, then rising with the smile
FACE_FPS = 15.0


def demo_source(*, realtime: bool = True, loop: bool = True) -> VideoFileSource:
    """The demo clip (public-domain White House footage, see demo/README.md), looping at 29.97 fps."""
    source = VideoFileSource(DEMO_CLIP, loop=loop, realtime=realtime, with_rgb=True)
    source.name = "demo"
    return source


def demo_face_source(*, fps: float = FACE_FPS) -> DemoFaceSource:
    return DemoFaceSource(DEMO_FACES, fps=fps)


def asks_for_a_smile(view) -> bool:
    """Whether ``view`` is a drill being performed whose target is a smile."""
    drill = getattr(view, "drill", None)
    screen = str(getattr(view, "screen", ""))
    return screen == "drill" and drill is not None and bool(SMILE_TARGETS & set(drill.targets))


class DemoFaceSource(FrameSource):
    """Frames of one of ``faces`` ({"rest": path, "smile": path}) at ``fps``: "rest" unless ``act``
    saw a smile asked for ``SMILE_AFTER_S`` ago.  ``act(view)`` is called with each view the mirror
    shows (on the UI thread); ``read`` runs on the vision thread and only reads ``expression``."""

    def __init__(self, faces: dict[str, Path], *, fps: float = FACE_FPS, clock=time.monotonic) -> None:
        super().__init__()
        self.name = "demo"
        self.faces = dict(faces)
        self.expression = "rest"
        self._clock = clock
        self._pacer = Pacer(fps)
        self._pixels: dict[str, np.ndarray] = {}
        self._asked_at: float | None = None
        self._index = 0

    def act(self, view) -> None:
        if not asks_for_a_smile(view):
            self._asked_at, self.expression = None, "rest"
            return
        now = self._clock()
        if self._asked_at is None:
            self._asked_at = now
        self.expression = "smile" if now - self._asked_at >= SMILE_AFTER_S else "rest"

    def _open(self) -> None:
        from appliance.errors import CameraError, ImageError
        from appliance.vision.images import read_image

        try:
            self._pixels = {name: read_image(path) for name, path in self.faces.items()}
        except ImageError as error:
            raise CameraError(f"the demo face cannot be read: {error}", hint="reinstall the appliance") from None

    def _read(self, timeout: float) -> Frame:
        from appliance.vision.preprocess import to_gray

        self._pacer.wait()
        rgb = self._pixels[self.expression]
        frame = Frame(to_gray(rgb), time.monotonic(), rgb, self._index)
        self._index += 1
        return frame

    def _close(self) -> None:
        self._pixels = {}
