"""Sizes that follow the window: ``theme.u`` is 1% of the window's shorter side.

Text sizes are multiples of ``u`` so the mirror reads the same at 1 m on any panel (on a 1080
px wide panel body text is ~49 px, headlines ~81 px).  The .kv files import ``theme`` instead
of using ``app`` so screens also render (in tests) without a running App.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.properties import NumericProperty


class Theme(EventDispatcher):
    u = NumericProperty(6.0)
    top_band = NumericProperty(0.36)  # share of the height above the mirror's centre
    bottom_band = NumericProperty(0.32)  # share below it; the rest stays black (glass)

    def follow(self, window) -> None:
        """Keep ``u`` at 1% of ``window``'s shorter side."""

        def resize(_window, size) -> None:
            self.u = max(2.0, min(size) / 100.0)

        window.bind(size=resize)
        resize(window, window.size)


theme = Theme()
