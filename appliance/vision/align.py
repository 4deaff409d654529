"""From a detected face to the crop the expression model reads: eyes level, framed like FER2013.

The framing is measured, not guessed: ``python -m appliance.vision.calibrate_framing --count 3000``
ran this detector over the first 3000 FER+ training crops (each upscaled 2x, centred on an
edge-padded canvas 3x its size; 2703 faces found) and took medians of where each crop's centre
and side lie relative to the detector box (relative IQR of the side: box 0.22, eye distance 0.23,
so the box is the reference; the eye keypoints give only the angle).  FER crops run from just
above the brows to just below the chin, a little wider than BlazeFace's box.  The figures move
by ~10% with the face's size in the detector's input (canvas 2x: side 1.15, 4x: 1.32); on real
photos shrunk from 80 to 25 detector pixels the box stays within 5% of its size, so that drift is
the padded FER canvas's, and the middle setting (the face ~36 of 128 pixels, as at a mirror) is used.
"""

from __future__ import annotations

import math

import numpy as np

from appliance.vision.faces import Face
from appliance.vision.preprocess import FACE_SIZE, crop_face

FRAMING_SIDE = 1.20  # crop side / box width (median 1.1992)
FRAMING_DX = 0.012  # crop centre - box centre, along the eye line, in box widths (median 0.0124)
FRAMING_DY = -0.072  # ... across it, downwards positive: the crop sits a little higher (median -0.0717)


def eye_angle(face: Face) -> float:
    """Angle in radians of the line from the right eye to the left eye (0 when level)."""
    dx, dy = face.left_eye - face.right_eye
    return math.atan2(float(dy), float(dx))


def crop_geometry(face: Face, *, framing_side: float = FRAMING_SIDE) -> tuple[tuple[float, float], float, float]:
    """(center, side, angle) of the levelled, FER-framed square for ``face``, in frame pixels."""
    angle = eye_angle(face)
    width = face.box[2]
    cx, cy = face.center
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    dx, dy = FRAMING_DX * width, FRAMING_DY * width
    center = (cx + dx * cos_a - dy * sin_a, cy + dx * sin_a + dy * cos_a)
    return center, framing_side * width, angle


def align_face(
    gray: np.ndarray,
    face: Face,
    *,
    size: int = FACE_SIZE,
    framing_side: float = FRAMING_SIDE,
    sampling: str = "bilinear",
) -> np.ndarray:
    """The ``size`` x ``size`` uint8 crop of ``face``, eyes level, through preprocess.crop_face
    (``sampling``: one of preprocess.SAMPLINGS; the live mirror's is pipeline.LIVE_SAMPLING).

    For speed the source is first box-averaged by a whole factor that leaves the face at least
    twice the crop's resolution (``reduce``): a 250-pixel face would otherwise be supersampled at
    288x288 points.  The result differs from crop_face without it by about a grey level
    (tests/vision/test_align.py checks it).
    """
    center, side, angle = crop_geometry(face, framing_side=framing_side)
    reduce = max(1, int(side // (2 * size)))
    return crop_face(gray, center=center, side=side, angle=angle, size=size, reduce=reduce, sampling=sampling)
