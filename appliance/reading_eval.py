"""The fused reading measured: FER+ splits (appearance and crop features) and the London set.

Numpy on top of the runtime's own parts; used by ``eval`` and by ``vision.reading_fit``.
Model outputs are cached under ``build/`` (they take minutes on a shared 2-core machine).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from appliance.errors import ApplianceError
from appliance.evaluation import share_interval_figures
from appliance.ferplus import load_split
from appliance.paths import PROJECT_DIR
from appliance.photo_labels import read_labels
from appliance.vision.align import align_face
from appliance.vision.classifier import DEFAULT_MODEL, EXPRESSIONS, ExpressionClassifier
from appliance.vision.faces import FaceDetector
from appliance.vision.features import FEATURES, features_from, measure
from appliance.vision.images import read_image
from appliance.vision.landmarks import MIN_PRESENCE, FaceMesh
from appliance.vision.litert import check_model_file, file_sha256
from appliance.vision.preprocess import to_gray
from appliance.vision.reading import fused
from appliance.vision.tracking import most_prominent


@dataclass(frozen=True)
class SplitReadings:
    labels: np.ndarray  # int64 [n], majority label
    appearance: np.ndarray  # float32 [n, 8], the expression model's probabilities
    feature_matrix: np.ndarray | None  # float32 [n, len(FEATURES)], NaN where no landmarks were read

    @property
    def features(self) -> list[dict[str, float]]:
        if self.feature_matrix is None:
            return [{} for _ in self.labels]
        return [
            {} if np.isnan(row).any() else dict(zip(FEATURES, row.tolist(), strict=True)) for row in self.feature_matrix
        ]


def appearance_probabilities(images: np.ndarray, model_path=DEFAULT_MODEL) -> np.ndarray:
    classifier = ExpressionClassifier(model_path)
    return np.stack([classifier.probability_vector(image) for image in images]).astype(np.float32)


def split_readings(
    name: str, data_path, cache: Path | None = None, *, with_features: bool = True, model_path=DEFAULT_MODEL
) -> SplitReadings:
    """The model's outputs (and, with ``with_features``, the crop features) on one FER+ split."""
    split = load_split(name, data_path)
    rows = len(split)
    # Keyed on the model's bytes: another model's (or an older export's) outputs are never reused.
    model_key = file_sha256(check_model_file(model_path, what="expression model"))[:12]
    appearance = _cached(
        cache, f"appearance_{name}_{model_key}", lambda: appearance_probabilities(split.images, model_path), rows
    )
    features = _cached(cache, f"features_{name}", lambda: crop_features(split.images), rows) if with_features else None
    return SplitReadings(split.labels, appearance, features)


def crop_features(images: np.ndarray) -> np.ndarray:
    """The named features of each 48x48 crop against the population neutral (NaN: no landmarks),
    the crops upscaled into the face mesh's input exactly as the face model was built from them."""
    from appliance.vision.build_face_model import read_crops

    out = np.full((len(images), len(FEATURES)), np.nan, np.float32)
    if len(images) == 0:
        return out
    shapes, kept = read_crops(FaceMesh(), images)
    for row, shape in zip(kept, shapes, strict=True):
        features = features_from(measure(shape)[0])
        out[row] = [features[name] for name in FEATURES]
    return out


@dataclass(frozen=True)
class FaceRead:
    appearance: np.ndarray
    geometry: dict | None


class FaceReader:
    """One photo's most prominent face: the model's probabilities and its geometry (None when the
    landmarks could not be read), as ``classify`` reads a photo."""

    def __init__(self, model_path=DEFAULT_MODEL) -> None:
        self.detector = FaceDetector()
        self.classifier = ExpressionClassifier(model_path)
        self.mesh = FaceMesh()

    def read(self, path) -> FaceRead | None:
        pixels = read_image(path)
        faces = self.detector.detect(pixels)
        if not faces:
            return None
        height, width = pixels.shape[:2]
        face = most_prominent(faces, (width, height))
        appearance = self.classifier.probability_vector(align_face(to_gray(pixels), face))
        mesh = self.mesh.read_still(pixels, face)
        return FaceRead(appearance, measure(mesh.points)[0] if mesh.presence >= MIN_PRESENCE else None)

    @staticmethod
    def features(face: FaceRead, neutral: FaceRead | None) -> dict:
        """``face``'s features against ``neutral``'s geometry (the population's when None); {} without landmarks."""
        if face.geometry is None or (neutral is not None and neutral.geometry is None):
            return {}
        return features_from(face.geometry, None if neutral is None else neutral.geometry)


def _cached(cache: Path | None, key: str, compute, rows: int) -> np.ndarray:
    """``compute()``'s ``rows`` rows, kept in ``cache``; a cached file of another length (another data
    set's) is computed again and replaced, so the next run does not pay for it again."""
    if cache is None:
        return compute()
    path = Path(cache) / f"{key}.npy"
    if path.is_file():
        value = np.load(path)
        if len(value) == rows:
            return value
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, value)
    return value


LONDON_DIR = PROJECT_DIR.parent / "shared" / "datasets" / "london"
MIN_GROUP = 9  # people: smaller groups are too small to report on their own


@dataclass(frozen=True)
class LondonPerson:
    subject: str
    gender: str | None  # None: labels.csv does not say
    ethnicity: str | None
    neutral: np.ndarray  # the expression model's probabilities on the neutral photo
    smile: np.ndarray  # ... on the smiling photo
    neutral_features: dict  # the neutral photo's features against the population neutral ({} without landmarks)
    smile_features: dict  # the smile's features against the same person's neutral photo


def london_rows(folder: Path) -> list[dict]:
    """One dict per person of ``folder/labels.csv`` who has a neutral and a smiling photo: subject,
    gender and ethnicity (None where the file does not give them) and the paths "neutral" and
    "happiness" (a person's first of each, by path), in subject order.

    The file is read by ``photo_labels.read_labels``, so any folder in the London set's layout can
    be measured (a team's own people, a few mornings at a real mirror), and one that cannot be used
    is a clear error, as is one with nobody who has both photos."""
    people: dict[str, dict] = {}
    for photo in sorted(read_labels(folder), key=lambda p: str(p.path)):
        person = people.setdefault(
            photo.subject,
            {
                "subject": photo.subject,
                "gender": photo.groups.get("gender"),
                "ethnicity": photo.groups.get("ethnicity"),
            },
        )
        if photo.label in ("neutral", "happiness"):
            person.setdefault(photo.label, photo.path)
    paired = [people[s] for s in sorted(people) if "neutral" in people[s] and "happiness" in people[s]]
    if not paired:
        raise ApplianceError(
            f"nobody in {Path(folder) / 'labels.csv'} has both a neutral and a smiling photo",
            hint="give each person a row labelled neutral and one labelled happiness (or smile), with the same subject",
        )
    return paired


def london_people(folder: Path | str = LONDON_DIR, *, model_path=DEFAULT_MODEL, log=None) -> list[LondonPerson]:
    """Each person's two photos through detection, alignment, the expression model and landmarks."""
    folder = Path(folder)
    labels = folder / "labels.csv"
    if not labels.is_file():
        raise ApplianceError(f"no London set at {folder} (labels.csv missing)", hint="pass --london with its folder")
    reader = FaceReader(model_path)
    people = []
    for row in london_rows(folder):
        subject = row["subject"]
        neutral, smile = reader.read(row["neutral"]), reader.read(row["happiness"])
        if neutral is None or smile is None:
            if log:
                log(f"{subject}: no face found in one of the photos; left out")
            continue
        people.append(
            LondonPerson(
                subject=subject,
                gender=row["gender"],
                ethnicity=row["ethnicity"],
                neutral=neutral.appearance,
                smile=smile.appearance,
                neutral_features=reader.features(neutral, None),
                smile_features=reader.features(smile, neutral),
            )
        )
    return people


def fused_reading(appearance, features, neutral: str, resting) -> np.ndarray:
    """The mirror's reading, called as the summaries call a reading: (appearance, features, what they
    are relative to, the model's output on the person's resting face or None)."""
    return fused(appearance, features, neutral, resting=resting)


def appearance_alone(appearance, *_) -> np.ndarray:
    """The expression model's own output, in the summaries' calling form: no geometry, no priors."""
    return appearance


def london_summary(people: list[LondonPerson], reading) -> dict:
    """Shares of smiles read as happiness (overall, per gender and ethnic group of MIN_GROUP+ people)
    and of neutral faces read as neutral with no reference; what the smiles not read as happiness were
    read as, by label.  ``reading(appearance, features, neutral,
    resting)`` gives a vector; ``resting`` is the model's output on the person's neutral photo (None
    without a reference)."""
    happy, neutral = EXPRESSIONS.index("happiness"), EXPRESSIONS.index("neutral")
    read = [int(np.argmax(reading(p.smile, p.smile_features, "personal", p.neutral))) for p in people]
    smiles = np.array([label == happy for label in read])
    missed = Counter(EXPRESSIONS[label] for label in read if label != happy)
    rests = np.array(
        [int(np.argmax(reading(p.neutral, p.neutral_features, "population", None))) == neutral for p in people]
    )
    groups = {}
    for attribute in ("gender", "ethnicity"):
        for value in sorted({getattr(p, attribute) for p in people} - {None}):
            members = np.array([getattr(p, attribute) == value for p in people])
            if members.sum() >= MIN_GROUP:
                groups[f"{attribute}={value}"] = {
                    "people": int(members.sum()),
                    "smiles": _share(smiles[members]),
                    "smiles_interval_95": _interval(smiles[members]),
                }
    return {
        "people": len(people),
        "smiles_read_as_happiness": _share(smiles),
        "smiles_interval_95": _interval(smiles),  # Wilson's: how far a share of so few people can be trusted
        "smiles_missed_read_as": dict(missed.most_common()),  # what the others were read as, most first
        "by_group": groups,
        "neutrals_read_as_neutral": _share(rests),
        "neutrals_interval_95": _interval(rests),
    }


def _share(hits: np.ndarray) -> float:
    return round(float(hits.mean()), 4) if len(hits) else float("nan")


def _interval(hits: np.ndarray) -> list[float]:
    return share_interval_figures(int(hits.sum()), len(hits))
