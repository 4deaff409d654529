"""Measure how FER2013's training crops frame a face, in units of what BlazeFace reports.

    python -m appliance.vision.calibrate_framing [--data ../shared/datasets/ferplus48.npz] [--count 3000]
    python -m appliance.vision.calibrate_framing --check models/expression_int8.tflite [--count 2000]

Each 48x48 training crop is upscaled 2x and put at the centre of a canvas 3x its size (edge
pixels repeated outward, so the detector sees a whole face on a plausible background).  For each
face found, the crop's own centre and side are expressed relative to the eye midpoint, in eye
distances along and across the eye line, and relative to the detector box.  The medians are the
framing constants in appliance/vision/align.py; the spread (interquartile range / median) says
which reference is more stable.  Numpy and the detector only; deterministic (first N train rows).

``--check MODEL`` closes the loop on test crops: the model's accuracy on each crop as it is,
against the same crop found by the detector on its canvas and cut by align_face, with the side
scaled by 0.9-1.1 around the measured framing.  The measured framing should score about as well
as the crops themselves, and no worse than the scaled ones.
"""

from __future__ import annotations

import argparse
import json
import math

import numpy as np

from appliance.errors import run_tool
from appliance.ferplus import DEFAULT_PATH, load_split
from appliance.vision.faces import FaceDetector
from appliance.vision.preprocess import FACE_SIZE

UPSCALE = 2
CANVAS = 3  # canvas side in crop sides: the face spans ~43 of the detector's 128 pixels, as at a mirror


def place_on_canvas(crop: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The crop upscaled and centred on an edge-padded canvas: (canvas, offset, scale) to map back."""
    from PIL import Image

    side = crop.shape[0] * UPSCALE
    big = np.asarray(Image.fromarray(crop).resize((side, side), Image.BILINEAR))
    pad = side * (CANVAS - 1) // 2
    return np.pad(big, pad, mode="edge"), float(pad), float(UPSCALE)


def measure(images: np.ndarray, detector: FaceDetector) -> dict[str, np.ndarray]:
    """Per detected crop: eye-frame offsets (ox, oy), side / eye distance, box offsets and side / box width."""
    rows = []
    for crop in images:
        canvas, offset, scale = place_on_canvas(crop)
        faces = detector.detect(canvas)
        if not faces:
            continue
        face = faces[0]
        right, left = (face.keypoints[:2] - offset) / scale  # in crop pixels
        mid, delta = (right + left) / 2, left - right
        distance, angle = float(np.hypot(*delta)), math.atan2(delta[1], delta[0])
        if distance < 1:
            continue
        to_center = np.array([FACE_SIZE / 2, FACE_SIZE / 2]) - mid
        along = to_center[0] * math.cos(angle) + to_center[1] * math.sin(angle)
        across = -to_center[0] * math.sin(angle) + to_center[1] * math.cos(angle)
        bx, by, bw, bh = face.box
        box_cx, box_cy, box_w = (bx + bw / 2 - offset) / scale, (by + bh / 2 - offset) / scale, bw / scale
        rows.append(
            (
                along / distance,
                across / distance,
                FACE_SIZE / distance,
                (FACE_SIZE / 2 - box_cx) / box_w,
                (FACE_SIZE / 2 - box_cy) / box_w,
                FACE_SIZE / box_w,
                math.degrees(angle),
            )
        )
    names = ("eye_along", "eye_across", "eye_side", "box_dx", "box_dy", "box_side", "eye_angle_deg")
    table = np.array(rows, dtype=np.float64).reshape(-1, len(names))
    return {name: table[:, i] for i, name in enumerate(names)}


def summarise(columns: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    out = {}
    for name, values in columns.items():
        q1, median, q3 = np.percentile(values, [25, 50, 75])
        out[name] = {"median": round(float(median), 4), "iqr": round(float(q3 - q1), 4)}
    return out


def check(model_path, data, count: int) -> dict:
    from appliance.vision.align import FRAMING_SIDE, align_face
    from appliance.vision.classifier import ExpressionClassifier

    split = load_split("test", data, limit=count)
    detector, classifier = FaceDetector(), ExpressionClassifier(model_path)
    direct = np.array([classifier.probability_vector(crop).argmax() for crop in split.images])
    scales = (0.9, 1.0, 1.1)
    hits = {scale: [] for scale in scales}
    found = []
    for crop, label in zip(split.images, split.labels, strict=True):
        canvas, _, _ = place_on_canvas(crop)
        faces = detector.detect(canvas)
        found.append(bool(faces))
        for scale in scales:
            if faces:
                aligned = align_face(canvas, faces[0], framing_side=FRAMING_SIDE * scale)
                hits[scale].append(classifier.probability_vector(aligned).argmax() == label)
    found = np.array(found)
    return {
        "test_crops": len(split),
        "faces_found": int(found.sum()),
        "accuracy_crops_as_they_are": round(float((direct[found] == split.labels[found]).mean()), 4),
        **{f"accuracy_detect_align_side_x{scale}": round(float(np.mean(hits[scale])), 4) for scale in scales},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="measure the FER2013 crop framing with BlazeFace")
    parser.add_argument("--data", default=DEFAULT_PATH)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--check", metavar="MODEL", help="check the framing with this expression model instead")
    args = parser.parse_args(argv)
    if args.check:
        print(json.dumps(check(args.check, args.data, args.count), indent=2))
        return 0
    images = load_split("train", args.data, limit=args.count).images
    columns = measure(images, FaceDetector())
    found = len(next(iter(columns.values())))
    # Relative spread of the side: which reference predicts the crop better.
    spread = {
        key: round(float(np.subtract(*np.percentile(columns[key], [75, 25])) / np.median(columns[key])), 4)
        for key in ("eye_side", "box_side")
    }
    report = {"crops": len(images), "faces_found": found, "side_relative_iqr": spread, **summarise(columns)}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(run_tool(main))
