"""Following the person at the mirror from frame to frame."""

from __future__ import annotations

import math

from appliance.vision.faces import Face

MIN_IOU = 0.3  # a face overlapping the last one this much is the same person
MAX_SHIFT = 0.5  # ... or one whose centre moved less than this many box widths
MAX_MISSED = 5  # frames the last position is remembered when no face continues it


def iou(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def prominence(face: Face, frame_size: tuple[int, int]) -> float:
    """How much a face looks like the person at the mirror: large and central score high."""
    width, height = frame_size
    cx, cy = face.center
    off_center = math.hypot((cx - width / 2) / width, (cy - height / 2) / height) / math.hypot(0.5, 0.5)
    return math.sqrt(max(face.area, 0.0)) * (1.0 - 0.5 * min(off_center, 1.0))


def most_prominent(faces: list[Face], frame_size: tuple[int, int]) -> Face:
    """The face most like the person at the mirror (``prominence``); ``faces`` must not be empty."""
    return max(faces, key=lambda face: prominence(face, frame_size))


class FaceTracker:
    """Picks one face per frame: the one continuing the followed face, else the most prominent.

    Continuity comes first, so a passer-by with a bigger face does not steal the mirror
    from the person practising.  ``changed`` tells whether the pick is a new person.
    """

    def __init__(self, *, min_iou: float = MIN_IOU, max_shift: float = MAX_SHIFT, max_missed: int = MAX_MISSED):
        self.min_iou, self.max_shift, self.max_missed = min_iou, max_shift, max_missed
        self._last: Face | None = None
        self._missed = 0
        self.changed = False

    @property
    def current(self) -> Face | None:
        return self._last

    @property
    def is_waiting(self) -> bool:
        """Whether the followed face was missed and is still waited for (before another is taken)."""
        return self._last is not None and self._missed > 0

    def update(self, faces: list[Face], frame_size: tuple[int, int]) -> Face | None:
        """The followed face in this frame, or None."""
        chosen = self._continuation(faces) if self._last is not None else None
        self.changed = False
        if chosen is None and self._last is not None and self._missed < self.max_missed:
            self._missed += 1  # the detector blinked, or the person turned: wait before switching
            return None
        if chosen is None and faces:
            chosen = most_prominent(faces, frame_size)
            self.changed = True
        self._last, self._missed = chosen, 0
        return chosen

    def follow(self, face: Face) -> None:
        """The same person, found without the detector (the landmarks followed them): remember
        where, so that when the detector looks again it continues from here."""
        self._last, self._missed, self.changed = face, 0, False

    def reset(self) -> None:
        self._last, self._missed, self.changed = None, 0, False

    def _continuation(self, faces: list[Face]) -> Face | None:
        last = self._last
        best, best_key = None, None
        for face in faces:
            overlap = iou(face.box, last.box)
            shift = math.dist(face.center, last.center) / max(last.box[2], 1.0)
            if overlap >= self.min_iou or shift <= self.max_shift:
                key = (overlap, -shift)
                if best_key is None or key > best_key:
                    best, best_key = face, key
        return best
