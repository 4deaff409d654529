"""The value types that flow between the parts: frames -> observations -> coach; buttons -> commands."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


class Command(enum.Enum):
    """What a button press or a key asks of the coach."""

    NEXT = "next"
    PREVIOUS = "previous"
    SELECT = "select"  # select a drill / start
    BACK = "back"
    PAUSE = "pause"  # pause or resume
    BREAK = "break"  # a relaxation break now
    END = "end"  # end the session
    SCREEN = "screen"  # screen off / on: the shell handles it, the coach ignores it


@dataclass(frozen=True)
class Observation:
    """What the vision worker saw in one frame.

    ``face_box`` is None when no face was found; then both probability maps
    are empty.  Times are seconds on the monotonic clock of the frame source.
    """

    timestamp: float
    face_box: tuple[int, int, int, int] | None = None  # x, y, w, h in frame pixels
    score: float = 0.0  # the face detector's confidence
    probabilities: Mapping[str, float] = field(default_factory=dict)  # this frame's, by label
    smoothed: Mapping[str, float] = field(default_factory=dict)  # over a short window, by label
    latency_ms: Mapping[str, float] = field(default_factory=dict)  # per stage, and "total"
    frame_size: tuple[int, int] = (0, 0)  # width, height

    @property
    def has_face(self) -> bool:
        return self.face_box is not None
