"""The imperative shell around the coach: vision, buttons, history and the Kivy app, on one main thread.

    vision worker (its thread) --Observation--> inbox --Clock--> coach.observe --View--> app
    buttons (gpiozero threads) --Command--> Clock --> coach.handle --View--> app
    Clock (30 Hz) --> coach.tick --View--> app;  coach events --> history (a resting face, the camera's angle: vision)
    faces, presses, Clock --> presence --> screen switch (monitor off/on), vision slowed while off

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

from appliance.camera_facing import CameraFacing
from appliance.coach.coach import AWAY
from appliance.coach.events import CameraFacingChosen, NeutralCalibrated
from appliance.coach.flow import PAUSED
from appliance.coach.view import NoticeKind, Screen, View
from appliance.config import Config
from appliance.controls import open_controls
from appliance.display.power import OverlayPower
from appliance.display.presence import Presence, Switch
from appliance.display.switch import ScreenSwitch
from appliance.errors import ApplianceError, ModelError
from appliance.glass import Words, words_for_the_glass
from appliance.messages import Command, Observation
from appliance.systemd_notify import SystemdNotifier, TestFreeze
from appliance.ui.app import MirrorApp
from appliance.ui.history_link import give_neutral_to
from appliance.ui.profile_panel import ProfilePanel
from appliance.ui.settings_panel import CLEAR_EXAMPLES, FORGET_ANGLE, TEACH, SettingsPanel
from appliance.ui.takes_link import SHOWN_S, open_takes

log = logging.getLogger(__name__)
TICK_HZ = 30
STICKY = 24 * 3600.0  # a notice that stays until the problem is gone
ASLEEP_FPS = 3.0  # vision's rate while the display is off: a face still wakes it within a second
NO_FACES_READ = "No faces can be read."  # in the drill's narrow column; the notice says why
TAKES_DELETED = "All best takes deleted ({count})."
POWER_PROBE_AFTER_S = 8.0  # pick the display power backend once the mirror is up (or at the first "off")


def overlay_only(overlay):
    """The default display power: the black overlay (``run`` passes the configured backends)."""
    return OverlayPower(overlay), []


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
        power=overlay_only,
        notifier: SystemdNotifier | None = None,
        preferences=None,
        takes_root=None,
        profiles=None,
        camera_facing: CameraFacing | None = None,
    ) -> None:
        """``power(overlay) -> (backend, reasons)`` picks how the monitor is switched off (on a thread);
        ``takes_root``: where best takes go (default: the data directory's takes/); ``profiles`` (a
        ProfileLink): who practises; then ``history`` follows the person chosen; ``camera_facing``:
        the camera's angle chosen on the mirror (default: the data directory's camera.json)."""
        self.config, self.coach, self.vision, self._history = config, coach, vision, history
        self.camera_facing = camera_facing if camera_facing is not None else CameraFacing(config.camera)
        self.profiles = profiles
        self.clock = clock
        self.notifier = notifier or SystemdNotifier.from_environment()
        self.is_ready = False  # the first screen has been drawn (and systemd told)
        self._unhealthy_said = False
        self.presence = Presence(off_after_s=config.presence.off_after_s, now=clock())
        self.screen = ScreenSwitch(lambda: power(self._overlay), overlay=self._overlay, clock=clock)
        self.app = MirrorApp(
            on_command=self.command,
            on_start=self._started,
            on_stop=self._stopped,
            quit_keys=not config.is_fullscreen,  # Ctrl+Q ends a dev window, never the appliance
        )
        self.panel = SettingsPanel(
            config, getattr(vision, "name", "none"), preferences=preferences,
            preview=preferences.preview if preferences is not None else config.preview,
            people=ProfilePanel(profiles) if profiles is not None else None, camera_facing=self.camera_facing,
        )  # fmt: skip
        if preferences is not None:  # another person chosen on home: their preview, as their other choices
            preferences.when_changed.append(self._preferences_changed)
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
        if takes_root is None and profiles is not None:
            takes_root = profiles.takes_root()  # the person practising; the guest's None is set below
        self.takes, self.takes_link = open_takes(
            config, getattr(vision, "ring", None), post=self._post, root=takes_root,
            show=self._show_take, blink=self._blink_led, warn=lambda text: self.coach.notify(text, NoticeKind.WARNING),
        )  # fmt: skip
        self.panel.takes, self.panel.takes_on = self.takes, self.takes_link is not None
        if profiles is not None and self.takes is not None:  # each person's takes in their own folder
            profiles.takes = self.takes
            self.takes.use(profiles.takes_root())
        if self.takes is not None:
            self.takes.when_deleted = lambda count: self._post(lambda: self._takes_deleted(count))
        if self.takes_link is not None:
            self.listeners.append(self.takes_link.view)

    @property
    def history(self):
        """Where the coach's events go: the person practising's history (it follows a profile switch)."""
        return self.profiles.history if self.profiles is not None else self._history

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
                self.coach.vision_problem = NO_FACES_READ  # why: the notice above, and the log
            self.warn(error)

        Clock.schedule_once(show)

    # ------------------------------------------------------------- main thread
    def command(self, command: Command) -> None:
        if self.presence.press(now=self.clock()):  # any button wakes the mirror; that press does nothing else
            self._set_screen_off(False)
            return
        if command is Command.SCREEN:
            self._switch(self.presence.turn_off(now=self.clock()), by_hand=True)
            return
        if self.panel.is_open:
            self._settings_command(command)
            return
        if command is Command.BACK and self.view.screen is Screen.HOME:
            self._update_panel()  # this person's rows first: the row it was left on is found among them
            self.panel.open()  # BACK on home has nothing to go back to: it opens settings
            self._show_settings()
            return
        self._show(self.coach.handle(command, self.clock()))
        wanted = self.coach.take_profile_request() if self.profiles is not None else None
        if wanted is not None:
            self._switch_profile(wanted)

    def _switch_profile(self, index: int) -> None:
        """Someone else practises (chosen on home): their history, resting face and settings."""
        try:
            warning = self.profiles.switch_to_index(index)
        except ApplianceError as error:  # e.g. the list of people could not be saved: say so, go on
            warning = str(error)
            log.error("%s", error.describe())
        if warning:
            self.coach.notify(warning, NoticeKind.WARNING)
        self._show(self.coach.tick(self.clock()))

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
            self._switch(self.presence.saw(face=observation.has_face, now=self.clock()))
            view = self.coach.observe(observation, self.clock())
            self.observations += 1
        if view is not None:
            self._show(view)
        if self.panel.preview and self.vision is not None and self.app.mirror is not None:
            gray = self.vision.latest_gray()
            if gray is not None:
                self.app.mirror.preview.show_frame(gray)

    def _tick(self, _dt) -> None:
        self._switch(self.presence.tick(self.clock()))
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
        for event in events:  # a new resting face or camera angle is used at once, saved or not
            if isinstance(event, NeutralCalibrated) and self.vision is not None:
                self.vision.set_neutral(
                    dict(event.geometry), kind="personal", appearance=dict(event.appearance) or None
                )
            elif isinstance(event, CameraFacingChosen):
                self._choose_facing(event)
        if self.takes_link is not None:
            self.takes_link.events(events)
        if not events or self.history is None:
            return
        try:
            self.history.record(events)
        except ApplianceError as error:  # the session goes on; the mirror says what happened
            log.error("%s", error.describe())
            self.coach.notify(str(error), NoticeKind.WARNING)

    def _choose_facing(self, event: CameraFacingChosen) -> None:
        """ "I am facing the mirror": the camera sees such a head at the facing in use plus the turn it read
        against it.  Vision reads the next frame against that sum (within range); the device keeps it."""
        yaw, pitch = self.camera_facing.facing
        facing = self.camera_facing.choose(yaw + event.yaw_deg, pitch + event.pitch_deg)  # written off this thread
        log.info("the camera's facing, chosen on the mirror: yaw %.1f, pitch %.1f degrees", *facing)
        self._give_facing_to_vision()

    def _forget_facing(self) -> None:
        """The settings screen's "forget it": vision reads the next frame against config.toml's facing again."""
        facing = self.camera_facing.forget()  # written off this thread
        log.info("the camera's facing set on the mirror is forgotten: now yaw %.1f, pitch %.1f degrees", *facing)
        self._give_facing_to_vision()

    def _give_facing_to_vision(self) -> None:
        set_facing = getattr(self.vision, "set_facing", None)
        if set_facing is not None:
            set_facing(*self.camera_facing.facing)

    def _preferences_changed(self, preferences) -> None:
        """The choices in use changed (a choice, or another person's): the preview follows them.
        Runs on the main thread: choices are made and people switched there."""
        if self.panel.preview != preferences.preview:
            self.panel.preview = preferences.preview
            if self.app.mirror is not None:
                self.app.mirror.set_preview(self.panel.preview)

    def _settings_command(self, command: Command) -> None:
        outcome = self.panel.handle(command)
        if outcome == "preview" and self.app.mirror is not None:
            self.app.mirror.set_preview(self.panel.preview)
        if outcome == "delete_takes":
            self.takes.delete_all()  # on the takes' thread; the panel updates when it is done
        if outcome == FORGET_ANGLE:  # the row then shows config.toml's angle
            self._forget_facing()
        if outcome == CLEAR_EXAMPLES:  # the history forgets them on its thread; vision at once
            self.history.clear_examples()
        if outcome == "calibrate":  # "recalibrate my resting face": the coach's calibration screen
            self._show(self.coach.calibrate(self.clock()))
        elif outcome == TEACH:  # "teach the mirror your expressions": that routine
            self._show(self.coach.teach(self.clock()))
        elif outcome == "close":
            self._show(self.coach.tick(self.clock()))
        else:
            self._show_settings()

    def _update_panel(self) -> None:
        self.panel.neutral_day = getattr(self.coach, "neutral_day", "")
        examples = getattr(self.history, "examples", None)  # the guest's history keeps none: no row
        self.panel.examples = examples.counts if examples is not None else None

    def _show_settings(self) -> None:
        self._update_panel()
        if self.app.mirror is not None:
            panel = self.panel
            self.app.mirror.show_settings(panel.rows(), panel.shown_index, panel.buttons, panel.heading)
        for listener in self.listeners:
            listener(self.view)

    def _camera_led(self, on: bool) -> None:
        if self.controls is not None and on != self._led_on:
            self.controls.camera_in_use(on)
        self._led_on = on

    # ------------------------------------------------------------- best takes (opt-in)
    def _post(self, action: Callable[[], None], seconds: float = 0.0) -> None:
        """Thread-safe: ``action()`` on the main thread after ``seconds``."""
        Clock.schedule_once(lambda _dt: action(), seconds)

    def _show_take(self, take) -> None:
        if self.app.mirror is not None and self.app.mirror.manager.current == Screen.RESULT.value:
            self.app.mirror.manager.get_screen(Screen.RESULT.value).show_take(take.thumbnail, SHOWN_S)

    def _blink_led(self, on: bool) -> None:
        if self.controls is not None:
            self.controls.writing_picture(on)

    def _takes_deleted(self, count: int) -> None:
        self.coach.notify(TAKES_DELETED.format(count=count), NoticeKind.INFO)
        if self.panel.is_open:
            self._show_settings()

    def _switch(self, switch: Switch, *, by_hand: bool = False) -> None:
        if switch is not Switch.STAY:
            self._set_screen_off(switch is Switch.OFF, by_hand=by_hand)

    def _set_screen_off(self, off: bool, *, by_hand: bool = False) -> None:
        """The display off (the overlay at once, the monitor on the switch's thread) or on again."""
        if off == self.screen_off:
            return
        self.screen_off = off
        log.info("display %s", "off" if off else "on")
        if off and self.coach.session is not None and not self.coach.paused:
            # The session waits, its time stopped; a face resumes an AWAY pause (the coach's rule).
            self.coach.pause(PAUSED if by_hand else AWAY)
        set_rate = getattr(self.vision, "set_rate", None)
        if set_rate is not None:
            set_rate(ASLEEP_FPS if off else None)
        self.screen.set(not off)
        self._show(self.coach.tick(self.clock()))

    def _overlay(self, black: bool) -> None:
        if self.app.mirror is not None:
            self.app.mirror.screen_off = black

    # ------------------------------------------------------------- life cycle
    def _started(self, app: MirrorApp) -> None:
        app.mirror.set_preview(self.panel.preview)
        self.presence = Presence(off_after_s=self.config.presence.off_after_s, now=self.clock())
        self.screen.start(probe_after=POWER_PROBE_AFTER_S)
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
        if self.profiles is None:  # (with profiles, ProfileLink does it for each person's history)
            give_neutral_to(self.history, self.vision)  # the stored resting face, before the first frame
        self._give_facing_to_vision()  # the camera's angle kept on the mirror, before vision starts
        self._when_drawn(self._ready)
        if self.notifier.watchdog_interval > 0:
            self._timers.append(Clock.schedule_interval(self._liveness, self.notifier.watchdog_interval))
            self._freeze = TestFreeze.from_environment()  # (only a rehearsal's drop-in sets it)
            if self._freeze is not None:  # kept on self: Kivy's Clock holds its callbacks weakly
                self._timers.append(Clock.schedule_interval(self._freeze.check, 1.0))
        if self.vision is not None:
            Clock.schedule_once(self._start_vision)  # after the first frame: the mirror shows at once
            self._timers.append(Clock.schedule_interval(self._check_vision, 1.0))
        for callback in self._when_started:
            callback()

    def when_started(self, callback: Callable[[], None]) -> None:
        self._when_started.append(callback)

    def _when_drawn(self, callback: Callable[[], None]) -> None:
        """``callback()`` once, after the next frame has been drawn and flipped to the screen."""
        from kivy.core.window import Window

        def flipped(*_args) -> None:
            Window.unbind(on_flip=flipped)
            callback()

        Window.bind(on_flip=flipped)
        Window.canvas.ask_update()

    def _ready(self) -> None:
        self.is_ready = True
        self.notifier.ready(f"showing the mirror (source {getattr(self.vision, 'name', 'none')})")

    def _liveness(self, _dt=None) -> None:  # (a Kivy interval callback returning False would be cancelled)
        """On the UI thread (so a hung UI loop stops the pings): WATCHDOG=1 while vision is healthy.

        When it is not, the pings stop and systemd restarts the appliance after WatchdogSec.  Before
        the first screen is drawn, systemd's TimeoutStartSec applies instead (WatchdogSec starts at READY).
        """
        if not self.is_ready:
            return
        healthy = self.vision is None or self.vision.is_healthy()
        if healthy:
            self._unhealthy_said = False
            self.notifier.watchdog()
        elif not self._unhealthy_said:
            self._unhealthy_said = True
            log.error("vision neither delivers frames nor reports why: no watchdog ping, systemd will restart")

    def _check_vision(self, _dt) -> None:
        """Say on the mirror why no observations arrive (a camera being retried), and clear it when they do."""
        problem = self.vision.problem()
        if problem == self._vision_problem:
            return
        if self._vision_problem:  # over, or changed: its banner goes, whatever else shows now
            self.coach.withdraw_notice(self._vision_problem)
        self._vision_problem = problem
        if problem:
            self._camera_led(False)
            log.error("%s", problem)
            self.coach.notify(problem, NoticeKind.WARNING, seconds=STICKY)
        self.notifier.status(problem or "showing the mirror")

    def _start_vision(self, _dt=None) -> None:
        try:
            self.vision.start(self.post_observation, self.post_error)
        except ApplianceError as error:  # no camera, a missing video: the drills say so, not "step in front"
            self.coach.vision_problem = NO_FACES_READ  # why: the notice above, and the log
            self.warn(error)
        if self.app.mirror is not None:
            self.app.mirror.set_demo(bool(getattr(self.vision, "is_demo", False)))

    def _stopped(self, _app) -> None:
        self.notifier.stopping()
        for timer in getattr(self, "_timers", []):
            timer.cancel()
        if self.vision is not None:
            self.vision.stop()
        self.screen.stop()  # the monitor back on, so the next start is seen
        self._camera_led(False)
        if self.controls is not None:
            self.controls.close()
        if self.coach.session is not None:  # closing the mirror ends the session: its time is kept
            self.coach.tick(self.clock())
            self.coach.end_session("the mirror was closed", go_home=True)
        self._store(self.coach.drain_events())
        if self.takes is not None:
            self.takes.close()  # a take being written is finished first
        self.camera_facing.wait()  # the camera's angle just chosen is on disk

    def run(self) -> None:
        # systemd stops the mirror with SIGTERM: close like Ctrl+Q, so the session's end is stored.
        previous = signal.signal(signal.SIGTERM, lambda *_: Clock.schedule_once(lambda _dt: self.app.stop()))
        try:
            self.app.run()
        finally:
            signal.signal(signal.SIGTERM, previous)

    def later(self, seconds: float, action: Callable[[], None]) -> None:
        Clock.schedule_once(partial(lambda _dt, fn: fn(), fn=action), seconds)


@words_for_the_glass
def _glass_words():
    """The shell's own words, and the history's and the profiles' (their modules' constants; the
    storage faults' lines are appliance.storage_faults')."""
    from appliance.ui.history_link import NOT_CLEARED, RECALIBRATE
    from appliance.ui.profile_link import GUEST_MESSAGE

    yield Words(NO_FACES_READ, "drill_column", "no faces can be read")
    yield Words(TAKES_DELETED.format(count=9999), "notice", "best takes deleted")
    for words in (RECALIBRATE, NOT_CLEARED, GUEST_MESSAGE):
        yield Words(words, "notice", "history and profiles")
