"""Named features on hand-built landmark sets: the canonical face, moved one feature at a time."""

import math

import numpy as np
import pytest

from appliance.vision import features
from appliance.vision.features import (
    CANONICAL,
    FEATURES,
    GEOMETRY,
    POPULATION_NEUTRAL,
    SCALES,
    features_from,
    is_geometry,
    measure,
    movements,
    rigid_fit,
)


def in_pixels(shape: np.ndarray) -> np.ndarray:
    """The canonical face as the landmark model would give it: 150 pixels between the outer eye
    corners, in the middle of a 640x480 frame."""
    return shape * 150.0 + np.array([320.0, 220.0, 0.0])


def rotated(points: np.ndarray, *, yaw=0.0, pitch=0.0, roll=0.0) -> np.ndarray:
    """The head turned about its own centre: yaw to the person's left, pitch up, roll to the left
    shoulder, in degrees (image axes: x right, y down, z away)."""
    y, p, r = (math.radians(a) for a in (yaw, pitch, roll))
    turn = np.array([[math.cos(y), 0, -math.sin(y)], [0, 1, 0], [math.sin(y), 0, math.cos(y)]])
    nod = np.array([[1, 0, 0], [0, math.cos(p), math.sin(p)], [0, -math.sin(p), math.cos(p)]])
    tilt = np.array([[math.cos(r), -math.sin(r), 0], [math.sin(r), math.cos(r), 0], [0, 0, 1]])
    center = points.mean(axis=0)
    return (points - center) @ (tilt @ turn @ nod).T + center


def moved(indices, dx=0.0, dy=0.0, dz=0.0, base=None) -> np.ndarray:
    """The canonical face with some points moved by (dx, dy, dz) canonical units."""
    shape = (CANONICAL if base is None else base).copy()
    shape[list(indices)] += (dx, dy, dz)
    return shape


def reading(shape: np.ndarray, neutral_shape: np.ndarray = CANONICAL, **pose) -> dict[str, float]:
    neutral, _ = measure(in_pixels(neutral_shape))
    geometry, _ = measure(rotated(in_pixels(shape), **pose))
    return features_from(geometry, neutral)


BROWS = features.RIGHT_BROW + features.LEFT_BROW + features.RIGHT_BROW_INNER + features.LEFT_BROW_INNER
CORNERS = (features.RIGHT_MOUTH_CORNER, features.LEFT_MOUTH_CORNER)


def smiling(amount: float, base=None) -> np.ndarray:
    """Both mouth corners pulled up and out by ``amount`` canonical units each way."""
    shape = moved([features.RIGHT_MOUTH_CORNER], dx=-amount, dy=-amount, base=base)
    return moved([features.LEFT_MOUTH_CORNER], dx=amount, dy=-amount, base=shape)


def smile_of(value: float) -> float:
    """The corners' movement (up and out, each) that reads ``value`` of smile: each corner's lift
    against the lips' line weighs 1, plus the fitted weights on going out and on the lift."""
    return value * SCALES["smile"] / (1 + features.WEIGHTS["smile_out"] + features.WEIGHTS["smile_lift"])


def test_the_face_model_is_complete_and_its_scales_positive():
    assert CANONICAL.shape == (468, 3)
    assert set(POPULATION_NEUTRAL) == set(GEOMETRY) and is_geometry(POPULATION_NEUTRAL)
    assert set(SCALES) == set(FEATURES) and all(scale > 0 for scale in SCALES.values())
    right, left = CANONICAL[33], CANONICAL[263]
    assert np.linalg.norm(left - right) == pytest.approx(1.0, abs=1e-3) and abs(left[1] - right[1]) < 1e-3


def test_the_neutral_itself_reads_zero_everywhere():
    assert reading(CANONICAL) == pytest.approx(dict.fromkeys(FEATURES, 0.0), abs=1e-9)
    population, _ = measure(in_pixels(CANONICAL))
    assert all(v < 0.2 for v in features_from(population, None).values())


def test_a_raised_brow_moves_brow_raise_and_nothing_else():
    values = reading(moved(BROWS, dy=-SCALES["brow_raise"]))
    assert values["brow_raise"] == pytest.approx(1.0, abs=0.02)
    assert all(values[name] == pytest.approx(0.0, abs=0.02) for name in FEATURES if name != "brow_raise")


def test_brows_raised_and_drawn_together_show_both_raise_and_lower_as_in_fear():
    inner_r, inner_l = features.RIGHT_BROW_INNER, features.LEFT_BROW_INNER
    raised = moved(BROWS, dy=-SCALES["brow_raise"] * 0.8)
    together = moved(
        inner_r, dx=SCALES["brow_lower"] * 0.4, base=moved(inner_l, dx=-SCALES["brow_lower"] * 0.4, base=raised)
    )
    fear, surprise = reading(together), reading(raised)
    assert fear["brow_raise"] > 0.5 and fear["brow_lower"] == pytest.approx(0.4, abs=0.05)
    assert surprise["brow_raise"] > 0.5 and surprise["brow_lower"] == 0.0  # raised alone: nothing drawn together


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("brow_lower", lambda s: moved(BROWS, dy=s)),
        ("jaw_drop", lambda s: moved([features.CHIN], dy=s)),
        ("eye_widen", lambda s: moved([u for u, _ in features.RIGHT_LIDS + features.LEFT_LIDS], dy=-s)),
        ("nose_wrinkle", lambda s: moved([features.RIGHT_NOSE_WING, features.LEFT_NOSE_WING], dy=-s)),
        ("lip_press", lambda s: moved([features.UPPER_LIP_TOP], dy=s)),
    ],
)
def test_each_feature_grows_with_its_own_movement(name, shape):
    small, large = reading(shape(SCALES[name] * 0.4)), reading(shape(SCALES[name] * 0.8))
    assert 0.3 < small[name] < large[name] <= 1.0
    others = [other for other in FEATURES if other != name and large[other] > 0.05]
    assert others == []


def test_a_smile_is_read_as_a_smile_and_a_frown_is_not():
    smile = reading(smiling(smile_of(1.0)))
    assert smile["smile"] == pytest.approx(1.0, abs=0.02)
    assert smile["mouth_corners_down"] == 0.0 and smile["lip_pucker"] == 0.0 and smile["asymmetry"] < 0.02
    down = reading(moved(CORNERS, dy=SCALES["mouth_corners_down"]))
    assert down["mouth_corners_down"] == pytest.approx(1.0, abs=0.02) and down["smile"] == 0.0


def test_a_smile_thinning_the_lips_and_lifting_the_nose_wings_is_neither_a_press_nor_a_wrinkle():
    amount = smile_of(0.8)
    shape = smiling(amount)
    # The lips stretched over a wider mouth keep their area: their red heights shrink with the width.
    width = POPULATION_NEUTRAL["corner_r_x"] + POPULATION_NEUTRAL["corner_l_x"]
    thinning = (POPULATION_NEUTRAL["upper_lip"] + POPULATION_NEUTRAL["lower_lip"]) * (1 - width / (width + 2 * amount))
    shape = moved([features.UPPER_LIP_TOP], dy=thinning * 0.6, base=shape)
    shape = moved([features.LOWER_LIP_BOTTOM], dy=-thinning * 0.4, base=shape)
    # The cheeks carry the nose wings up with the corners, as much as FER+ faces show.
    lift = features.WEIGHTS["nose_per_lift"] * amount
    shape = moved([features.RIGHT_NOSE_WING, features.LEFT_NOSE_WING], dy=-lift, base=shape)
    values = reading(shape)
    assert values["smile"] == pytest.approx(0.8, abs=0.05)
    assert values["lip_press"] < 0.05 and values["nose_wrinkle"] < 0.05
    # A real press or wrinkle on top of the smile still reads.
    pressed = reading(moved([features.UPPER_LIP_TOP], dy=SCALES["lip_press"], base=shape))
    wrinkled = reading(
        moved([features.RIGHT_NOSE_WING, features.LEFT_NOSE_WING], dy=-SCALES["nose_wrinkle"], base=shape)
    )
    assert pressed["lip_press"] > 0.5 and wrinkled["nose_wrinkle"] > 0.5


def test_an_open_mouth_is_not_a_smile():
    # The jaw drops: the lower lip and chin go down, the corners half as far (they join the lips).
    opening = SCALES["jaw_drop"] * 0.6
    shape = moved([features.LOWER_LIP_INNER, features.LOWER_LIP_BOTTOM, features.CHIN], dy=opening)
    shape = moved(CORNERS, dy=opening / 2, base=shape)
    values = reading(shape)
    assert values["jaw_drop"] > 0.5 and values["smile"] == 0.0


def test_one_corner_only_reads_as_asymmetry():
    amount = smile_of(1.0)
    values = reading(moved([features.LEFT_MOUTH_CORNER], dx=amount, dy=-amount))
    assert values["asymmetry"] > 0.3 and 0.2 < values["smile"] < 0.7


def test_features_are_clipped_to_0_1():
    values = reading(smiling(SCALES["smile"] * 5))
    assert values["smile"] == 1.0 and all(0.0 <= v <= 1.0 for v in values.values())


@pytest.mark.parametrize("pose", [{"yaw": 15}, {"yaw": -15}, {"pitch": 15}, {"pitch": -10}, {"roll": 20}])
def test_a_turned_head_leaves_every_feature_within_0_05(pose):
    for shape in (CANONICAL, smiling(SCALES["smile"] * 0.4), moved(BROWS, dy=-SCALES["brow_raise"] * 0.5)):
        still, turned = reading(shape), reading(shape, **pose)
        assert max(abs(still[name] - turned[name]) for name in FEATURES) < 0.05, pose


def test_leaning_in_changes_nothing():
    shape = smiling(SCALES["smile"] * 0.5)
    near = measure(in_pixels(shape) * 1.6)[0]
    far = measure(in_pixels(shape))[0]
    assert near == pytest.approx(far, abs=1e-6)


@pytest.mark.parametrize(("angle", "value"), [("yaw", 15.0), ("yaw", -20.0), ("pitch", 12.0), ("roll", 10.0)])
def test_head_pose_reads_the_turn_with_the_documented_sign(angle, value):
    _, still = measure(in_pixels(CANONICAL))
    _, pose = measure(rotated(in_pixels(CANONICAL), **{angle: value}))
    assert pose[angle] - still[angle] == pytest.approx(value, abs=0.5)
    for other in features.POSE:
        if other != angle:
            assert pose[other] == pytest.approx(still[other], abs=0.5)


def test_the_canonical_face_faces_the_camera():
    _, pose = measure(in_pixels(CANONICAL))
    assert all(abs(pose[angle]) < 0.5 for angle in features.POSE)


def test_the_person_turning_left_moves_the_nose_to_the_image_right():
    # The sign convention, checked against the picture rather than the formula.
    turned = rotated(in_pixels(CANONICAL), yaw=20)
    assert turned[1, 0] > in_pixels(CANONICAL)[1, 0]  # landmark 1 is the nose tip
    assert measure(turned)[1]["yaw"] > 0


def test_rigid_fit_recovers_a_similarity_and_never_a_mirror():
    rng = np.random.default_rng(3)
    points = rng.normal(size=(20, 3))
    target = 2.5 * rotated(points, yaw=30, roll=-10) + (4, -2, 1)
    scale, rotation, shift = rigid_fit(points, target)
    assert scale * points @ rotation.T + shift == pytest.approx(target, abs=1e-9)
    mirrored = points * (-1, 1, 1)
    _, rotation, _ = rigid_fit(points, mirrored)
    assert np.linalg.det(rotation) == pytest.approx(1.0)


def test_movements_need_every_geometry_key():
    geometry, _ = measure(in_pixels(CANONICAL))
    assert set(movements(geometry, geometry)) == set(FEATURES)
    assert not is_geometry({**geometry, "chin": float("nan")}) and not is_geometry({"brow_r": 1.0})
    assert not is_geometry(None)


def test_landmarks_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError, match="468"):
        measure(np.zeros((10, 3)))
