"""Frames from a folder of image files, in name order."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from appliance.camera.base import EndOfStream, Frame, FrameSource
from appliance.camera.pacing import Pacer
from appliance.errors import CameraError, ImageError
from appliance.vision.images import read_image
from appliance.vision.preprocess import to_gray

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".pgm", ".ppm"}


class ImageFolderSource(FrameSource):
    """Every image in a folder, one frame each; files that cannot be read are logged and skipped.

    ``loop`` starts again after the last one; ``fps`` paces them like a camera would.
    """

    def __init__(self, folder: Path | str, *, loop: bool = False, fps: float | None = None) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.name = self.folder.name or str(self.folder)
        self.loop = loop
        self._pacer = Pacer(fps) if fps else None
        self._files: list[Path] = []
        self._position = 0
        self._index = 0

    def _open(self) -> None:
        if not self.folder.is_dir():
            raise CameraError(f"no such folder: {self.folder}", hint="check the path given as --source")
        self._files = sorted(p for p in self.folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
        if not self._files:
            raise CameraError(
                f"{self.folder} holds no image files",
                hint=f"put images ({', '.join(sorted(IMAGE_SUFFIXES))}) in it",
            )
        self._position = 0

    def _read(self, timeout: float) -> Frame:
        skipped = 0
        while True:
            if self._position >= len(self._files):
                if not self.loop:
                    raise EndOfStream(str(self.folder))
                self._position = 0
            path = self._files[self._position]
            self._position += 1
            try:
                pixels = read_image(path)
                break
            except ImageError as error:
                log.warning("skipping %s", error)
                skipped += 1
                if skipped >= len(self._files):
                    raise CameraError(f"no image in {self.folder} could be read") from None
        if self._pacer is not None:
            self._pacer.wait()
        frame = Frame(to_gray(pixels), time.monotonic(), pixels if pixels.ndim == 3 else None, self._index)
        self._index += 1
        return frame

    def _close(self) -> None:
        self._files = []
