"""Buttons on mock GPIO pins and the keyboard map -> commands."""

from __future__ import annotations

import queue
import threading

import pytest
from gpiozero.pins.mock import MockFactory

from appliance.controls import BUTTON_ACTIONS, DEFAULT_PINS, Controls, command_for_key, open_controls
from appliance.messages import Command

HOLD = 0.3


class Recorder:
    """A thread-safe sink that can wait for the next command."""

    def __init__(self) -> None:
        self.commands: queue.Queue[Command] = queue.Queue()

    def __call__(self, command: Command) -> None:
        self.commands.put(command)

    def next(self, timeout: float = 2.0) -> Command:
        return self.commands.get(timeout=timeout)

    def assert_quiet(self, timeout: float = 0.2) -> None:
        with pytest.raises(queue.Empty):
            self.commands.get(timeout=timeout)


@pytest.fixture
def rig():
    factory = MockFactory()
    sink = Recorder()
    controls = Controls(sink, hold_time=HOLD, led_pin=24, pin_factory=factory)
    yield controls, factory, sink
    controls.close()


def pin(factory, name):
    return factory.pin(DEFAULT_PINS[name])


def test_every_command_has_a_button_press():
    reachable = {command for actions in BUTTON_ACTIONS.values() for command in actions if command is not None}
    assert reachable == set(Command)
    assert BUTTON_ACTIONS["next"] == (Command.NEXT, Command.PREVIOUS)  # hold NEXT: step back


@pytest.mark.parametrize("name", ["next", "select", "back", "break"])
def test_short_press_sends_the_short_command_on_release(rig, name):
    _, factory, sink = rig
    pressed = threading.Event()
    rig[0].buttons[name]._feedback = lambda _name: pressed.set()
    pin(factory, name).drive_low()
    assert pressed.wait(1.0)  # the UI can mark the press at once
    sink.assert_quiet(0.1)  # ...but the command waits for the release (it might become a long press)
    pin(factory, name).drive_high()
    assert sink.next() is BUTTON_ACTIONS[name][0]
    sink.assert_quiet()


@pytest.mark.parametrize("name", ["next", "select", "back", "break"])
def test_long_press_sends_the_long_command_and_no_short_one(rig, name):
    _, factory, sink = rig
    pin(factory, name).drive_low()
    assert sink.next(timeout=HOLD + 2.0) is BUTTON_ACTIONS[name][1]
    pin(factory, name).drive_high()
    sink.assert_quiet(HOLD + 0.2)


def test_a_bounce_storm_gives_one_action(rig):
    _, factory, sink = rig
    p = pin(factory, "next")
    for _ in range(25):
        p.drive_low()
        p.drive_high()
    p.drive_low()  # settles pressed
    sink.assert_quiet(0.1)  # NEXT acts on release (a hold is PREVIOUS)
    for _ in range(25):  # and bounces again on release
        p.drive_high()
        p.drive_low()
    p.drive_high()
    assert sink.next() is Command.NEXT
    sink.assert_quiet(0.3)


def test_a_bounce_storm_on_a_release_button_gives_one_short_action(rig):
    _, factory, sink = rig
    p = pin(factory, "select")
    for _ in range(25):
        p.drive_low()
        p.drive_high()
    # settles released within the debounce window: the recheck still sees one short press
    assert sink.next() is Command.SELECT
    sink.assert_quiet(0.3)


def test_a_tap_shorter_than_the_debounce_window_is_not_lost(rig):
    _, factory, sink = rig
    pin(factory, "back").drive_low()
    pin(factory, "back").drive_high()
    assert sink.next() is Command.BACK


def test_led_follows_the_camera(rig):
    controls, factory, _ = rig
    controls.camera_in_use(True)
    assert factory.pin(24).state
    controls.camera_in_use(False)
    assert not factory.pin(24).state


def test_pins_are_configurable_and_unknown_buttons_refused():
    factory = MockFactory()
    sink = Recorder()
    controls = Controls(sink, pins={"next": 5}, pin_factory=factory)
    try:
        factory.pin(5).drive_low()
        factory.pin(5).drive_high()
        assert sink.next() is Command.NEXT
    finally:
        controls.close()
    with pytest.raises(ValueError, match="unknown buttons"):
        Controls(sink, pins={"jump": 6}, pin_factory=MockFactory())


def test_open_controls_reports_instead_of_raising_without_gpio():
    class NoGpio:
        def __getattr__(self, name):
            raise RuntimeError("no GPIO here")

    controls, reason = open_controls(lambda c: None, pin_factory=NoGpio())
    assert controls is None and "keyboard" in reason


@pytest.mark.parametrize(
    ("key", "command"),
    [
        ("right", Command.NEXT),
        ("left", Command.PREVIOUS),
        ("enter", Command.SELECT),
        ("spacebar", Command.SELECT),
        ("backspace", Command.BACK),
        ("b", Command.BREAK),
        ("p", Command.PAUSE),
        ("e", Command.END),
        ("s", Command.SCREEN),
        ("B", Command.BREAK),
        ("x", None),
    ],
)
def test_keyboard_map(key, command):
    assert command_for_key(key) is command
