"""One offscreen Kivy window for the UI tests, and a way to let it run for a moment."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def window():
    from kivy.config import Config

    # A portrait mirror; only takes effect if nothing made the window yet (resizing an offscreen
    # window later leaves part of it unrendered), so checks use the window's real size.
    Config.set("graphics", "width", "540")
    Config.set("graphics", "height", "960")
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    from kivy.core.window import Window

    from appliance.ui.theme import theme

    Window.clearcolor = (0, 0, 0, 1)
    theme.follow(Window)
    return Window
