"""What the coach asks the shell to store.  The coach never touches the database.

``at`` is the coach's own (monotonic) clock; ``wall_time`` is seconds since the
epoch from the wall clock the coach was given, so history can group by day.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SessionStarted:
    session: int  # counts up from 1 within this coach's life
    plan: str  # "morning", "today", "drills", "break:ID", ...
    title: str
    at: float
    wall_time: float


@dataclass(frozen=True)
class AttemptFinished:
    session: int
    drill_id: str
    kind: str
    labels: tuple[str, ...]  # the target's labels, strongest first
    outcome: str  # "completed" | "missed" | "cut_short" | "skipped"
    score: int
    best_match: int
    held_s: float
    hold_required_s: float
    time_to_best_s: float | None
    time_to_target_s: float | None
    duration_s: float  # performing, pauses excluded
    reason: str
    at: float  # when it ended
    wall_time: float
    isolation: int | None = None  # feature targets: mean isolation 0-100 while trying (None: not read)
    amplitude: float | None = None  # feature targets: the target feature's best value 0-1
    feature_best: tuple[tuple[str, float], ...] = ()  # (feature, best held value) against the personal neutral
    peak_frame_at: float | None = None  # the best match's frame timestamp (the source's clock): a best take's frame


@dataclass(frozen=True)
class BreakFinished:
    session: int
    break_id: str
    forced: bool
    reason: str
    completed: bool  # ran to the end (not skipped or cut off)
    duration_s: float
    relaxed_s: float  # time the camera saw a relaxed face
    at: float
    wall_time: float


@dataclass(frozen=True)
class SessionEnded:
    session: int
    reason: str
    active_s: float  # pauses excluded
    attempts: int
    at: float
    wall_time: float


@dataclass(frozen=True)
class NeutralCalibrated:
    """A personal neutral face: the per-key median of ``Observation.geometry`` over calm frames, and
    the expression model's reading of it (the per-label median of ``Observation.appearance``)."""

    geometry: tuple[tuple[str, float], ...]  # (key, median), sorted by key
    frames: int  # observations it is the median of
    yaw: float  # median head pose while it was taken, degrees
    pitch: float
    at: float
    wall_time: float
    appearance: tuple[tuple[str, float], ...] = ()  # (label, median) of Observation.appearance, sorted; () unread


@dataclass(frozen=True)
class CameraFacingChosen:
    """ "I am facing the mirror" (hold SELECT) after a calibration refused a head that read turned: how
    that head read against the camera facing in use (medians, degrees, left and up positive).  The
    shell adds it to that facing, for vision and the device (appliance/camera_facing.py); it is the
    camera's, not the person's, so no history keeps it."""

    yaw_deg: float
    pitch_deg: float
    at: float
    wall_time: float


@dataclass(frozen=True)
class ExampleKept:
    """An example of the person's own expression, from an attempt's peak (``coach/examples.py``): the
    reading's departure from their resting face, in the space of reading ``reading``."""

    label: str
    vector: tuple[float, ...]  # vision.examples.departure at the attempt's best match
    reading: str  # vision.examples.reading_identity: examples of another reading are never mixed in
    drill_id: str
    best_match: int
    replaces_earlier: bool  # taught in the teach routine: it replaces this expression's earlier examples
    at: float
    wall_time: float


Event = (
    SessionStarted
    | AttemptFinished
    | BreakFinished
    | SessionEnded
    | NeutralCalibrated
    | CameraFacingChosen
    | ExampleKept
)
