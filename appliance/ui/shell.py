"""The imperative shell around the coach: vision, buttons, history and the Kivy app, on one main thread.

    vision worker (its thread) --Observation--> inbox --Clock--> coach.observe --View--> app
    buttons (gpiozero threads) --Command--> Clock --> coach.handle --View--> app
    Clock (30 Hz) --> coach.tick --View--> app;  coach events --> history

Everything that touches the coach or GL runs on Kivy's main thread; other threads only append
to the inbox and schedule a Clock callback, so the UI never waits on inference.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from kivy.clock import Clock

from appliance.coach.view import NoticeKind, Screen, View
from appliance.config import Config
from appliance.controls import open_controls
from appliance.errors import ApplianceError, ModelError
from appliance.messages import Command, Observation
from appliance.ui.app import MirrorApp
from appliance.ui.settings_panel import BUTTONS as SETTINGS_BUTTONS
from appliance.ui.settings_panel import SettingsPanel
from appliance.ui.text import glass

log = logging.getLogger(__name__)
TICK_HZ = 30
STICKY = 24 * 3600.0  # a notice that stays until the problem is gone


class MirrorShell:
    def __init__(
        self,
        config: Config,
        *,
        coach,
        vision=None,
        history=None,
        pin_factory=None,
        use_gpio: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config, self.coach, self.vision, self.history = config, coach, vision, history
        self.clock = clock
        self.app = MirrorApp(on_command=self.command, on_start=self._started, on_stop=self._stopped)
        self.panel = SettingsPanel(config, getattr(vision, "name", "none"), preview=config.preview)
        self.controls = None
        self._pin_factory, self._use_gpio = pin_factory, use_gpio
        self._inbox: deque[Observation] = deque()
        self._lock = threading.Lock()
        self._drain_scheduled = False
        self.observations = 0  # delivered to the coach so far
        self.view: View = View()
        self.screen_off = False
        self.listeners: list[Callable[[View], None]] = []  # e.g. the script runner, the benchmark
        self._when_started: list[Callable[[], None]] = []
        self._vision_problem = ""
        self._led_on = False

    # ------------------------------------------------------------- any thread
    def post_command(self, command: Command) -> None:
        """Thread-safe: run ``command`` on the main thread (GPIO callbacks use this)."""
        Clock.schedule_once(lambda _dt: self.command(command))

    def post_press(self, _name: str) -> None:
        Clock.schedule_once(lambda _dt: self.app.mirror and self.app.mirror.dot.flash())

    def post_observation(self, observation: Observation) -> None:
        """Thread-safe: queue an observation; one Clock callback drains whatever has arrived."""
        with self._lock:
            self._inbox.append(observation)
            if self._drain_scheduled:
                return
            self._drain_scheduled = True
        Clock.schedule_once(self._drain)

    def post_error(self, error: Exception) -> None:
        """Thread-safe: vision could not start (e.g. a missing model): say so; the camera is not in use."""

        def show(_dt) -> None:
            self._camera_led(False)
            if isinstance(error, ModelError):  # the drills say why no face is read, not "step in front"
                self.coach.vision_problem = glass(f"No faces can be read: {error}")
            self.warn(error)

        Clock.schedule_once(show)

    # ------------------------------------------------------------- main thread
    def command(self, command: Command) -> None:
        if self.screen_off:  # any button wakes the mirror; that press does nothing else
            self._set_screen_off(False)
            return
        if command is Command.SCREEN:
            self._set_screen_off(True)
            return
        if self.panel.is_open:
            self._settings_command(command)
            return
        if command is Command.BACK and self.view.screen is Screen.HOME:
            self.panel.is_open = True  # BACK on home has nothing to go back to: it opens settings
            self._show_settings()
            return
        self._show(self.coach.handle(command, self.clock()))

    def warn(self, error: Exception) -> None:
        """A problem the user should see on the mirror (and the log), never a traceback."""
        text = error.describe() if isinstance(error, ApplianceError) else f"{type(error).__name__}: {error}"
        log.error("%s", text)
        self.coach.notify(str(error).split("\n")[0], NoticeKind.WARNING, seconds=STICKY)
        self._show(self.coach.tick(self.clock()))

    def _drain(self, _dt=None) -> None:
        with self._lock:
            observations = list(self._inbox)
            self._inbox.clear()
            self._drain_scheduled = False
        self._camera_led(True)  # frames are arriving: the camera is in use
        view = None
        for observation in observations:
            view = self.coach.observe(observation, self.clock())
            self.observations += 1
        if view is not None:
            self._show(view)
        if self.panel.preview and self.vision is not None and self.app.mirror is not None:
            gray = self.vision.latest_gray()
            if gray is not None:
                self.app.mirror.preview.show_frame(gray)

    def _tick(self, _dt) -> None:
        self._show(self.coach.tick(self.clock()))

    def _show(self, view: View) -> None:
        self._store(self.coach.drain_events())
        if view.screen is Screen.HOME and view.progress is None:  # home shows the streak too
            view = replace(view, progress=getattr(self.coach, "progress", None))
        self.view = view
        if self.app.mirror is not None and not self.panel.is_open:
            self.app.mirror.show(view)
        for listener in self.listeners:
            listener(view)

    def _store(self, events) -> None:
        if not events or self.history is None:
            return
        try:
            self.history.record(events)
        except ApplianceError as error:  # the session goes on; the mirror says what happened
            log.error("%s", error.describe())
            self.coach.notify(str(error), NoticeKind.WARNING)

    def _settings_command(self, command: Command) -> None:
        outcome = self.panel.handle(command)
        if outcome == "preview" and self.app.mirror is not None:
            self.app.mirror.set_preview(self.panel.preview)
        if outcome == "close":
            self._show(self.coach.tick(self.clock()))
        else:
            self._show_settings()

    def _show_settings(self) -> None:
        if self.app.mirror is not None:
            self.app.mirror.show_settings(self.panel.rows(), self.panel.index, SETTINGS_BUTTONS)
        for listener in self.listeners:
            listener(self.view)

    def _camera_led(self, on: bool) -> None:
        if self.controls is not None and on != self._led_on:
            self.controls.camera_in_use(on)
        self._led_on = on

    def _set_screen_off(self, off: bool) -> None:
        self.screen_off = off
        if self.app.mirror is not None:
            self.app.mirror.screen_off = off

    # ------------------------------------------------------------- life cycle
    def _started(self, app: MirrorApp) -> None:
        app.mirror.set_preview(self.panel.preview)
        if self._use_gpio:
            buttons = self.config.buttons
            options = {"pins": buttons.pins, "led_pin": buttons.led, "hold_time": buttons.hold_time}
            if self._pin_factory is not None:
                options["pin_factory"] = self._pin_factory
            self.controls, reason = open_controls(self.post_command, feedback=self.post_press, **options)
            if reason:
                log.info("%s", reason)
        self._show(self.coach.tick(self.clock()))
        self._timers = [Clock.schedule_interval(self._tick, 1.0 / TICK_HZ)]
        if self.vision is not None:
            Clock.schedule_once(self._start_vision)  # after the first frame: the mirror shows at once
            self._timers.append(Clock.schedule_interval(self._check_vision, 1.0))
        for callback in self._when_started:
            callback()

    def when_started(self, callback: Callable[[], None]) -> None:
        self._when_started.append(callback)

    def _check_vision(self, _dt) -> None:
        """Say on the mirror why no observations arrive (a camera being retried), and clear it when they do."""
        problem = self.vision.problem()
        if problem == self._vision_problem:
            return
        self._vision_problem = problem
        if problem:
            self._camera_led(False)
            log.error("%s", problem)
            self.coach.notify(problem, NoticeKind.WARNING, seconds=STICKY)
        else:
            self.coach.notify("", NoticeKind.NONE, seconds=0)

    def _start_vision(self, _dt=None) -> None:
        try:
            self.vision.start(self.post_observation, self.post_error)
        except ApplianceError as error:  # no camera, a missing video: the drills say so, not "step in front"
            self.coach.vision_problem = glass(f"No faces can be read: {error}")
            self.warn(error)
        if self.app.mirror is not None:
            self.app.mirror.set_demo(bool(getattr(self.vision, "is_demo", False)))

    def _stopped(self, _app) -> None:
        for timer in getattr(self, "_timers", []):
            timer.cancel()
        if self.vision is not None:
            self.vision.stop()
        self._camera_led(False)
        if self.controls is not None:
            self.controls.close()
        if self.coach.session is not None:  # closing the mirror ends the session: its time is kept
            self.coach.tick(self.clock())
            self.coach.end_session("the mirror was closed", go_home=True)
        self._store(self.coach.drain_events())

    def run(self) -> None:
        # systemd stops the mirror with SIGTERM: close like Ctrl+Q, so the session's end is stored.
        previous = signal.signal(signal.SIGTERM, lambda *_: Clock.schedule_once(lambda _dt: self.app.stop()))
        try:
            self.app.run()
        finally:
            signal.signal(signal.SIGTERM, previous)

    def later(self, seconds: float, action: Callable[[], None]) -> None:
        Clock.schedule_once(partial(lambda _dt, fn: fn(), fn=action), seconds)
