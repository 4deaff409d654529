"""One offscreen Kivy window for the UI tests, and the mirror's root widget in it."""

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


@pytest.fixture(scope="module")
def mirror(window):
    from appliance.ui.app import MirrorRoot

    root = MirrorRoot()
    window.add_widget(root)
    yield root
    window.remove_widget(root)
