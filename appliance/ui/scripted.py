"""Run a timed script of commands on the live mirror, save a screenshot after each step, then exit.

Next to the screenshots, ``steps.jsonl`` records per step: the command, the screen, the words on
it and how many observations the coach had received - what the tests and the README check.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.label import Label

from appliance.ui.script import Step, shot_name

log = logging.getLogger(__name__)
SETTLE_S = 0.35  # let the screen render (and the easing animations finish) before the shot
SETTLE_FRAMES = 4


def visible_texts(widget) -> list[str]:
    return [
        child.text
        for child in widget.walk(restrict=True)
        if isinstance(child, Label) and child.text and child.opacity > 0
    ]


class ScriptRunner:
    def __init__(self, shell, steps: list[Step], screenshots: Path | None) -> None:
        self.shell, self.steps, self.folder = shell, steps, screenshots
        self.done = 0
        self._screen = ""  # the screen at the last record, to notice one that changed by itself
        self.records: list[dict] = []
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / "steps.jsonl").write_text("")

    def start(self) -> None:
        """Run the steps in turn (call once the app has started).

        Each step is scheduled only after the one before has been recorded, and the time between
        steps is kept: a stalled frame (a model loading, a slow screenshot) delays every step after
        it by as much, instead of firing them in a burst or cutting a countdown short, so each
        screenshot shows its own step.
        """
        self._started, self._lag = time.monotonic(), 0.0
        self._schedule(0)

    def _elapsed(self) -> float:
        return time.monotonic() - self._started

    def _schedule(self, index: int) -> None:
        if index < len(self.steps):
            step = self.steps[index]
            wait = max(0.0, step.at + self._lag - self._elapsed())
            Clock.schedule_once(lambda _dt: self._run(index, step), wait)

    def _run(self, index: int, step: Step) -> None:
        if self._elapsed() < step.at + self._lag - 0.02:  # Kivy's clock counts from its last frame: early
            self._schedule(index)
            return
        self._lag = max(self._lag, self._elapsed() - step.at - 0.05)  # late: the steps after it move too
        if step.command is not None:
            log.info("script line %d: %s", step.line, step.command.value)
            self.shell.command(step.command)
        self._frames, self._settled = Clock.frames_displayed, time.monotonic() + SETTLE_S
        Clock.schedule_once(lambda _dt: self._record(index, step), SETTLE_S)

    def _record(self, index: int, step: Step) -> None:
        # A slow first frame of a screen (its text textures being made) can leave the previous screen
        # in the framebuffer: wait for the settle time and a few frames actually drawn since the command.
        mirror = self.shell.app.mirror
        screen = mirror.manager.current
        if screen != self._screen:  # the screen changed by itself (a drill's time ran out)
            self._screen, self._frames = screen, Clock.frames_displayed
        if Clock.frames_displayed - self._frames < SETTLE_FRAMES or time.monotonic() < self._settled:
            Clock.schedule_once(lambda _dt: self._record(index, step), 0)
            return
        record = {
            "step": index + 1,
            "at": step.at,
            "command": step.command.value if step.command else None,
            "screen": screen,
            "texts": visible_texts(mirror.manager.current_screen) if not self.shell.screen_off else [],
            "screen_off": self.shell.screen_off,
            "observations": self.shell.observations,
        }
        live = self.shell.view.live
        if live is not None:
            record["live"] = {"has_face": live.has_face, "match": live.match, "expression": live.expression}
        if self.folder is not None:
            path = self.folder / shot_name(index + 1, step, screen)
            # Window.screenshot adds a counter to the name; save through the framebuffer instead.
            Window.screenshot(name=str(path.with_suffix(".tmp.png")))
            produced = sorted(self.folder.glob(path.stem + ".tmp*.png"))
            if produced:
                produced[-1].replace(path)
                record["file"] = path.name
            with (self.folder / "steps.jsonl").open("a", encoding="utf-8") as out:
                out.write(json.dumps(record) + "\n")
        self.records.append(record)
        self.done += 1
        self._schedule(index + 1)
        if self.done == len(self.steps):
            log.info("script done: %d steps", self.done)
            self.shell.app.stop()
