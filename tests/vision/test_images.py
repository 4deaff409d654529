"""``read_image``: image files to pixels, with errors that say what was wrong."""

import numpy as np
import pytest
from PIL import Image

from appliance.errors import ImageError
from appliance.vision.images import read_image


def test_a_16_bit_grey_png_is_scaled_to_8_bits_not_clipped(tmp_path):
    ramp = np.linspace(0, 65535, 256 * 64).round().astype(np.uint16).reshape(64, 256)
    path = tmp_path / "grey16.png"
    Image.fromarray(ramp).save(path)
    assert Image.open(path).mode == "I;16"
    pixels = read_image(path)
    assert pixels.dtype == np.uint8 and pixels.shape == (64, 256)
    assert pixels.min() == 0 and pixels.max() == 255
    np.testing.assert_allclose(pixels, ramp / 257, atol=0.5)  # clipping made all but the darkest 255


def test_an_8_bit_grey_image_is_read_as_it_is(tmp_path):
    grey = np.arange(256, dtype=np.uint8).reshape(16, 16)
    path = tmp_path / "grey.png"
    Image.fromarray(grey).save(path)
    np.testing.assert_array_equal(read_image(path), grey)


@pytest.mark.parametrize("path", ["", "  "])
def test_an_empty_path_says_so_not_that_the_current_folder_is_a_folder(path):
    with pytest.raises(ImageError, match="the image path is empty"):
        read_image(path)
