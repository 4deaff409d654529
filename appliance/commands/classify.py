"""``classify``: the expression on faces in image files, one JSON line per file."""

from __future__ import annotations

import json

import numpy as np

from appliance.errors import ApplianceError
from appliance.vision.align import align_face
from appliance.vision.classifier import DEFAULT_MODEL, EXPRESSIONS, ExpressionClassifier
from appliance.vision.faces import FaceDetector
from appliance.vision.images import read_image
from appliance.vision.preprocess import center_square, crop_face, to_gray
from appliance.vision.reading import fused


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("classify", help="read the expression on faces in image files")
    parser.add_argument("images", nargs="+", metavar="IMAGE")
    parser.add_argument(
        "--face-crop", action="store_true", help="each image is already a cropped face: skip face detection"
    )
    parser.add_argument("--model", default=DEFAULT_MODEL, help="expression model (.tflite)")
    parser.set_defaults(func=run)


def run(args) -> int:
    classifier = ExpressionClassifier(args.model)
    detector = None if args.face_crop else FaceDetector()
    failed = False
    for path in args.images:
        try:
            faces = (
                _face_crop_faces(classifier, path) if args.face_crop else _detected_faces(classifier, detector, path)
            )
            record = {"path": path, "faces": faces}
        except ApplianceError as error:
            failed = True
            record = {"path": path, "error": str(error)}
        print(json.dumps(record), flush=True)
    return 1 if failed else 0


def _face_crop_faces(classifier: ExpressionClassifier, path: str) -> list[dict]:
    gray = to_gray(read_image(path))
    height, width = gray.shape
    center, side = center_square(width, height)
    crop = crop_face(gray, center=center, side=side)
    box = [round(center[0] - side / 2), round(center[1] - side / 2), round(side), round(side)]
    return [face_record(box, 1.0, classifier.probability_vector(crop))]


def _detected_faces(classifier: ExpressionClassifier, detector: FaceDetector, path: str) -> list[dict]:
    """Every face BlazeFace finds in the whole image, best score first; [] when there is none."""
    pixels = read_image(path)  # grey or RGB (alpha dropped)
    gray = to_gray(pixels)
    faces = detector.detect(pixels)  # colour when the file has it: the detector scores higher on it
    return [
        face_record(face.int_box(), face.score, classifier.probability_vector(align_face(gray, face))) for face in faces
    ]


def face_record(box, score: float, appearance: np.ndarray, features: dict[str, float] | None = None) -> dict:
    """One face in the classify schema: ``expression`` and ``probabilities`` are the mirror's fused
    reading, ``appearance`` the expression model's own probabilities."""
    reading = fused(appearance, features)
    return {
        "box": [int(v) for v in box],
        "score": round(float(score), 4),
        "expression": EXPRESSIONS[int(np.argmax(reading))],
        "probabilities": _by_label(reading),
        "appearance": _by_label(appearance),
    }


def _by_label(vector) -> dict[str, float]:
    return {label: round(float(p), 4) for label, p in zip(EXPRESSIONS, vector, strict=True)}
