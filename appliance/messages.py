"""The value types that flow between the parts: frames -> observations -> coach; buttons -> commands."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


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

    ``face_box`` is None when no face was found; then every map is empty.  Times are seconds
    on the monotonic clock of the frame source.

    ``probabilities`` and ``smoothed`` are the mirror's reading of the expression (the
    appearance model read with the face's geometry where landmarks are known, relative to the
    person's resting face once known); ``reading_inputs`` is what that reading read, in its own
    space (``vision.reading.ReadingHead.inputs``: opaque to the coach, comparable between frames
    read against the same resting face);
    ``appearance`` is the expression model's own output for this frame.  ``geometry`` holds
    the measurements the features come from (size-normalised, pose-compensated, each the median
    over the last quarter second of frames; keys are the vision package's business, opaque to
    the coach): a personal neutral face is a median
    of these.  ``features`` are the named movements of ``appliance.vision.features.FEATURES``,
    each 0 (the neutral face) to 1 (a strong, deliberate movement), relative to the neutral
    named by ``neutral`` ("personal" or "population"; "" when no landmarks were read).
    ``pose`` is the head's yaw, pitch and roll in degrees (0, 0, 0 facing the camera).
    """

    timestamp: float
    face_box: tuple[int, int, int, int] | None = None  # x, y, w, h in frame pixels
    score: float = 0.0  # the face detector's confidence
    probabilities: Mapping[str, float] = field(default_factory=dict)  # this frame's, by label
    smoothed: Mapping[str, float] = field(default_factory=dict)  # over a short window, by label
    latency_ms: Mapping[str, float] = field(default_factory=dict)  # per stage, and "total"
    frame_size: tuple[int, int] = (0, 0)  # width, height
    appearance: Mapping[str, float] = field(default_factory=dict)  # the expression model alone, by label
    landmarks: Any = field(default=None, compare=False, repr=False)  # (N, 3) float32 x, y, z in frame pixels
    pose: Mapping[str, float] = field(default_factory=dict)  # yaw, pitch, roll in degrees
    geometry: Mapping[str, float] = field(default_factory=dict)  # the measurements behind the features
    features: Mapping[str, float] = field(default_factory=dict)  # by FEATURES name, 0-1 from the neutral
    neutral: str = ""  # what the features are relative to: "personal", "population", or "" (none)
    reading_inputs: tuple[float, ...] = ()  # the reading's inputs this frame (``probabilities`` read these)

    @property
    def has_face(self) -> bool:
        return self.face_box is not None
