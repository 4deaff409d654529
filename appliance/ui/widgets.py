"""Small widgets drawn with Kivy's canvas: match meter, hold ring, breathing circle.

Each exposes plain Kivy properties that the screens bind to the View; the drawing itself is
in ``widgets.kv``.  Colours are bright on black: behind a two-way mirror only light shows.
"""

from __future__ import annotations

from kivy.animation import Animation
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from appliance.ui.text import menu_window

WHITE = (1, 1, 1, 1)
DIM = (0.35, 0.35, 0.35, 1)
MET = (0.35, 1.0, 0.55, 1)  # green: target met
ACCENT = (0.4, 0.85, 1.0, 1)  # cyan: working towards it
REACH = (0.4, 0.85, 1.0, 0.3)  # dim cyan: a feature's movement that the match does not count
NONE = (0, 0, 0, 0)


class MatchMeter(Widget):
    """A horizontal bar 0-100 with a tick at the threshold.

    ``reach`` (a feature drill: how far the target feature moved, 0-100) is drawn dim behind
    ``value`` (the match, what the tick judges): with the rest of the face calm they coincide, and
    the gap between them is what the features that should stay calm cost."""

    value = NumericProperty(0)  # 0-100
    reach = NumericProperty(0)  # 0-100; 0: nothing drawn behind the value
    threshold = NumericProperty(0)  # 0-100
    is_met = BooleanProperty(False)
    tick_overhang = NumericProperty(0)  # how far the threshold tick reaches above and below the bar
    shown = NumericProperty(0)  # the drawn value, eased towards ``value``
    shown_reach = NumericProperty(0)
    fill_color = ListProperty(ACCENT)

    def on_value(self, _widget, value: float) -> None:
        Animation.cancel_all(self, "shown")
        Animation(shown=max(0.0, min(100.0, value)), d=0.12).start(self)

    def on_reach(self, _widget, reach: float) -> None:
        Animation.cancel_all(self, "shown_reach")
        Animation(shown_reach=max(0.0, min(100.0, reach)), d=0.12).start(self)

    def on_is_met(self, _widget, met: bool) -> None:
        self.fill_color = MET if met else ACCENT


class HoldRing(Widget):
    """A ring that closes as the hold progresses (0-1)."""

    progress = NumericProperty(0.0)
    ring_color = ListProperty(NONE)

    def on_progress(self, _widget, progress: float) -> None:
        self.ring_color = MET if progress >= 1.0 else ACCENT if progress > 0 else NONE  # no stray dot at 0


class BreathingCircle(Widget):
    """A disc that grows on the in-breath and shrinks on the out-breath.

    ``level`` (0-1 lung fill) comes from the coach's view a few times a second; ``shown``
    eases towards it so the circle moves smoothly at the display's frame rate.
    """

    level = NumericProperty(0.0)
    shown = NumericProperty(0.0)
    active = BooleanProperty(True)  # False outside a breathing phase: a faint resting ring

    def on_level(self, _widget, level: float) -> None:
        Animation.cancel_all(self, "shown")
        Animation(shown=max(0.0, min(1.0, level)), d=0.25).start(self)


class MenuLine(Label):
    """One menu row; the selected one is bright and marked."""

    selected = BooleanProperty(False)
    title = StringProperty("")
    detail = StringProperty("")


class PressDot(Widget):
    """A dot that flashes when a button is pressed (before its command may act on release)."""

    alpha = NumericProperty(0.0)

    def flash(self) -> None:
        Animation.cancel_all(self, "alpha")
        self.alpha = 1.0
        Animation(alpha=0.0, d=0.4).start(self)


class MenuList(BoxLayout):
    """A window of at most ``rows`` menu items around the selected one (long lists would cover the mirror)."""

    items = ListProperty([])  # MenuItem
    index = NumericProperty(0)
    rows = NumericProperty(6)
    font_size = NumericProperty(20)

    def on_items(self, *_args) -> None:
        self._build()

    def on_index(self, *_args) -> None:
        self._build()

    def on_rows(self, *_args) -> None:  # the first frame is laid out before the window's real size
        self._build()

    def _build(self) -> None:
        # Reuse the line widgets: a Label only re-renders its texture when its text changes.
        first, last = menu_window(len(self.items), int(self.index), int(self.rows))
        shown = last - first + (1 if last - first < len(self.items) else 0)
        while len(self.children) < shown:
            self.add_widget(MenuLine(font_size=self.font_size))
        while len(self.children) > shown:
            self.remove_widget(self.children[0])
        lines = list(reversed(self.children))  # Kivy keeps children last-added first
        for line, position in zip(lines, range(first, last), strict=False):
            item = self.items[position]
            line.title, line.detail, line.selected = item.title, item.detail, position == self.index
            line.font_size = self.font_size
        if shown > last - first:
            more = lines[-1]
            more.title, more.detail, more.selected = f"{int(self.index) + 1} of {len(self.items)}", "", False
            more.font_size = self.font_size * 0.7
