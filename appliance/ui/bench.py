"""UI benchmark: frame time while the pipeline runs, and press-to-screen latency through mock GPIO.

    python -m appliance.ui.bench [--source demo-clip] [--seconds 15] [--presses 12] [--model M] [--history N]

Runs the real mirror (window, vision worker on the source, coach) with buttons on gpiozero's
MockFactory.  A thread presses NEXT on the home menu (it acts on release: a hold is PREVIOUS); then it starts
a drill, records the main loop's frame times there, and presses BREAK (a button with a long
action: it acts on the release edge).  Latency is from the acting pin edge to the buffer flip
after the coach handled the command (targets: frame p95 <= 33 ms, press <= 100 ms).
With ``--history N`` the mirror saves into a history of N sessions (built in a temporary folder
first), the frames in which a save happened are counted apart (``frame_ms_save``), and so is the
time the UI thread spent handing events to the history (``history_ms_on_ui``).
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from pathlib import Path

from appliance.arguments import count, frame_size, number
from appliance.camera.factory import source_argument
from appliance.errors import run_tool


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))] if ordered else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m appliance.ui.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--source", default="demo-clip", type=source_argument)  # a moving face, 30 fps
    parser.add_argument("--seconds", type=number(1, 3600), default=15.0, help="frame times recorded in the drill")
    parser.add_argument("--presses", type=count(0, 10_000), default=12)
    parser.add_argument("--model", type=Path)
    parser.add_argument("--size", default="540x960", type=frame_size, metavar="WxH")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--history", type=count(0, 1_000_000), default=0, help="save into a history of this many sessions"
    )
    args = parser.parse_args(argv)
    if args.model is not None and not args.model.is_file():
        parser.error(f"--model {args.model}: no such file")
    history = _history(args.history) if args.history else None

    from appliance.ui.kivy_setup import configure_kivy

    width, height = args.size
    configure_kivy(fullscreen=False, size=(width, height))
    from gpiozero.pins.mock import MockFactory
    from kivy.clock import Clock
    from kivy.core.window import Window

    from appliance.coach.coach import Coach
    from appliance.config import Config
    from appliance.controls import DEFAULT_PINS
    from appliance.messages import Command
    from appliance.ui.shell import MirrorShell
    from appliance.ui.vision_link import VisionLink

    config = Config(source=args.source, fullscreen=False)
    factory = MockFactory()
    coach = Coach()
    link = history(coach) if history else None
    vision = VisionLink(config, model_path=args.model)
    shell = MirrorShell(config, coach=coach, vision=vision, history=link, pin_factory=factory)
    frames: dict[str, list[float]] = {"home": [], "drill": [], "save": []}
    latencies: dict[str, list[float]] = {"next (release)": [], "break (release)": [], "dot (press)": []}
    state = {"phase": "home", "last": None, "edge_at": None, "handled": False, "kind": ""}
    state.update(dot_at=None, flashed=False)  # the press dot of a release-acting button
    handle = shell.command

    def command(cmd) -> None:
        handle(cmd)
        state["handled"] = True

    shell.command = command
    shell.app._on_command = command

    store = shell._store
    state["saved"] = False

    on_main_thread: list[float] = []  # what handing events to the history costs the UI thread

    def store_events(events) -> None:
        start = time.perf_counter()
        store(events)
        if events:
            on_main_thread.append((time.perf_counter() - start) * 1000)
        state["saved"] = state["saved"] or bool(events)

    shell._store = store_events

    def on_frame(_dt) -> None:  # once per main-loop iteration
        now = time.perf_counter()
        if state["last"] is not None and state["phase"] in frames:
            frames[state["phase"]].append((now - state["last"]) * 1000)
        if state["last"] is not None and state["saved"]:
            frames["save"].append((now - state["last"]) * 1000)
        state["last"], state["saved"] = now, False

    def on_flip(*_args) -> None:
        if state["edge_at"] is not None and state["handled"]:
            latencies[state["kind"]].append((time.perf_counter() - state["edge_at"]) * 1000)
            state["edge_at"] = None
        if state["dot_at"] is not None and state["flashed"]:
            latencies["dot (press)"].append((time.perf_counter() - state["dot_at"]) * 1000)
            state["dot_at"] = None

    def press(name: str, kind: str, *, on_release: bool) -> None:
        pin = factory.pin(DEFAULT_PINS[name])
        state["handled"], state["kind"] = False, kind
        if not on_release:
            state["edge_at"] = time.perf_counter()
        else:
            state["flashed"], state["dot_at"] = False, time.perf_counter()
        pin.drive_low()
        time.sleep(0.15)
        if on_release:
            state["edge_at"] = time.perf_counter()
        pin.drive_high()

    def presser() -> None:
        time.sleep(3.0)  # let the worker warm up
        for _ in range(args.presses):
            press("next", "next (release)", on_release=True)
            time.sleep(0.5)
        Clock.schedule_once(lambda _dt: to_drill())

    def break_presses() -> None:
        for _ in range(3):
            press("break", "break (release)", on_release=True)
            time.sleep(1.0)
            press("next", "next (release)", on_release=True)  # ends the break
            time.sleep(1.0)
        Clock.schedule_once(lambda _dt: shell.app.stop())

    def to_drill() -> None:
        while shell.view.menu_index != 2:  # "Choose a drill"
            shell.command(Command.NEXT)
        shell.command(Command.SELECT)
        shell.command(Command.SELECT)
        state["phase"] = "prepare"
        Clock.schedule_once(lambda _dt: state.update(phase="drill"), 3.5)
        Clock.schedule_once(lambda _dt: finish_drill(), 3.5 + args.seconds)

    def finish_drill() -> None:
        state["phase"] = "after"
        threading.Thread(target=break_presses, daemon=True).start()

    def started() -> None:
        dot = shell.app.mirror.dot
        flash = dot.flash

        def flashed() -> None:
            flash()
            state["flashed"] = True

        dot.flash = flashed
        Clock.schedule_interval(on_frame, 0)
        Window.bind(on_flip=on_flip)
        threading.Thread(target=presser, daemon=True).start()

    shell.when_started(started)
    shell.run()
    if link is not None:
        link.close()
    figures = {
        "source": args.source,
        "window": args.size,
        "observations": shell.observations,
        "frame_ms_drill": _stats(frames["drill"]),
        "frame_ms_home": _stats(frames["home"]),
        "frame_ms_save": _stats(frames["save"]),
        "history_ms_on_ui": _stats(on_main_thread),
        "history_sessions": args.history,
        **{f"press_ms_{kind.split()[0]}": _stats(values) for kind, values in latencies.items()},
        "presses": args.presses,
    }
    if args.json:
        figures["press_ms_all"] = {kind: [round(v, 1) for v in values] for kind, values in latencies.items()}
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:22s} {value}")
    return 0


def _history(sessions: int):
    """A history of ``sessions`` sessions in a temporary data folder; returns how to open it for a coach."""
    import os
    import tempfile

    from appliance.history.bench import build
    from appliance.history.store import default_path

    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="ui-bench-")
    build(default_path(), sessions, 8)

    def open_for(coach):
        from appliance.ui.history_link import open_history

        link, warning = open_history(coach)
        if warning:
            print(f"warning: {warning}")
        return link

    return open_for


def _stats(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "median": round(statistics.median(values), 1),
        "p95": round(percentile(values, 0.95), 1),
        "max": round(max(values), 1),
    }


if __name__ == "__main__":
    raise SystemExit(run_tool(main))
