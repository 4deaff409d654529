"""The mutable pieces of a practice session the coach keeps between calls."""

from __future__ import annotations

from dataclasses import dataclass, field

from appliance.coach.catalogue import BreakScript
from appliance.coach.routines import Plan


@dataclass
class Session:
    number: int
    plan: Plan
    index: int = 0  # the current plan item
    active_s: float = 0.0  # pauses excluded
    scores: list[tuple[str, int]] = field(default_factory=list)  # (drill title, score) of scored attempts
    attempts: int = 0
    breaks: int = 0  # run to their end (one skipped or cut off is not counted, as a skipped drill is not)
    forced_reason: str = ""  # the guard wants a break before the next drill
    cap_reason: str = ""  # the session cap was reached: end after the current result
    earlier_today_s: float = 0.0  # practice earlier today (the history's): the cap is for the whole day

    @property
    def item(self) -> str:
        return self.plan.items[self.index]


@dataclass
class BreakRun:
    script: BreakScript
    forced: bool = False
    reason: str = ""
    resume: str = "advance"  # after the break: "advance" to the next plan item, or "repeat" the current one
    elapsed_s: float = 0.0
    relaxed_s: float = 0.0
    relaxed: bool | None = None  # the camera's latest verdict (None: no face / not checked)
    label: str = ""  # the expression still showing when not relaxed ("" when neutral leads but is unsure)
