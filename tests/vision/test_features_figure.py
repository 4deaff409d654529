"""docs/features.png is drawn from the canonical face."""

import numpy as np
from PIL import Image

from appliance.vision.features_figure import GROUPS, draw


def test_the_figure_is_drawn_with_every_group_in_its_legend(tmp_path):
    path = tmp_path / "features.png"
    draw(path, width=600)
    with Image.open(path) as image:
        assert image.width == 600 and image.height > 600
        colours = {colour for colour, _, _ in GROUPS}
        seen = {tuple(pixel) for pixel in np.asarray(image.convert("RGB")).reshape(-1, 3).tolist()}
    assert colours <= seen
