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
