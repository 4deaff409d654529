"""How many lines a message takes on the glass, measured with the font and sizes the screens use.

Each place a message can show is a ``Slot``: its font size in ``theme.u`` (1% of the window's width
on a portrait panel), bold or not, and the width it wraps at.  The sizes mirror screens.kv and
widgets.kv (a Band pads 4u a side; MirrorLabel 4.6u, Notice 4.2u bold, Quiet 3.6u, Footer 3.0u,
Headline 7.5u bold; a menu row's detail is 0.72 of its title); tests/ui/test_glass_fit.py checks
that the measure agrees with the screens as laid out.  Kivy's text provider does the measuring
(``kivy.core.text.Label``, the same layout a ``Label`` widget wraps its text with), so no window
is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

WINDOWS = {"default window": (540, 960), "Pi portrait": (1080, 1920)}
MOST_LINES = 2  # read at a glance, from a step away


@dataclass(frozen=True)
class Slot:
    font_u: float  # font size in theme.u
    bold: bool = False
    share: float = 1.0  # a column's share of the band's inner width, after its 3u gaps
    gaps: int = 0


SLOTS = {
    "headline": Slot(7.5, bold=True),
    "body": Slot(4.6),  # cues, tips, calibration words, break words, the result's tip, the summary's message
    "notice": Slot(4.2, bold=True),
    "quiet": Slot(3.6),  # targets, hints, reasons, why, figures
    "footer": Slot(3.0),  # the buttons' hints
    "home_menu": Slot(5.0, bold=True),  # a home row's title (the selected one is bold)
    "home_detail": Slot(5.0 * 0.72, bold=True),  # the selected row's line under its title
    "menu": Slot(4.6, bold=True),  # a list row's title on the choose screen
    "menu_detail": Slot(4.6 * 0.72, bold=True),
    "settings": Slot(4.0, bold=True),  # a settings row's title
    "settings_detail": Slot(4.0 * 0.72, bold=True),
    # The drill's middle column, between the hold ring (0.32) and the timer (0.24), 3u from each.
    "drill_column": Slot(4.6, bold=True, share=1 / 1.56, gaps=2),
    # The break's column beside the breathing circle (0.4), 3u from it.
    "break_column": Slot(3.6, share=1 / 1.4, gaps=1),
}


def unit(size: tuple[int, int]) -> float:
    """theme.u for a window of ``size`` (appliance/ui/theme.py)."""
    width, height = size
    return max(2.0, min(width / 100.0, height / 140.0))


def wrap_width(slot: Slot, size: tuple[int, int]) -> float:
    u = unit(size)
    inner = size[0] - 8 * u  # a Band's padding, 4u a side
    return (inner - 3 * u * slot.gaps) * slot.share


def line_count(text: str, slot: str | Slot, size: tuple[int, int]) -> int:
    """The lines ``text`` takes in ``slot`` on a window of ``size`` (0 for no text)."""
    from kivy.core.text import Label as CoreLabel

    slot = SLOTS[slot] if isinstance(slot, str) else slot
    if not text.strip():
        return 0
    label = CoreLabel(
        text=text, font_size=slot.font_u * unit(size), bold=slot.bold, halign="center",
        text_size=(wrap_width(slot, size), None),
    )  # fmt: skip
    label.render()  # lays the text out (no texture): the lines it wrapped into
    return len(label._cached_lines)
