"""Helpers for the UI tests: let Kivy's loop run for a moment, or until something holds."""

from __future__ import annotations

import time
from contextlib import contextmanager


def settle(seconds: float = 0.4) -> None:
    """Run Kivy's loop long enough for layouts, Clock callbacks and the widgets' short easing."""
    from kivy.base import EventLoop

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        EventLoop.idle()


def wait_until(condition, timeout: float = 3.0) -> bool:
    """Run Kivy's loop until ``condition()`` holds; False after ``timeout``."""
    from kivy.base import EventLoop

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        EventLoop.idle()
        if condition():
            return True
    return condition()


class IdleVision:
    """What the shell asks of its vision (``VisionLink``), doing nothing: subclass it to record or publish."""

    name = "fake"
    is_demo = False

    def start(self, publish, on_error) -> None:
        self.publish = publish

    def problem(self) -> str:
        return ""

    def is_healthy(self) -> bool:
        return True

    def latest_gray(self):
        return None

    def set_rate(self, fps) -> None:
        pass

    def set_neutral(self, geometry, *, kind="personal", appearance=None) -> None:
        pass

    def set_facing(self, yaw, pitch) -> None:
        pass

    def stop(self) -> None:
        pass


@contextmanager
def shown(window, shell):
    """The shell's mirror on ``window``, started as the app starts it; stopped, released and taken off
    the window afterwards, however the block ends.  Yields the root widget."""
    root = shell.app.build()
    window.add_widget(root)
    try:
        shell._started(shell.app)
        yield root
    finally:
        shell._stopped(shell.app)
        shell.app.release()
        window.remove_widget(root)
