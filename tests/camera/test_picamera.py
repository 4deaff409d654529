"""The Pi camera backend against a fake picamera2 module injected through sys.modules."""

import sys
import types

import numpy as np
import pytest

from appliance.camera.picamera import PiCameraSource, camera_available, y_plane
from appliance.errors import CameraError


class FakeRig:
    """What the fake library shares: whether a camera is plugged in, and what was asked of it."""

    def __init__(self, *, stride=0):
        self.present = True
        self.stride = stride
        self.configs, self.events = [], []


def fake_picamera2(rig: FakeRig) -> types.ModuleType:
    class FakeRequest:
        def __init__(self, camera):
            self.camera, self.released = camera, False

        def make_array(self, name):
            (w, h), stride = camera_lores(self.camera), max(rig.stride, camera_lores(self.camera)[0])
            if name == "lores":  # (H*3/2, stride): Y rows then U and V, padded to the stride
                yuv = np.full((h * 3 // 2, stride), 7, np.uint8)
                yuv[:h, :w] = np.arange(w, dtype=np.uint8)[np.newaxis, :] + np.arange(h, dtype=np.uint8)[:, None]
                return yuv
            mw, mh = self.camera.config["main"]["size"]
            bgr = np.zeros((mh, mw, 3), np.uint8)
            bgr[..., 0] = 255  # blue
            return bgr

        def release(self):
            self.released = True
            rig.events.append("release")

    def camera_lores(camera):
        return camera.config["lores"]["size"]

    class Picamera2:
        @staticmethod
        def global_camera_info():
            return [{"Model": "imx708", "Num": 0}] if rig.present else []

        def __init__(self, camera_num=0):
            if not rig.present:
                raise IndexError("list index out of range")
            self.config = None

        def create_video_configuration(self, main, lores, controls):
            return {"main": dict(main), "lores": dict(lores), "controls": dict(controls)}

        def configure(self, config):
            rig.configs.append(config)
            self.config = config

        def camera_configuration(self):
            return self.config

        def start(self):
            rig.events.append("start")

        def capture_request(self, wait=None):
            if not rig.present:
                raise TimeoutError("no frame")
            return FakeRequest(self)

        def stop(self):
            rig.events.append("stop")

        def close(self):
            rig.events.append("close")

    return types.SimpleNamespace(Picamera2=Picamera2)


@pytest.fixture
def rig(monkeypatch):
    rig = FakeRig(stride=704)  # 640 wide lores rows padded to 704 bytes
    monkeypatch.setitem(sys.modules, "picamera2", fake_picamera2(rig))
    return rig


def test_asks_for_a_main_stream_and_a_yuv420_lores_stream(rig):
    with PiCameraSource(size=(640, 480), fps=25, preview_size=(1280, 960)) as source:
        assert rig.events == ["start"]
        frame = source.read()
    (config,) = rig.configs
    assert config["lores"] == {"size": (640, 480), "format": "YUV420"}
    assert config["main"] == {"size": (1280, 960), "format": "RGB888"}
    assert config["controls"] == {"FrameRate": 25.0}
    assert rig.events == ["start", "release", "stop", "close"]
    assert frame.size == (640, 480) and frame.index == 0
    expected = (np.arange(640)[None, :] + np.arange(480)[:, None]).astype(np.uint8)
    np.testing.assert_array_equal(frame.gray, expected)  # the Y plane, without the padding or the chroma
    assert frame.rgb.shape == (960, 1280, 3) and frame.rgb[0, 0].tolist() == [0, 0, 255]  # BGR in memory


def test_the_preview_stream_defaults_to_the_vision_size(rig):
    with PiCameraSource(size=(320, 240)) as source:
        frame = source.read()
    assert rig.configs[0]["main"]["size"] == (320, 240)
    assert frame.rgb.shape[:2] == frame.gray.shape == (240, 320)


def test_y_plane_drops_stride_padding_and_copies():
    buffer = np.zeros((6, 8), np.uint8)
    buffer[:4, :6] = 9
    plane = y_plane(buffer, (6, 4))
    assert plane.shape == (4, 6) and np.all(plane == 9)
    plane[0, 0] = 1
    assert buffer[0, 0] == 9
    with pytest.raises(CameraError, match="does not hold"):
        y_plane(buffer, (10, 4))


def test_a_camera_that_vanishes_raises_and_comes_back_after_a_restart(rig):
    source = PiCameraSource()
    source.start()
    assert source.read().index == 0
    rig.present = False
    with pytest.raises(CameraError, match="no frame"):
        source.read(timeout=0.1)
    source.stop()
    with pytest.raises(CameraError, match="could not be opened"):
        source.start()
    assert not source.is_open and not camera_available()
    rig.present = True
    source.start()
    assert source.read().index == 1 and camera_available()
    source.stop()


def test_without_picamera2_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "picamera2", None)  # import raises ImportError
    assert not camera_available()
    with pytest.raises(CameraError, match="picamera2 is not installed") as caught:
        PiCameraSource().start()
    assert "apt install python3-picamera2" in caught.value.hint


def test_the_preview_must_not_be_smaller_than_the_vision_frames():
    with pytest.raises(CameraError, match="smaller"):
        PiCameraSource(size=(640, 480), preview_size=(320, 240))


def test_auto_picks_the_pi_camera_when_one_is_present(rig):
    from appliance.camera import open_source

    assert isinstance(open_source("auto"), PiCameraSource)
    rig.present = False
    assert open_source("auto").name == "demo"
