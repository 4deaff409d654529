"""``classify``: the expression, head pose and named features of faces in image files, one JSON
line per file.

``expression`` and ``probabilities`` are the mirror's reading (appliance.vision.reading: the
expression model's output read with the face's geometry); ``appearance`` is the expression
model's own output.

Every face gets ``"features"`` ({name: 0..1}, see appliance.vision.features) and ``"pose"``
({yaw, pitch, roll} degrees), with ``"neutral"`` saying what the features are relative to:
``--neutral REF`` (the same person's relaxed face) or the population neutral.  A face whose
landmarks cannot be read gets ``null`` for both.
"""

from __future__ import annotations

import json
import sys

import numpy as np

from appliance.errors import ApplianceError
from appliance.vision.align import align_face
from appliance.vision.classifier import DEFAULT_MODEL, EXPRESSIONS, ExpressionClassifier
from appliance.vision.faces import Face, FaceDetector
from appliance.vision.features import features_from, measure
from appliance.vision.images import read_image
from appliance.vision.landmarks import MIN_PRESENCE, FaceMesh
from appliance.vision.preprocess import center_square, crop_face, to_gray
from appliance.vision.reading import read, resting_face
from appliance.vision.tracking import most_prominent


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "classify",
        help="read the expression and features of faces in image files",
        description="Find every face in each image (BlazeFace) and read its expression; one JSON line per file:"
        " {path, faces: [{box, score, expression, probabilities, appearance, features, pose}]}, or {path, error}"
        " for a file that cannot be"
        " read (the others go on; the exit status is then 1).  Images up to 64 megapixels.",
        epilog="examples: python -m appliance classify photo.jpg   |   --face-crop crop1.png crop2.png"
        "   |   --neutral relaxed.jpg smiling.jpg",
    )
    parser.add_argument("images", nargs="+", metavar="IMAGE")
    parser.add_argument(
        "--face-crop", action="store_true", help="each image is already a cropped face: skip face detection"
    )
    parser.add_argument(
        "--neutral",
        metavar="REF",
        default=None,
        help="an image of the same person's relaxed face: features are relative to it "
        "(default: the population neutral face)",
    )
    parser.add_argument("--model", default=DEFAULT_MODEL, help="expression model (.tflite)")
    parser.set_defaults(func=run)


class Reader:
    """The models for still images, built once."""

    def __init__(self, model=DEFAULT_MODEL, *, face_crop: bool = False, expression: bool = True) -> None:
        self.classifier = ExpressionClassifier(model) if expression else None
        self.detector = None if face_crop else FaceDetector()
        self.mesh = FaceMesh()

    def faces(self, path: str, neutral=None, kind: str = "population", resting=None) -> list[dict]:
        """Every face in the image (best score first; [] when there is none), each with its reading.

        ``neutral`` is the reference face's geometry and ``resting`` the expression model's
        output on it (both None: the population neutral)."""
        pixels = read_image(path)  # grey or RGB (alpha dropped)
        gray = to_gray(pixels)
        with_shape = resting_face(resting, neutral) if neutral is not None else None
        look_only = resting_face(resting) if resting is not None else None  # a face without landmarks
        records = []
        for face, box, crop in self._located(pixels, gray):
            appearance = self.classifier.probability_vector(crop)
            mesh = self.mesh.read_crop(pixels) if face is None else self.mesh.read_still(pixels, face)
            if mesh.presence >= MIN_PRESENCE:
                geometry, pose = measure(mesh.points)
                features = features_from(geometry, neutral)
                record = face_record(box, face.score if face else 1.0, appearance, geometry, with_shape)
                record["features"] = {k: _figure(v, 4) for k, v in features.items()}
                record["pose"] = {k: _figure(v, 2) for k, v in pose.items()}
                record["neutral"] = kind
            else:  # no landmarks: the reading reads the appearance alone
                record = face_record(box, face.score if face else 1.0, appearance, resting=look_only)
                record.update(features=None, pose=None, neutral="")
            records.append(record)
        return records

    def geometry(self, path: str) -> dict[str, float]:
        """The geometry of the most prominent face in ``path``, or an error saying why there is none
        (for a neutral face: the messages speak of the neutral image)."""
        return self.neutral_face(path)[0]

    def neutral_face(self, path: str, *, warn=None) -> tuple[dict[str, float], np.ndarray | None]:
        """(geometry, the expression model's probabilities) of the most prominent face in ``path``;
        the probabilities are None when this reader has no expression model.  ``warn(text)`` is told
        which face was taken when the image holds more than one."""
        pixels = read_image(path)
        gray = to_gray(pixels)
        if self.detector is None:
            mesh = self.mesh.read_crop(pixels)
            (_, _, crop), *_ = self._located(pixels, gray)
        else:
            faces = self.detector.detect(pixels)
            if not faces:
                raise ApplianceError(
                    f"no face was found in {path}",
                    hint="use a photo where the face is clearly visible and faces the camera",
                )
            height, width = pixels.shape[:2]
            face = most_prominent(faces, (width, height))
            if len(faces) > 1 and warn is not None:  # the mirror's own pick: large and central
                warn(f"{path} has {len(faces)} faces; the reference is the most prominent one (large and"
                     f" central), at box {list(face.int_box())} (x, y, width, height)")  # fmt: skip
            mesh = self.mesh.read_still(pixels, face)
            crop = align_face(gray, face)
        if mesh.presence < MIN_PRESENCE:
            raise ApplianceError(
                f"the face's landmarks could not be read in {path}",
                hint="use a sharper photo where the face is clearly visible and faces the camera",
            )
        appearance = self.classifier.probability_vector(crop) if self.classifier is not None else None
        return measure(mesh.points)[0], appearance

    def _located(self, pixels, gray):
        """(detected face or None for a face crop, box, 48x48 expression crop) for each face."""
        if self.detector is None:
            height, width = gray.shape
            center, side = center_square(width, height)
            box = [round(center[0] - side / 2), round(center[1] - side / 2), round(side), round(side)]
            return [(None, box, crop_face(gray, center=center, side=side))]
        faces: list[Face] = self.detector.detect(pixels)  # colour when the file has it: it scores higher
        return [(face, face.int_box(), align_face(gray, face)) for face in faces]


def run(args) -> int:
    reader = Reader(args.model, face_crop=args.face_crop)
    neutral, kind, resting = None, "population", None
    if args.neutral is not None:
        try:
            (neutral, resting), kind = reader.neutral_face(args.neutral, warn=_warn), "personal"
        except ApplianceError as error:  # one clear error for the reference, before any image is read
            hint = "give --neutral a readable photo of the same person's relaxed face, facing the camera"
            if args.face_crop:  # a whole photo read as a crop finds no landmarks
                hint += "; --face-crop applies to it too: give a cropped face, or leave out --face-crop"
            raise ApplianceError(f"the --neutral image cannot be used: {error}", hint=hint) from None
    if resting is not None and EXPRESSIONS[int(np.argmax(resting))] != "neutral":
        top = int(np.argmax(resting))
        print(
            f"warning: the --neutral image reads as {EXPRESSIONS[top]} ({resting[top]:.2f}), not as a relaxed face; "
            "every reading is relative to it, so that expression will read as neutral",
            file=sys.stderr,
        )
    failed = False
    for path in args.images:
        try:
            record = {"path": path, "faces": reader.faces(path, neutral, kind, resting)}
        except ApplianceError as error:
            failed = True
            record = {"path": path, "error": str(error)}
        print(json.dumps(record), flush=True)
    return 1 if failed else 0


def face_record(box, score: float, appearance, geometry: dict[str, float] | None = None, resting=None) -> dict:
    """One face in the classify schema (features and pose are added beside these): ``expression``
    and ``probabilities`` are the mirror's reading (relative to ``resting``, a ``reading.RestingFace``,
    when given), ``appearance`` the expression model's own."""
    reading = read(appearance, geometry, resting=resting)
    return {
        "box": [int(v) for v in box],
        "score": round(float(score), 4),
        "expression": EXPRESSIONS[int(np.argmax(reading))],
        "probabilities": _by_label(reading),
        "appearance": _by_label(appearance),
    }


def _by_label(vector) -> dict[str, float]:
    return {label: _figure(p, 4) for label, p in zip(EXPRESSIONS, vector, strict=True)}


def _figure(value, digits: int) -> float:
    """``value`` rounded for printing; a tiny negative rounds to 0.0, not -0.0."""
    return round(float(value), digits) + 0.0


def _warn(text: str) -> None:
    print(f"warning: {text}", file=sys.stderr)
