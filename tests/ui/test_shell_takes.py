"""Best takes through the shell: a headshot look performed on a fake camera, the peak frame written
(only when opted in), shown on the result screen, the LED blinking, and all of them deleted from settings."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest
from gpiozero.pins.mock import MockFactory
from PIL import Image
from ui_helpers import IdleVision, settle, wait_until

from appliance.camera.base import Frame
from appliance.coach.coach import Coach
from appliance.coach.settings import CoachSettings
from appliance.coach.view import Screen
from appliance.config import ButtonSettings, CaptureSettings, Config
from appliance.messages import Command, Observation
from appliance.ui.takes_link import FrameRing

LED = 24
FPS = 30.0
SIZE = (96, 64)  # the "full-resolution" colour frames of the fake camera (width, height)


class FakeCamera(IdleVision):
    """Stands in for VisionLink: the shell finds its ``ring`` and receives observations by hand."""

    def __init__(self) -> None:
        self.ring = FrameRing()
        self.frames = 0

    def frame(self, shell, happiness: float) -> float:
        """One camera frame (its pixels say its number) into the ring, and its reading to the shell."""
        timestamp = 100.0 + self.frames / FPS
        rgb = np.zeros((SIZE[1], SIZE[0], 3), np.uint8)
        rgb[..., 0] = self.frames % 256
        self.ring.add(Frame(rgb[..., 0].copy(), timestamp, rgb, self.frames))
        self.frames += 1
        smoothed = {"happiness": happiness, "neutral": 1 - happiness}
        shell.post_observation(Observation(timestamp, (10, 10, 40, 40), 0.9, dict(smoothed), smoothed))
        return timestamp


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_shell(window, tmp_path, *, best_takes: bool, max_per_look: int = 5):
    from appliance.ui.shell import MirrorShell

    clock = Clock()
    coach = Coach(CoachSettings(prepare_s=0.1, result_s=0))
    config = Config(
        buttons=ButtonSettings(led=LED), capture=CaptureSettings(best_takes=best_takes, max_per_look=max_per_look)
    )
    factory = MockFactory()
    camera = FakeCamera()
    shell = MirrorShell(config, coach=coach, vision=camera, pin_factory=factory, clock=clock,
                        takes_root=tmp_path / "takes")  # fmt: skip
    root = shell.app.build()
    window.add_widget(root)
    shell._started(shell.app)
    return shell, camera, clock, factory, root


def close(shell, window, root) -> None:
    shell._stopped(shell.app)
    shell.app.release()
    window.remove_widget(root)


def perform_genuine_smile(shell, camera, clock, peak_frame: int = 20) -> int:
    """The genuine-smile look from its start to its result; returns the number of the best-match frame."""
    if shell.coach.session is None:
        shell.coach.start_plan(shell.coach.plan_for("drill:genuine_smile"))
    else:
        shell.command(Command.PREVIOUS)  # the result screen's "try again"
    peak = -1
    for n in range(400):
        if n == peak_frame:
            peak = camera.frames
        camera.frame(shell, 0.75 if n == peak_frame else 0.6)  # one frame is the best match, all are "met"
        shell._drain()
        clock.now += 1 / FPS
        shell._tick(0)
        if shell.view.screen is Screen.RESULT:
            break
    assert shell.view.screen is Screen.RESULT and shell.view.result.outcome == "completed"
    return peak


def takes_in(folder):
    return sorted(folder.rglob("*.jpg")) if folder.exists() else []


def test_a_headshot_peak_is_kept_private_shown_and_the_led_blinks(window, tmp_path):
    shell, camera, clock, factory, root = make_shell(window, tmp_path, best_takes=True)
    try:
        peak = perform_genuine_smile(shell, camera, clock, peak_frame=20)
        assert shell.takes.wait()
        assert wait_until(lambda: root.manager.get_screen("result").ids.take.opacity == 1)
        assert shell.controls._writing  # the LED blinks (gpiozero's blink thread) while the take is written
        assert wait_until(lambda: not shell.controls._writing, timeout=3)  # back to steady after a second
        assert factory.pin(LED).state  # the camera is still in use
    finally:
        close(shell, window, root)
    takes = takes_in(tmp_path / "takes")
    assert [path.parent.name for path in takes] == ["genuine_smile"]
    assert stat.S_IMODE(takes[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "takes").stat().st_mode) == 0o700
    assert stat.S_IMODE(takes[0].parent.stat().st_mode) == 0o700
    with Image.open(takes[0]) as picture:
        assert picture.size == SIZE
        red = np.asarray(picture.convert("RGB"))[..., 0].mean()
    assert abs(red - peak) <= 3  # the frame at the best match is the one written: its pixels carry its number


def test_never_more_than_max_per_look_the_oldest_dropped(window, tmp_path):
    shell, camera, clock, _factory, root = make_shell(window, tmp_path, best_takes=True, max_per_look=2)
    try:
        for _ in range(3):
            perform_genuine_smile(shell, camera, clock)
            assert shell.takes.wait()
            clock.now += 1
        kept = takes_in(tmp_path / "takes")
        assert len(kept) == 2 and shell.takes.count == 2
    finally:
        close(shell, window, root)


def test_with_best_takes_off_no_image_is_written_anywhere(window, tmp_path, monkeypatch):
    saved = []
    monkeypatch.setattr(Image.Image, "save", lambda self, *args, **kwargs: saved.append(args))
    shell, camera, clock, _factory, root = make_shell(window, tmp_path, best_takes=False)
    try:
        assert shell.takes is None and shell.takes_link is None
        perform_genuine_smile(shell, camera, clock)
        settle(0.3)
        assert root.manager.get_screen("result").ids.take.opacity == 0
    finally:
        close(shell, window, root)
    assert saved == []
    assert not list(tmp_path.rglob("*.jpg"))
    assert not list(Path(os.environ["XDG_DATA_HOME"]).rglob("*.jpg"))  # nor in the data directory


@pytest.mark.parametrize("confirm", [True, False])
def test_settings_deletes_all_takes_only_after_a_confirm(window, tmp_path, confirm):
    shell, camera, clock, _factory, root = make_shell(window, tmp_path, best_takes=True)
    try:
        perform_genuine_smile(shell, camera, clock)
        assert shell.takes.wait() and shell.takes.count == 1
        shell.command(Command.END)  # end the session: home
        shell.command(Command.SELECT)  # the summary: home
        assert shell.view.screen is Screen.HOME
        shell.command(Command.BACK)  # back on home opens settings
        assert shell.panel.is_open
        while shell.panel.rows()[shell.panel.index].key != "takes":
            shell.command(Command.NEXT)
        assert shell.panel.rows()[shell.panel.index].title == "Best takes: on · 1 kept"
        shell.command(Command.SELECT)
        assert shell.panel.rows()[shell.panel.index].title.startswith("Delete all 1 best takes?")
        shell.command(Command.SELECT if confirm else Command.BACK)
        assert shell.panel.is_open  # "no" keeps the settings open
        assert shell.takes.wait()
        assert len(takes_in(tmp_path / "takes")) == (0 if confirm else 1)
        if confirm:
            assert wait_until(lambda: shell.panel.rows()[shell.panel.index].title == "Best takes: on · 0 kept")
    finally:
        close(shell, window, root)
