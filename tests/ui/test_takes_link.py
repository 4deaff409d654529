"""The shell's side of best takes without a window: the ring, the peak's frame, what is written."""

from __future__ import annotations

import numpy as np

from appliance.camera.base import Frame
from appliance.coach.events import AttemptFinished
from appliance.coach.view import DrillView, LiveView, Screen, View
from appliance.config import CaptureSettings, Config
from appliance.ui.takes_link import BLINK_MIN_S, FrameRing, TakesLink, open_takes


class FakeWriter:
    def __init__(self) -> None:
        self.saved: list[tuple[str, int]] = []
        self.when_saved = self.when_failed = None

    def save(self, look, rgb) -> None:
        self.saved.append((look, int(rgb[0, 0, 0])))


def frame(number: int, timestamp: float) -> Frame:
    rgb = np.full((4, 6, 3), number, np.uint8)
    return Frame(rgb[..., 0].copy(), timestamp, rgb, number)


def drilling(peak: float | None, kind: str = "headshot") -> View:
    drill = DrillView("genuine_smile", "Genuine smile", kind, "smile")
    return View(screen=Screen.DRILL, drill=drill, live=LiveView(peak_frame_at=peak))


def finished(peak: float | None, kind: str = "headshot", outcome: str = "completed") -> AttemptFinished:
    return AttemptFinished(1, "genuine_smile", kind, ("happiness",), outcome, 80, 90, 4.0, 4.0, 1.0, 1.0, 6.0, "",
                           10.0, 1e9, peak_frame_at=peak)  # fmt: skip


def rig(ring_size: int = 8):
    ring, writer, blinks, later = FrameRing(ring_size), FakeWriter(), [], []
    link = TakesLink(writer, ring, post=lambda action, seconds: later.append((seconds, action)), blink=blinks.append)
    return link, ring, writer, blinks, later


def test_the_ring_gives_the_frame_nearest_a_timestamp_within_a_tolerance():
    ring = FrameRing(3)
    assert ring.at(1.0) is None
    for n in range(5):
        ring.add(frame(n, n / 30))
    assert int(ring.at(3 / 30 + 0.001)[0, 0, 0]) == 3
    assert ring.at(0.0) is None  # frame 0 has left the ring (3 frames), and no neighbour stands in for it
    ring.add(Frame(np.zeros((4, 6), np.uint8), 9.0))  # a grey-only frame is not kept
    assert int(ring.at(4 / 30)[0, 0, 0]) == 4


def test_the_frame_at_the_peak_is_held_through_the_attempt_and_written_when_it_ends():
    link, ring, writer, blinks, later = rig(ring_size=2)
    for n in range(10):
        ring.add(frame(n, n / 30))
        if n == 3:
            link.view(drilling(3 / 30))  # the best match so far is frame 3
        elif n > 3:
            link.view(drilling(3 / 30))  # still frame 3, long after the ring has let it go
    link.events([finished(3 / 30)])
    assert writer.saved == [("genuine_smile", 3)]
    assert blinks == [True]
    writer.when_saved(None)  # the write is done (on the writer's thread): the rest happens on the main thread
    ((seconds, saved),) = later
    saved()
    seconds, stop_blinking = later[-1]
    assert 0.5 < seconds <= BLINK_MIN_S  # the LED blinks at least a second, so a quick write is seen
    stop_blinking()
    assert blinks == [True, False]


def test_a_peak_in_the_last_batch_is_found_in_the_ring():
    link, ring, writer, _, _ = rig()
    for n in range(5):
        ring.add(frame(n, n / 30))
    link.view(drilling(1 / 30))
    link.events([finished(4 / 30)])  # a better frame came with the frames that ended the attempt
    assert writer.saved == [("genuine_smile", 4)]


def test_nothing_is_written_for_other_drills_skipped_attempts_or_frames_without_colour():
    link, ring, writer, blinks, _ = rig()
    ring.add(frame(1, 0.0))
    link.view(drilling(0.0, kind="expression"))
    link.events([finished(0.0, kind="expression")])
    link.view(drilling(0.0))
    link.events([finished(0.0, outcome="skipped")])
    link.events([finished(None)])
    link.events([finished(5.0)])  # no frame near the peak (the source has no colour, or it is gone)
    assert writer.saved == [] and blinks == []


def test_open_takes_builds_nothing_when_off_and_nothing_was_kept(tmp_path):
    off = Config()
    assert open_takes(off, None, post=None, root=tmp_path / "takes") == (None, None)
    (tmp_path / "takes").mkdir()
    writer, link = open_takes(off, None, post=None, root=tmp_path / "takes")
    assert writer is not None and link is None  # old takes can still be deleted from settings
    writer.close()
    on = Config(capture=CaptureSettings(best_takes=True, max_per_look=2))
    writer, link = open_takes(on, None, post=lambda action, seconds: None, root=tmp_path / "other")
    assert link is not None and writer.store.max_per_look == 2
    writer.close()


def test_the_vision_link_feeds_the_ring_and_asks_for_a_still_sized_main_stream(monkeypatch):
    from appliance.ui import vision_link

    asked = {}

    class Source(vision_link.FrameSource):
        name = "fake"

        def _open(self):
            pass

        def _read(self, timeout):
            return frame(7, 1.0)

        def _close(self):
            pass

    def fake_open_source(spec, **options):
        asked.update(options)
        return Source()

    monkeypatch.setattr(vision_link, "open_source", fake_open_source)
    link = vision_link.VisionLink(Config(capture=CaptureSettings(best_takes=True)))
    with link._open_source() as source:
        source.read()
    assert asked["still_size"] == (1920, 1440)
    assert int(link.ring.at(1.0)[0, 0, 0]) == 7
    off = vision_link.VisionLink(Config())
    off._open_source()
    assert off.ring is None and asked["still_size"] is None
