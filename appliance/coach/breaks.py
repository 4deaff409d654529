"""Where a break's timed script is at a given moment, in the terms the UI animates."""

from __future__ import annotations

from dataclasses import dataclass

from appliance.coach.catalogue import BreakScript, Phase


@dataclass(frozen=True)
class BreakPosition:
    phase: Phase
    phase_index: int
    cycle: int  # 1-based
    phase_progress: float  # 0-1
    progress: float  # 0-1 through the whole script
    breath_level: float | None  # 0-1 lung fill; None outside breathing phases
    seconds_left: float
    done: bool


def breath_level(script: BreakScript, phase_index: int, phase_progress: float) -> float | None:
    """Inhale fills 0 -> 1, exhale empties 1 -> 0, a hold keeps the level the breath before it left."""
    breath = script.phases[phase_index].breath
    if breath == "inhale":
        return phase_progress
    if breath == "exhale":
        return 1.0 - phase_progress
    if breath == "hold":
        for earlier in reversed(script.phases[:phase_index] or script.phases):
            if earlier.breath in ("inhale", "exhale"):
                return 1.0 if earlier.breath == "inhale" else 0.0
        return 0.0
    return None


def position(script: BreakScript, elapsed: float) -> BreakPosition:
    """The script's state ``elapsed`` seconds after it started (clamped to its end)."""
    total = script.duration_s
    elapsed = min(max(0.0, elapsed), total)
    done = elapsed >= total
    if done:
        index, cycle, phase_progress = len(script.phases) - 1, script.cycles, 1.0
    else:
        cycle_index, into_cycle = divmod(elapsed, script.cycle_s)
        cycle = int(cycle_index) + 1
        index = 0
        while into_cycle >= script.phases[index].seconds and index < len(script.phases) - 1:
            into_cycle -= script.phases[index].seconds
            index += 1
        phase_progress = min(1.0, into_cycle / script.phases[index].seconds)
    return BreakPosition(
        phase=script.phases[index],
        phase_index=index,
        cycle=cycle,
        phase_progress=phase_progress,
        progress=elapsed / total,
        breath_level=breath_level(script, index, phase_progress),
        seconds_left=total - elapsed,
        done=done,
    )
