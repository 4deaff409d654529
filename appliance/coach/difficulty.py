"""Easy / normal / hard: how close the face must come to the target, and how long it must hold it.

Face-expression games ask for a model probability of 0.5, 0.7 or 0.95.  This coach's match is
already scaled (a face the model reads at 0.8 is a 100 match) and its defaults (60, 3 s) are
"normal", so the games' steps are kept as ratios to normal (0.5/0.7 and 0.95/0.7) rather than as
absolute numbers: normal 60 becomes easy 43 and hard 81; the genuine smile's own 65 becomes 46
and 88.  A hard hold is longer too (5 s instead of 3), an easy one shorter (2 s).
"""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("easy", "normal", "hard")
MAX_THRESHOLD = 95  # above this, a calibrated int8 model's hesitation makes "met" a matter of luck
MIN_HOLD_S = 1.0


@dataclass(frozen=True)
class Difficulty:
    name: str
    threshold_scale: float
    hold_scale: float
    about: str


DIFFICULTIES = {
    "easy": Difficulty("easy", 0.5 / 0.7, 2 / 3, "a looser match, shorter holds"),
    "normal": Difficulty("normal", 1.0, 1.0, "the coach's own thresholds and holds"),
    "hard": Difficulty("hard", 0.95 / 0.7, 5 / 3, "a closer match, longer holds"),
}


def threshold_for(base: int, level: str) -> int:
    """The match (1-95) that counts as "met" at ``level`` for a drill whose normal threshold is ``base``."""
    if level == "normal":
        return base
    return max(1, min(MAX_THRESHOLD, round(base * DIFFICULTIES[level].threshold_scale)))


def hold_for(base_s: float, level: str) -> float:
    """The continuous hold (seconds, to the half second) at ``level`` for a normal hold of ``base_s``."""
    if level == "normal":
        return base_s
    return max(MIN_HOLD_S, round(base_s * DIFFICULTIES[level].hold_scale * 2) / 2)


def next_level(level: str) -> str:
    """The level after ``level`` on the settings screen (wraps around)."""
    return LEVELS[(LEVELS.index(level) + 1) % len(LEVELS)]
