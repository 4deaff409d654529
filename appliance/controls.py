"""Buttons (gpiozero) and keys (dev machine) -> ``Command``s.

Button map (buttons wired from the GPIO pin to ground, internal pull-ups on):

    button   short press          long press (>= hold_time, default 0.8 s)
    NEXT     NEXT                 PREVIOUS     (acts on release, or when held)
    SELECT   SELECT (start)       PAUSE        (acts on release, or when held)
    BACK     BACK                 END          (acts on release, or when held)
    BREAK    BREAK                SCREEN       (acts on release, or when held)

A button without a long action acts on its first edge, so a press shows at once.  A button
with one cannot know a short press until it is released: it acts on release (if the hold did
not already fire), and ``feedback(name)`` is called on the press itself so the UI can mark the
press at once.  Debounce never delays: the first edge acts, and edges in the next
``debounce`` seconds are ignored; when that window closes the pin is read again, so a press
shorter than the window is still seen.  gpiozero's ``bounce_time`` is not used: it filters
(and so can drop) edges.

Callbacks arrive on gpiozero's threads: ``sink(command)`` must be thread-safe (the app hands
commands to Kivy's main thread with ``Clock.schedule_once``).
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from appliance.messages import Command

log = logging.getLogger(__name__)

# name -> (short command, long command or None)
BUTTON_ACTIONS: dict[str, tuple[Command, Command | None]] = {
    "next": (Command.NEXT, Command.PREVIOUS),  # four buttons, every command: holding NEXT steps back
    "select": (Command.SELECT, Command.PAUSE),
    "back": (Command.BACK, Command.END),
    "break": (Command.BREAK, Command.SCREEN),
}
DEFAULT_PINS = {"next": 17, "select": 27, "back": 22, "break": 23}  # BCM numbers
DEFAULT_LED_PIN = None  # e.g. 24

# Keyboard fallback: Kivy key names -> commands.
KEY_COMMANDS: dict[str, Command] = {
    "right": Command.NEXT,
    "down": Command.NEXT,
    "left": Command.PREVIOUS,
    "up": Command.PREVIOUS,
    "enter": Command.SELECT,
    "numpadenter": Command.SELECT,
    "spacebar": Command.SELECT,
    "backspace": Command.BACK,
    "b": Command.BREAK,
    "p": Command.PAUSE,
    "e": Command.END,
    "s": Command.SCREEN,
}


def command_for_key(name: str) -> Command | None:
    """The command a key (Kivy's key name, e.g. ``"enter"``) stands for, or None."""
    return KEY_COMMANDS.get(name.lower())


Sink = Callable[[Command], None]


@dataclass
class _State:
    down: bool = False
    held: bool = False
    quiet_until: float = 0.0  # edges before this time are bounces
    recheck: threading.Timer | None = None


class ControlButton:
    """One push button: debounced edges -> short / long commands."""

    def __init__(
        self,
        name: str,
        pin: int | str,
        sink: Sink,
        *,
        hold_time: float = 0.8,
        debounce: float = 0.05,
        feedback: Callable[[str], None] | None = None,
        pin_factory=None,
    ) -> None:
        from gpiozero import Button  # imported here so the keyboard path never needs GPIO

        self.name = name
        self.short, self.long = BUTTON_ACTIONS[name]
        self._sink = sink
        self._feedback = feedback
        self._debounce = debounce
        self._lock = threading.Lock()
        self._state = _State()
        self.button = Button(pin, pull_up=True, bounce_time=None, hold_time=hold_time, pin_factory=pin_factory)
        self.button.when_pressed = lambda: self._edge(pressed=True)
        self.button.when_released = lambda: self._edge(pressed=False)
        if self.long is not None:
            self.button.when_held = self._held

    @property
    def is_pressed(self) -> bool:
        return self._state.down

    def _edge(self, *, pressed: bool) -> None:
        now = time.monotonic()
        with self._lock:
            state = self._state
            if now < state.quiet_until or pressed == state.down:
                self._schedule_recheck(state)
                return
            state.quiet_until = now + self._debounce
            self._schedule_recheck(state)
            fire = self._transition(state, pressed)
        self._emit(fire, pressed)

    def _transition(self, state: _State, pressed: bool) -> Command | None:
        """Apply one debounced edge; returns the command to send (outside the lock)."""
        state.down = pressed
        if pressed:
            state.held = False
            return self.short if self.long is None else None
        fire = self.short if self.long is not None and not state.held else None
        state.held = False
        return fire

    def _schedule_recheck(self, state: _State) -> None:
        # When the quiet window closes, read the pin: a bounce may have hidden the real state.
        if state.recheck is not None:
            return
        delay = max(0.0, state.quiet_until - time.monotonic()) + 0.001
        state.recheck = threading.Timer(delay, self._recheck)
        state.recheck.daemon = True
        state.recheck.start()

    def _recheck(self) -> None:
        with self._lock:
            state = self._state
            state.recheck = None
            if time.monotonic() < state.quiet_until:
                self._schedule_recheck(state)
                return
            pressed = bool(self.button.is_pressed)
            if pressed == state.down:
                return
            state.quiet_until = time.monotonic() + self._debounce
            fire = self._transition(state, pressed)
        self._emit(fire, pressed)

    def _held(self) -> None:
        with self._lock:
            state = self._state
            if not state.down or state.held:
                return
            state.held = True
        self._sink(self.long)

    def _emit(self, command: Command | None, pressed: bool) -> None:
        if pressed and self._feedback is not None:
            self._feedback(self.name)
        if command is not None:
            self._sink(command)

    def close(self) -> None:
        with self._lock:
            if self._state.recheck is not None:
                self._state.recheck.cancel()
                self._state.recheck = None
        self.button.close()


# The chip that drives the 40-pin header, by its label (what gpiodetect prints): RP1 on a Pi 5,
# the SoC's own on a Pi 4 and older.  A Pi 5's RP1 was gpiochip4 before kernel 6.6.45, gpiochip0 since.
HEADER_CHIP_LABELS = ("pinctrl-rp1", "pinctrl-bcm2711", "pinctrl-bcm2835")
# linux/gpio.h: GPIO_GET_CHIPINFO_IOCTL = _IOR(0xB4, 0x01, struct gpiochip_info {name[32], label[32], u32 lines})
GPIO_GET_CHIPINFO = 0x8044B401


def chip_label(path: Path) -> str:
    """The kernel's label for the GPIO chip at ``path`` (e.g. "pinctrl-rp1")."""
    with open(path, "rb", buffering=0) as chip:
        info = fcntl.ioctl(chip.fileno(), GPIO_GET_CHIPINFO, bytes(68))
    return info[32:64].split(b"\0", 1)[0].decode("ascii", "replace")


def header_chip(dev: Path = Path("/dev"), *, label: Callable[[Path], str] = chip_label) -> int | None:
    """The number of the header's gpiochip, or None (not a Pi, or no chip can be asked)."""
    chips = [path for path in dev.glob("gpiochip[0-9]*") if path.name[8:].isdigit() and not path.is_symlink()]
    for path in sorted(chips, key=lambda path: int(path.name[8:])):
        try:
            if label(path) in HEADER_CHIP_LABELS:
                return int(path.name[8:])
        except OSError:
            continue
    return None


def header_pin_factory(*, dev: Path = Path("/dev"), label: Callable[[Path], str] = chip_label, environ=None):
    """gpiozero's lgpio pin factory on the header's chip, or None (gpiozero then chooses as usual).

    gpiozero 2.0.1 opens gpiochip4 on any Pi 5 and ignores ``chip=`` (pins/lgpio.py:64-69); since
    kernel 6.6.45 the header is gpiochip0 and it works only through a compatibility symlink.  A
    choice made in GPIOZERO_PIN_FACTORY is left to gpiozero.
    """
    environ = os.environ if environ is None else environ
    if environ.get("GPIOZERO_PIN_FACTORY"):
        return None
    chip = header_chip(dev, label=label)
    if chip is None:
        return None
    try:
        return _header_factory_class()(chip)
    except ImportError:  # no lgpio: gpiozero tries its other pin libraries
        return None
    except Exception as error:  # lgpio.error: the chip cannot be opened (then neither can gpiozero's guess)
        log.warning("cannot open gpiochip%d for the buttons: %s", chip, error)
        return None


def _header_factory_class():
    import lgpio
    from gpiozero.pins.lgpio import LGPIOFactory, LGPIOPin
    from gpiozero.pins.local import LocalPiFactory

    class HeaderChipFactory(LGPIOFactory):
        """LGPIOFactory on the chip given: what its __init__ does, minus the guess (2.0.1, lgpio.py:64-69)."""

        def __init__(self, chip: int) -> None:
            LocalPiFactory.__init__(self)
            self._handle = lgpio.gpiochip_open(chip)
            self._chip = chip
            self.pin_class = LGPIOPin

    return HeaderChipFactory


class Controls:
    """The four buttons and the optional camera LED.

    ``pins`` maps button name -> BCM pin (missing names use ``DEFAULT_PINS``).  Without a
    ``pin_factory``, the lgpio factory on the header's chip (``header_pin_factory``), else the one
    gpiozero picks; tests pass a ``MockFactory``.
    """

    def __init__(
        self,
        sink: Sink,
        *,
        pins: Mapping[str, int | str] | None = None,
        led_pin: int | str | None = DEFAULT_LED_PIN,
        hold_time: float = 0.8,
        debounce: float = 0.05,
        feedback: Callable[[str], None] | None = None,
        pin_factory=None,
    ) -> None:
        self._camera_on, self._writing = False, False
        self._own_factory = None
        if pin_factory is None:
            pin_factory = self._own_factory = header_pin_factory()
        chosen = {**DEFAULT_PINS, **(pins or {})}
        unknown = set(chosen) - set(BUTTON_ACTIONS)
        if unknown:
            raise ValueError(f"unknown buttons {sorted(unknown)}; the buttons are {sorted(BUTTON_ACTIONS)}")
        self.buttons: dict[str, ControlButton] = {}
        try:
            for name, pin in chosen.items():
                self.buttons[name] = ControlButton(
                    name,
                    pin,
                    sink,
                    hold_time=hold_time,
                    debounce=debounce,
                    feedback=feedback,
                    pin_factory=pin_factory,
                )
            self.led = None
            if led_pin is not None:
                from gpiozero import LED

                self.led = LED(led_pin, pin_factory=pin_factory)
        except Exception:
            self.close()
            raise

    def camera_in_use(self, in_use: bool) -> None:
        """Light the LED while the camera runs (no-op without one)."""
        self._camera_on = bool(in_use)
        if self.led is not None and not self._writing:
            self.led.value = self._camera_on

    def writing_picture(self, writing: bool) -> None:
        """Blink the LED while a picture (a best take) is written, then back to the camera's state."""
        self._writing = bool(writing)
        if self.led is None or self.led.closed:  # a write that ends after the mirror closed
            return
        if self._writing:
            self.led.blink(on_time=0.15, off_time=0.15, background=True)
        else:
            self.led.value = self._camera_on  # setting the value stops gpiozero's blink thread

    def close(self) -> None:
        for button in self.buttons.values():
            button.close()
        led = getattr(self, "led", None)
        if led is not None:
            led.off()
            led.close()
        if self._own_factory is not None:
            self._own_factory.close()
            self._own_factory = None


def open_controls(sink: Sink, **options) -> tuple[Controls | None, str]:
    """Controls on real GPIO, or (None, reason) on a machine without it (the keyboard still works)."""
    with warnings.catch_warnings():  # gpiozero warns about each pin library it skips: the reason says enough
        warnings.simplefilter("ignore")
        try:
            return Controls(sink, **options), ""
        except Exception as error:  # gpiozero raises several kinds when there is no GPIO
            return None, f"no GPIO buttons ({type(error).__name__}: {error}); using the keyboard"
