"""The presence state machine on a fake clock: when the display goes off and on, and how fast."""

from __future__ import annotations

import pytest

from appliance.display.presence import Presence, Switch


def test_off_after_the_set_time_without_a_face_and_only_once():
    presence = Presence(off_after_s=300, now=0.0)
    assert presence.saw(face=False, now=100.0) is Switch.STAY
    assert presence.tick(299.9) is Switch.STAY and presence.is_on
    assert presence.tick(300.0) is Switch.OFF and presence.is_off
    assert presence.tick(900.0) is Switch.STAY


def test_a_face_or_a_press_restarts_the_wait():
    presence = Presence(off_after_s=300, now=0.0)
    assert presence.saw(face=True, now=200.0) is Switch.STAY
    assert presence.tick(499.0) is Switch.STAY
    assert presence.press(now=450.0) is False  # on: the press is a normal press
    assert presence.tick(749.0) is Switch.STAY and presence.tick(750.0) is Switch.OFF


def test_a_face_wakes_it():
    presence = Presence(off_after_s=60, now=0.0)
    presence.tick(60.0)
    assert presence.saw(face=False, now=61.0) is Switch.STAY and presence.is_off
    assert presence.saw(face=True, now=62.0) is Switch.ON and presence.is_on
    assert presence.tick(121.0) is Switch.STAY and presence.tick(122.0) is Switch.OFF


def test_a_press_wakes_it_and_is_swallowed():
    presence = Presence(off_after_s=60, now=0.0)
    presence.tick(60.0)
    assert presence.press(now=70.0) is True and presence.is_on
    assert presence.press(now=71.0) is False


def test_zero_means_never():
    presence = Presence(off_after_s=0, now=0.0)
    assert presence.tick(10**7) is Switch.STAY and presence.is_on


def test_off_by_hand_wakes_only_with_a_button():
    presence = Presence(off_after_s=60, now=0.0)
    assert presence.turn_off(now=5.0) is Switch.OFF
    assert presence.saw(face=True, now=6.0) is Switch.STAY and presence.is_off  # they are still in front of it
    assert presence.press(now=7.0) is True and presence.is_on
    presence.tick(67.0)
    assert presence.saw(face=True, now=68.0) is Switch.ON  # off by time again: a face wakes it


def test_a_negative_wait_is_refused():
    with pytest.raises(ValueError, match="off_after_s"):
        Presence(off_after_s=-1, now=0.0)


def simulate(off_after_s: float, face_at: float, *, phase_ms: int) -> tuple[float, float]:
    """The shell's loop on a fake clock in whole milliseconds: ticks every 33 ms, frames every
    33 ms while on and every 333 ms while off (vision slowed).  The person leaves at 0 and comes
    back at ``face_at``; ``phase_ms`` shifts the frames against the ticks.
    Returns (seconds past off_after_s when it went off, seconds after face_at when it came on).
    """
    presence = Presence(off_after_s=off_after_s, now=0.0)
    next_frame, went_off = phase_ms, None
    for ms in range(int((face_at + 5) * 1000)):
        now = ms / 1000
        if ms % 33 == 0 and presence.tick(now) is Switch.OFF:
            went_off = now
        if ms >= next_frame:
            if presence.saw(face=now >= face_at, now=now) is Switch.ON:
                return went_off - off_after_s, now - face_at
            next_frame = ms + (333 if presence.is_off else 33)
    raise AssertionError("the display never came back on")


@pytest.mark.parametrize("phase_ms", [0, 10, 200, 332])
def test_the_timing_targets_hold_on_a_fake_clock(phase_ms):
    off_late, on_late = simulate(300, face_at=400.0, phase_ms=phase_ms)
    assert 0 <= off_late < 2.0  # display off within 2 s of off_after_s (one tick, in fact)
    assert 0 <= on_late < 1.0  # back on within 1 s of a face (one slow frame at most)
    assert off_late <= 0.034 and on_late <= 0.334
