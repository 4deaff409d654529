"""Smoothing expression probabilities over time."""

import math

import numpy as np
import pytest

from appliance.vision.smoothing import ProbabilitySmoother


def test_the_first_reading_passes_through_and_later_ones_move_by_elapsed_time():
    smoother = ProbabilitySmoother(time_constant=0.25)
    np.testing.assert_allclose(smoother.update([1, 0], 10.0), [1, 0])
    weight = 1 - math.exp(-0.25 / 0.25)
    np.testing.assert_allclose(smoother.update([0, 1], 10.25), [1 - weight, weight], rtol=1e-6)


def test_the_rate_does_not_change_the_response():
    slow, fast = ProbabilitySmoother(), ProbabilitySmoother()
    slow.update([1, 0], 0.0)
    fast.update([1, 0], 0.0)
    for step in range(1, 4):
        result_slow = slow.update([0, 1], step * 0.1)
    for step in range(1, 10):
        result_fast = fast.update([0, 1], step / 30)
    np.testing.assert_allclose(result_slow, result_fast, rtol=1e-5)


def test_reset_forgets_and_zero_means_no_smoothing():
    smoother = ProbabilitySmoother()
    smoother.update([1, 0], 0)
    smoother.reset()
    np.testing.assert_allclose(smoother.update([0, 1], 0.01), [0, 1])
    assert ProbabilitySmoother(time_constant=0).update([0.3, 0.7], 1).tolist() == pytest.approx([0.3, 0.7])


def test_geometry_is_the_median_of_the_last_window():
    from appliance.vision.smoothing import GeometrySmoother

    smoother = GeometrySmoother(window=0.25)
    assert smoother.update({"a": 1.0}, 0.0) == {"a": 1.0}
    smoother.update({"a": 5.0}, 0.1)  # one frame's jitter
    assert smoother.update({"a": 2.0}, 0.2) == {"a": 2.0}  # median of 1, 5, 2: the jump is not movement
    # 0.45 s later the first two have left the window: a held new value comes through.
    smoother.update({"a": 3.0}, 0.4)
    assert smoother.update({"a": 3.0}, 0.45) == {"a": 3.0}


def test_geometry_reset_forgets_and_window_zero_passes_through():
    from appliance.vision.smoothing import GeometrySmoother

    smoother = GeometrySmoother()
    smoother.update({"a": 1.0}, 0.0)
    smoother.reset()
    assert smoother.update({"a": 9.0}, 0.01) == {"a": 9.0}
    still = GeometrySmoother(window=0)
    still.update({"a": 1.0}, 0.0)
    assert still.update({"a": 4.0}, 0.0) == {"a": 4.0}
    with pytest.raises(ValueError):
        GeometrySmoother(window=-1)
