"""Progress drawn on the mirror: a streak calendar and per-expression trend bars (Kivy canvas)."""

from __future__ import annotations

from kivy.graphics import Color, Line, Rectangle
from kivy.properties import ListProperty, NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from appliance.coach.view import TrendView
from appliance.ui.text import trend_word

LIT = (0.35, 1.0, 0.55, 1)
TODAY = (1, 1, 1, 1)
EMPTY = (0.22, 0.22, 0.22, 1)
RECENT = (0.4, 0.85, 1.0, 1)
PREVIOUS = (0.4, 0.4, 0.4, 1)


def calendar_days(streak_days: int, practiced_today: bool, weeks: int = 4) -> list[bool]:
    """Which of the last ``weeks * 7`` days (oldest first, today last) belong to the streak.

    A streak that has not reached today yet (not practised today) ends yesterday.
    """
    count = weeks * 7
    lit = [False] * count
    end = count if practiced_today else count - 1
    for index in range(max(0, end - streak_days), end):
        lit[index] = True
    return lit


class StreakCalendar(Widget):
    """Four weeks of squares, today at the bottom right; the streak's days are lit."""

    days = ListProperty([])  # bools, oldest first
    weeks = NumericProperty(4)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bind(pos=self._draw, size=self._draw, days=self._draw)

    def _draw(self, *_args) -> None:
        self.canvas.clear()
        weeks = int(self.weeks)
        cell = min(self.width / 7, self.height / max(1, weeks))
        gap = cell * 0.18
        left = self.x + (self.width - cell * 7) / 2
        top = self.y + (self.height + cell * weeks) / 2
        with self.canvas:
            for index in range(weeks * 7):
                row, column = divmod(index, 7)
                lit = index < len(self.days) and self.days[index]
                is_today = index == weeks * 7 - 1
                Color(*(LIT if lit else EMPTY))
                x, y = left + column * cell + gap / 2, top - (row + 1) * cell + gap / 2
                Rectangle(pos=(x, y), size=(cell - gap, cell - gap))
                if is_today:
                    Color(*TODAY)
                    Line(rectangle=(x - gap / 3, y - gap / 3, cell - gap / 3, cell - gap / 3), width=1.5)


class TrendBars(Widget):
    """Two bars for one expression: earlier attempts (dim, top) and recent ones (bright)."""

    recent = NumericProperty(0)
    previous = NumericProperty(-1)  # -1: not enough attempts yet

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.bind(pos=self._draw, size=self._draw, recent=self._draw, previous=self._draw)

    def _draw(self, *_args) -> None:
        self.canvas.clear()
        thickness = self.height * 0.3
        with self.canvas:
            Color(*EMPTY)  # the 0-100 track, so a bar's length reads as a score
            Rectangle(pos=(self.x, self.y + self.height * 0.15), size=(self.width, thickness))
            Line(points=[self.x, self.y, self.x, self.top], width=1)
            if self.previous >= 0:
                Color(*PREVIOUS)
                Rectangle(pos=(self.x, self.y + self.height * 0.55), size=(self.width * self.previous / 100, thickness))
            Color(*RECENT)
            Rectangle(pos=(self.x, self.y + self.height * 0.15), size=(self.width * self.recent / 100, thickness))


class TrendChart(BoxLayout):
    """One row per expression: its name and recent score, then the bars."""

    trends = ListProperty([])  # TrendView
    font_size = NumericProperty(20)

    def on_trends(self, _widget, trends: list[TrendView]) -> None:
        self.clear_widgets()
        for trend in trends:
            row = BoxLayout(orientation="horizontal", spacing=self.font_size * 0.6)
            row.size_hint_y, row.height = None, self.font_size * 2.2
            label = Label(
                text=f"{trend.title}  {trend.recent}%  {trend_word(trend.direction)}",
                font_size=self.font_size,
                size_hint_x=0.62,
                halign="right",
                valign="middle",
            )
            label.bind(size=lambda widget, size: setattr(widget, "text_size", size))
            row.add_widget(label)
            row.add_widget(TrendBars(recent=trend.recent, previous=-1 if trend.previous is None else trend.previous))
            self.add_widget(row)
