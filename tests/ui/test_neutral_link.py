"""The personal neutral face in the shell: loaded at start-up and after a calibration, handed to vision."""

from __future__ import annotations

import threading

import pytest
from ui_helpers import IdleVision, settle, shown

from appliance.coach.coach import Coach
from appliance.coach.events import NeutralCalibrated
from appliance.config import Config
from appliance.history.store import StoredNeutral
from appliance.messages import Command
from appliance.ui.settings_panel import SettingsPanel
from appliance.ui.vision_link import VisionLink

GEOMETRY = {"brow_gap": 0.41, "mouth_width": 0.9}
RESTING = {"neutral": 0.8, "sadness": 0.2}


class FakePipeline:
    """Records ``set_neutral`` as the landmark pipeline's thread-safe reference swap would receive it."""

    instances: list[FakePipeline] = []

    def __init__(self, **options) -> None:
        self.options = options
        self.neutrals: list[tuple[dict | None, str]] = []
        self.appearances: list[dict | None] = []
        FakePipeline.instances.append(self)

    def set_neutral(self, geometry, *, kind="personal", appearance=None) -> None:
        self.neutrals.append((dict(geometry) if geometry is not None else None, kind))
        self.appearances.append(appearance)


class FakeWorker:
    def __init__(self, pipeline, source, when_observation, reopen=None) -> None:
        self.pipeline = pipeline

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def set_rate(self, fps) -> None:  # the display's presence slows vision while the screen is off
        pass


class FakeSource:
    name = "fake"


def test_the_vision_link_hands_the_neutral_to_the_pipeline_before_and_after_it_is_built(monkeypatch):
    monkeypatch.setattr("appliance.vision.pipeline.VisionPipeline", FakePipeline)
    monkeypatch.setattr("appliance.vision.worker.VisionWorker", FakeWorker)
    monkeypatch.setattr("appliance.ui.vision_link.open_source", lambda *args, **kwargs: FakeSource())
    FakePipeline.instances.clear()
    link = VisionLink(Config())
    link.set_neutral(GEOMETRY, appearance=RESTING)  # at start-up, before the models are loaded
    link.start(lambda observation: None)
    link._starter.join(5)
    (pipeline,) = FakePipeline.instances
    assert pipeline.neutrals == [(GEOMETRY, "personal")] and pipeline.appearances == [RESTING]
    link.set_neutral(None, kind="population", appearance=RESTING)  # a running pipeline gets it at once
    assert pipeline.neutrals[-1] == (None, "population") and pipeline.appearances[-1] is None
    link.stop()


def test_the_vision_link_tells_the_pipeline_where_the_camera_sits(monkeypatch):
    from appliance.config import parse_config

    monkeypatch.setattr("appliance.vision.pipeline.VisionPipeline", FakePipeline)
    monkeypatch.setattr("appliance.vision.worker.VisionWorker", FakeWorker)
    monkeypatch.setattr("appliance.ui.vision_link.open_source", lambda *args, **kwargs: FakeSource())
    FakePipeline.instances.clear()
    link = VisionLink(parse_config({"camera": {"facing_yaw_deg": 4, "facing_pitch_deg": -17}}))
    link.start(lambda observation: None)
    link._starter.join(5)
    (pipeline,) = FakePipeline.instances
    assert pipeline.options["facing"] == (4.0, -17.0)
    link.stop()


def test_a_neutral_the_pipeline_refuses_never_keeps_vision_from_starting(monkeypatch, caplog):
    class PickyPipeline(FakePipeline):
        def set_neutral(self, geometry, *, kind="personal", appearance=None) -> None:
            raise ValueError("geometry keys do not match this landmark model")

    started = []
    monkeypatch.setattr("appliance.vision.pipeline.VisionPipeline", PickyPipeline)
    monkeypatch.setattr("appliance.vision.worker.VisionWorker", FakeWorker)
    monkeypatch.setattr(FakeWorker, "start", lambda self: started.append(self))
    monkeypatch.setattr("appliance.ui.vision_link.open_source", lambda *args, **kwargs: FakeSource())
    link = VisionLink(Config())
    link.set_neutral({"old_key": 1.0})
    link.start(lambda observation: None)
    link._starter.join(5)
    assert started and "refused the personal neutral face" in caplog.text
    link.set_neutral(GEOMETRY)  # on the main thread too: logged, not raised
    link.stop()


def test_an_appearance_the_pipeline_refuses_leaves_the_resting_faces_geometry_in_use(monkeypatch, caplog):
    class AppearanceRefusing(FakePipeline):
        def set_neutral(self, geometry, *, kind="personal", appearance=None) -> None:
            if appearance is not None:
                raise ValueError("a neutral face's appearance must be probabilities by expression")
            super().set_neutral(geometry, kind=kind, appearance=appearance)

    monkeypatch.setattr("appliance.vision.pipeline.VisionPipeline", AppearanceRefusing)
    monkeypatch.setattr("appliance.vision.worker.VisionWorker", FakeWorker)
    monkeypatch.setattr("appliance.ui.vision_link.open_source", lambda *args, **kwargs: FakeSource())
    link = VisionLink(Config())
    link.start(lambda observation: None)
    link._starter.join(5)
    link.set_neutral(GEOMETRY, appearance={"neutral": float("nan")})
    (pipeline,) = [p for p in FakePipeline.instances if isinstance(p, AppearanceRefusing)]
    assert pipeline.neutrals == [(GEOMETRY, "personal")]  # as the coach has it: the person's own face
    assert "without its appearance" in caplog.text
    link.stop()


class RecordingVision(IdleVision):
    def __init__(self) -> None:
        self.neutrals: list[dict] = []
        self.appearances: list[dict | None] = []

    def set_neutral(self, geometry, *, kind="personal", appearance=None) -> None:
        assert threading.current_thread() is threading.main_thread()
        self.neutrals.append(dict(geometry))
        self.appearances.append(appearance)


class FakeHistory:
    """The history link's face to the shell: the stored neutral (loaded before the shell starts here)."""

    when_neutral = None  # the real link calls it when its writer thread has read the stored face

    def __init__(self, neutral: StoredNeutral | None) -> None:
        self.neutral, self.recorded = neutral, []

    def latest_neutral(self):
        return self.neutral

    def record(self, events) -> None:
        self.recorded.extend(events)


@pytest.fixture
def shell_rig(window):
    from appliance.ui.shell import MirrorShell

    vision, history = RecordingVision(), FakeHistory(StoredNeutral(GEOMETRY, 0.0, "2026-11-20", 40, RESTING))
    coach = Coach()
    coach.set_personal_neutral(GEOMETRY, "2026-11-20")  # as the history link does at start-up
    shell = MirrorShell(Config(), coach=coach, vision=vision, history=history, use_gpio=False)
    with shown(window, shell):
        settle(0.2)
        yield shell, vision, history


def test_the_stored_neutral_goes_to_vision_at_start_up_and_a_new_one_after_calibration(shell_rig):
    shell, vision, history = shell_rig
    assert vision.neutrals == [GEOMETRY] and vision.appearances == [RESTING]
    event = NeutralCalibrated((("brow_gap", 0.39),), 45, 0.0, 0.0, 1.0, 2.0, (("neutral", 0.9), ("sadness", 0.1)))
    shell.coach._emit(event)
    shell._tick(0)
    assert vision.neutrals[-1] == {"brow_gap": 0.39} and event in history.recorded
    assert vision.appearances[-1] == {"neutral": 0.9, "sadness": 0.1}


def test_settings_offer_recalibration_and_open_the_calibration_screen(shell_rig):
    shell, _, _ = shell_rig
    shell.command(Command.BACK)  # settings
    rows = shell.app.mirror.manager.current_screen.rows
    neutral = next(i for i, row in enumerate(rows) if row.key == "neutral")
    assert rows[neutral].title == "Recalibrate my resting face" and "2026-11-20" in rows[neutral].detail
    for _ in range(neutral):
        shell.command(Command.NEXT)
    shell.command(Command.SELECT)
    assert shell.app.mirror.manager.current == "calibrate"
    assert "Hold still" in shell.app.mirror.manager.current_screen.words


def test_the_settings_row_says_when_an_average_face_is_used():
    panel = SettingsPanel(Config(), "demo", is_open=True)
    (row,) = [row for row in panel.rows() if row.key == "neutral"]
    assert row.title == "Calibrate my resting face" and "average face" in row.detail
    panel.index = panel.rows().index(row)
    assert panel.handle(Command.SELECT) == "calibrate" and not panel.is_open
