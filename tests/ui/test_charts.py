"""Progress charts: the layout maths, then the real screen from 0, 1 and 60 days of stored history."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pytest
from PIL import Image
from ui_helpers import settle

from appliance.coach.events import AttemptFinished, SessionEnded, SessionStarted
from appliance.coach.view import Screen, View
from appliance.history import HistoryStore, summarize
from appliance.ui.charts import calendar_cells, chart_top, chart_x, day_marks, grid_labels

TODAY = date(2026, 11, 26)  # a Thursday
TITLES = {"happiness": "Happiness", "surprise": "Surprise", "genuine_smile": "Genuine smile"}


def test_the_calendar_has_weeks_monday_to_sunday_with_this_week_last():
    cells = calendar_cells(TODAY, {TODAY, TODAY - timedelta(days=1), date(2026, 11, 2)}, weeks=4)
    assert len(cells) == 28 and cells[0].day == date(2026, 11, 2) and cells[0].day.weekday() == 0
    assert cells[0].practiced and cells[-4].is_today and cells[-4].practiced and cells[-5].practiced
    assert [cell.is_future for cell in cells[-4:]] == [False, True, True, True]


def test_days_spread_across_the_chart_and_mondays_and_today_are_labelled():
    first, last = TODAY - timedelta(days=27), TODAY
    assert chart_x(first, first, last) == 0 and chart_x(last, first, last) == 1
    assert chart_x(TODAY, TODAY, TODAY) == 0.5
    marks = day_marks(first, last)
    assert marks[-1] == (TODAY, "today") and all(day.weekday() == 0 for day, _ in marks[:-1])
    assert [label for _, label in marks[:-1]] == ["2 Nov", "9 Nov", "16 Nov", "23 Nov"]
    assert chart_top({"a": [(TODAY, 0.4)]}, None) == pytest.approx(0.4) and chart_top({}, 100) == 100


@pytest.mark.parametrize("largest", [0.0033, 0.041, 0.075, 0.3, 0.95, 1.0, 12.0, 55.0])
def test_a_chart_scaled_to_its_values_labels_each_grid_line_with_its_own_value(largest):
    top = chart_top({"a": [(TODAY, largest / 2), (TODAY, largest)]}, None)
    labels = grid_labels(top)
    assert top >= largest and len(set(labels)) == 3, labels  # a small range once read "0 / 0.0 / 0.1"
    assert [float(label) for label in labels] == pytest.approx([0.0, top / 2, top])
    assert grid_labels(chart_top({"a": [(TODAY, 0.075)]}, None)) == ["0", "0.04", "0.08"]
    assert grid_labels(100) == ["0", "50", "100"]


def fill(store: HistoryStore, days: int) -> None:
    """``days`` days of practice ending today, scores improving, two drills most days, one now and then."""
    for back in range(days - 1, -1, -1):
        wall = datetime.combine(TODAY - timedelta(days=back), datetime.min.time()).timestamp() + 8 * 3600
        number = days - back
        store.record(SessionStarted(number, "morning", "Morning routine", 0.0, wall))
        drills = ["happiness", "surprise"] + (["genuine_smile"] if back % 3 == 0 else [])
        for n, drill in enumerate(drills):
            score = min(100, 40 + (days - back) + 7 * n + (back * 7) % 11)
            store.record(AttemptFinished(number, drill, "expression", (drill,), "completed", score, score, 3.0, 3.0,
                                         1.0, 1.0, 5.0, "", 0.0, wall + 60 * (n + 1)))  # fmt: skip
        store.record(SessionEnded(number, "done", 300.0 + 60 * (back % 4), len(drills), 0.0, wall + 600))


def progress_from_history(tmp_path, days: int):
    with HistoryStore(tmp_path / f"history-{days}.sqlite3") as store:
        fill(store, days)
        return summarize(store, TODAY, TITLES).progress_view()


def test_the_summary_reads_only_the_weeks_shown(tmp_path):
    progress = progress_from_history(tmp_path, 60)
    assert progress.streak_days == 60  # the streak still counts every day
    assert progress.practice_days[0] == (TODAY - timedelta(days=27)).isoformat() and len(progress.practice_days) == 28
    assert [series.label for series in progress.series] == ["happiness", "surprise", "genuine_smile"]
    assert all(len(series.points) <= 28 for series in progress.series)
    assert progress.series[0].points[-1][0] == TODAY.isoformat()
    assert [day for day, _ in progress.week_minutes][-1] == TODAY.isoformat() and len(progress.week_minutes) == 7
    assert all(minutes >= 5 for _, minutes in progress.week_minutes)


def shot(tmp_path, name: str) -> np.ndarray:
    """The window as RGB (Kivy numbers the file it writes, so read the one it names)."""
    from kivy.core.window import Window

    path = Window.screenshot(str(tmp_path / f"{name}.png"))
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)


@pytest.mark.parametrize("days", [0, 1, 60])
def test_the_progress_screen_draws_history_in_the_bands_and_keeps_the_centre_dark(mirror, tmp_path, days):
    progress = progress_from_history(tmp_path, days)
    mirror.show(View(screen=Screen.PROGRESS, progress=progress, buttons="back: home"))
    settle()
    rgb = shot(tmp_path, f"progress-{days}")
    gray = rgb.mean(axis=2)
    height = gray.shape[0]
    top, centre, bottom = (
        gray[: int(height * 0.36)],
        gray[int(height * 0.40) : int(height * 0.64)],
        gray[int(height * 0.68) :],
    )
    assert centre.mean() < 8 and (centre > 128).mean() < 0.002, "the centre must stay black (mirror)"
    assert (top > 128).mean() > 0.01, "the top band shows nothing bright"
    assert (bottom > 100).mean() > 0.005, "the bottom band shows nothing bright"
    screen = mirror.manager.current_screen
    chart = next(child for child in screen.walk() if type(child).__name__ == "LineChart")
    calendar = next(child for child in screen.walk() if type(child).__name__ == "StreakCalendar")
    assert chart.height > height * 0.12 and calendar.height > height * 0.12  # big enough to read at 1 m
    region = rgb[height - int(chart.top) : height - int(chart.y), int(chart.x) : int(chart.right)]
    line = (region[..., 2] > 200) & (region[..., 0] < 140)  # the picked series' bright cyan
    assert region.size and (line.mean() > 0.0005) == (days > 0), f"series drawn: {line.mean():.4f}"
    if days == 60:
        assert line.mean() > 0.02, "sixty days should draw a whole line, not dots"


def test_a_feature_series_is_charted_on_its_own_scale_without_the_scores(mirror, tmp_path):
    from dataclasses import replace

    from appliance.coach.view import SeriesView

    progress = progress_from_history(tmp_path, 10)
    days = [day for day, _ in progress.series[0].points]
    brows = SeriesView("brow_raise", "Brow raise", tuple((d, 0.1 + 0.02 * n) for n, d in enumerate(days)), "mm/eye")
    progress = replace(progress, series=(brows, *progress.series), series_index=0)
    mirror.show(View(screen=Screen.PROGRESS, progress=progress))
    settle()
    screen = mirror.manager.current_screen
    chart = next(child for child in screen.walk() if type(child).__name__ == "LineChart")
    assert list(chart.series) == ["Brow raise"] and chart.unit_max == 0
    assert screen.chart_title.startswith("Brow raise")
    rgb = shot(tmp_path, "feature")
    height = rgb.shape[0]
    region = rgb[height - int(chart.top) : height - int(chart.y), int(chart.x) : int(chart.right)]
    rows = np.flatnonzero(((region[..., 2] > 200) & (region[..., 0] < 140)).any(axis=1))
    assert rows.size and (rows.max() - rows.min()) > 0.4 * region.shape[0]  # it climbs, not a flat row at 0
