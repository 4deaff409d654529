"""The result screen says whether the attempt was kept as the person's example."""

from __future__ import annotations

from dataclasses import replace

from test_screens import label_texts
from ui_helpers import settle
from ui_sample_views import VIEWS

from appliance.coach.view import Screen


def test_the_result_says_what_was_kept_on_the_reasons_line_or_after_the_tip(mirror):
    view = VIEWS[Screen.RESULT]
    mirror.show(replace(view, result=replace(view.result, example="Kept as your anger.")))
    settle(0.1)
    assert "Kept as your anger." in label_texts(mirror.manager.current_screen)
    missed = replace(view.result, outcome="missed", reason="Time is up.", example="Not kept: calibrate first.")
    mirror.show(replace(view, result=missed))
    settle(0.1)
    shown = label_texts(mirror.manager.current_screen)
    assert "Time is up." in shown and "Relax your forehead next time Not kept: calibrate first." in shown
