"""Video file, image folder and demo sources, the factory, and the pacing and back-off helpers."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from appliance.camera import Backoff, EndOfStream, open_source
from appliance.camera.demo import DEMO_CLIP, demo_source
from appliance.camera.folder import ImageFolderSource
from appliance.camera.pacing import Pacer
from appliance.camera.video import VideoFileSource
from appliance.errors import CameraError


def test_the_demo_clip_is_in_the_package_and_loops():
    assert DEMO_CLIP.is_file() and (DEMO_CLIP.parent / "README.md").is_file()
    source = demo_source(realtime=False)
    with source:
        first = source.read()
        for _ in range(275):
            frame = source.read()
    assert first.size == (640, 360) and first.rgb.shape == (360, 640, 3)
    assert frame.index == 275  # past the clip's 275 frames without an end
    assert source.fps == pytest.approx(29.97)


def test_a_video_without_loop_ends_and_timestamps_rise():
    with VideoFileSource(DEMO_CLIP) as source:
        frames = list(source)
        with pytest.raises(EndOfStream):
            source.read()
    assert len(frames) == 275 and frames[0].rgb is None
    assert all(b.timestamp >= a.timestamp for a, b in zip(frames, frames[1:], strict=False))
    assert frames[0].gray.dtype == np.uint8 and frames[0].gray.shape == (360, 640)


def test_a_file_that_is_not_a_video_is_a_camera_error(tmp_path):
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(b"not a video at all")
    with pytest.raises(CameraError, match="could not be opened"):
        VideoFileSource(bad).start()


def test_a_folder_gives_its_images_in_order_and_skips_broken_ones(tmp_path):
    Image.fromarray(np.full((20, 30, 3), 200, np.uint8)).save(tmp_path / "a.png")
    (tmp_path / "b.jpg").write_bytes(b"broken")
    Image.fromarray(np.full((10, 12), 50, np.uint8)).save(tmp_path / "c.png")
    (tmp_path / "notes.txt").write_text("not an image")
    with ImageFolderSource(tmp_path) as source:
        frames = list(source)
    assert [f.size for f in frames] == [(30, 20), (12, 10)]
    assert frames[0].rgb is not None and frames[1].rgb is None
    assert frames[1].gray[0, 0] == 50 and [f.index for f in frames] == [0, 1]


def test_a_folder_loops_when_asked(tmp_path):
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "only.png")
    with ImageFolderSource(tmp_path, loop=True) as source:
        assert [source.read().index for _ in range(3)] == [0, 1, 2]


def test_an_empty_folder_is_a_camera_error(tmp_path):
    with pytest.raises(CameraError, match="no image files"):
        ImageFolderSource(tmp_path).start()


def test_reading_a_source_that_is_not_started_is_an_error():
    with pytest.raises(CameraError, match="not started"):
        VideoFileSource(DEMO_CLIP).read()


def test_open_source_picks_the_backend(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "picamera2", None)  # no Pi camera here
    assert open_source("auto").name == "demo"
    assert open_source("demo").name == "demo"
    assert isinstance(open_source(str(DEMO_CLIP)), VideoFileSource)
    assert isinstance(open_source(str(tmp_path)), ImageFolderSource)
    assert open_source("webcam:2").name == "webcam:2"
    with pytest.raises(CameraError, match="not a number"):
        open_source("webcam:x")
    with pytest.raises(CameraError, match="neither a source name"):
        open_source(str(Path(tmp_path) / "missing.mp4"))


def test_the_webcam_without_opencv_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "cv2", None)
    with pytest.raises(CameraError, match="needs OpenCV") as caught:
        open_source("webcam").start()
    assert "appliance[webcam]" in caught.value.hint


def test_pacer_spaces_frames_and_catches_up_when_late():
    now, slept = [0.0], []
    pacer = Pacer(10.0, clock=lambda: now[0], sleep=lambda s: slept.append(round(s, 6)))
    pacer.wait()  # first frame: at once
    now[0] = 0.04
    pacer.wait()  # due at 0.1
    now[0] = 0.5  # far behind: no burst of sleeps-free frames, a fresh schedule
    pacer.wait()
    assert slept == [0.06]


def test_backoff_doubles_to_a_ceiling_and_resets():
    backoff = Backoff(initial=0.5, maximum=3)
    assert [backoff.next_delay() for _ in range(5)] == [0.5, 1.0, 2.0, 3, 3]
    backoff.reset()
    assert backoff.next_delay() == 0.5


def test_auto_on_a_pi_without_a_camera_says_so_and_shows_no_strangers_face(monkeypatch):
    import sys

    import appliance.camera.factory as factory

    monkeypatch.setitem(sys.modules, "picamera2", None)
    monkeypatch.setattr(factory, "is_raspberry_pi", lambda: True)
    with pytest.raises(CameraError, match="No camera found") as error:
        open_source("auto")
    assert "--source demo" in error.value.hint
    assert open_source("demo").name == "demo"  # asked for by name, the demo still plays
