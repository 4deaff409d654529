"""Smoothing a face's expression probabilities over a short window of time."""

from __future__ import annotations

import math

import numpy as np

TIME_CONSTANT = 0.25
"""Seconds.  An exponential average with this time constant weighs the last ~0.5 s (two time
constants hold 86% of the weight): steady enough to read, quick enough that a held expression
registers within half a second.  Time-based, so it behaves the same at 10 or 30 fps."""


class ProbabilitySmoother:
    """Exponential moving average over time of probability vectors; ``reset()`` when the face changes."""

    def __init__(self, *, time_constant: float = TIME_CONSTANT) -> None:
        if time_constant < 0:
            raise ValueError(f"time_constant must be >= 0, got {time_constant}")
        self.time_constant = time_constant
        self._value: np.ndarray | None = None
        self._time = 0.0

    def update(self, probabilities: np.ndarray, timestamp: float) -> np.ndarray:
        """The smoothed vector after a reading taken at ``timestamp`` (seconds, rising)."""
        probabilities = np.asarray(probabilities, dtype=np.float32)
        if self._value is None or self.time_constant == 0:
            self._value = probabilities.copy()
        else:
            elapsed = max(timestamp - self._time, 0.0)
            weight = 1.0 - math.exp(-elapsed / self.time_constant)
            self._value = self._value + np.float32(weight) * (probabilities - self._value)
        self._time = timestamp
        return self._value.copy()

    def reset(self) -> None:
        self._value = None


GEOMETRY_WINDOW = 0.25
"""Seconds of a face's geometry the features are read from (their median), so a single frame's
landmark jitter (about half a pixel of the mesh's input, as large as a subtle smile's movement)
does not count as movement.  The same quarter second as TIME_CONSTANT: a held expression is
read within half a second either way."""


class GeometrySmoother:
    """The per-measurement median of a face's geometry dicts over the last ``window`` seconds
    (at least the newest); ``reset()`` when the face changes or is lost."""

    def __init__(self, *, window: float = GEOMETRY_WINDOW) -> None:
        if window < 0:
            raise ValueError(f"window must be >= 0, got {window}")
        self.window = window
        self._keys: tuple[str, ...] = ()
        self._recent: list[tuple[float, np.ndarray]] = []

    def update(self, geometry: dict[str, float], timestamp: float) -> dict[str, float]:
        """The median geometry of the window ending with this one (taken at ``timestamp``, seconds)."""
        keys = tuple(geometry)
        if keys != self._keys:  # another kind of geometry: start again
            self._keys, self._recent = keys, []
        self._recent = [(t, v) for t, v in self._recent if 0 <= timestamp - t < self.window]
        self._recent.append((timestamp, np.fromiter(geometry.values(), dtype=np.float64, count=len(keys))))
        if len(self._recent) == 1:
            return dict(geometry)
        middle = np.median(np.stack([v for _, v in self._recent]), axis=0)
        return dict(zip(keys, middle.tolist(), strict=True))

    def reset(self) -> None:
        self._recent = []
