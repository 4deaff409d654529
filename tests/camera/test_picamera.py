"""The Pi camera backend against a fake picamera2 module injected through sys.modules."""

import os
import sys
import threading
import time
import types

import numpy as np
import pytest

from appliance.camera import picamera
from appliance.camera.picamera import CameraBroken, PiCameraSource, camera_available, y_plane
from appliance.errors import CameraError


class FakeRig:
    """What the fake library shares: whether a camera is plugged in, and what was asked of it."""

    def __init__(self, *, stride=0):
        self.present = True
        self.busy = False  # another process holds the camera
        self.stall = False  # requests never complete (a loose ribbon cable)
        self.has_flush = True  # picamera2 0.3.20+ has cancel_all_and_flush
        self.has_autofocus = True  # a Camera Module 3 (imx708) has a motorised lens; a v2 or HQ camera has not
        self.hang_stop = False  # libcamera's stop never returns (a wedged driver)
        self.stride = stride
        self.configs, self.events = [], []
        self.unblock = threading.Event()  # lets a stop() stuck behind a queued job finish (test teardown)


def fake_picamera2(rig: FakeRig) -> types.ModuleType:
    """Behaves like picamera2 0.3.36 where it matters (picamera2/picamera2.py): the constructor opens
    a notification pipe before it looks the camera up and registers with the camera manager before
    it acquires it; create_video_configuration rounds sizes down to even (align_stream, optimal=False)
    and configure refuses what check_camera_config refuses; start() runs the NullPreview event loop;
    a capture that times out leaves its job queued, and stop() (a job of that loop) waits behind it;
    close() stops the preview loop first, then stops the camera directly (stop_), as picamera2 does."""

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

    class CameraManager:
        def __init__(self):
            self.cameras = {}

        def add(self, index, camera):
            self.cameras[index] = camera

        def cleanup(self, index):
            del self.cameras[index]

    class Picamera2:
        _cm = CameraManager()

        @staticmethod
        def global_camera_info():
            return [{"Model": "imx708", "Num": 0}] if rig.present else []

        def __init__(self, camera_num=0):
            self.notifyme_r, self.notifyme_w = os.pipe2(os.O_NONBLOCK)
            self.notifymeread = os.fdopen(self.notifyme_r, "rb")
            self.is_open = False
            camera_num = self.global_camera_info()[camera_num]["Num"]  # IndexError when absent
            self._cm.add(camera_num, self)
            self.camera_idx = camera_num
            self._job_list = []
            self.started = False
            self._preview = None
            self.config = None
            if rig.busy:
                raise RuntimeError("Camera __init__ sequence did not complete.")
            self.is_open = True

        @property
        def camera_controls(self):  # name -> (min, max, default), as libcamera advertises them
            advertised = {
                "FrameDurationLimits": (33333, 120000000, None),
                "NoiseReductionMode": (0, 4, 0),
                "ExposureValue": (-8.0, 8.0, 0.0),
                "Brightness": (-1.0, 1.0, 0.0),
            }
            if rig.has_autofocus:
                advertised.update(AfMode=(0, 2, 0), LensPosition=(0.0, 15.0, 1.0))
            return advertised

        def create_video_configuration(self, main={}, lores=None, controls={}):  # noqa: B006 (picamera2's own)
            if not self.is_open:
                raise RuntimeError("Camera not opened")
            main = {"format": "XBGR8888", "size": (1280, 720), "preserve_ar": True} | dict(main)
            lores = None if lores is None else {"format": "YUV420", "size": main["size"], "preserve_ar": False} | lores
            for stream in (main, lores):
                if stream is not None:  # align_stream(optimal=False): even width and height
                    width, height = stream["size"]
                    stream["size"] = (width - width % 2, height - height % 2)
            defaults = {"NoiseReductionMode": 1, "FrameDurationLimits": (33333, 33333)}
            return {
                "use_case": "video", "transform": "Transform()", "colour_space": "Smpte170m", "buffer_count": 6,
                "queue": True, "main": main, "lores": lores, "raw": None, "controls": defaults | dict(controls),
                "sensor": {}, "display": "main", "encode": "main",
            }  # fmt: skip

        def configure(self, config):
            check_camera_config(config)
            for name in config["controls"]:  # picamera2's Controls refuses what the camera does not advertise
                if {"FrameRate": "FrameDurationLimits"}.get(name, name) not in self.camera_controls:
                    raise RuntimeError(f"Control {name} is not advertised by libcamera")
            rig.configs.append(config)
            self.config = config

        def camera_configuration(self):
            return self.config

        def start(self):
            if not self.config:
                raise RuntimeError("Camera has not been configured")
            self._preview = True  # start(show_preview=False) runs a NullPreview: the event loop
            self.started = True
            rig.events.append("start")

        def capture_request(self, wait=None):
            if rig.stall or not rig.present:
                self._job_list.append("capture")  # the job stays queued after the timeout
                raise TimeoutError("no frame")
            return FakeRequest(self)

        def stop(self):
            if not self.started:
                return
            if self._preview and self._job_list:  # through the event loop: behind the stuck capture
                rig.events.append("stop blocked")
                rig.unblock.wait()
            self.stop_()

        def stop_(self):
            if rig.hang_stop:  # libcamera's Camera.stop() itself does not return
                rig.events.append("stop hangs")
                rig.unblock.wait()
            self.started = False
            rig.events.append("stop")

        def stop_preview(self):  # NullPreview.stop(): ends its select loop (0.2 s polls), never waits on a job
            self._preview = None
            rig.events.append("preview stopped")

        def close(self):
            if self._preview:
                self.stop_preview()
            if not self.is_open:
                return
            self.stop()  # no event loop any more: stop_() directly
            self._cm.cleanup(self.camera_idx)
            self.is_open = False
            self.notifymeread.close()
            os.close(self.notifyme_w)
            rig.events.append("close")

    if rig.has_flush:

        def cancel_all_and_flush(self):
            rig.events.append("flush")
            self._job_list = []

        Picamera2.cancel_all_and_flush = cancel_all_and_flush

    return types.SimpleNamespace(Picamera2=Picamera2)


def check_camera_config(config):
    """What picamera2 0.3.36's check_camera_config and check_stream_config refuse (picamera2.py:940-991),
    on a Pi 4 (VC4: lores must be YUV)."""
    for name in ("colour_space", "transform", "main", "lores", "raw"):
        if name not in config:
            raise RuntimeError(f"{name!r} key expected in camera configuration")
    for name in ("main", "lores"):
        stream = config[name]
        if stream is None:
            continue
        if type(stream) is not dict or type(stream.get("format")) is not str:
            raise RuntimeError(f"format in {name} stream should be a string")
        size = stream.get("size")
        if type(size) is not tuple or len(size) != 2:
            raise RuntimeError("size in " + name + " stream should be (width, height)")
        if size[0] % 2 or size[1] % 2:
            raise RuntimeError("width and height should be even")
    if config["lores"] is not None:
        (main_w, main_h), (lores_w, lores_h) = config["main"]["size"], config["lores"]["size"]
        if lores_w > main_w or lores_h > main_h:
            raise RuntimeError("lores stream dimensions may not exceed main stream")
        if not config["lores"]["format"].startswith(("YUV", "YVU")):
            raise RuntimeError("lores stream must be YUV")


def asked(config) -> dict:
    """The controls the source asked for, without the defaults picamera2 adds to a video configuration."""
    return {name: value for name, value in config["controls"].items() if name not in PICAMERA2_DEFAULTS}


PICAMERA2_DEFAULTS = ("NoiseReductionMode", "FrameDurationLimits")


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture(autouse=True)
def fresh_import_state(monkeypatch):
    monkeypatch.setattr(picamera, "_import_failure", None)


@pytest.fixture
def rig(monkeypatch):
    rig = FakeRig(stride=704)  # 640 wide lores rows padded to 704 bytes
    monkeypatch.setitem(sys.modules, "picamera2", fake_picamera2(rig))
    yield rig
    rig.unblock.set()


def test_asks_for_a_main_stream_and_a_yuv420_lores_stream(rig):
    with PiCameraSource(size=(640, 480), fps=25, preview_size=(1280, 960)) as source:
        assert rig.events == ["start"]
        frame = source.read()
    (config,) = rig.configs
    assert (config["lores"]["size"], config["lores"]["format"]) == ((640, 480), "YUV420")
    assert (config["main"]["size"], config["main"]["format"]) == ((1280, 960), "RGB888")
    assert asked(config) == {"FrameRate": 25.0, "AfMode": 2}  # the fake is a Camera Module 3
    assert rig.events == ["start", "release", "stop", "preview stopped", "close"]
    assert frame.size == (640, 480) and frame.index == 0
    expected = (np.arange(640)[None, :] + np.arange(480)[:, None]).astype(np.uint8)
    np.testing.assert_array_equal(frame.gray, expected)  # the Y plane, without the padding or the chroma
    assert frame.rgb.shape == (960, 1280, 3) and frame.rgb[0, 0].tolist() == [0, 0, 255]  # BGR in memory


def test_the_preview_stream_defaults_to_the_vision_size(rig):
    with PiCameraSource(size=(320, 240)) as source:
        frame = source.read()
    assert rig.configs[0]["main"]["size"] == (320, 240)
    assert frame.rgb.shape[:2] == frame.gray.shape == (240, 320)


def test_y_plane_is_a_view_of_picamera2s_copy_when_rows_are_not_padded():
    # picamera2's make_array already copies the buffer (request.py make_array: np.copy): no second copy.
    buffer = np.arange(6 * 8, dtype=np.uint8).reshape(6, 8)
    plane = y_plane(buffer, (8, 4))
    assert np.shares_memory(plane, buffer) and plane.flags.c_contiguous
    np.testing.assert_array_equal(plane, buffer[:4])


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
    assert caught.value.retryable is False  # source=camera reports it once instead of retrying for ever


def test_the_preview_must_not_be_smaller_than_the_vision_frames():
    with pytest.raises(CameraError, match="smaller"):
        PiCameraSource(size=(640, 480), preview_size=(320, 240))


def test_auto_picks_the_pi_camera_when_one_is_present(rig):
    from appliance.camera import open_source

    assert isinstance(open_source("auto"), PiCameraSource)
    rig.present = False
    assert open_source("auto").name == "demo"


NUMPY_ABI_ERROR = "numpy.dtype size changed, may indicate binary incompatibility. Expected 96 from C header, got 88"


@pytest.fixture
def broken_picamera2(tmp_path, monkeypatch):
    """A picamera2 whose import fails as on a Pi where pip's numpy 2 shadows apt's numpy 1.24
    (picamera2/request.py imports simplejpeg, built against apt's numpy)."""
    package = tmp_path / "picamera2"
    package.mkdir()
    counter = "pathlib.Path(__file__).with_name('imports').open('a').write('x')"
    (package / "__init__.py").write_text(f"import pathlib\n{counter}\nraise ValueError({NUMPY_ABI_ERROR!r})\n")
    monkeypatch.delitem(sys.modules, "picamera2", raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    return package / "imports"


def test_the_numpy_abi_failure_is_named_with_its_fix_and_never_retried(broken_picamera2):
    with pytest.raises(CameraBroken, match="numpy does not match") as caught:
        PiCameraSource().start()
    assert "numpy.dtype size changed" in str(caught.value) and "numpy<2" in caught.value.hint
    assert caught.value.retryable is False
    with pytest.raises(CameraBroken):  # camera_available does not swallow it
        camera_available()
    assert broken_picamera2.read_text() == "x"  # imported once: the failure is remembered


def test_auto_with_a_broken_picamera2_runs_the_demo_and_says_why(broken_picamera2, caplog):
    from appliance.camera import open_source

    source = open_source("auto")
    assert source.name == "demo"
    assert "Pi camera" in source.notice and "the log" in source.notice  # the glass: a line, no paragraph
    assert "numpy does not match" in caplog.text and "numpy<2" in caplog.text  # the log: the fault and its fix


def test_auto_on_a_pi_with_a_broken_picamera2_says_why_and_shows_no_stranger(broken_picamera2, monkeypatch):
    from appliance.camera import factory, open_source

    monkeypatch.setattr(factory, "is_raspberry_pi", lambda: True)
    with pytest.raises(CameraBroken, match="numpy does not match"):
        open_source("auto")


def test_another_import_failure_is_reported_too(tmp_path, monkeypatch):
    (tmp_path / "picamera2").mkdir()
    (tmp_path / "picamera2" / "__init__.py").write_text("import libcamera_helper_that_is_missing\n")
    monkeypatch.delitem(sys.modules, "picamera2", raising=False)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(CameraBroken, match="installed but cannot be imported") as caught:
        camera_available()
    assert "apt install --reinstall python3-picamera2" in caught.value.hint


def test_a_busy_camera_is_an_error_and_retries_leak_no_file_descriptors(rig):
    rig.busy = True
    source = PiCameraSource()
    with pytest.raises(CameraError, match="could not be opened.*did not complete"):
        source.start()
    before = open_fds()
    for _ in range(30):
        with pytest.raises(CameraError):
            source.start()
    assert open_fds() == before
    manager = sys.modules["picamera2"].Picamera2._cm
    assert manager.cameras == {}  # the half-built cameras were unregistered
    rig.busy = False
    source.start()
    assert source.read().index == 0
    source.stop()
    assert open_fds() == before


def test_a_missing_camera_is_retried_without_leaking(rig):
    rig.present = False
    source = PiCameraSource()
    before = open_fds()
    for _ in range(30):
        with pytest.raises(CameraError, match="lists 0 camera"):
            source.start()
    assert open_fds() == before


def test_after_a_stall_the_queued_job_is_flushed_so_stop_returns(rig):
    source = PiCameraSource(stop_timeout=2.0)
    source.start()
    rig.stall = True
    with pytest.raises(CameraError, match="no frame"):
        source.read(timeout=0.05)
    source.stop()
    assert rig.events == ["start", "flush", "stop", "preview stopped", "close"]
    assert not source.is_wedged
    rig.stall = False
    source.start()  # the camera was released: it opens again
    source.stop()


def test_without_cancel_all_and_flush_close_alone_releases_a_stalled_camera(monkeypatch):
    # picamera2 older than 0.3.20: stop() would queue behind the stuck capture, so only close() is
    # called, and close() stops the preview loop first, then the camera directly (picamera2.py:704-719).
    rig = FakeRig()
    rig.has_flush = False
    monkeypatch.setitem(sys.modules, "picamera2", fake_picamera2(rig))
    try:
        source = PiCameraSource(stop_timeout=1.0)
        source.start()
        rig.stall = True
        with pytest.raises(CameraError):
            source.read(timeout=0.05)
        source.stop()
        assert rig.events == ["start", "preview stopped", "stop", "close"] and not source.is_wedged
        rig.stall = False
        source.start()  # released: it opens again in this process
        source.stop()
    finally:
        rig.unblock.set()


def test_a_camera_whose_stop_hangs_is_given_up_within_the_timeout_and_marked_wedged(rig):
    source = PiCameraSource(stop_timeout=0.2)
    source.start()
    rig.stall = True
    with pytest.raises(CameraError):
        source.read(timeout=0.05)
    rig.hang_stop = True  # libcamera's own stop does not return (a wedged driver)
    started = time.monotonic()
    source.stop()
    assert time.monotonic() - started < 1.0
    assert "stop hangs" in rig.events and source.is_wedged
    with pytest.raises(CameraBroken, match="did not stop"):
        source.start()


def test_the_fake_refuses_what_picamera2_refuses(rig):
    # check_camera_config (picamera2.py:965-991): even sizes, lores no larger than main, lores YUV on a Pi 4.
    camera = sys.modules["picamera2"].Picamera2(0)
    config = camera.create_video_configuration(main={"size": (640, 480)}, lores={"size": (640, 480)})
    config["lores"]["size"] = (641, 480)
    with pytest.raises(RuntimeError, match="should be even"):
        camera.configure(config)
    config["lores"]["size"] = (1280, 960)
    with pytest.raises(RuntimeError, match="may not exceed main"):
        camera.configure(config)
    config["lores"] = {"size": (320, 240), "format": "RGB888"}
    with pytest.raises(RuntimeError, match="must be YUV"):
        camera.configure(config)
    camera.close()


def test_an_odd_camera_size_gets_picamera2s_even_size_and_the_frames_say_so(rig):
    # create_video_configuration rounds each stream down to even (align_stream, optimal=False).
    with PiCameraSource(size=(641, 481), fps=25) as source:
        frame = source.read()
    assert rig.configs[0]["lores"]["size"] == (640, 480) and rig.configs[0]["main"]["size"] == (640, 480)
    assert frame.size == (640, 480) and frame.gray.shape == (480, 640)


def test_exposure_and_brightness_are_sent_as_libcamera_controls(rig):
    rig.has_autofocus = False
    with PiCameraSource(fps=20, exposure_value=1.5, brightness=0.2):
        pass
    assert asked(rig.configs[0]) == {"FrameRate": 20.0, "ExposureValue": 1.5, "Brightness": 0.2}


def test_a_motorised_lens_keeps_the_face_in_focus_and_a_fixed_one_is_not_asked_to(rig):
    from appliance.camera.picamera import AF_MODE_CONTINUOUS

    with PiCameraSource(fps=20):  # a Camera Module 3: continuous autofocus (picamera2 leaves the lens put)
        pass
    assert asked(rig.configs[-1]) == {"FrameRate": 20.0, "AfMode": AF_MODE_CONTINUOUS} and AF_MODE_CONTINUOUS == 2
    with PiCameraSource(fps=20, autofocus=False):  # turned off in config.toml: the lens is left as it is
        pass
    assert asked(rig.configs[-1]) == {"FrameRate": 20.0}
    rig.has_autofocus = False  # a camera without AfMode would refuse it: not asked
    with PiCameraSource(fps=20):
        pass
    assert asked(rig.configs[-1]) == {"FrameRate": 20.0}


def test_best_takes_ask_for_a_larger_main_stream_of_the_same_aspect(rig):
    from appliance.camera import open_source
    from appliance.camera.picamera import still_size

    assert still_size((640, 480)) == (1920, 1440)
    assert still_size((1280, 720)) == (1920, 1080)
    assert still_size((2560, 1920)) == (2560, 1920)  # never below the vision size
    with open_source("camera", size=(640, 480), still_size=still_size((640, 480))) as source:
        frame = source.read()
    assert rig.configs[0]["main"]["size"] == (1920, 1440)
    assert rig.configs[0]["lores"]["size"] == (640, 480)
    assert frame.gray.shape == (480, 640)  # vision still reads the small picture
    assert frame.rgb.shape == (1440, 1920, 3) and frame.rgb[0, 0].tolist() == [0, 0, 255]  # RGB, full size
