"""The OpenCV webcam backend against a fake cv2 module."""

import sys
import types

import numpy as np
import pytest

from appliance.camera.webcam import WebcamSource
from appliance.errors import CameraError


@pytest.fixture
def cv2(monkeypatch):
    state = types.SimpleNamespace(opened=True, frames=2, settings={}, released=False)

    class VideoCapture:
        def __init__(self, index):
            state.index = index

        def isOpened(self):
            return state.opened

        def set(self, prop, value):
            state.settings[prop] = value

        def read(self):
            if state.frames == 0:
                return False, None
            state.frames -= 1
            bgr = np.zeros((4, 6, 3), np.uint8)
            bgr[..., 2] = 200  # red
            return True, bgr

        def release(self):
            state.released = True

    module = types.SimpleNamespace(
        VideoCapture=VideoCapture,
        CAP_PROP_FRAME_WIDTH=3,
        CAP_PROP_FRAME_HEIGHT=4,
        CAP_PROP_FPS=5,
        COLOR_BGR2GRAY=6,
        cvtColor=lambda image, code: image[..., 2].copy(),
    )
    monkeypatch.setitem(sys.modules, "cv2", module)
    return state


def test_frames_come_with_grey_and_rgb_then_a_lost_camera_raises(cv2):
    with WebcamSource(1, size=(320, 240), fps=15) as source:
        frame = source.read()
        assert cv2.index == 1 and cv2.settings == {3: 320, 4: 240, 5: 15}
        assert frame.gray.shape == (4, 6) and frame.rgb[0, 0].tolist() == [200, 0, 0]
        source.read()
        with pytest.raises(CameraError, match="stopped delivering"):
            source.read()
    assert cv2.released


def test_a_webcam_that_does_not_open_is_a_camera_error(cv2):
    cv2.opened = False
    with pytest.raises(CameraError, match="could not be opened"):
        WebcamSource().start()
