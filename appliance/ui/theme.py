"""Sizes that follow the window: ``theme.u`` is 1% of the width, or less on a landscape panel.

Text sizes are multiples of ``u`` so the mirror reads the same at 1 m on any panel (on a 1080
px wide portrait panel body text is ~49 px, headlines ~81 px; on a 1920x1080 landscape panel
``u`` is height/140, so the shorter bands still hold their content: body ~35 px).
The .kv files import ``theme`` instead of using ``app`` so screens also render (in tests)
without a running App.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.properties import NumericProperty


class Theme(EventDispatcher):
    u = NumericProperty(6.0)
    top_band = NumericProperty(0.36)  # share of the height above the mirror's centre
    bottom_band = NumericProperty(0.32)  # share below it; the rest stays black (glass)

    def follow(self, window) -> None:
        """Keep ``u`` in step with ``window``'s size."""

        def resize(_window, size) -> None:
            width, height = size
            self.u = max(2.0, min(width / 100.0, height / 140.0))

        window.bind(size=resize)
        resize(window, window.size)


theme = Theme()
