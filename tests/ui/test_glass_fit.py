"""The glass's line measure: it sees a paragraph, and agrees with the screens as laid out."""

from __future__ import annotations

from dataclasses import replace

import pytest
from ui_helpers import settle
from ui_sample_views import VIEWS

from appliance.coach.view import CalibrationView, Screen, View
from appliance.ui.glass_fit import WINDOWS, line_count

PARAGRAPH = (
    "Turn to face the mirror: your head reads turned 27 degrees to your right and tipped 9 degrees up. "
    "Look straight into it with your head level, and try again. (Facing it already? Then the camera sits "
    "above, below or beside the mirror: hold SELECT, and the mirror remembers the camera's angle. More in "
    "the README, Camera placement.)"
)  # the calibration's refusal as it was: seven lines on the glass


def test_a_paragraph_is_many_lines_and_a_short_line_one():
    assert line_count(PARAGRAPH, "body", WINDOWS["default window"]) >= 6
    assert line_count(PARAGRAPH, "body", WINDOWS["Pi portrait"]) >= 6
    assert line_count("Relax and hold still, breathing normally...", "body", WINDOWS["Pi portrait"]) == 1
    assert line_count("", "notice", WINDOWS["Pi portrait"]) == 0


def lines_shown(screen, text: str) -> int:
    label = next(w for w in screen.walk(restrict=True) if getattr(w, "text", None) == text)
    label.texture_update()
    return len(label._label._cached_lines)


@pytest.mark.parametrize(
    ("slot", "view"),
    [
        ("body", View(screen=Screen.CALIBRATE, calibration=CalibrationView("refused", PARAGRAPH))),
        ("notice", replace(VIEWS[Screen.HOME], notice=PARAGRAPH[:88])),  # text.glass keeps 90 characters
        ("footer", replace(VIEWS[Screen.RESULT], buttons=PARAGRAPH)),
        ("drill_column", replace(VIEWS[Screen.DRILL], live=replace(VIEWS[Screen.DRILL].live, has_face=False,
                                                                    no_face_message=PARAGRAPH))),
        ("body", replace(VIEWS[Screen.DRILL], live=replace(VIEWS[Screen.DRILL].live, tip=PARAGRAPH))),
    ],
    ids=["calibration words", "notice", "footer", "drill column", "tip"],
)  # fmt: skip
def test_the_measure_agrees_with_the_screen_as_laid_out(mirror, window, slot, view):
    """glass_fit's slots mirror the .kv sizes: a screen at the test window's size wraps the words
    into the lines line_count says."""
    text = PARAGRAPH if slot != "notice" else PARAGRAPH[:88]
    mirror.show(view)
    settle()
    lines = lines_shown(mirror.manager.current_screen, text)
    assert lines > 1 and lines == line_count(text, slot, tuple(window.size))


@pytest.mark.parametrize("screen", list(VIEWS), ids=lambda screen: screen.value)
def test_every_label_on_the_sample_screens_takes_two_lines_at_most(mirror, screen):
    """The words the screens put together themselves (titles, figures, paused lines; the messages are
    measured from the catalogue, tests/test_glass.py), laid out on the sample views: every label two
    lines at most; a menu row its title and, selected, its detail; the range of motion its heading and
    two rows of figures."""
    from kivy.uix.label import Label

    from appliance.ui.widgets import MenuLine

    mirror.show(VIEWS[screen])
    settle()
    for label in mirror.manager.current_screen.walk(restrict=True):
        if not isinstance(label, Label) or not label.text or label.opacity == 0:
            continue
        label.texture_update()
        lines = len(label._label._cached_lines)
        most = 3 if isinstance(label, MenuLine) or label.text.startswith("Range of motion") else 2
        assert lines <= most, f"{lines} lines on the {screen.value} screen: {label.text!r}"
