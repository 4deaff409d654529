"""Argument types for the command lines (the appliance's commands, its benchmarks and tools):
a value out of range is refused by argparse with what was wrong and the range, never a traceback
later on."""

from __future__ import annotations

import argparse
import math


def count(low: int, high: int):
    """A whole number from ``low`` to ``high``."""
    return _in_range(int, "a whole number", low, high)


def number(low: float, high: float):
    """A finite number from ``low`` to ``high``."""
    return _in_range(float, "a number", low, high)


def _in_range(parse, what: str, low, high):
    def check(text: str):
        try:
            value = parse(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text.strip()} is out of range ({_shown(low)} to {_shown(high)})")
        return value

    return check


def _shown(bound) -> str:
    return f"{bound:,}" if isinstance(bound, int) else f"{bound:g}"


MAX_SIDE = 4096
"""The largest frame side a command takes: larger is no camera the appliance has, and would take gigabytes."""


def frame_size(text: str) -> tuple[int, int]:
    """``640x480`` as (width, height), each side from 16 to MAX_SIDE pixels."""
    width, _, height = text.strip().lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not WxH (e.g. 640x480)")
    if not (16 <= int(width) <= MAX_SIDE and 16 <= int(height) <= MAX_SIDE):
        raise argparse.ArgumentTypeError(f"{text!r} is out of range (16 to {MAX_SIDE} pixels a side)")
    return int(width), int(height)
