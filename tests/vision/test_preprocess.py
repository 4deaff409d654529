import math

import numpy as np
import pytest
from PIL import Image

from appliance.errors import FrameError
from appliance.vision.preprocess import FACE_SIZE, MIN_STD, NORM_STD, center_square, crop_face, normalize_face, to_gray


def random_image(*shape, seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def test_to_gray_matches_pillow_luma_for_rgb_and_drops_alpha():
    rgb = random_image(20, 30, 3)
    expected = np.asarray(Image.fromarray(rgb).convert("L"), dtype=np.int16)
    assert np.abs(to_gray(rgb).astype(np.int16) - expected).max() <= 1
    rgba = np.dstack([rgb, random_image(20, 30, seed=1)])
    np.testing.assert_array_equal(to_gray(rgba), to_gray(rgb))


def test_to_gray_passes_grey_through():
    gray = random_image(10, 12)
    assert to_gray(gray) is gray
    np.testing.assert_array_equal(to_gray(gray[:, :, np.newaxis]), gray)


@pytest.mark.parametrize(
    "frame, words",
    [
        (np.zeros((10, 10, 2), np.uint8), "shape (10, 10, 2)"),
        (np.zeros((10, 10), np.float32), "float32"),
        (np.zeros((1, 10), np.uint8), "too small"),
        ([[0, 1], [2, 3]], "numpy array"),
    ],
)
def test_to_gray_rejects_bad_frames_saying_what_was_wrong(frame, words):
    with pytest.raises(FrameError, match=words.replace("(", r"\(").replace(")", r"\)")):
        to_gray(frame)


def test_crop_of_the_whole_training_crop_is_the_identity():
    image = random_image(FACE_SIZE, FACE_SIZE)
    np.testing.assert_array_equal(crop_face(image, center=(24, 24), side=48), image)


def test_downscaling_averages_instead_of_aliasing():
    image = random_image(FACE_SIZE, FACE_SIZE)
    doubled = np.kron(image, np.ones((2, 2), np.uint8))
    np.testing.assert_array_equal(crop_face(doubled, center=(48, 48), side=96), image)
    stripes = np.tile(np.array([0, 255], np.uint8), (96, 48))  # 1-pixel stripes alias without averaging
    crop = crop_face(stripes, center=(48, 48), side=96)
    assert np.abs(crop.astype(int) - 128).max() <= 1


def test_box_sampling_averages_like_bilinear_on_a_downscaled_face():
    # A smooth pattern brought down 2.5x and turned: both samplings average each crop pixel's
    # footprint, so they agree to about a grey level; box is nearest samples averaged in blocks.
    y, x = np.mgrid[0:200, 0:200].astype(np.float32)
    image = (128 + 90 * np.sin(x / 7 + y / 13) * np.cos(y / 9)).astype(np.uint8)
    for side, angle in ((120, 0.0), (150, 0.3), (60, -0.2)):
        bilinear = crop_face(image, center=(100, 100), side=side, angle=angle).astype(int)
        box = crop_face(image, center=(100, 100), side=side, angle=angle, sampling="box").astype(int)
        assert np.abs(box - bilinear).mean() < 2.5 and np.abs(box - bilinear).max() < 16
    doubled = np.kron(random_image(FACE_SIZE, FACE_SIZE), np.ones((2, 2), np.uint8))
    np.testing.assert_array_equal(crop_face(doubled, center=(48, 48), side=96, sampling="box"), doubled[::2, ::2])


def test_an_unknown_sampling_is_refused():
    with pytest.raises(ValueError, match="sampling must be one of"):
        crop_face(random_image(60, 60), center=(30, 30), side=40, sampling="bicubic")


def test_crop_follows_center_and_repeats_edges_outside():
    image = np.zeros((100, 200), np.uint8)
    image[40:60, 150:170] = 255
    crop = crop_face(image, center=(160, 50), side=20, size=20)
    assert crop.min() == 255
    edge = crop_face(np.full((10, 10), 77, np.uint8), center=(0, 0), side=30, size=10)
    assert (edge == 77).all()


def test_crop_at_the_eye_line_angle_levels_a_tilted_face():
    image = np.zeros((200, 200), np.uint8)
    tilt = math.radians(20)
    center = np.array([100.0, 100.0])
    eyes = [center + 30 * side * np.array([math.cos(tilt), math.sin(tilt)]) for side in (-1, 1)]
    for x, y in eyes:
        image[int(y) - 3 : int(y) + 4, int(x) - 3 : int(x) + 4] = 255
    crop = crop_face(image, center=tuple(center), side=120, angle=tilt, size=120).astype(float)
    rows = np.arange(120)[:, np.newaxis]
    left, right = crop[:, :60], crop[:, 60:]
    left_row = (left * rows).sum() / left.sum()
    right_row = (right * rows).sum() / right.sum()
    assert abs(left_row - right_row) < 1.0
    assert abs(left_row - 60) < 1.5


def test_crop_rejects_a_non_positive_side():
    with pytest.raises(ValueError):
        crop_face(random_image(10, 10), center=(5, 5), side=0)


def test_center_square_is_the_largest_centred_square():
    assert center_square(640, 480) == ((320.0, 240.0), 480.0)
    assert center_square(30, 50) == ((15.0, 25.0), 30.0)


def test_normalize_sets_mean_and_spread_whatever_the_lighting():
    face = random_image(FACE_SIZE, FACE_SIZE).astype(np.float32) * 0.3 + 20  # dark, low contrast
    out = normalize_face(face.astype(np.uint8))
    assert out.dtype == np.uint8
    assert abs(out.mean() - 128) < 1.5
    assert abs(out.std() - NORM_STD) < 1.5
    brighter = normalize_face(np.clip(face * 2 + 40, 0, 255).astype(np.uint8))
    assert np.abs(brighter.astype(int) - out.astype(int)).max() <= 2


def test_normalize_does_not_blow_up_a_flat_crop():
    flat = np.full((FACE_SIZE, FACE_SIZE), 90, np.uint8)
    flat[0, 0] = 92
    out = normalize_face(flat)
    assert out.std() <= NORM_STD * flat.std() / MIN_STD + 1


def test_an_image_too_large_is_refused_from_its_header_before_decoding(tmp_path, monkeypatch):
    from PIL import Image

    from appliance.errors import ImageError
    from appliance.vision import images

    path = tmp_path / "wide.png"
    Image.new("L", (3000, 2000)).save(path)
    monkeypatch.setattr(images, "MAX_PIXELS", 5_000_000)
    with pytest.raises(ImageError, match="3000x2000 pixels, more than the 5 megapixels"):
        images.read_image(path)
