"""The detector's colour input at the grey image's size, also from a larger main stream (best takes)."""

import numpy as np

from appliance.vision.pipeline import rgb_at_size


def test_colour_of_the_same_size_is_used_as_it_is():
    rgb = np.zeros((48, 64, 3), np.uint8)
    assert rgb_at_size(rgb, (48, 64)) is rgb


def test_colour_an_integer_multiple_of_the_size_is_decimated():
    rgb = np.zeros((144, 192, 3), np.uint8)
    rgb[::3, ::3, 0] = 200
    small = rgb_at_size(rgb, (48, 64))
    assert small.shape == (48, 64, 3) and small.flags.c_contiguous and (small[..., 0] == 200).all()


def test_colour_that_does_not_fit_is_not_used():
    assert rgb_at_size(np.zeros((100, 64, 3), np.uint8), (48, 64)) is None
    assert rgb_at_size(np.zeros((48, 64, 3), np.float32), (48, 64)) is None
    assert rgb_at_size(None, (48, 64)) is None
