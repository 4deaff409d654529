"""BlazeFace post-processing against hand-computed cases, and the detector on the fixture photos."""

from pathlib import Path

import numpy as np
import pytest

from appliance.errors import FrameError
from appliance.vision.faces import FaceDetector, decode, letterbox, ssd_anchors, weighted_nms
from appliance.vision.images import read_image
from appliance.vision.preprocess import to_gray

SHARED = Path(__file__).resolve().parents[3] / "shared"  # tests/vision/ -> the folder beside the project
PHOTOS = SHARED / "fixtures" / "photos"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")


def test_anchors_follow_the_ssd_grids():
    anchors = ssd_anchors()
    assert anchors.shape == (896, 2)
    # stride 8: a 16x16 grid, 2 anchors per cell, row by row
    assert anchors[0].tolist() == anchors[1].tolist() == [0.03125, 0.03125]
    assert anchors[2].tolist() == [0.09375, 0.03125]
    assert anchors[32].tolist() == [0.03125, 0.09375]
    assert anchors[511].tolist() == [0.96875, 0.96875]
    # three stride-16 layers merged: an 8x8 grid, 6 anchors per cell
    assert np.all(anchors[512:518] == [0.0625, 0.0625])
    assert anchors[518].tolist() == [0.1875, 0.0625]
    assert anchors[895].tolist() == [0.9375, 0.9375]


def test_decode_scales_offsets_by_128_around_the_anchor():
    anchors = ssd_anchors()
    raw = np.zeros((896, 16), np.float32)
    logits = np.full(896, -10.0, np.float32)
    raw[512, :6] = [12.8, -6.4, 25.6, 51.2, 6.4, 12.8]
    logits[512] = 0.0  # sigmoid 0.5: kept (>= threshold)
    logits[3] = 1000.0  # clipped to 100 before the sigmoid: score 1, no overflow
    logits[7] = -0.1  # just under 0.5: dropped
    with np.errstate(over="raise"):
        boxes, keypoints, scores = decode(raw, logits, anchors)
    assert scores.tolist() == [1.0, 0.5]
    np.testing.assert_allclose(boxes[1], [0.0625, -0.1875, 0.2625, 0.2125], atol=1e-6)
    np.testing.assert_allclose(keypoints[1, 0], [0.1125, 0.1625], atol=1e-6)
    np.testing.assert_allclose(keypoints[1, 1:], np.tile([0.0625, 0.0625], (5, 1)), atol=1e-6)
    np.testing.assert_allclose(boxes[0], [0.09375, 0.03125, 0.09375, 0.03125])  # zero size at its anchor


def test_weighted_nms_averages_a_cluster_by_score_and_keeps_the_best_score():
    boxes = np.array([[0.1, 0, 1.1, 1], [2, 2, 3, 3], [0, 0, 1, 1]], np.float32)  # IoU(0, 2) = 0.9/1.1
    keypoints = np.zeros((3, 6, 2), np.float32)
    keypoints[0], keypoints[2] = 1.0, 0.0
    scores = np.array([0.6, 0.7, 0.9], np.float32)
    results = weighted_nms(boxes, keypoints, scores, threshold=0.3)
    assert [score for _, _, score in results] == pytest.approx([0.9, 0.7])
    np.testing.assert_allclose(results[0][0], [0.04, 0, 1.04, 1], atol=1e-6)  # weights 0.6 / 0.4
    np.testing.assert_allclose(results[0][1], np.full((6, 2), 0.4), atol=1e-6)
    np.testing.assert_allclose(results[1][0], [2, 2, 3, 3])


def test_letterbox_keeps_the_aspect_and_maps_back_to_frame_pixels():
    tensor, fit = letterbox(np.full((480, 640), 255, np.uint8))
    assert tensor.shape == (1, 128, 128, 3)
    assert (fit.pad_x, fit.pad_y) == (0, 16)
    assert np.all(tensor[0, 16:112] == 1.0) and np.all(tensor[0, :16] == -1.0) and np.all(tensor[0, 112:] == -1.0)
    np.testing.assert_allclose(fit.to_frame(np.array([[0.5, 0.5], [0, 0.125]])), [[320, 240], [0, 0]], atol=1e-4)


@pytest.fixture(scope="module")
def detector():
    return FaceDetector()


def test_a_plain_frame_has_no_face(detector):
    assert detector.detect(np.full((480, 640), 128, np.uint8)) == []
    assert detector.detect(np.zeros((360, 640, 3), np.uint8)) == []


def test_a_frame_of_the_wrong_type_is_refused(detector):
    with pytest.raises(FrameError, match="uint8"):
        detector.detect(np.zeros((48, 48), np.float32))
    with pytest.raises(FrameError, match="channels"):
        detector.detect(np.zeros((48, 48, 2), np.uint8))


@needs_shared
@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("obama.jpg", 1),
        ("biden.jpg", 1),
        ("obama-720p.jpg", 1),
        ("two_people.jpg", 2),
        ("kit_with_rose.jpg", 2),  # Kit Harington in front and Rose Leslie beside him: both real faces
        ("lin-manuel-miranda.png", 1),  # RGBA
        ("alex-lacamoire.png", 1),  # RGBA
        ("obama_partial_face.jpg", 1),  # cut by the left edge
    ],
)
def test_every_fixture_face_is_found(detector, name, count):
    image = read_image(PHOTOS / name)
    faces = detector.detect(image)
    assert len(faces) == count, [f.int_box() for f in faces]
    height, width = image.shape[:2]
    for face in faces:
        assert face.score >= 0.5
        x, y, w, h = face.box
        assert 0.8 < w / h < 1.25 and w > 50
        assert -w / 2 < x < width and 0 <= y < height
        assert face.right_eye[0] < face.left_eye[0]  # the person's right eye is on the image's left
        assert y < face.right_eye[1] < y + h / 2  # eyes in the upper half of the box
        assert y + h / 2 < face.keypoints[3, 1] < y + h  # mouth in the lower half


@needs_shared
def test_an_rgba_array_gives_the_rgb_result(detector):
    from PIL import Image

    with Image.open(PHOTOS / "lin-manuel-miranda.png") as image:
        rgba = np.asarray(image.convert("RGBA"))
    (face,) = detector.detect(rgba)
    (expected,) = detector.detect(np.ascontiguousarray(rgba[:, :, :3]))
    assert face.box == expected.box


@needs_shared
@pytest.mark.parametrize("name", ["obama.jpg", "obama-720p.jpg", "lin-manuel-miranda.png", "alex-lacamoire.png"])
def test_grey_frames_find_the_face_too(detector, name):
    assert len(detector.detect(to_gray(read_image(PHOTOS / name)))) == 1


@needs_shared
def test_no_face_on_the_curtains(detector):
    curtains = read_image(PHOTOS / "two_people.jpg")[0:380, 960:]
    assert detector.detect(curtains) == []
    assert detector.detect(to_gray(curtains)) == []
