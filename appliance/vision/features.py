"""Named facial features from face-mesh landmarks, relative to a neutral face.

Contract (the CLI, the coach and the fused reading rely on these names): each feature is a
number in [0, 1], 0 at the reference neutral face and 1 for a strong, deliberate movement.

Pure numpy.  Three steps (docs/features.md has the figure and the reasons):

1. :func:`measure` aligns the 468 landmarks rigidly (rotation, uniform scale, shift: a
   similarity Procrustes fit on points the expressions barely move) to the canonical face, whose
   outer eye corners are 1 apart.  The rotation is the head pose; what is left, in canonical
   units, is free of head size, distance and pose.  From it come the ``GEOMETRY`` measurements.
2. A neutral face is a geometry dict: a person's own (the median over calm frames) or
   :data:`POPULATION_NEUTRAL`.
3. :func:`features_from` turns the movement from the neutral into the features, each divided by
   its :data:`SCALES` entry (what counts as 1) and clipped to [0, 1].

The canonical face, the population neutral and the scales come from FER+ *training* faces
(``python -m appliance.vision.build_face_model``, stored in face_model.json): the canonical face
and the population neutral are the median of the faces the crowd called neutral; each scale is
the movement from that neutral reached by the most expressive tenth of the faces the crowd gave
the expression that shows the feature most (surprise for brow_raise, ...; the 90th percentile
less the neutral faces' median), except the smile's: its weights (:data:`WEIGHTS`) separate the
faces the crowd split between happiness and neutral (subtle smiles) from faces all called
neutral, and its scale puts :data:`SMILE_THRESHOLD` at half the typical subtle smile.  The
London set is never used for any of it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np

FEATURES = (
    "brow_raise",
    "brow_lower",
    "eye_widen",
    "eye_narrow",
    "nose_wrinkle",
    "smile",
    "mouth_corners_down",
    "lip_stretch",
    "lip_press",
    "lip_pucker",
    "jaw_drop",
    "asymmetry",
)
"""The named features, in a fixed order (a feature vector follows it)."""

GEOMETRY_VERSION = 3
"""Which reading of the face a stored geometry comes from; raised when the same face starts giving
another geometry, so a personal neutral taken before is not compared with faces read after
(2: the mesh at full contrast; 3: the measurements the learned reading adds)."""

POSE = ("yaw", "pitch", "roll")
"""Head pose angles in degrees: yaw (turn, positive to the person's left), pitch (nod, positive
up), roll (tilt, positive towards the person's left shoulder)."""

SMILE_THRESHOLD = 0.2
"""A smile counts as made when ``smile`` reaches this.  The smile's scale is set so that this is
half the movement of the typical subtle smile in FER+ training (the median face the crowd split
between happiness and neutral, less the median face all called neutral): a criterion fixed on
FER+ alone; eval-features reports the London set against it, and was not used to choose it."""

# Mesh indices; "right" is the person's right (the image's left when they face the camera).
RIGHT_EYE_CORNERS, LEFT_EYE_CORNERS = (33, 133), (362, 263)
RIGHT_BROW, LEFT_BROW = (70, 63, 105, 66, 107), (300, 293, 334, 296, 336)  # upper edge, outer to inner
RIGHT_BROW_INNER, LEFT_BROW_INNER = (107, 55), (336, 285)
RIGHT_BROW_OUTER, LEFT_BROW_OUTER = (70, 46), (300, 276)
RIGHT_CHEEK, LEFT_CHEEK = 50, 280
BELOW_NOSE = 2
RIGHT_LIDS, LEFT_LIDS = ((159, 145), (158, 153), (160, 144)), ((386, 374), (385, 380), (387, 373))  # upper, lower
RIGHT_NOSE_WING, LEFT_NOSE_WING = 98, 327
RIGHT_MOUTH_CORNER, LEFT_MOUTH_CORNER = 61, 291
UPPER_LIP_TOP, UPPER_LIP_INNER, LOWER_LIP_INNER, LOWER_LIP_BOTTOM = 0, 13, 14, 17
CHIN = 152
# Points the expressions barely move, for the rigid fit: eye corners, nose bridge, forehead, the
# face's sides at the temples and cheekbones.
STABLE = (33, 133, 362, 263, 168, 6, 197, 195, 10, 151, 9, 8, 234, 454, 127, 356, 162, 389, 21, 251)

GEOMETRY = (
    "brow_r",  # brow height above the eye corners' line
    "brow_l",
    "brow_gap",  # distance between the inner brow ends
    "eye_open_r",  # lid opening
    "eye_open_l",
    "nose_r",  # nose wing below the eye line
    "nose_l",
    "corner_r_y",  # mouth corner below the eye line
    "corner_l_y",
    "corner_r_x",  # mouth corner out from the face's midline
    "corner_l_x",
    "lips_y",  # the lips' meeting line below the eye line
    "upper_lip",  # red upper lip height
    "lower_lip",  # red lower lip height
    "lips_z",  # the lips' depth in front of the eye corners (negative: nearer the camera)
    "chin",  # chin below the eye line
    "brow_inner_r",  # inner brow end above its eye's corners (the inner brow raiser, and the frown)
    "brow_inner_l",
    "brow_outer_r",  # outer brow end above its eye's corners
    "brow_outer_l",
    "upper_lid_r",  # upper lid above its eye's corners (lids raised in fear and surprise)
    "upper_lid_l",
    "lower_lid_r",  # lower lid above its eye's corners (lids tightened in anger, cheeks raised in a smile)
    "lower_lid_l",
    "cheek_r",  # cheek below the eye line
    "cheek_l",
    "nose_lip",  # upper lip below the nose (the upper lip raised in disgust shortens it)
    "upper_lip_y",  # upper lip's top below the eye line
    "mouth_open",  # the gap between the lips
    "chin_lip",  # chin below the lower lip (the chin pushed up in sadness and doubt shortens it)
    "corners_z",  # the mouth corners' depth in front of the eye corners
)
"""The measurements in a geometry dict, in canonical units (the outer eye corners 1 apart).  The
features read the first sixteen; the expression reading reads them all."""

FEATURE_GEOMETRY = GEOMETRY[:16]
"""The measurements the named features are made of."""

FACE_MODEL = Path(__file__).with_name("face_model.json")


def _load_face_model(path: Path = FACE_MODEL):
    data = json.loads(path.read_text(encoding="utf-8"))
    shape = np.asarray(data["canonical"], dtype=np.float64).reshape(-1, 3)
    return shape, dict(data["population_neutral"]), dict(data["scales"]), dict(data["weights"]), data


try:
    CANONICAL, POPULATION_NEUTRAL, SCALES, WEIGHTS, FACE_MODEL_INFO = _load_face_model()
except (FileNotFoundError, KeyError):  # only while build_face_model makes it: the file ships with the package
    CANONICAL, POPULATION_NEUTRAL, SCALES, WEIGHTS, FACE_MODEL_INFO = None, {}, {}, {}, {}
"""The canonical face (468, 3), the population neutral geometry, each feature's scale, the
fitted weights (``WEIGHT_NAMES``), and the face model's provenance (counts, source)."""

WEIGHT_NAMES = ("smile_out", "smile_lift", "nose_per_lift")
"""Fitted on FER+ training faces by build_face_model (docs/features.md): the smile's weights on
each corner's outward movement and its lift against the eye line (its lift against the lips'
centre line weighs 1), and how much the nose wings rise per unit of mouth-corner lift."""


def rigid_fit(points: np.ndarray, reference: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """Scale s, rotation R (3x3) and shift t with s * R @ p + t closest to ``reference`` (Umeyama)."""
    mean_p, mean_r = points.mean(axis=0), reference.mean(axis=0)
    p, r = points - mean_p, reference - mean_r
    u, sigma, vt = np.linalg.svd(r.T @ p)
    sign = np.ones(3)
    sign[2] = np.sign(np.linalg.det(u @ vt)) or 1.0  # a rotation, never a mirror image
    rotation = (u * sign) @ vt
    scale = float((sigma * sign).sum() / (p**2).sum())
    return scale, rotation, mean_r - scale * rotation @ mean_p


def head_pose(rotation: np.ndarray) -> dict[str, float]:
    """Yaw, pitch and roll in degrees from the rotation taking the face to the canonical one.

    Axes are the image's: x right, y down, z away from the camera.  The head's own rotation is
    the inverse (the transpose); its forward (-z) and eye-line (+x) directions give the angles.
    """
    head = rotation.T
    forward = head @ np.array([0.0, 0.0, -1.0])
    across = head @ np.array([1.0, 0.0, 0.0])
    yaw = math.degrees(math.atan2(forward[0], -forward[2]))  # nose towards +x: the person's left
    pitch = math.degrees(math.atan2(-forward[1], math.hypot(forward[0], forward[2])))  # nose up
    roll = math.degrees(math.atan2(across[1], across[0]))  # their left eye lower: tilt to the left
    return {"yaw": yaw, "pitch": pitch, "roll": roll}


def align(landmarks: np.ndarray, reference: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The landmarks in the canonical frame (pose and size removed) and the fit's rotation."""
    reference = CANONICAL if reference is None else reference
    points = np.asarray(landmarks, dtype=np.float64)
    if points.shape != reference.shape:
        raise ValueError(f"landmarks must be {reference.shape}, got {points.shape}")
    stable = list(STABLE)
    scale, rotation, shift = rigid_fit(points[stable], reference[stable])
    return scale * points @ rotation.T + shift, rotation


def _mean(indices, axis: int, weight: float = 1.0) -> list[tuple[float, int, int]]:
    """``weight`` times the mean of the points' coordinate ``axis`` (0 x, 1 y, 2 z), as terms."""
    indices = (indices,) if isinstance(indices, int) else tuple(indices)
    return [(weight / len(indices), index, axis) for index in indices]


def _geometry_terms() -> dict[str, list[tuple[float, int, int]]]:
    """Each GEOMETRY measurement as (weight, point, axis) terms: every one is a difference of means
    of the aligned points' coordinates, so all of them together are one linear map."""
    eyes = RIGHT_EYE_CORNERS + LEFT_EYE_CORNERS
    below_eye_line = _mean(eyes, 1, -1.0)  # "below the eye line": a point's y less the eye line's

    def opening(pairs):
        return _mean([lower for _, lower in pairs], 1) + _mean([upper for upper, _ in pairs], 1, -1.0)

    return {
        "brow_r": _mean(RIGHT_EYE_CORNERS, 1) + _mean(RIGHT_BROW, 1, -1.0),
        "brow_l": _mean(LEFT_EYE_CORNERS, 1) + _mean(LEFT_BROW, 1, -1.0),
        "brow_gap": _mean(LEFT_BROW_INNER, 0) + _mean(RIGHT_BROW_INNER, 0, -1.0),
        "eye_open_r": opening(RIGHT_LIDS),
        "eye_open_l": opening(LEFT_LIDS),
        "nose_r": _mean(RIGHT_NOSE_WING, 1) + below_eye_line,
        "nose_l": _mean(LEFT_NOSE_WING, 1) + below_eye_line,
        "corner_r_y": _mean(RIGHT_MOUTH_CORNER, 1) + below_eye_line,
        "corner_l_y": _mean(LEFT_MOUTH_CORNER, 1) + below_eye_line,
        "corner_r_x": _mean(eyes, 0) + _mean(RIGHT_MOUTH_CORNER, 0, -1.0),  # out from the midline
        "corner_l_x": _mean(LEFT_MOUTH_CORNER, 0) + _mean(eyes, 0, -1.0),
        "lips_y": _mean((UPPER_LIP_INNER, LOWER_LIP_INNER), 1) + below_eye_line,
        "upper_lip": _mean(UPPER_LIP_INNER, 1) + _mean(UPPER_LIP_TOP, 1, -1.0),
        "lower_lip": _mean(LOWER_LIP_BOTTOM, 1) + _mean(LOWER_LIP_INNER, 1, -1.0),
        "lips_z": _mean((UPPER_LIP_TOP, LOWER_LIP_BOTTOM), 2) + _mean(eyes, 2, -1.0),
        "chin": _mean(CHIN, 1) + below_eye_line,
        "brow_inner_r": _mean(RIGHT_EYE_CORNERS, 1) + _mean(RIGHT_BROW_INNER, 1, -1.0),
        "brow_inner_l": _mean(LEFT_EYE_CORNERS, 1) + _mean(LEFT_BROW_INNER, 1, -1.0),
        "brow_outer_r": _mean(RIGHT_EYE_CORNERS, 1) + _mean(RIGHT_BROW_OUTER, 1, -1.0),
        "brow_outer_l": _mean(LEFT_EYE_CORNERS, 1) + _mean(LEFT_BROW_OUTER, 1, -1.0),
        "upper_lid_r": _mean(RIGHT_EYE_CORNERS, 1) + _mean([upper for upper, _ in RIGHT_LIDS], 1, -1.0),
        "upper_lid_l": _mean(LEFT_EYE_CORNERS, 1) + _mean([upper for upper, _ in LEFT_LIDS], 1, -1.0),
        "lower_lid_r": _mean(RIGHT_EYE_CORNERS, 1) + _mean([lower for _, lower in RIGHT_LIDS], 1, -1.0),
        "lower_lid_l": _mean(LEFT_EYE_CORNERS, 1) + _mean([lower for _, lower in LEFT_LIDS], 1, -1.0),
        "cheek_r": _mean(RIGHT_CHEEK, 1) + below_eye_line,
        "cheek_l": _mean(LEFT_CHEEK, 1) + below_eye_line,
        "nose_lip": _mean(UPPER_LIP_TOP, 1) + _mean(BELOW_NOSE, 1, -1.0),
        "upper_lip_y": _mean(UPPER_LIP_TOP, 1) + below_eye_line,
        "mouth_open": _mean(LOWER_LIP_INNER, 1) + _mean(UPPER_LIP_INNER, 1, -1.0),
        "chin_lip": _mean(CHIN, 1) + _mean(LOWER_LIP_BOTTOM, 1, -1.0),
        "corners_z": _mean((RIGHT_MOUTH_CORNER, LEFT_MOUTH_CORNER), 2) + _mean(eyes, 2, -1.0),
    }


def _geometry_map() -> tuple[np.ndarray, np.ndarray]:
    """The points the measurements read (sorted indices) and the (len(GEOMETRY), 3 x that many)
    matrix taking those aligned points, flattened, to the measurements."""
    terms = _geometry_terms()
    used = np.array(sorted({index for name in GEOMETRY for _, index, _ in terms[name]}))
    row_of = {int(index): row for row, index in enumerate(used)}
    matrix = np.zeros((len(GEOMETRY), 3 * len(used)))
    for m, name in enumerate(GEOMETRY):
        for weight, index, axis in terms[name]:
            matrix[m, 3 * row_of[index] + axis] += weight
    return used, matrix


_MEASURED_POINTS, _GEOMETRY_MATRIX = _geometry_map()
_STABLE_INDEX = np.array(STABLE)
_CANONICAL_STABLE = None if CANONICAL is None else CANONICAL[_STABLE_INDEX]


def geometry_of(aligned: np.ndarray) -> dict[str, float]:
    """The GEOMETRY measurements of landmarks already in the canonical frame."""
    return _measurements(np.asarray(aligned, dtype=np.float64)[_MEASURED_POINTS])


def _measurements(measured_points: np.ndarray) -> dict[str, float]:
    """The GEOMETRY dict from the aligned ``_MEASURED_POINTS`` (len x 3)."""
    return dict(zip(GEOMETRY, (_GEOMETRY_MATRIX @ measured_points.ravel()).tolist(), strict=True))


def measure(landmarks: np.ndarray) -> tuple[dict[str, float], dict[str, float]]:
    """(geometry, pose) of (468, 3) landmarks in any pixel frame (x right, y down, z away).

    The same as ``geometry_of(align(landmarks)[0])``, but only the few dozen points the
    measurements read are moved into the canonical frame: this runs on every live frame.
    """
    points = np.asarray(landmarks, dtype=np.float64)
    if CANONICAL is None or points.shape != CANONICAL.shape:
        raise ValueError(f"landmarks must be {None if CANONICAL is None else CANONICAL.shape}, got {points.shape}")
    scale, rotation, shift = rigid_fit(points[_STABLE_INDEX], _CANONICAL_STABLE)
    return _measurements(scale * points[_MEASURED_POINTS] @ rotation.T + shift), head_pose(rotation)


def movements(
    geometry: Mapping[str, float], neutral: Mapping[str, float], *, weights: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Each feature's movement from the neutral in canonical units, signed, before scaling.

    Smile, per corner: its lift against the lips' centre line (the mouth curving up, which a
    dropped jaw does not do), plus ``smile_out`` times its outward movement and ``smile_lift``
    times its lift against the eye line (weights: the linear discriminant between FER+ subtle
    smiles and neutral faces); ``asymmetry`` is the two corners' difference in that measure.
    ``brow_lower`` (the corrugator's work) is the brows down plus half the inner ends' approach;
    raised brows do not cancel that approach, so fear's brows (raised *and* drawn together) show
    it while surprise's (raised, not drawn together) do not.
    A stretch is the outward movement not explained by a lift; the corners going down are
    measured against the lips' centre line, so a dropped jaw does not count.  ``lip_press`` is
    the lips thinning beyond what widening the mouth explains (red-lip area kept: a mouth 10%
    wider has lips 10% thinner), so a smile's stretched lips are not a press.  ``nose_wrinkle``
    is the nose wings' rise beyond what the mouth corners' lift carries with it
    (``nose_per_lift``), so a smile's raised cheeks are not a wrinkle.
    """
    w = WEIGHTS if weights is None else weights
    d = {key: float(geometry[key]) - float(neutral[key]) for key in FEATURE_GEOMETRY}
    lift_r, lift_l = -d["corner_r_y"], -d["corner_l_y"]
    out_r, out_l = d["corner_r_x"], d["corner_l_x"]
    smile_r, smile_l = corner_smiles(geometry, neutral, weights=w)
    brow = (d["brow_r"] + d["brow_l"]) / 2
    eyes = (d["eye_open_r"] + d["eye_open_l"]) / 2
    drop_r = d["corner_r_y"] - d["lips_y"]
    drop_l = d["corner_l_y"] - d["lips_y"]
    width = float(geometry["corner_r_x"]) + float(geometry["corner_l_x"])
    neutral_width = float(neutral["corner_r_x"]) + float(neutral["corner_l_x"])
    lips = float(geometry["upper_lip"]) + float(geometry["lower_lip"])
    neutral_lips = float(neutral["upper_lip"]) + float(neutral["lower_lip"])
    return {
        "brow_raise": brow,
        "brow_lower": max(-brow, 0.0) - d["brow_gap"] / 2,
        "eye_widen": eyes,
        "eye_narrow": -eyes,
        "nose_wrinkle": -(d["nose_r"] + d["nose_l"]) / 2 - w["nose_per_lift"] * (lift_r + lift_l) / 2,
        "smile": (smile_r + smile_l) / 2,
        "mouth_corners_down": (drop_r + drop_l) / 2,
        "lip_stretch": (out_r - max(lift_r, 0.0) + out_l - max(lift_l, 0.0)) / 2,
        "lip_press": neutral_lips * neutral_width / max(width, 1e-6) - lips,
        "lip_pucker": -(out_r + out_l) / 2 - d["lips_z"] / 2,
        "jaw_drop": d["chin"],
        "asymmetry": abs(smile_r - smile_l),
    }


def corner_smiles(
    geometry: Mapping[str, float], neutral: Mapping[str, float], *, weights: Mapping[str, float] | None = None
) -> tuple[float, float]:
    """Each mouth corner's smile movement from the neutral (the person's right, then left), in canonical
    units: its lift against the lips' centre line plus the weighted outward movement and eye-line lift
    (see :func:`movements`).  The coach names the corner that lags from it."""
    w = WEIGHTS if weights is None else weights
    lips = float(geometry["lips_y"]) - float(neutral["lips_y"])
    smiles = []
    for side in ("r", "l"):
        lift = float(neutral[f"corner_{side}_y"]) - float(geometry[f"corner_{side}_y"])
        out = float(geometry[f"corner_{side}_x"]) - float(neutral[f"corner_{side}_x"])
        smiles.append(lift + lips + w["smile_out"] * out + w["smile_lift"] * lift)
    return smiles[0], smiles[1]


def features_from(
    geometry: Mapping[str, float], neutral: Mapping[str, float] | None = None, *, scales: Mapping[str, float] = SCALES
) -> dict[str, float]:
    """The FEATURES in [0, 1] of ``geometry`` relative to ``neutral`` (the population's when None)."""
    moved = movements(geometry, POPULATION_NEUTRAL if neutral is None else neutral)
    return {name: min(max(moved[name] / scales[name], 0.0), 1.0) for name in FEATURES}


def is_geometry(value) -> bool:
    """Whether ``value`` is a usable geometry dict (every GEOMETRY key, finite numbers)."""
    if not isinstance(value, Mapping):
        return False
    try:
        return all(math.isfinite(float(value[key])) for key in GEOMETRY)
    except (KeyError, TypeError, ValueError):
        return False
