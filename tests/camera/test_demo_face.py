"""The demo face: two credited photos of one person, resting and smiling on cue."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from appliance.camera import open_source
from appliance.camera.demo import DEMO_FACES, SMILE_AFTER_S, DemoFaceSource, demo_face_source
from appliance.camera.video import VideoFileSource
from appliance.coach.view import DrillView, Screen, View


@dataclass
class Clock:
    now: float = 100.0

    def __call__(self) -> float:
        return self.now


def drill(screen: Screen, drill_id: str, targets: tuple[str, ...]) -> View:
    return View(screen=screen, drill=DrillView(drill_id, drill_id, "feature", "", targets=targets))


def test_the_photos_are_small_credited_and_in_the_package():
    notice = (DEMO_FACES["rest"].parent / "NOTICE.md").read_text()
    assert "CC BY 4.0" in notice and "10.6084/m9.figshare.5047666.v5" in notice and "Changes made" in notice
    assert "first person in\n`labels.csv` order" in notice  # the rule the person was chosen by
    for path in DEMO_FACES.values():
        assert path.is_file() and path.stat().st_size < 40_000


def test_the_face_rests_and_smiles_a_moment_into_a_drill_that_asks_for_one():
    clock = Clock()
    source = DemoFaceSource(DEMO_FACES, clock=clock)
    source.act(View(screen=Screen.CALIBRATE))
    assert source.expression == "rest"
    source.act(drill(Screen.PREPARE, "cheeky_smile", ("smile",)))
    assert source.expression == "rest"  # the countdown: not yet
    source.act(drill(Screen.DRILL, "cheeky_smile", ("smile",)))
    clock.now += SMILE_AFTER_S - 0.1
    source.act(drill(Screen.DRILL, "cheeky_smile", ("smile",)))
    assert source.expression == "rest"  # the meter is seen low first
    clock.now += 0.2
    source.act(drill(Screen.DRILL, "cheeky_smile", ("smile",)))
    assert source.expression == "smile"
    source.act(View(screen=Screen.RESULT))
    assert source.expression == "rest"
    source.act(drill(Screen.DRILL, "eyebrows_up", ("brow_raise",)))
    clock.now += 10
    source.act(drill(Screen.DRILL, "eyebrows_up", ("brow_raise",)))
    assert source.expression == "rest"  # a drill it does not attempt
    clock.now += 10
    source.act(drill(Screen.DRILL, "happiness", ("happiness",)))
    assert source.expression == "rest"  # a new drill: the moment counts again


def test_frames_show_the_photo_of_the_moment():
    source = demo_face_source(fps=1000)
    with source:
        rest = source.read()
        source.expression = "smile"
        smile = source.read()
    assert rest.size == (480, 360) and rest.rgb.shape == (360, 480, 3) and smile.index == 1
    assert (rest.gray != smile.gray).mean() > 0.2


def test_demo_is_the_face_and_demo_clip_the_video(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "picamera2", None)  # no Pi camera here
    assert isinstance(open_source("demo"), DemoFaceSource) and isinstance(open_source("auto"), DemoFaceSource)
    clip = open_source("demo-clip")
    assert isinstance(clip, VideoFileSource) and clip.name == "demo"  # the DEMO badge for both


@pytest.mark.parametrize("spec", ["demo", "demo-clip"])
def test_both_demos_are_accepted_on_the_command_line(spec):
    from appliance.camera.factory import source_argument

    assert source_argument(spec) == spec
