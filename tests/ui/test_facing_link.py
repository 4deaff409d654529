"""The camera's angle on the mirror: from the coach's event to vision and the device's store, kept across starts."""

from __future__ import annotations

import threading

import pytest
from ui_helpers import IdleVision, settle, shown

from appliance.camera_facing import CameraFacing
from appliance.coach.calibration import Verdict, turned_message
from appliance.coach.coach import Coach
from appliance.coach.events import CameraFacingChosen
from appliance.config import Config, parse_config
from appliance.messages import Command
from appliance.ui.vision_link import VisionLink


class FacingPipeline:
    """Records the facing it was built with and each one handed to it; ``loading`` holds its build."""

    instances: list[FacingPipeline] = []
    loading = threading.Event()

    def __init__(self, **options) -> None:
        FacingPipeline.loading.wait(5)
        self.options, self.facings = options, []
        FacingPipeline.instances.append(self)

    def set_neutral(self, geometry, *, kind="personal", appearance=None) -> None:
        pass

    def set_facing(self, yaw, pitch) -> None:
        self.facings.append((yaw, pitch))


class IdleWorker:
    def __init__(self, pipeline, source, when_observation, reopen=None) -> None:
        pass

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def set_rate(self, fps) -> None:
        pass


class NamedSource:
    name = "fake"


@pytest.fixture
def link(monkeypatch):
    monkeypatch.setattr("appliance.vision.pipeline.VisionPipeline", FacingPipeline)
    monkeypatch.setattr("appliance.vision.worker.VisionWorker", IdleWorker)
    monkeypatch.setattr("appliance.ui.vision_link.open_source", lambda *args, **kwargs: NamedSource())
    FacingPipeline.instances.clear()
    FacingPipeline.loading.set()
    link = VisionLink(parse_config({"camera": {"facing_pitch_deg": -10}}))
    yield link
    FacingPipeline.loading.set()
    link.stop()


def built(link) -> FacingPipeline:
    link._starter.join(5)
    (pipeline,) = FacingPipeline.instances
    return pipeline


def test_the_link_builds_the_pipeline_with_the_facing_handed_over_before_start(link):
    assert link.facing == (0.0, -10.0)  # config.toml's, until the shell hands over the kept one
    link.set_facing(3.0, -17.0)
    link.start(lambda observation: None)
    pipeline = built(link)
    assert pipeline.options["facing"] == (3.0, -17.0) and pipeline.facings == []


def test_a_facing_chosen_while_the_models_load_reaches_the_pipeline_once_built(link):
    FacingPipeline.loading.clear()  # the models take a while
    link.start(lambda observation: None)
    link.set_facing(3.0, -17.0)
    FacingPipeline.loading.set()
    pipeline = built(link)
    assert pipeline.options["facing"] == (0.0, -10.0) and pipeline.facings == [(3.0, -17.0)]


def test_a_running_pipeline_gets_a_new_facing_at_once(link):
    link.start(lambda observation: None)
    pipeline = built(link)
    link.set_facing(1.5, -20.0)
    assert pipeline.facings == [(1.5, -20.0)] and link.facing == (1.5, -20.0)


class FacingVision(IdleVision):
    """Records, in order, each facing handed over and the start (on the main thread, as the shell must)."""

    def __init__(self) -> None:
        self.calls: list = []

    def set_facing(self, yaw, pitch) -> None:
        assert threading.current_thread() is threading.main_thread()
        self.calls.append((yaw, pitch))

    def start(self, publish, on_error) -> None:
        self.calls.append("start")


@pytest.fixture
def facing_rig(window, tmp_path):
    from appliance.ui.shell import MirrorShell

    config = parse_config({"camera": {"facing_yaw_deg": 2}})
    store = CameraFacing(config.camera, tmp_path / "camera.json")
    vision = FacingVision()
    shell = MirrorShell(config, coach=Coach(), vision=vision, use_gpio=False, camera_facing=store)
    with shown(window, shell):
        settle(0.2)
        yield shell, vision, store


def test_the_kept_facing_goes_to_vision_before_it_starts(window, tmp_path):
    from appliance.ui.shell import MirrorShell

    path = tmp_path / "camera.json"
    earlier = CameraFacing(Config().camera, path)
    earlier.choose(1.0, -17.0)  # held on the mirror before the last restart
    earlier.wait()
    vision = FacingVision()
    shell = MirrorShell(
        Config(), coach=Coach(), vision=vision, use_gpio=False, camera_facing=CameraFacing(Config().camera, path)
    )
    with shown(window, shell):
        settle(0.2)
        assert vision.calls == [(1.0, -17.0), "start"]


def test_holding_select_after_a_turned_refusal_turns_vision_and_the_store(facing_rig, tmp_path):
    shell, vision, store = facing_rig
    coach = shell.coach
    coach.calibrate(shell.clock())
    coach.calibration.state = "refused"  # as a calibration of a level head, read from a camera above, ends
    coach.calibration.verdict = Verdict(message=turned_message(1.0, -17.0), yaw=1.0, pitch=-17.0, turned=True)
    shell.command(Command.PAUSE)  # hold SELECT: "I am facing the mirror"
    assert vision.calls[-1] == (3.0, -17.0) and store.facing == (3.0, -17.0)  # config's yaw 2 + 1
    assert shell.view.calibration.phase == "collecting"
    store.wait()
    config = parse_config({"camera": {"facing_yaw_deg": 2}})
    assert CameraFacing(config.camera, tmp_path / "camera.json").facing == (3.0, -17.0)  # kept for the next start


def test_a_second_choice_adds_to_the_first_and_a_total_beyond_the_range_is_clamped(facing_rig):
    shell, vision, store = facing_rig
    shell.coach._emit(CameraFacingChosen(0.0, -30.0, 1.0, 2.0))
    shell._tick(0)
    shell.coach._emit(CameraFacingChosen(-4.0, -20.0, 3.0, 4.0))
    shell._tick(0)
    assert vision.calls[-2:] == [(2.0, -30.0), (-2.0, -45.0)] and store.facing == (-2.0, -45.0)


def angle_row_on_screen(shell):
    rows = shell.app.mirror.manager.current_screen.rows
    return next(row for row in rows if row.key == "camera_angle")


def test_forgetting_the_angle_on_the_settings_screen_hands_config_tomls_to_vision(facing_rig, tmp_path):
    shell, vision, store = facing_rig
    shell.coach._emit(CameraFacingChosen(1.0, -17.0, 1.0, 2.0))  # held on the mirror
    shell._tick(0)
    assert vision.calls[-1] == (3.0, -17.0)
    shell.command(Command.BACK)  # settings
    for _ in shell.panel.rows():
        if shell.panel.rows()[shell.panel.index].key == "camera_angle":
            break
        shell.command(Command.NEXT)
    assert angle_row_on_screen(shell).title == "Camera angle: sees you 3° from your right and 17° from above"
    assert angle_row_on_screen(shell).detail == "set on the mirror · SELECT: forget it"
    shell.command(Command.SELECT)
    assert vision.calls[-1] == (2.0, 0.0) and store.facing == (2.0, 0.0) and not store.is_chosen
    assert shell.app.mirror.manager.current == "settings"
    assert angle_row_on_screen(shell).title == "Camera angle: sees you 2° from your right"
    assert angle_row_on_screen(shell).detail == "from config.toml"
    handed = len(vision.calls)
    shell.command(Command.SELECT)  # nothing kept now: nothing to forget
    assert len(vision.calls) == handed and shell.panel.is_open
    store.wait()
    config = parse_config({"camera": {"facing_yaw_deg": 2}})
    restarted = CameraFacing(config.camera, tmp_path / "camera.json")
    assert restarted.facing == (2.0, 0.0) and not restarted.is_chosen
