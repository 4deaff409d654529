"""Every screen renders offscreen: its words are on screen, the picture is not blank, the centre stays dark."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from ui_helpers import settle
from ui_sample_views import VIEWS, WORDS

from appliance.coach.view import Screen


def label_texts(widget) -> list[str]:
    from kivy.uix.label import Label

    found = []
    for child in widget.walk(restrict=True):
        if isinstance(child, Label) and child.text and child.opacity > 0:
            found.append(child.text)
    return found


def screenshot(tmp_path, name: str) -> np.ndarray:
    from kivy.core.window import Window

    path = Window.screenshot(str(tmp_path / f"{name}.png"))
    return np.asarray(Image.open(path).convert("L"), dtype=np.float32)


@pytest.mark.parametrize("screen", list(VIEWS), ids=lambda screen: screen.value)
def test_every_screen_shows_its_words_and_keeps_the_centre_dark(mirror, tmp_path, screen):
    mirror.show(VIEWS[screen])
    settle()
    assert mirror.manager.current == screen.value
    texts = " | ".join(label_texts(mirror.manager.current_screen))
    for word in WORDS[screen]:
        assert word in texts, f"{word!r} not on the {screen.value} screen: {texts}"
    gray = screenshot(tmp_path, screen.value)
    height = gray.shape[0]
    top, bottom = gray[: int(height * 0.36)], gray[int(height * 0.68) :]
    centre = gray[int(height * 0.40) : int(height * 0.64)]
    assert (top > 128).mean() > 0.005, "the top band shows nothing bright"
    assert (bottom > 128).mean() > 0.002, "the bottom band shows nothing bright"
    assert centre.mean() < 8 and (centre > 128).mean() < 0.002, "the centre must stay black (mirror)"


def test_the_settings_screen_shows_its_rows_and_keeps_the_centre_dark(mirror, tmp_path):
    from appliance.config import Config
    from appliance.ui.settings_panel import BUTTONS, SettingsPanel

    panel = SettingsPanel(Config(), "demo")
    mirror.show_settings(panel.rows(), 1, BUTTONS)
    settle()
    texts = " | ".join(label_texts(mirror.manager.current_screen))
    for word in ("Settings", "Camera preview: off", "Camera: demo", "Long press: 0.8 s"):
        assert word in texts
    gray = screenshot(tmp_path, "settings")
    height = gray.shape[0]
    assert gray[int(height * 0.40) : int(height * 0.64)].mean() < 8
    assert (gray[int(height * 0.68) :] > 128).mean() > 0.002


@pytest.mark.parametrize("screen", list(VIEWS), ids=lambda screen: screen.value)
def test_a_notice_shows_on_every_screen(mirror, screen):
    from dataclasses import replace

    mirror.show(replace(VIEWS[screen], notice="No camera picture: check the cable"))
    settle(0.1)
    assert "No camera picture: check the cable" in label_texts(mirror.manager.current_screen)


def test_the_settings_hint_is_shown_once(mirror):
    from appliance.coach.view import MenuItem
    from appliance.ui.settings_panel import BUTTONS

    mirror.show_settings([MenuItem("preview", "Camera preview", "off")], 0, BUTTONS)
    settle(0.2)
    texts = label_texts(mirror.current_screen())
    assert texts.count(BUTTONS) == 1 and not any("move" in t for t in texts if t != BUTTONS)


def test_a_menu_laid_out_late_shows_all_its_rows_and_no_count():
    from appliance.coach.view import MenuItem
    from appliance.ui.app import load_kv
    from appliance.ui.widgets import MenuList

    load_kv()
    menu = MenuList()
    menu.rows = 3
    menu.items = [MenuItem(str(n), f"item {n}", "") for n in range(6)]
    assert any(" of 6" in child.title for child in menu.children)  # the first frame: a square screen
    menu.rows = 6  # the window's real (portrait) size arrives
    titles = [child.title for child in reversed(menu.children)]
    assert titles == [f"item {n}" for n in range(6)]


def test_the_threshold_tick_stays_clear_of_the_lines_around_the_meter(mirror):
    from ui_sample_views import VIEWS as views

    from appliance.coach.view import Screen
    from appliance.ui.widgets import MatchMeter

    mirror.show(views[Screen.DRILL])
    settle(0.3)
    (meter,) = [w for w in mirror.current_screen().walk(restrict=True) if isinstance(w, MatchMeter)]
    assert 0 < meter.tick_overhang < meter.parent.spacing


def test_a_feature_drill_meter_shows_the_feature_dim_behind_the_match_the_tick_judges(mirror):
    from dataclasses import replace

    from ui_sample_views import VIEWS as views

    from appliance.coach.view import Screen
    from appliance.ui.widgets import MatchMeter

    drill = views[Screen.DRILL]
    # brows fully up, but the mouth moved too: isolation 0.4, so the match is 40 against a tick at 60
    live = replace(drill.live, match=40, threshold=60, is_met=False, feature="brow_raise", amplitude=0.6,
                   full_at=0.6, isolation=0.4)  # fmt: skip
    mirror.show(replace(drill, live=live))
    settle(0.3)
    (meter,) = [w for w in mirror.current_screen().walk(restrict=True) if isinstance(w, MatchMeter)]
    assert meter.value == 40 and meter.reach == 100 and meter.threshold == 60 and not meter.is_met
    assert meter.value < meter.threshold < meter.reach  # the bright bar short of the tick, the dim one past it
    mirror.show(drill)  # an expression drill: no dim bar
    settle(0.3)
    assert meter.reach == 0 and meter.value == drill.live.match


def test_a_feature_reading_beside_the_hold_ring_never_wraps_mid_pair(mirror):
    from dataclasses import replace

    from kivy.uix.label import Label
    from ui_sample_views import VIEWS as views

    from appliance.coach.view import Screen
    from appliance.ui import text

    # The widest the reading gets: the longest feature name a drill aims at, every number at 100.
    live = replace(views[Screen.DRILL].live, feature="nose_wrinkle", amplitude=0.5, full_at=0.5, isolation=1.0,
                   match=100, expression="")  # fmt: skip
    mirror.show(replace(views[Screen.DRILL], live=live))
    settle(0.4)
    labels = {w.text: w for w in mirror.current_screen().walk(restrict=True) if isinstance(w, Label)}
    lines = (text.feature_line(live), text.feature_figures(live))
    assert lines == ("nose wrinkle 100%", "isolation 100% · match 100%")
    for shown in lines:  # one line each, never "isolation / 100%"
        assert len(labels[shown]._label._cached_lines) == 1, shown


def test_a_best_take_shows_in_the_bottom_band_then_goes(mirror, tmp_path):
    mirror.show(VIEWS[Screen.RESULT])
    settle()
    screen = mirror.manager.get_screen(Screen.RESULT.value)
    take = np.zeros((360, 480, 3), np.uint8)
    take[:180, :, 0] = 255  # red above green: easy to find, and it must not be upside down
    take[180:, :, 1] = 255
    screen.show_take(take, seconds=0.6)
    settle(0.2)
    shot = np.asarray(Image.open(mirror_shot(tmp_path)).convert("RGB"), dtype=np.float32)
    height = shot.shape[0]
    green = (shot[..., 1] > 200) & (shot[..., 0] < 60)
    red = (shot[..., 0] > 200) & (shot[..., 1] < 60)
    assert green[int(height * 0.68) :].mean() > 0.01, "the take is not in the bottom band"
    assert not (green | red)[: int(height * 0.64)].any(), "the take must stay out of the mirror's centre and top"
    rows = np.arange(height)
    assert rows[red.any(axis=1)].mean() < rows[green.any(axis=1)].mean(), "the take is upside down"
    settle(0.7)
    assert screen.ids.take.opacity == 0 and screen.ids.take.texture is None  # gone after its seconds


def mirror_shot(tmp_path):
    from kivy.core.window import Window

    return Window.screenshot(str(tmp_path / "take.png"))


def test_a_first_short_practice_shows_as_under_a_minute_this_week_as_today(mirror):
    from dataclasses import replace

    first = VIEWS[Screen.PROGRESS]
    progress = replace(first.progress, minutes_today=0.4, week_minutes=(("2026-11-26", 0.4),))
    mirror.show(replace(first, progress=progress))
    settle(0.1)
    figures = next(t for t in label_texts(mirror.manager.current_screen) if "this week" in t)
    assert "this week under a minute" in figures and "today under a minute" in figures and "0 min" not in figures
