"""Presence in the running shell (offscreen window, fake clock, fake display power)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from gpiozero.pins.mock import MockFactory
from test_shell import SpyCoach, pin
from ui_helpers import IdleVision, settle, shown, wait_until

from appliance.coach.coach import AWAY
from appliance.config import Config, PresenceSettings
from appliance.display.power import RecordingPower
from appliance.messages import Command, Observation
from appliance.ui.shell import ASLEEP_FPS


class SlowableVision(IdleVision):
    """Publishes what the test hands it; remembers the rate the shell asks for."""

    def __init__(self) -> None:
        self.rates: list[float | None] = []
        self.publish = None

    def set_rate(self, fps) -> None:
        self.rates.append(fps)

    def face(self, present: bool, t: float = 0.0) -> None:
        box = (10, 10, 50, 50) if present else None
        self.publish(Observation(timestamp=t, face_box=box, score=0.9 if present else 0.0, smoothed={"neutral": 1.0}))


@pytest.fixture
def rig(window):
    from appliance.ui.shell import MirrorShell

    now = [0.0]
    power = RecordingPower()
    vision = SlowableVision()
    factory = MockFactory()
    coach = SpyCoach()
    shell = MirrorShell(
        Config(presence=PresenceSettings(off_after_s=60)),
        coach=coach,
        vision=vision,
        pin_factory=factory,
        clock=lambda: now[0],
        power=lambda _overlay: (power, []),
    )
    with shown(window, shell):
        assert wait_until(lambda: vision.publish is not None)
        yield shell, now, power, vision, factory


def test_no_face_for_off_after_s_turns_the_display_off_and_slows_vision(rig):
    shell, now, power, vision, _ = rig
    now[0] = 59.9
    settle(0.2)
    assert not shell.screen_off and power.calls == []
    now[0] = 60.0
    assert wait_until(lambda: shell.screen_off)
    assert wait_until(lambda: power.calls == [False])
    assert shell.app.mirror.blackout.opacity == 1
    assert vision.rates == [ASLEEP_FPS]


def test_a_face_wakes_it_at_full_speed(rig):
    shell, now, power, vision, _ = rig
    now[0] = 61.0
    assert wait_until(lambda: power.calls == [False])
    vision.face(False)
    settle(0.1)
    assert shell.screen_off
    now[0] = 62.0
    vision.face(True)
    assert wait_until(lambda: not shell.screen_off)
    assert wait_until(lambda: power.calls == [False, True])
    assert shell.app.mirror.blackout.opacity == 0 and vision.rates == [ASLEEP_FPS, None]


def test_a_button_wakes_it_and_the_press_is_swallowed(rig):
    shell, now, power, _, factory = rig
    now[0] = 61.0
    assert wait_until(lambda: power.calls == [False])
    pin(factory, "next").drive_low()
    pin(factory, "next").drive_high()
    assert wait_until(lambda: power.calls == [False, True])
    settle(0.2)
    assert shell.coach.handled == []  # the wake press did nothing else
    shell.command(Command.NEXT)
    assert shell.coach.handled == [Command.NEXT]


def test_the_session_pauses_while_off_and_its_time_is_kept(rig):
    shell, now, power, vision, _ = rig
    shell.command(Command.SELECT)  # today's practice starts
    assert shell.coach.session is not None
    active = shell.coach.session.active_s
    vision.face(True)
    now[0] = 30.0
    settle(0.1)
    shell.coach.settings = replace(shell.coach.settings, away_s=600)  # so the shell, not the coach, pauses it
    now[0] = 95.0
    assert wait_until(lambda: shell.screen_off)
    assert shell.coach.paused and shell.coach.paused_reason == AWAY
    paused_at = shell.coach.session.active_s
    now[0] = 400.0
    settle(0.2)
    assert shell.coach.session.active_s == paused_at >= active  # no time passes while off
    vision.face(True)
    assert wait_until(lambda: not shell.screen_off)
    assert shell.coach.session is not None  # nothing was lost


def test_off_by_hand_ignores_the_face_in_front_of_it(rig):
    shell, now, power, vision, _ = rig
    shell.command(Command.SCREEN)
    assert shell.screen_off and wait_until(lambda: power.calls == [False])
    vision.face(True)
    settle(0.2)
    assert shell.screen_off
    shell.command(Command.BACK)
    assert not shell.screen_off and shell.coach.handled == []
