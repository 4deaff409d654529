"""``python -m appliance.display.bench``: how fast the display goes off and comes back on, with real threads.

The real vision worker (its reader and worker threads, slowed to 3 fps while off), the presence
state machine on the shell's 30 Hz tick, and the screen switch's thread; only the camera (a
30 fps source whose frames say whether a face is there), the pipeline (it reads that flag) and
the monitor (a recording backend, optionally slow like cec-ctl) are stand-ins.

Per trial: nobody there from the start, so the display goes off at ``off_after_s``; then a face
appears at a random moment and the display comes back.  Targets: off within 2 s of off_after_s,
on within 1 s of a face (to the backend's command; the monitor's own wake-up comes on top).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

import numpy as np

from appliance.arguments import count, number
from appliance.camera.base import Frame, FrameSource
from appliance.display.power import RecordingPower
from appliance.display.presence import Presence, Switch
from appliance.display.switch import ScreenSwitch
from appliance.errors import run_tool
from appliance.messages import Observation
from appliance.vision.worker import VisionWorker

TICK_HZ = 30.0
ASLEEP_FPS = 3.0


class Scene:
    """When the face appears (monotonic seconds), shared by the fake camera and the fake pipeline."""

    def __init__(self) -> None:
        self.face_at = self.went_off = float("inf")


class SceneCamera(FrameSource):
    name = "scene"

    def __init__(self, fps: float) -> None:
        super().__init__()
        self.interval, self.index = 1.0 / fps, 0

    def _open(self) -> None:
        self.next_at = time.monotonic()

    def _read(self, timeout: float) -> Frame:
        time.sleep(max(0.0, self.next_at - time.monotonic()))
        self.next_at += self.interval
        self.index += 1
        return Frame(np.zeros((48, 64), np.uint8), time.monotonic(), None, self.index)

    def _close(self) -> None:
        pass


class ScenePipeline:
    def __init__(self, scene: Scene, cost_s: float) -> None:
        self.scene, self.cost_s = scene, cost_s

    def observe(self, frame: Frame) -> Observation:
        time.sleep(self.cost_s)  # inference
        face = frame.timestamp >= self.scene.face_at
        return Observation(timestamp=frame.timestamp, face_box=(8, 8, 32, 32) if face else None, score=float(face))


def trial(*, off_after_s: float, camera_fps: float, cost_s: float, command_s: float, rng: random.Random) -> dict:
    scene, inbox = Scene(), []
    worker = VisionWorker(ScenePipeline(scene, cost_s), SceneCamera(camera_fps), when_observation=inbox.append)
    power = RecordingPower(slow=command_s)
    switch = ScreenSwitch(lambda: (power, []), overlay=lambda _black: None)
    start = time.monotonic()
    presence = Presence(off_after_s=off_after_s, now=start)
    worker.start()
    switch.start()
    stamps_while_off: list[float] = []
    try:
        while time.monotonic() - start < off_after_s + 10:
            now = time.monotonic()
            observations, inbox[:] = list(inbox), []
            switches = [presence.saw(face=o.has_face, now=now) for o in observations] + [presence.tick(now)]
            if presence.is_off:
                stamps_while_off += [o.timestamp for o in observations if o.timestamp > scene.went_off]
            if Switch.OFF in switches:
                worker.set_rate(ASLEEP_FPS)
                switch.set(False)
                scene.went_off = now
                scene.face_at = now + rng.uniform(1.0, 2.0)
            if Switch.ON in switches:
                worker.set_rate(None)
                switch.set(True)
                break
            time.sleep(max(0.0, 1.0 / TICK_HZ - (time.monotonic() - now)))
        deadline = time.monotonic() + command_s + 5
        while len(power.switches) < 2 and time.monotonic() < deadline:
            time.sleep(0.005)
    finally:
        worker.stop()
        switch.stop()
    (off_t, _), (on_t, _) = power.switches[:2]
    return {
        "off_late_s": off_t - command_s - (start + off_after_s),
        "on_late_s": on_t - command_s - scene.face_at,
        "asleep_fps": (len(stamps_while_off) - 1) / max(1e-9, stamps_while_off[-1] - stamps_while_off[0]),
    }


def summary(values: list[float]) -> dict:
    values = sorted(values)
    return {"p50": round(statistics.median(values), 3), "max": round(values[-1], 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m appliance.display.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=count(1, 1000), default=8)
    parser.add_argument(
        "--off-after", type=number(0.1, 3600), default=2.0, help="off_after_s for the trials (default 2)"
    )
    parser.add_argument("--camera-fps", type=number(1, 240), default=30.0)
    parser.add_argument("--inference-ms", type=number(0, 1000), default=5.0, help="stand-in pipeline cost per frame")
    parser.add_argument(
        "--command-ms", type=number(0, 10_000), default=0.0, help="how long the backend's command takes"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rng = random.Random(14)
    runs = [
        trial(
            off_after_s=args.off_after,
            camera_fps=args.camera_fps,
            cost_s=args.inference_ms / 1000,
            command_s=args.command_ms / 1000,
            rng=rng,
        )
        for _ in range(args.trials)
    ]
    result = {
        "trials": args.trials,
        "display_off_after_off_after_s_s": summary([run["off_late_s"] for run in runs]),
        "display_on_after_face_s": summary([run["on_late_s"] for run in runs]),
        "vision_fps_while_off": summary([run["asleep_fps"] for run in runs]),
        "targets": "off within 2 s of off_after_s, on within 1 s of a face",
    }
    result["pass"] = (
        result["display_off_after_off_after_s_s"]["max"] < 2.0 and result["display_on_after_face_s"]["max"] < 1.0
    )
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key}: {value}")
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    raise SystemExit(run_tool(main))
