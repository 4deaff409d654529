"""The screen switch: the overlay at once, the monitor's command on its own thread, failures survived."""

from __future__ import annotations

import time

from appliance.display.power import OverlayPower, RecordingPower
from appliance.display.switch import ScreenSwitch

WAIT = 5.0


def until(condition, timeout: float = WAIT) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


def test_off_and_on_reach_the_backend_and_the_overlay_moves_at_once():
    power, overlay = RecordingPower(), []
    switch = ScreenSwitch(lambda: (power, ["kms: no backlight"]), overlay=overlay.append)
    switch.start()
    switch.set(False)
    assert overlay == [True]  # before the backend ran
    assert until(lambda: power.calls == [False])
    switch.set(True)
    assert until(lambda: power.calls == [False, True]) and overlay == [True, False]
    switch.stop()
    assert switch.backend is power and switch.reasons == ["kms: no backlight"]
    assert [on for _, on in switch.switched] == [False, True]


def test_stop_turns_the_monitor_back_on():
    power = RecordingPower()
    switch = ScreenSwitch(lambda: (power, []), overlay=lambda _: None)
    switch.start()
    switch.set(False)
    assert until(lambda: power.calls == [False])
    switch.stop()
    assert power.calls == [False, True] and power.is_on


def test_a_failing_backend_leaves_the_overlay_and_keeps_going():
    power, overlay = RecordingPower(fail=True), []
    switch = ScreenSwitch(lambda: (power, []), overlay=overlay.append)
    switch.start()
    switch.set(False)
    assert until(lambda: "failed to switch off" in switch.last_error)
    assert overlay == [True]  # the picture is dark anyway
    switch.set(True)
    assert until(lambda: power.calls == [False, True])
    switch.stop()


def test_requests_during_a_slow_command_collapse_to_the_newest():
    power = RecordingPower(slow=0.3)
    switch = ScreenSwitch(lambda: (power, []), overlay=lambda _: None)
    switch.start()
    switch.set(False)
    assert until(lambda: power.calls == [False])
    for on in (True, False, True, False):
        switch.set(on)
    time.sleep(0.5)
    switch.stop()
    assert power.calls[:1] == [False] and power.calls[-1] is True and len(power.calls) <= 3


def test_the_overlay_backend_runs_no_command():
    shown: list[bool] = []
    switch = ScreenSwitch(lambda: (OverlayPower(lambda _: None), []), overlay=shown.append)
    switch.start()
    switch.set(False)
    assert until(lambda: switch.backend is not None and not switch.backend.is_on)
    switch.stop()
    assert shown == [True] and switch.switched == []


def test_the_backend_is_probed_late_or_at_the_first_off():
    probed = []

    def choose():
        probed.append(time.monotonic())
        return RecordingPower(), []

    switch = ScreenSwitch(choose, overlay=lambda _: None)
    switch.start(probe_after=30.0)
    time.sleep(0.1)
    assert probed == []  # the mirror is starting: leave it the CPU
    switch.set(False)
    assert until(lambda: probed and switch.backend is not None and not switch.backend.is_on)
    switch.stop()
    quiet = ScreenSwitch(choose, overlay=lambda _: None)
    quiet.start(probe_after=30.0)
    quiet.stop()  # never switched off: nothing probed, and stop does not wait 30 s
    assert len(probed) == 1
