"""Repeated warnings: one line, then a count."""

import logging

from appliance.logthrottle import Throttle


def test_a_repeated_warning_is_one_line_then_a_count(caplog):
    now = [0.0]
    throttle = Throttle(logging.getLogger("test.throttle"), every=10.0, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="test.throttle"):
        for _ in range(300):  # ten seconds of a bad frame at 30 fps
            throttle.warning("bad frame", "skipped a bad frame: %s", "wrong shape")
            now[0] += 1 / 30
        now[0] = 10.0
        throttle.warning("bad frame", "skipped a bad frame: %s", "wrong shape")
        throttle.warning("camera", "the camera failed")  # another kind is not held back
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        "skipped a bad frame: wrong shape",
        "skipped a bad frame: wrong shape (and 299 more like it in the last 10 s)",
        "the camera failed",
    ]
