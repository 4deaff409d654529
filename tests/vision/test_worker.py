"""The vision worker thread: newest frame only, and it survives bad frames and failing sources."""

import threading
import time

import numpy as np
import pytest

from appliance.camera import Backoff, EndOfStream, Frame, FrameSource
from appliance.errors import CameraError, FrameError
from appliance.messages import Observation
from appliance.vision.pipeline import check_frame
from appliance.vision.worker import LatestFrame, VisionWorker

WAIT = 5.0  # seconds: a generous bound for things that happen in milliseconds


def frame(index: int, shape=(32, 32)) -> Frame:
    return Frame(np.full(shape, index % 256, np.uint8), float(index), None, index)


class FakePipeline:
    """Records the frames it reads; the first one can be held until ``release`` is set."""

    def __init__(self, *, hold_first=False):
        self.seen = []
        self.started = threading.Event()
        self.release = threading.Event()
        if not hold_first:
            self.release.set()

    def observe(self, item):
        check_frame(item)
        self.seen.append(item.index)
        self.started.set()
        assert self.release.wait(WAIT)
        return Observation(timestamp=item.timestamp, frame_size=item.size)


def test_the_slot_keeps_only_the_newest_frame():
    slot = LatestFrame()
    for i in range(3):
        slot.put(i)
    assert slot.take(0) == 2 and slot.dropped == 2
    assert slot.take(0.01) is None
    slot.close()
    assert slot.take(None) is None


def test_stale_frames_are_dropped_while_the_pipeline_is_busy():
    pipeline = FakePipeline(hold_first=True)
    with VisionWorker(pipeline) as worker:
        worker.submit(frame(0))
        assert pipeline.started.wait(WAIT)
        for i in range(1, 10):  # arrive while frame 0 is being read
            worker.submit(frame(i))
        pipeline.release.set()
        latest = worker.wait_for_observation(WAIT, where=lambda o: o.timestamp == 9.0)
    assert latest is not None
    assert pipeline.seen == [0, 9]
    assert worker.frames_dropped == 8 and worker.frames_processed == 2


def test_a_bad_frame_is_skipped_and_the_worker_goes_on():
    import queue

    errors, seen = queue.Queue(), []
    with VisionWorker(FakePipeline(), when_observation=seen.append, when_error=errors.put) as worker:
        for bad in (frame(1, shape=(32, 32, 7)), "not a frame", Frame(np.zeros((32, 32), np.float32), 2.0)):
            worker.submit(bad)
            assert isinstance(errors.get(timeout=WAIT), FrameError)  # one at a time: none is replaced
        worker.submit(frame(3))
        assert worker.wait_for_observation(WAIT) is not None
        assert worker.is_running
    assert [o.timestamp for o in seen] == [3.0]
    assert worker.bad_frames == 3 and isinstance(worker.last_error, FrameError)


def test_a_failing_callback_or_pipeline_does_not_kill_the_worker():
    class Flaky(FakePipeline):
        def observe(self, item):
            if item.index == 1:
                raise RuntimeError("interpreter hiccup")
            return super().observe(item)

    def callback(observation):
        raise ValueError("a broken subscriber")

    with VisionWorker(Flaky(), when_observation=callback) as worker:
        worker.submit(frame(1))
        worker.submit(frame(2))
        assert worker.wait_for_observation(WAIT, where=lambda o: o.timestamp == 2.0) is not None
        worker.submit(frame(3))
        assert worker.wait_for_observation(WAIT, where=lambda o: o.timestamp == 3.0) is not None
        assert worker.is_running and isinstance(worker.last_error, ValueError)


class FailingSource(FrameSource):
    """Fails to start once, then fails two reads, then gives frames; ``limit`` ends it."""

    name = "flaky"

    def __init__(self, limit=None):
        super().__init__()
        self.starts, self.reads, self.limit = 0, 0, limit

    def _open(self):
        self.starts += 1
        if self.starts == 1:
            raise CameraError("camera not there yet")

    def _read(self, timeout):
        self.reads += 1
        if self.reads in (2, 3):
            raise CameraError("camera vanished")
        if self.limit is not None and self.reads > self.limit:
            raise EndOfStream
        return frame(self.reads)

    def _close(self):
        pass


def test_a_failing_source_is_restarted_with_back_off():
    source = FailingSource()
    pipeline = FakePipeline()
    with VisionWorker(pipeline, source, backoff=Backoff(initial=0.001, maximum=0.01)) as worker:
        assert worker.wait_for_observation(WAIT, where=lambda o: o.timestamp >= 5) is not None
        assert worker.is_running
    assert source.starts >= 3 and worker.source_restarts == 3  # start failure + two read failures
    assert isinstance(worker.last_error, CameraError)
    assert not worker.is_running and not source.is_open


def test_a_finite_source_finishes_and_the_worker_stays_up():
    source = FailingSource(limit=6)
    with VisionWorker(FakePipeline(), source, backoff=Backoff(initial=0.001)) as worker:
        assert worker.wait_for_observation(WAIT, where=lambda o: o.timestamp == 6.0) is not None
        worker._source_done.wait(WAIT)
        assert worker.is_source_finished and worker.is_running


def test_the_real_pipeline_on_the_demo_clip_reports_a_face():
    from appliance.camera import open_source
    from appliance.vision.classifier import EXPRESSIONS
    from appliance.vision.pipeline import VisionPipeline

    pipeline = VisionPipeline()  # the shipped models
    with VisionWorker(pipeline, open_source("demo-clip")) as worker:
        observation = worker.wait_for_observation(WAIT * 2, where=lambda o: o.has_face)
    assert observation is not None and observation.frame_size == (640, 360)
    assert list(observation.smoothed) == list(EXPRESSIONS)
    assert sum(observation.probabilities.values()) == pytest.approx(1, abs=1e-3)
    assert {"landmarks", "align", "classify", "total"} <= set(observation.latency_ms)  # "detect" only when it ran


def test_a_slowed_worker_waits_its_interval_then_takes_the_newest_frame():
    import time

    pipeline = FakePipeline()
    with VisionWorker(pipeline) as worker:
        worker.set_rate(2.0)  # one frame each 0.5 s
        assert worker.rate == 2.0
        worker.submit(frame(0))
        assert worker.wait_for_observation(WAIT) is not None
        first = time.monotonic()
        for i in range(1, 6):
            worker.submit(frame(i))
        time.sleep(0.2)
        assert pipeline.seen == [0]  # not due yet
        assert worker.wait_for_observation(WAIT, where=lambda o: o.timestamp == 5.0) is not None
        assert time.monotonic() - first >= 0.45
    assert pipeline.seen == [0, 5]


def test_full_speed_again_cuts_a_slow_wait_short():
    import time

    pipeline = FakePipeline()
    with VisionWorker(pipeline) as worker:
        worker.set_rate(0.1)  # one frame each 10 s
        worker.submit(frame(0))
        assert worker.wait_for_observation(WAIT) is not None
        worker.submit(frame(1))
        start = time.monotonic()
        worker.set_rate(None)
        assert worker.wait_for_observation(WAIT, where=lambda o: o.timestamp == 1.0) is not None
        assert time.monotonic() - start < 5.0 and worker.rate is None
    with pytest.raises(ValueError, match="fps"):
        worker.set_rate(0)


class HangingSource(FrameSource):
    """Gives frames until ``hang`` is set; then a read blocks, ignoring its timeout, until ``release``."""

    def __init__(self, name="hanging"):
        super().__init__()
        self.name = name
        self.hang, self.release, self.hung = threading.Event(), threading.Event(), threading.Event()
        self.count, self.starts, self.stops = 0, 0, 0

    def _open(self):
        self.starts += 1

    def _read(self, timeout):
        if self.hang.is_set():
            self.hung.set()
            self.release.wait()
        self.count += 1
        return frame(self.count)

    def _close(self):
        self.stops += 1


def test_a_read_that_hangs_past_its_timeout_is_reported_and_the_source_made_again():
    first, second = HangingSource("first"), HangingSource("second")
    made = []
    errors = []

    def reopen():
        made.append(second)
        return second

    worker = VisionWorker(
        FakePipeline(), first, read_timeout=0.05, stall_margin=0.2, reopen=reopen, when_error=errors.append
    )
    try:
        with worker:
            assert worker.wait_for_observation(WAIT) is not None
            first.hang.set()
            assert first.hung.wait(WAIT)
            # the replacement delivers: observations carry on from the second source's frames
            assert worker.wait_for_observation(WAIT, where=lambda o: second.count >= 3) is not None
            assert worker.stalls == 1 and worker.source is second and worker.is_running
            assert "hung" in str(errors[0]) and "restarted" in str(errors[0])
            assert worker.stalls_in_a_row == 0  # frames flow again
            first.release.set()  # the abandoned reader returns at last: it stops its old source and leaves
            deadline = time.monotonic() + WAIT
            while first.stops == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert first.stops == 1 and second.is_open
    finally:
        first.release.set()


def test_without_reopen_a_hung_source_is_stopped_and_started_again():
    source = HangingSource()
    with VisionWorker(FakePipeline(), source, read_timeout=0.05, stall_margin=0.1) as worker:
        assert worker.wait_for_observation(WAIT) is not None
        source.hang.set()
        assert source.hung.wait(WAIT)
        deadline = time.monotonic() + WAIT
        while worker.stalls < 2 and time.monotonic() < deadline:  # the second reader hangs too
            time.sleep(0.01)
        assert worker.stalls >= 2 and worker.stalls_in_a_row >= 2 and source.stops >= 1
        source.release.set()


class BrokenSource(FrameSource):
    name = "broken"

    def __init__(self):
        super().__init__()
        self.starts = 0

    def _open(self):
        self.starts += 1
        error = CameraError("picamera2 is installed but cannot be imported")
        error.retryable = False
        raise error

    def _read(self, timeout):
        raise AssertionError("never opened")

    def _close(self):
        pass


def test_an_error_that_cannot_heal_is_reported_once_and_not_retried():
    source = BrokenSource()
    errors = []
    with VisionWorker(FakePipeline(), source, backoff=Backoff(initial=0.001), when_error=errors.append) as worker:
        deadline = time.monotonic() + WAIT
        while worker.source_failure is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05)
        assert source.starts == 1 and len(errors) == 1 and worker.source_restarts == 0
        assert "cannot be imported" in str(worker.source_failure)
        assert time.monotonic() - worker.heartbeat < 1.0  # the worker thread itself keeps going


def test_a_stream_of_bad_frames_is_logged_once_not_once_a_frame(caplog):
    import logging
    import queue

    errors = queue.Queue()
    with (
        caplog.at_level(logging.WARNING, logger="appliance.vision.worker"),
        VisionWorker(FakePipeline(), when_error=errors.put) as worker,
    ):
        for i in range(50):
            worker.submit(frame(i, shape=(32, 32, 7)))
            assert isinstance(errors.get(timeout=WAIT), FrameError)
    assert worker.bad_frames == 50
    assert len([r for r in caplog.records if "bad frame" in r.getMessage()]) == 1


class SlowToOpenSource(HangingSource):
    def _open(self):
        super()._open()
        time.sleep(0.6)  # longer than read_timeout + stall_margin, shorter than open_timeout


def test_a_slow_start_has_its_own_budget_and_is_not_a_hang():
    source = SlowToOpenSource()
    with VisionWorker(FakePipeline(), source, read_timeout=0.05, stall_margin=0.1, open_timeout=5.0) as worker:
        assert worker.wait_for_observation(WAIT) is not None
        assert worker.stalls == 0 and source.starts == 1
