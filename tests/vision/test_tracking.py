"""Following the person at the mirror across frames."""

import numpy as np
import pytest

from appliance.vision.faces import Face
from appliance.vision.tracking import FaceTracker, iou, prominence

SIZE = (640, 480)


def face(x, y, w) -> Face:
    return Face((float(x), float(y), float(w), float(w)), 0.9, np.zeros((6, 2), np.float32))


def test_iou():
    assert iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1
    assert iou((0, 0, 10, 10), (5, 0, 10, 10)) == pytest.approx(50 / 150)
    assert iou((0, 0, 10, 10), (20, 20, 5, 5)) == 0


def test_large_and_central_wins_a_fresh_pick():
    small_central, large_corner, large_central = face(300, 220, 40), face(0, 0, 150), face(250, 170, 150)
    assert prominence(large_central, SIZE) > prominence(large_corner, SIZE) > prominence(small_central, SIZE)
    tracker = FaceTracker()
    assert tracker.update([small_central, large_corner, large_central], SIZE) is large_central
    assert tracker.changed


def test_the_followed_face_is_kept_when_a_bigger_one_arrives():
    tracker = FaceTracker()
    me = face(100, 100, 100)
    tracker.update([me], SIZE)
    moved, stranger = face(110, 104, 100), face(250, 170, 200)
    assert tracker.update([stranger, moved], SIZE) is moved
    assert not tracker.changed


def test_a_short_gap_is_bridged_then_the_tracker_moves_on():
    tracker = FaceTracker(max_missed=2)
    tracker.update([face(100, 100, 100)], SIZE)
    other = face(400, 100, 100)
    assert tracker.update([], SIZE) is None
    assert tracker.update([other], SIZE) is None  # still waiting for the person who was here
    assert tracker.update([other], SIZE) is other and tracker.changed
    assert tracker.update([face(100, 100, 100)], SIZE) is None  # now following the other one


def test_nothing_to_follow():
    tracker = FaceTracker(max_missed=0)
    assert tracker.update([], SIZE) is None
    tracker.update([face(0, 0, 50)], SIZE)
    assert tracker.update([], SIZE) is None and tracker.current is None
