"""One Kivy Screen per coach screen.  Each turns the View into simple properties; ``screens.kv`` lays them out.

The screens never call the coach: they only render the View they are given.
"""

from __future__ import annotations

import datetime as dt
import time

from kivy.clock import Clock
from kivy.properties import (
    BooleanProperty,
    DictProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.screenmanager import Screen as KivyScreen

from appliance.coach.render import NO_FACE
from appliance.coach.view import Screen, View
from appliance.ui import text
from appliance.ui.widgets import MenuList  # noqa: F401  (the .kv rules use it)

CHART_DAYS = 28  # the line charts' span: the calendar's four weeks (history.summary.CHART_WEEKS)


class MirrorScreen(KivyScreen):
    view = ObjectProperty(View(), rebind=True)
    notice = StringProperty("")
    buttons = StringProperty("")
    routine = StringProperty("")

    def on_view(self, _screen, view: View) -> None:
        self.notice = text.glass(view.notice)
        self.buttons = view.buttons
        self.routine = text.routine_line(view)
        self.render(view)

    def render(self, view: View) -> None:  # the screens' own fields
        pass


class HomeScreen(MirrorScreen):
    clock_text = StringProperty("")
    date_text = StringProperty("")
    greeting = StringProperty("")
    person = StringProperty("")  # who practises, when the mirror has profiles
    streak = StringProperty("")
    menu = ListProperty([])
    menu_index = NumericProperty(0)

    def on_enter(self, *_args) -> None:
        self._tick()
        self._clock = Clock.schedule_interval(self._tick, 1.0)

    def on_leave(self, *_args) -> None:
        self._clock.cancel()

    def _tick(self, *_args) -> None:
        now = dt.datetime.now()
        self.clock_text, self.date_text, self.greeting = text.clock(now), text.date_line(now), text.greeting(now)

    def render(self, view: View) -> None:
        self.menu, self.menu_index, self.person = list(view.menu), view.menu_index, view.profile
        self.streak = text.streak(view.progress.streak_days) if view.progress else ""


class ChooseScreen(MirrorScreen):
    title = StringProperty("")
    menu = ListProperty([])
    menu_index = NumericProperty(0)

    def render(self, view: View) -> None:
        self.title, self.menu, self.menu_index = view.title, list(view.menu), view.menu_index


class DrillInfo(MirrorScreen):
    """PREPARE and DRILL share the target's words."""

    title = StringProperty("")
    cue = StringProperty("")
    target = StringProperty("")
    why = StringProperty("")
    step = StringProperty("")

    def render(self, view: View) -> None:
        drill = view.drill
        self.title = drill.title if drill else view.title
        self.cue = drill.cue if drill else ""
        self.target = f"target: {drill.target_text}" if drill and drill.target_text else ""
        self.why = drill.why if drill else ""
        many = drill is not None and drill.step_count > 1
        self.step = f"step {drill.step_index + 1} of {drill.step_count}" if many else ""


class PrepareScreen(DrillInfo):
    countdown = StringProperty("")
    seen = StringProperty("")  # why the mirror cannot see you yet

    def render(self, view: View) -> None:
        super().render(view)
        self.countdown = str(max(0, int(view.countdown_s + 0.999))) if view.countdown_s is not None else ""
        live = view.live
        self.seen = live.no_face_message if live is not None and not live.has_face else ""


class DrillScreen(DrillInfo):
    hint = StringProperty("")  # what the features are read against
    match = NumericProperty(0)
    reach = NumericProperty(0)  # a feature drill's target feature, 0-100 of its full movement
    threshold = NumericProperty(0)
    is_met = BooleanProperty(False)
    hold = NumericProperty(0.0)
    held = StringProperty("")
    tip = StringProperty("")
    timer = StringProperty("")
    seen = StringProperty("")  # what the camera reads now, or why the hold waits
    figures = StringProperty("")  # a feature drill's isolation and match, under the meter
    TEXT_EVERY_S = 0.25  # live numbers in words at 4 Hz: each change re-renders a text texture

    def render(self, view: View) -> None:
        super().render(view)
        live = view.live
        self.timer = text.seconds(view.timer_s)
        if live is None:
            return
        # A feature drill: the feature's own movement shows dim behind the match, so a bar past the
        # tick always means met (the tick judges the match, which calm features lower too).
        reach = 0
        if live.amplitude is not None and live.full_at:
            reach = min(100, round(100 * live.amplitude / live.full_at))
        self.match, self.reach, self.threshold, self.is_met = live.match, reach, live.threshold, live.is_met
        self.hold = live.hold_progress
        self.tip, self.hint = live.tip, live.neutral_hint
        figures = ""
        if live.has_face and live.amplitude is not None:
            seen, figures = text.feature_line(live), text.feature_figures(live)
        elif live.has_face:
            seen = f"match {live.match}%" + (f" · {live.expression}" if live.expression else "")
        else:
            seen = live.no_face_message or NO_FACE  # the column beside the hold ring is narrow
        now = time.monotonic()
        if now >= getattr(self, "_text_due", 0.0) or live.has_face != getattr(self, "_had_face", None):
            self._text_due, self._had_face = now + self.TEXT_EVERY_S, live.has_face
            self.seen, self.figures, self.held = seen, figures, text.held(live.held_s, live.hold_required_s)


class ResultScreen(MirrorScreen):
    outcome = StringProperty("")
    title = StringProperty("")
    score = StringProperty("")
    figures = StringProperty("")
    tip = StringProperty("")
    reason = StringProperty("")

    def render(self, view: View) -> None:
        result = view.result
        if result is None:
            return
        reached = result.time_to_target_s is not None
        roleplay = result.score if result.steps else None
        self.outcome, self.title = text.outcome_for(result.outcome, reached, roleplay_score=roleplay), result.title
        self.score = str(result.score)
        self.figures = text.result_figures(result)
        # Whether the peak was kept as the person's example: on the reason's line when it has none.
        self.tip, self.reason = result.tip, result.reason or result.example
        if result.reason and result.example:
            self.tip = " ".join(part for part in (result.tip, result.example) if part)

    def show_take(self, rgb, seconds: float) -> None:
        """A best take (HxWx3 uint8 RGB, small) on this screen for ``seconds``; on the main thread (GL)."""
        from kivy.graphics.texture import Texture

        height, width = rgb.shape[:2]
        texture = Texture.create(size=(width, height), colorfmt="rgb")
        texture.blit_buffer(rgb.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
        texture.flip_vertical()  # numpy rows run top down, GL's bottom up
        picture = self.ids.take
        picture.texture, picture.opacity = texture, 1
        Clock.unschedule(self._hide_take)
        Clock.schedule_once(self._hide_take, seconds)

    def _hide_take(self, *_args) -> None:
        self.ids.take.opacity = 0
        self.ids.take.texture = None

    def on_leave(self, *_args) -> None:
        Clock.unschedule(self._hide_take)
        self._hide_take()


class BreakScreen(MirrorScreen):
    title = StringProperty("")
    phase = StringProperty("")
    words = StringProperty("")
    level = NumericProperty(0.0)
    breathing = BooleanProperty(False)
    countdown = StringProperty("")
    cycle = StringProperty("")
    relaxed = StringProperty("")
    reason = StringProperty("")

    def render(self, view: View) -> None:
        rest = view.relaxation
        if rest is None:
            return
        self.title, self.phase, self.words = rest.title, rest.phase, rest.words
        self.breathing = rest.breath_level is not None
        self.level = rest.breath_level if rest.breath_level is not None else 0.0
        self.countdown = text.seconds(rest.seconds_left)
        self.cycle = f"breath {rest.cycle} of {rest.cycles}" if rest.cycles else ""
        self.relaxed = rest.relaxed_message
        self.reason = rest.reason if rest.forced else ""


class PausedScreen(MirrorScreen):
    resume = StringProperty("")
    title = StringProperty("")
    reason = StringProperty("")

    def render(self, view: View) -> None:
        self.resume = text.paused_line(view)
        reason = getattr(view, "paused_reason", "")
        self.reason = "" if reason.strip(". ").lower() == "paused" else reason
        self.title = view.drill.title if view.drill else view.title


class SummaryScreen(MirrorScreen):
    headline = StringProperty("")
    figures = StringProperty("")
    message = StringProperty("")

    def render(self, view: View) -> None:
        summary = view.summary
        if summary is None:
            return
        self.headline = view.title or "Session done"
        self.figures = text.summary_figures(summary)
        self.message = summary.message or summary.reason


class ProgressScreen(MirrorScreen):
    """Top band: streak, calendar, the week's minutes.  Bottom band: one line chart, next / previous for another."""

    streak = StringProperty("")
    figures = StringProperty("")
    ranges = StringProperty("")  # range of motion per feature, as text lines
    today = StringProperty("")
    first_day = StringProperty("")
    practice_days = ListProperty([])
    week_minutes = ListProperty([])
    series = DictProperty({})
    highlight = StringProperty("")
    unit_max = NumericProperty(100)
    chart_title = StringProperty("")
    message = StringProperty("")

    def render(self, view: View) -> None:
        progress = view.progress
        if progress is None:
            return
        today = dt.date.fromisoformat(progress.today) if progress.today else dt.date.today()
        self.streak = text.streak(progress.streak_days)
        self.figures = text.progress_figures(progress)
        self.ranges = text.range_lines(progress.ranges, progress.neutral_day)
        self.today, self.first_day = today.isoformat(), (today - dt.timedelta(days=CHART_DAYS - 1)).isoformat()
        self.practice_days = list(progress.practice_days)
        self.week_minutes = [list(pair) for pair in progress.week_minutes]
        picked = progress.series[progress.series_index] if progress.series else None
        unit = picked.unit if picked else "%"  # only series of the picked one's unit share its scale
        self.series = {series.title: list(series.points) for series in progress.series if series.unit == unit}
        self.unit_max = 100 if unit == "%" else 0  # 0: the chart scales to the values (a feature's amplitude)
        self.highlight = picked.title if picked else ""
        self.chart_title = text.chart_title(picked, progress.trends, progress.series_index, len(progress.series))
        self.message = progress.message or ("" if picked else "Scores appear here once you have practised a drill.")


class CalibrateScreen(MirrorScreen):
    """ "Relax for a few seconds": the words, a countdown while collecting, or why it was refused."""

    words = StringProperty("")
    countdown = StringProperty("")
    state = StringProperty("")
    progress = NumericProperty(0.0)

    def render(self, view: View) -> None:
        calibration = view.calibration
        if calibration is None:
            return
        self.words, self.state, self.progress = calibration.words, calibration.phase, calibration.progress
        self.countdown = text.seconds(calibration.seconds_left) if calibration.phase == "collecting" else ""


class SettingsScreen(MirrorScreen):
    """The shell's own screen (the coach has none): what is set, and the preview toggle."""

    rows = ListProperty([])  # MenuItem(key, title, detail)
    index = NumericProperty(0)
    heading = StringProperty("")  # under the title ("": what the buttons do on the list)


SCREEN_CLASSES = {
    Screen.HOME: HomeScreen,
    Screen.CHOOSE: ChooseScreen,
    Screen.PREPARE: PrepareScreen,
    Screen.DRILL: DrillScreen,
    Screen.RESULT: ResultScreen,
    Screen.BREAK: BreakScreen,
    Screen.PAUSED: PausedScreen,
    Screen.SUMMARY: SummaryScreen,
    Screen.PROGRESS: ProgressScreen,
    Screen.CALIBRATE: CalibrateScreen,
}
SETTINGS = "settings"
