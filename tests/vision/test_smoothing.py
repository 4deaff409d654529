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
