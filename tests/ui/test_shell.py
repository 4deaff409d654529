"""Presses on mock GPIO pins and keys reach the coach and show on the mirror (offscreen window)."""

from __future__ import annotations

import pytest
from gpiozero.pins.mock import MockFactory
from ui_helpers import settle, shown, wait_until

from appliance.coach.coach import Coach
from appliance.config import ButtonSettings, Config
from appliance.controls import DEFAULT_PINS
from appliance.messages import Command
from appliance.ui.text import glass

HOLD = 0.3


class SpyCoach(Coach):
    """The real coach, remembering each command it was handed."""

    def __init__(self) -> None:
        super().__init__()
        self.handled: list[Command] = []

    def handle(self, command, now):
        self.handled.append(Command(command))
        return super().handle(command, now)


@pytest.fixture
def rig(window):
    from appliance.ui.shell import MirrorShell

    factory = MockFactory()
    coach = SpyCoach()
    shell = MirrorShell(Config(buttons=ButtonSettings(hold_time=HOLD)), coach=coach, pin_factory=factory)
    with shown(window, shell):
        settle(0.2)
        yield shell, coach, factory


def pin(factory, name):
    return factory.pin(DEFAULT_PINS[name])


def test_a_short_press_reaches_the_coach_and_changes_the_screen(rig):
    shell, coach, factory = rig
    assert shell.app.mirror.manager.current == "home"
    pin(factory, "select").drive_low()
    pin(factory, "select").drive_high()
    assert wait_until(lambda: coach.handled == [Command.SELECT])
    assert wait_until(lambda: shell.app.mirror.manager.current != "home")


def test_a_long_press_sends_only_the_long_command(rig):
    shell, coach, factory = rig
    pin(factory, "select").drive_low()
    assert wait_until(lambda: coach.handled == [Command.PAUSE], timeout=HOLD + 3)
    pin(factory, "select").drive_high()
    settle(HOLD + 0.2)
    assert coach.handled == [Command.PAUSE]


def test_a_bounce_storm_moves_the_menu_once(rig):
    shell, coach, factory = rig
    before = shell.view.menu_index
    for _ in range(30):
        pin(factory, "next").drive_low()
        pin(factory, "next").drive_high()
    assert wait_until(lambda: coach.handled == [Command.NEXT])
    settle(0.3)
    assert coach.handled == [Command.NEXT]
    assert shell.view.menu_index == before + 1
    assert shell.app.mirror.manager.current_screen.menu_index == before + 1


@pytest.mark.parametrize(
    ("key", "command", "screen"),
    [("b", Command.BREAK, "break"), ("enter", Command.SELECT, None), ("right", Command.NEXT, "home")],
)
def test_keys_send_the_same_commands(rig, window, key, command, screen):
    from kivy.core.window import Keyboard

    shell, coach, _ = rig
    window.dispatch("on_key_down", Keyboard.keycodes[key], 0, None, [])
    assert coach.handled == [command]
    if screen is not None:
        assert wait_until(lambda: shell.app.mirror.manager.current == screen)


def test_screen_off_blacks_out_and_the_next_press_only_wakes(rig):
    shell, coach, factory = rig
    pin(factory, "break").drive_low()
    assert wait_until(lambda: shell.screen_off, timeout=HOLD + 3)
    pin(factory, "break").drive_high()
    assert wait_until(lambda: shell.app.mirror.blackout.opacity == 1)
    pin(factory, "next").drive_low()
    assert wait_until(lambda: not shell.screen_off)
    pin(factory, "next").drive_high()
    settle(0.2)
    assert coach.handled == []  # SCREEN is the shell's; the waking press does nothing else


def test_back_on_home_opens_settings_where_select_toggles_the_preview(rig):
    shell, coach, _ = rig
    shell.command(Command.BACK)
    assert shell.app.mirror.manager.current == "settings"
    assert shell.app.mirror.preview.opacity == 0
    shell.command(Command.SELECT)
    settle(0.1)
    assert shell.app.mirror.preview.opacity == 1
    assert "Camera preview: on" in shell.app.mirror.manager.current_screen.rows[0].title
    shell.command(Command.BACK)
    assert shell.app.mirror.manager.current == "home"
    assert coach.handled == []


class FakeVision:
    """Publishes observations from its own thread, like the vision worker."""

    name = "fake"

    def __init__(self, count: int) -> None:
        self.count, self.thread = count, None
        self.healthy = True

    def start(self, publish, on_error) -> None:
        import threading

        from appliance.messages import Observation

        def work() -> None:
            for n in range(self.count):
                smoothed = {"neutral": 0.3, "happiness": 0.7}
                publish(Observation(timestamp=n / 30, face_box=(10, 10, 50, 50), score=0.9, smoothed=smoothed))

        self.thread = threading.Thread(target=work, name="fake-vision")
        self.thread.start()

    def problem(self) -> str:
        return ""

    def is_healthy(self) -> bool:
        return self.healthy

    def latest_gray(self):
        import numpy as np

        return np.full((48, 64), 128, np.uint8)

    def stop(self) -> None:
        if self.thread is not None:
            self.thread.join(2)


def test_observations_from_another_thread_reach_the_coach_on_the_main_thread(window):
    import threading

    from appliance.ui.shell import MirrorShell

    seen_on: set[str] = set()

    class ThreadSpy(SpyCoach):
        def observe(self, observation, now):
            seen_on.add(threading.current_thread().name)
            return super().observe(observation, now)

    factory = MockFactory()
    config = Config(buttons=ButtonSettings(led=24), preview=True)
    shell = MirrorShell(config, coach=ThreadSpy(), vision=FakeVision(200), pin_factory=factory)
    with shown(window, shell) as root:
        assert wait_until(lambda: shell.observations == 200, timeout=5)
        assert seen_on == {threading.main_thread().name}
        assert factory.pin(24).state  # the camera LED is lit while vision runs
        assert root.preview.texture is not None and root.preview.texture.size == (64, 48)
        assert shell.coach.last_observation.has_face
    assert not factory.pin(24).state


def test_a_failing_camera_is_said_on_the_mirror_and_the_led_goes_out(window):
    from appliance.ui.shell import MirrorShell

    vision = FakeVision(30)
    factory = MockFactory()
    shell = MirrorShell(Config(buttons=ButtonSettings(led=24)), coach=SpyCoach(), vision=vision, pin_factory=factory)
    with shown(window, shell) as root:
        assert wait_until(lambda: shell.observations == 30 and factory.pin(24).state)
        vision.problem = lambda: "No camera picture: the camera source failed"
        assert wait_until(lambda: "No camera picture" in shell.view.notice, timeout=3)
        assert "No camera picture: the camera source failed" in " ".join(
            label.text for label in root.walk(restrict=True) if hasattr(label, "text")
        )
        assert not factory.pin(24).state
        vision.problem = lambda: ""
        assert wait_until(lambda: shell.view.notice == "", timeout=3)


def test_a_camera_back_takes_only_its_own_banner_away(window):
    from appliance.coach.view import NoticeKind
    from appliance.ui.shell import MirrorShell

    vision = FakeVision(30)
    coach = SpyCoach()
    coach.notify("The practice history was damaged: 3 sessions recovered from it.", NoticeKind.WARNING, seconds=600)
    shell = MirrorShell(Config(), coach=coach, vision=vision, pin_factory=MockFactory())
    with shown(window, shell):
        assert wait_until(lambda: shell.observations == 30)
        vision.problem = lambda: "No camera picture: the camera source failed"
        assert wait_until(lambda: "No camera picture" in shell.view.notice, timeout=3)
        vision.problem = lambda: "No camera found: retrying"
        assert wait_until(lambda: "No camera found" in shell.view.notice, timeout=3)
        vision.problem = lambda: ""
        assert wait_until(lambda: "history was damaged" in shell.view.notice, timeout=3)
        assert "No camera" not in shell.view.notice


@pytest.mark.parametrize(("fullscreen", "quits"), [(False, True), (True, False)])
def test_ctrl_q_quits_only_a_dev_window(window, monkeypatch, fullscreen, quits):
    from kivy.core.window import Keyboard

    from appliance.ui.shell import MirrorShell

    shell = MirrorShell(Config(fullscreen=fullscreen), coach=SpyCoach(), use_gpio=False)
    stops: list[bool] = []
    monkeypatch.setattr(shell.app, "stop", lambda *_: stops.append(True))
    root = shell.app.build()
    try:
        assert window.dispatch("on_key_down", Keyboard.keycodes["q"], 0, "q", ["ctrl"])
        assert stops == ([True] if quits else [])
        assert shell.coach.handled == []  # never a command either
    finally:
        shell.app.release()
    del root


def test_systemd_hears_ready_after_the_first_draw_and_watchdog_pings_only_while_vision_is_healthy(window, tmp_path):
    import socket

    from appliance.systemd_notify import SystemdNotifier
    from appliance.ui.shell import MirrorShell

    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(tmp_path / "notify"))
    listener.setblocking(False)

    def received() -> list[bytes]:
        messages = []
        while True:
            try:
                messages.append(listener.recv(4096))
            except BlockingIOError:
                return messages

    vision = FakeVision(5)
    notifier = SystemdNotifier(str(tmp_path / "notify"), watchdog_usec=200_000)  # a ping every 0.1 s
    shell = MirrorShell(Config(), coach=SpyCoach(), vision=vision, use_gpio=False, notifier=notifier)
    try:
        with shown(window, shell):
            assert not shell.is_ready and received() == []  # nothing drawn yet
            assert wait_until(lambda: shell.is_ready)
            settle(0.35)
            messages = received()
            assert messages[0].startswith(b"READY=1")
            assert messages.count(b"WATCHDOG=1") >= 2
            vision.healthy = False  # e.g. the worker thread hung in inference
            settle(0.15)
            received()
            settle(0.35)
            assert b"WATCHDOG=1" not in received()
            vision.healthy = True
            settle(0.35)
            assert b"WATCHDOG=1" in received()
    finally:
        listener.close()
    assert notifier.enabled


def _run_shell(window, vision, check) -> None:
    from appliance.ui.shell import MirrorShell

    shell = MirrorShell(Config(), coach=SpyCoach(), vision=vision, use_gpio=False)
    with shown(window, shell) as root:
        settle(0.3)
        check(shell, root)


def test_the_demo_clip_wears_a_demo_badge_and_a_camera_does_not(window):
    class DemoVision(FakeVision):
        is_demo = True

    _run_shell(window, DemoVision(5), lambda shell, root: assert_badge(root, 1))
    _run_shell(window, FakeVision(5), lambda shell, root: assert_badge(root, 0))


def assert_badge(root, opacity) -> None:
    assert wait_until(lambda: root.demo_badge.opacity == opacity)
    assert root.demo_badge.text == "DEMO"


def test_a_broken_model_is_named_on_the_drill_not_a_missing_face(window):
    from appliance.errors import ModelError

    class BrokenModel(FakeVision):
        def start(self, publish, on_error) -> None:
            on_error(ModelError("the expression model file /opt/m/expression_int8.tflite is damaged", hint="reinstall"))

    def check(shell, root) -> None:
        assert wait_until(lambda: shell.coach.vision_problem != "")
        # What the drills show instead of "step in front" (tests/coach), in their narrow column; the
        # notice above it, on every screen, says why.
        from appliance.ui.shell import NO_FACES_READ

        assert shell.coach.vision_problem == NO_FACES_READ
        said = glass(shell.view.notice)
        assert "expression_int8.tflite is damaged" in said and "/opt/m" not in said

    _run_shell(window, BrokenModel(0), check)


def test_no_camera_is_said_on_the_glass_and_by_the_drills(window):
    from appliance.errors import CameraError

    class NoCamera(FakeVision):
        is_demo = False

        def start(self, publish, on_error) -> None:
            raise CameraError("No camera found.", hint="check the ribbon cable")

    def check(shell, root) -> None:
        assert wait_until(lambda: "No camera found" in shell.view.notice)
        from appliance.ui.shell import NO_FACES_READ

        assert shell.coach.vision_problem == NO_FACES_READ
        assert root.demo_badge.opacity == 0

    _run_shell(window, NoCamera(0), check)


def test_the_test_freeze_hangs_the_ui_loop_once_its_file_appears(window, tmp_path, monkeypatch):
    # Kivy's Clock keeps its callbacks weakly: a freeze switch nobody else holds would vanish unnoticed.
    from appliance import systemd_notify
    from appliance.systemd_notify import SystemdNotifier, TestFreeze
    from appliance.ui.shell import MirrorShell

    hung: list[bool] = []
    trigger = tmp_path / "freeze"
    monkeypatch.setattr(
        systemd_notify.TestFreeze,
        "from_environment",
        classmethod(lambda cls: TestFreeze(str(trigger), hang=lambda: hung.append(True))),
    )
    notifier = SystemdNotifier(str(tmp_path / "notify"), watchdog_usec=200_000)
    shell = MirrorShell(Config(), coach=SpyCoach(), vision=FakeVision(5), use_gpio=False, notifier=notifier)
    with shown(window, shell):
        assert wait_until(lambda: shell.is_ready)
        settle(1.2)
        assert hung == []
        trigger.touch()
        assert wait_until(lambda: hung == [True], timeout=3)
        assert not trigger.exists()


def test_no_window_at_all_is_said_in_one_line_and_exits_1_for_systemd_to_retry(monkeypatch, caplog):
    # SDL could not open the display (on the console: a desktop holds the DRM master): Kivy leaves
    # Window as None, and building the mirror raised "unexpected AttributeError" with a traceback.
    import kivy.core.window

    from appliance.ui.app import MirrorApp

    monkeypatch.setattr(kivy.core.window, "Window", None)
    with pytest.raises(SystemExit) as leaving:
        MirrorApp(on_command=lambda command: None).build()
    assert leaving.value.code == 1  # not 2 (RestartPreventExitStatus): the display may come up late
    assert "no window: SDL could not open the display" in caplog.text and "console boot" in caplog.text
