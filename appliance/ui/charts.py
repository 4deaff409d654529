"""Progress drawn on the mirror with Kivy's canvas: a streak calendar, the week's minutes, line charts.

Readable at a metre: thick strokes, text sized in ``theme.u``, bright on black (behind a two-way
mirror only light shows).  The layout maths (which day sits where) are plain functions, tested
without a window; the widgets only draw what they compute.  Text is drawn from cached label
textures, so a redraw (a resize, a new chart) renders no text it has rendered before.

``LineChart`` takes any named series ``{name: [(day, value), ...]}``: drills' daily scores now,
features' range of motion when history keeps it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Ellipse, Line, Rectangle
from kivy.properties import DictProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.widget import Widget

LIT = (0.35, 1.0, 0.55, 1)  # a practice day
TODAY = (1, 1, 1, 1)
EMPTY = (0.2, 0.2, 0.2, 1)
GRID = (0.28, 0.28, 0.28, 1)
LABEL = (0.75, 0.75, 0.75, 1)
ACCENT = (0.4, 0.85, 1.0, 1)  # the chart picked, the week's bars
OTHERS = (0.38, 0.38, 0.42, 1)  # the other series, behind it
WEEKDAYS = "MTWTFSS"


# ---------------------------------------------------------------- layout, without Kivy state
@dataclass(frozen=True)
class CalendarCell:
    day: date
    practiced: bool
    is_today: bool
    is_future: bool  # later this week: drawn as nothing


def calendar_cells(today: date, practiced: set[date], weeks: int = 4) -> list[CalendarCell]:
    """``weeks`` rows of Monday..Sunday, oldest first; the last row is this week."""
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    cells = []
    for offset in range(weeks * 7):
        day = start + timedelta(days=offset)
        cells.append(CalendarCell(day, day in practiced, day == today, day > today))
    return cells


def chart_x(day: date, first: date, last: date) -> float:
    """0-1 across the chart: ``first`` at 0, ``last`` at 1 (a one-day chart puts its day in the middle)."""
    span = (last - first).days
    return 0.5 if span <= 0 else (day - first).days / span


ROUND_TOPS = (1, 2, 4, 6, 8, 10)  # times a power of ten; half of each is a single digit too
GRID_FRACTIONS = (0.0, 0.5, 1.0)  # the value grid's lines, as fractions of the top


def chart_top(series: dict, unit_max: float | None) -> float:
    """The value at the chart's top: ``unit_max`` (100 for scores), else the smallest round value at or
    above the largest one, so the grid lines below it are round figures too (0.08 over 0.04, not 0.0825)."""
    if unit_max:
        return unit_max
    values = [value for points in series.values() for _, value in points]
    return _round_up(max(values)) if values and max(values) > 0 else 1.0


def _round_up(value: float) -> float:
    power = 10.0 ** math.floor(math.log10(value))
    return next(top for top in (round(step * power, 12) for step in ROUND_TOPS) if top >= value * (1 - 1e-9))


def grid_labels(top: float) -> list[str]:
    """The figures beside the grid lines, bottom first: as few decimals as show each line's value exactly
    (one decimal for all, a top of 0.08 read "0.1 / 0.0 / 0"), trailing zeros dropped."""
    values = [top * fraction for fraction in GRID_FRACTIONS]
    decimals = next(d for d in range(7) if all(abs(round(v, d) - v) <= 1e-9 * max(1.0, top) for v in values))
    return [_figure(value, decimals) for value in values]


def _figure(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def day_marks(first: date, last: date) -> list[tuple[date, str]]:
    """Labelled days under a chart: every Monday (as "3 Nov") and today, never two crowding each other."""
    marks = [(day, f"{day.day} {day:%b}") for day in _days(first, last) if day.weekday() == 0]
    marks = [(day, label) for day, label in marks if (last - day).days >= 3]  # room for "today"
    return marks + [(last, "today")]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


# ---------------------------------------------------------------- text as textures
_TEXTURES: dict[tuple[str, int, bool], object] = {}


def text_texture(text: str, font_size: float, bold: bool = False):
    key = (text, int(font_size), bold)
    if key not in _TEXTURES:
        if len(_TEXTURES) > 400:  # day labels change daily; never let the cache grow for years
            _TEXTURES.clear()
        label = CoreLabel(text=text, font_size=int(font_size), bold=bold)
        label.refresh()
        _TEXTURES[key] = label.texture
    return _TEXTURES[key]


def draw_text(text: str, font_size: float, x: float, y: float, anchor: str = "center", bold: bool = False) -> None:
    """Text with its centre (or its left / right edge) at x and its middle at y."""
    texture = text_texture(text, font_size, bold)
    width, height = texture.size
    left = {"center": x - width / 2, "left": x, "right": x - width}[anchor]
    Rectangle(texture=texture, pos=(round(left), round(y - height / 2)), size=texture.size)


class Drawn(Widget):
    """A widget that redraws itself once per frame after its size, position or listed properties change
    (a screen setting six properties in a row draws once, not six times)."""

    u = NumericProperty(6.0)  # theme.u: 1% of the width
    redraw_on: tuple[str, ...] = ()

    def __init__(self, **kwargs) -> None:
        self._trigger = Clock.create_trigger(self._redraw, -1)  # before this frame is drawn
        super().__init__(**kwargs)
        self.bind(pos=self._trigger, size=self._trigger, u=self._trigger)
        self.bind(**{name: self._trigger for name in self.redraw_on})
        self._trigger()

    def _redraw(self, *_args) -> None:
        self.canvas.clear()
        if self.width > 1 and self.height > 1:
            with self.canvas:
                self.draw()

    def draw(self) -> None:
        raise NotImplementedError


class StreakCalendar(Drawn):
    """Four weeks, Monday to Sunday, this week at the bottom; practice days lit, today outlined, dates inside."""

    today = StringProperty("")  # ISO day
    practice_days = ListProperty([])  # ISO days
    weeks = NumericProperty(4)
    redraw_on = ("today", "practice_days", "weeks")

    def draw(self) -> None:
        today = _as_date(self.today) if self.today else date.today()
        weeks = int(self.weeks)
        cells = calendar_cells(today, {_as_date(day) for day in self.practice_days}, weeks)
        cell = min(self.width / 7, self.height / (weeks + 0.9))
        gap = max(2.0, cell * 0.14)
        left = self.x + (self.width - cell * 7) / 2
        top = self.top - cell * 0.9  # the weekday letters' row above the weeks
        Color(*LABEL)
        for column, letter in enumerate(WEEKDAYS):
            draw_text(letter, cell * 0.5, left + (column + 0.5) * cell, top + cell * 0.45, bold=True)
        for index, item in enumerate(cells):
            if item.is_future:
                continue
            row, column = divmod(index, 7)
            x, y = left + column * cell + gap / 2, top - (row + 1) * cell + gap / 2
            Color(*(LIT if item.practiced else EMPTY))
            Rectangle(pos=(x, y), size=(cell - gap, cell - gap))
            Color(*((0, 0, 0, 1) if item.practiced else LABEL))
            draw_text(str(item.day.day), cell * 0.42, x + (cell - gap) / 2, y + (cell - gap) / 2)
            if item.is_today:
                Color(*TODAY)
                Line(rectangle=(x - gap / 2.5, y - gap / 2.5, cell - gap / 5, cell - gap / 5), width=max(1.5, gap / 3))


class WeekMinutes(Drawn):
    """The last seven days' practice minutes as bars, today on the right, the figure above each bar."""

    minutes = ListProperty([])  # (ISO day, minutes), oldest first
    scale_min = NumericProperty(20)  # the bars' full height is at least this many minutes (the articles' 20-30)
    redraw_on = ("minutes", "scale_min")

    def draw(self) -> None:
        days = list(self.minutes)[-7:]
        if not days:
            return
        font = self.u * 3.0
        column = self.width / 7
        base = self.y + font * 1.4  # weekday letters under the bars
        room = self.top - font * 3.0 - base  # the caption, and the figures above the bars
        Color(*LABEL)
        draw_text("minutes a day", font, self.center_x, self.top - font * 0.6)
        scale = max(float(self.scale_min), *(value for _, value in days))
        for index, (day, value) in enumerate(days):
            centre = self.x + (index + 0.5) * column
            is_today = index == len(days) - 1
            Color(*LABEL)
            draw_text(WEEKDAYS[_as_date(day).weekday()], font, centre, self.y + font * 0.7, bold=is_today)
            Color(*EMPTY)
            Rectangle(pos=(centre - column * 0.3, base), size=(column * 0.6, max(2.0, self.u * 0.4)))
            if value > 0:
                height = max(self.u, room * value / scale)
                Color(*(TODAY if is_today else ACCENT))
                Rectangle(pos=(centre - column * 0.3, base), size=(column * 0.6, height))
                figure = f"{value:.0f}" if value >= 1 else "<1"
                draw_text(figure, font, centre, base + height + font * 0.7, bold=True)


class LineChart(Drawn):
    """Named series over days: the picked one bright and thick with a dot per day, the others dim behind it."""

    series = DictProperty({})  # name -> [(day, value), ...], days as ISO strings or dates
    highlight = StringProperty("")  # the series drawn bright ("" = the first)
    first_day = StringProperty("")  # ISO; "" = the earliest point
    last_day = StringProperty("")  # ISO; "" = today
    unit_max = NumericProperty(100)  # the value at the top (100 for scores; 0 = scale to the data)
    redraw_on = ("series", "highlight", "first_day", "last_day", "unit_max")

    def draw(self) -> None:
        series = {name: [(_as_date(d), float(v)) for d, v in points] for name, points in self.series.items()}
        last = _as_date(self.last_day) if self.last_day else date.today()
        every = [day for points in series.values() for day, _ in points]
        first = _as_date(self.first_day) if self.first_day else min(every, default=last)
        top_value = chart_top(series, self.unit_max or None)
        font = self.u * 3.0
        left, right = self.x + font * 2.4, self.right - font * 1.2  # room for the values on the left, "today"
        bottom, top = self.y + font * 1.8, self.top - font * 0.6

        def at(day: date, value: float) -> tuple[float, float]:
            return left + (right - left) * chart_x(day, first, last), bottom + (top - bottom) * value / top_value

        for fraction, label in zip(GRID_FRACTIONS, grid_labels(top_value), strict=True):  # the value grid
            y = bottom + (top - bottom) * fraction
            Color(*GRID)
            Line(points=[left, y, right, y], width=max(1.0, self.u * 0.15))
            Color(*LABEL)
            draw_text(label, font, left - font * 0.5, y, anchor="right")
        Color(*GRID)
        for day in _days(first, last):  # a mark per day; the labelled days get a taller one
            x, _ = at(day, 0)
            Line(points=[x, bottom - self.u * 0.6, x, bottom], width=max(1.0, self.u * 0.15))
        for day, text in day_marks(first, last):
            x, _ = at(day, 0)
            Color(*GRID)
            Line(points=[x, bottom - self.u * 1.4, x, bottom], width=max(1.0, self.u * 0.25))
            Color(*LABEL)
            draw_text(text, font, x, bottom - font * 1.05, bold=text == "today")
        picked = self.highlight if self.highlight in series else next(iter(series), "")
        for name, points in series.items():
            if name != picked and len(points) > 1:
                Color(*OTHERS)
                Line(points=[c for day, value in points for c in at(day, value)], width=max(1.0, self.u * 0.3))
        points = series.get(picked, [])
        Color(*ACCENT)
        if len(points) > 1:
            Line(points=[c for day, value in points for c in at(day, value)], width=self.u * 0.7, joint="round")
        radius = self.u * 1.2
        for day, value in points:
            x, y = at(day, value)
            Ellipse(pos=(x - radius, y - radius), size=(radius * 2, radius * 2))
