"""The aligned crop: eyes level whatever the head's tilt, framed around the detector box."""

import math
from pathlib import Path

import numpy as np
import pytest

from appliance.vision.align import FRAMING_SIDE, align_face, crop_geometry, eye_angle
from appliance.vision.faces import Face, FaceDetector
from appliance.vision.images import read_image
from appliance.vision.preprocess import to_gray

SHARED = Path(__file__).resolve().parents[3] / "shared"  # tests/vision/ -> the folder beside the project
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")


def _face(box, right_eye, left_eye) -> Face:
    keypoints = np.zeros((6, 2), np.float32)
    keypoints[0], keypoints[1] = right_eye, left_eye
    return Face(box, 0.9, keypoints)


def test_geometry_of_a_level_face():
    face = _face((100, 100, 100, 100), (130, 140), (170, 140))
    center, side, angle = crop_geometry(face)
    assert angle == 0.0
    assert side == pytest.approx(FRAMING_SIDE * 100)
    assert center[0] == pytest.approx(150 + 1.2)  # FRAMING_DX * width
    assert center[1] == pytest.approx(150 - 7.2)  # FRAMING_DY * width: a little higher than the box


def test_the_offset_turns_with_the_eye_line():
    face = _face((100, 100, 100, 100), (150, 130), (150, 170))  # eyes one above the other: 90 degrees
    center, _, angle = crop_geometry(face)
    assert angle == pytest.approx(math.pi / 2)
    assert center == pytest.approx((150 + 7.2, 150 + 1.2))  # "up" in the face is +x in the frame


def _eye_angle_after_alignment(detector, image: np.ndarray) -> tuple[float, float]:
    """(eye angle found in ``image``, eye angle re-detected in its aligned crop), in degrees."""
    (face,) = detector.detect(image)
    crop = align_face(image, face, size=192)
    (again,) = detector.detect(np.pad(crop, 96, mode="edge"))  # room around the face for the detector
    return math.degrees(eye_angle(face)), math.degrees(eye_angle(again))


@needs_shared
@pytest.mark.parametrize("degrees", [15, -15])
def test_a_rotated_face_comes_out_level(degrees):
    from PIL import Image

    detector = FaceDetector()
    with Image.open(SHARED / "fixtures" / "photos" / "obama.jpg") as image:
        gray = image.convert("L")
        upright = np.asarray(gray)
        rotated = np.asarray(gray.rotate(degrees, resample=Image.BILINEAR, fillcolor=128))
    # The re-detected angle of the upright photo's crop is the reference: it holds the head's own
    # tilt and the keypoints' bias, so what is compared is the effect of the 15 degree turn alone.
    tilt, reference = _eye_angle_after_alignment(detector, upright)
    found, level = _eye_angle_after_alignment(detector, rotated)
    assert abs(found - (tilt - degrees)) < 2  # PIL turns counter-clockwise: the eye line turns by -degrees
    assert abs(level - reference) < 2.5


@needs_shared
def test_the_crop_is_the_model_input():
    gray = to_gray(read_image(SHARED / "fixtures" / "photos" / "obama.jpg"))
    (face,) = FaceDetector().detect(gray)
    crop = align_face(gray, face)
    assert crop.shape == (48, 48) and crop.dtype == np.uint8
    assert crop.std() > 20  # a face, not the background


@needs_shared
@pytest.mark.parametrize("name", ["obama.jpg", "obama_partial_face.jpg", "two_people.jpg"])
def test_the_fast_crop_matches_crop_face_on_the_whole_frame(name):
    from appliance.vision.preprocess import crop_face

    gray = to_gray(read_image(SHARED / "fixtures" / "photos" / name))
    for face in FaceDetector().detect(gray):
        center, side, angle = crop_geometry(face)
        reference = crop_face(gray, center=center, side=side, angle=angle).astype(int)
        difference = np.abs(align_face(gray, face).astype(int) - reference)
        assert difference.mean() < 2 and np.percentile(difference, 99) < 12
        live = np.abs(align_face(gray, face, sampling="box").astype(int) - reference)  # the live mirror's
        assert live.mean() < 2.5 and np.percentile(live, 99) < 16
