"""The face model's builder: FER crops framed like a live ROI, the canonical face from many."""

import math

import numpy as np
import pytest

from appliance.vision.build_face_model import CROP_IN_INPUT, canonical_face, fer_canvas, normalise
from appliance.vision.features import CANONICAL, align


def test_a_fer_crop_fills_the_middle_of_the_mesh_input_with_edges_repeated():
    crop = np.zeros((48, 48), np.uint8)
    crop[:, 24:] = 200
    canvas = fer_canvas(crop)
    assert canvas.shape == (192, 192, 3) and (canvas[:, :, 0] == canvas[:, :, 2]).all()
    pad = (192 - CROP_IN_INPUT) // 2
    assert (canvas[:, :pad] == 0).all() and (canvas[:, -pad:] == 200).all()


def turned(shape, degrees, scale, shift):
    a = math.radians(degrees)
    rotation = np.array([[math.cos(a), 0, -math.sin(a)], [0, 1, 0], [math.sin(a), 0, math.cos(a)]])
    return scale * shape @ rotation.T + shift


def test_normalise_levels_centres_and_sizes_the_eyes():
    tilted = CANONICAL @ np.array([[0.9, -0.2, 0], [0.2, 0.9, 0], [0, 0, 1.0]]).T * 80 + 5
    shape = normalise(tilted)
    assert shape[33, 1] == pytest.approx(shape[263, 1], abs=1e-9)
    assert np.linalg.norm(shape[263] - shape[33]) == pytest.approx(1.0)
    assert (shape[33] + shape[263]) / 2 == pytest.approx(np.zeros(3), abs=1e-9)


def test_the_canonical_face_of_many_turned_copies_is_the_face_itself():
    rng = np.random.default_rng(0)
    copies = [
        turned(CANONICAL, rng.uniform(-15, 15), rng.uniform(50, 150), rng.uniform(-20, 20, 3))
        + rng.normal(0, 0.2, CANONICAL.shape)
        for _ in range(30)
    ]
    found = canonical_face(np.array(copies))
    # The same shape; its yaw is the copies' median pose (FER+ faces mostly face the camera).
    fitted, _ = align(found, normalise(CANONICAL))
    assert np.abs(fitted - normalise(CANONICAL)).max() < 0.02
    assert np.linalg.norm(found[263] - found[33]) == pytest.approx(1.0)


def test_the_smile_weights_separate_subtle_smiles_and_the_nose_slope_follows_the_corners():
    from appliance.vision.build_face_model import fit_weights
    from appliance.vision.features import FEATURE_GEOMETRY, POPULATION_NEUTRAL

    rng = np.random.default_rng(1)

    def face(lift, out, nose_rise):
        g = dict(POPULATION_NEUTRAL) | {key: POPULATION_NEUTRAL[key] + rng.normal(0, 0.01) for key in FEATURE_GEOMETRY}
        for side in ("r", "l"):
            g[f"corner_{side}_y"] -= lift
            g[f"corner_{side}_x"] += out
            g[f"nose_{side}"] -= nose_rise
        return g

    geometries = {
        "pure_neutral": [face(0.0, 0.0, 0.0) for _ in range(300)],
        # Subtle smiles lift the corners (against the lips' line and the eyes) and widen the mouth
        # a little; the cheeks carry the nose wings up by half the lift.
        "subtle_smile": [face(0.02, 0.01, 0.01) for _ in range(300)],
        "happiness": [face(0.06, 0.04, 0.03) for _ in range(300)],
    }
    weights = fit_weights(geometries, POPULATION_NEUTRAL)
    assert weights["smile_out"] > 0 and np.isfinite(weights["smile_lift"])
    assert weights["nose_per_lift"] == pytest.approx(0.5, abs=0.1)
