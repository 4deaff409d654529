"""Argument types for the command lines (the appliance's commands, its benchmarks and tools):
a value out of range is refused by argparse with what was wrong and the range, never a traceback
later on."""

from __future__ import annotations

import argparse
import math


def count(low: int, high: int):
    """A whole number from ``low`` to ``high``."""

    def check(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range ({low:,} to {high:,})")
        return value

    return check


def number(low: float, high: float):
    """A finite number from ``low`` to ``high``."""

    def check(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value) or not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{text} is out of range ({low:g} to {high:g})")
        return value

    return check
