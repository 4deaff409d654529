"""When the display goes off and on: a pure state machine on an injected clock.

    presence = Presence(off_after_s=300, now=clock())
    presence.saw(face=True, now=t)   # each observation      -> Switch.ON when a face wakes it
    presence.press(now=t)            # each button press     -> True: the press only woke it
    presence.tick(now=t)             # time passing (~30 Hz) -> Switch.OFF after off_after_s unseen
    presence.turn_off(now=t)         # the BREAK long press  -> off until a button

A face or a press counts as someone there.  ``off_after_s = 0`` never turns it off by itself.
Turned off by hand, only a button wakes it: the person who pressed is still in front of it.
"""

from __future__ import annotations

from enum import Enum


class Switch(Enum):
    STAY = "stay"
    OFF = "off"
    ON = "on"


class Presence:
    def __init__(self, *, off_after_s: float, now: float) -> None:
        if off_after_s < 0:
            raise ValueError(f"off_after_s must be 0 (never) or more seconds, got {off_after_s}")
        self.off_after_s = off_after_s
        self.last_seen = now
        self.is_on = True
        self.by_hand = False  # turned off with the button: a face does not wake it

    @property
    def is_off(self) -> bool:
        return not self.is_on

    def saw(self, *, face: bool, now: float) -> Switch:
        """One observation from the camera."""
        if not face:
            return self.tick(now)
        self.last_seen = max(self.last_seen, now)
        if self.is_on or self.by_hand:
            return Switch.STAY
        self.is_on = True
        return Switch.ON

    def press(self, *, now: float) -> bool:
        """A button press: someone is there.  True when it woke the display (the press does nothing else)."""
        self.last_seen = max(self.last_seen, now)
        if self.is_on:
            return False
        self.is_on, self.by_hand = True, False
        return True

    def tick(self, now: float) -> Switch:
        if self.is_off or not self.off_after_s or now - self.last_seen < self.off_after_s:
            return Switch.STAY
        self.is_on = False
        return Switch.OFF

    def turn_off(self, *, now: float) -> Switch:
        """Off by hand (the BREAK long press); a button wakes it, a face does not."""
        self.last_seen = max(self.last_seen, now)
        self.by_hand = True
        if self.is_off:
            return Switch.STAY
        self.is_on = False
        return Switch.OFF

    def seconds_unseen(self, now: float) -> float:
        return max(0.0, now - self.last_seen)
