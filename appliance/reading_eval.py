"""The mirror's reading measured: FER+ splits (appearance and crop geometry) and the London set.

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
from appliance.vision.features import GEOMETRY, GEOMETRY_VERSION, features_from, measure
from appliance.vision.images import read_image
from appliance.vision.landmarks import MIN_PRESENCE, FaceMesh
from appliance.vision.litert import check_model_file, file_sha256
from appliance.vision.preprocess import to_gray
from appliance.vision.reading import read, resting_face
from appliance.vision.tracking import most_prominent


@dataclass(frozen=True)
class SplitReadings:
    labels: np.ndarray  # int64 [n], majority label
    appearance: np.ndarray  # float32 [n, 8], the expression model's probabilities
    geometry_matrix: np.ndarray | None  # float64 [n, len(GEOMETRY)], NaN where no landmarks were read

    @property
    def geometries(self) -> list[dict[str, float] | None]:
        if self.geometry_matrix is None:
            return [None for _ in self.labels]
        return [geometry_dict(row) for row in self.geometry_matrix]


def geometry_dict(row: np.ndarray) -> dict[str, float] | None:
    """A row of a geometry matrix as a geometry dict (None: no landmarks were read)."""
    return None if np.isnan(row).any() else dict(zip(GEOMETRY, row.tolist(), strict=True))


def appearance_probabilities(images: np.ndarray, model_path=DEFAULT_MODEL) -> np.ndarray:
    classifier = ExpressionClassifier(model_path)
    return np.stack([classifier.probability_vector(image) for image in images]).astype(np.float32)


def split_readings(
    name: str, data_path, cache: Path | None = None, *, with_geometry: bool = True, model_path=DEFAULT_MODEL
) -> SplitReadings:
    """The model's outputs (and, with ``with_geometry``, the crops' geometry) on one FER+ split."""
    split = load_split(name, data_path)
    rows = len(split)
    # Keyed on the model's bytes: another model's (or an older export's) outputs are never reused.
    model_key = file_sha256(check_model_file(model_path, what="expression model"))[:12]
    appearance = _cached(
        cache, f"appearance_{name}_{model_key}", lambda: appearance_probabilities(split.images, model_path), rows
    )
    geometry = None
    if with_geometry:  # keyed on the measurements too: another build's geometry is not reused
        key = f"geometry_{name}_v{GEOMETRY_VERSION}_{len(GEOMETRY)}"
        geometry = _cached(cache, key, lambda: crop_geometry(split.images), rows)
    return SplitReadings(split.labels, appearance, geometry)


def crop_geometry(images: np.ndarray) -> np.ndarray:
    """The geometry of each 48x48 crop (NaN: no landmarks), the crops upscaled into the face mesh's
    input exactly as the face model was built from them."""
    from appliance.vision.build_face_model import read_crops

    out = np.full((len(images), len(GEOMETRY)), np.nan)
    if len(images) == 0:
        return out
    shapes, kept = read_crops(FaceMesh(), images)
    for row, shape in zip(kept, shapes, strict=True):
        geometry = measure(shape)[0]
        out[row] = [geometry[key] for key in GEOMETRY]
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
        return self.read_pixels(read_image(path))

    def read_pixels(self, pixels: np.ndarray) -> FaceRead | None:
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
    neutral: FaceRead  # the neutral photo: the person's resting face
    smile: FaceRead
    neutral_again: FaceRead | None  # the neutral photo photographed again (None: no face found in it)


def photographed_again(pixels: np.ndarray, *, seed: int = 0) -> np.ndarray:
    """The same scene as another frame of a still face: 90% the size, shifted a few pixels, with
    sensor noise (sigma 3); what a face at rest changes between two looks of the camera."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    height, width = pixels.shape[:2]
    image = Image.fromarray(pixels).resize((round(width * 0.9), round(height * 0.9)), Image.BILINEAR)
    smaller = np.asarray(image, dtype=np.float64)
    canvas = np.full(pixels.shape, float(np.median(pixels)))
    dy, dx = rng.integers(0, 4, size=2)
    canvas[dy : dy + smaller.shape[0], dx : dx + smaller.shape[1]] = smaller
    return np.clip(canvas + rng.normal(0, 3, canvas.shape), 0, 255).astype(np.uint8)


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
    """Each person's two photos through detection, alignment, the expression model and landmarks,
    and the neutral photo once more, photographed again."""
    folder = Path(folder)
    labels = folder / "labels.csv"
    if not labels.is_file():
        raise ApplianceError(f"no London set at {folder} (labels.csv missing)", hint="pass --london with its folder")
    reader = FaceReader(model_path)
    people = []
    for index, row in enumerate(london_rows(folder)):
        subject = row["subject"]
        neutral, smile = reader.read(row["neutral"]), reader.read(row["happiness"])
        if neutral is None or smile is None:
            if log:
                log(f"{subject}: no face found in one of the photos; left out")
            continue
        again = reader.read_pixels(photographed_again(read_image(row["neutral"]), seed=index))
        people.append(LondonPerson(subject, row["gender"], row["ethnicity"], neutral, smile, again))
    return people


def learned_reading(face: FaceRead, reference: FaceRead | None) -> np.ndarray:
    """The mirror's reading of ``face``, relative to ``reference`` (a resting face) when given."""
    resting = None if reference is None else resting_face(reference.appearance, reference.geometry)
    return read(face.appearance, face.geometry, resting=resting)


def appearance_alone(face: FaceRead, reference: FaceRead | None = None) -> np.ndarray:
    """The expression model's own output, in the summaries' calling form: no geometry, no reference."""
    return face.appearance


def london_summary(people: list[LondonPerson], reading) -> dict:
    """Shares of smiles read as happiness and of neutral faces read as neutral, each with the person's
    own neutral photo as their resting face and without one (overall; the smiles also per gender and
    ethnic group of MIN_GROUP+ people), and what the smiles not read as happiness were read as.
    ``reading(face, reference_or_None)`` gives a vector.  The neutral face "with" is the neutral
    photo photographed again, read against the photo itself."""
    happy, neutral = EXPRESSIONS.index("happiness"), EXPRESSIONS.index("neutral")

    def top(face, reference) -> int:
        return int(np.argmax(reading(face, reference)))

    smiles_read = {
        "with_neutral": [top(p.smile, p.neutral) for p in people],
        "without_neutral": [top(p.smile, None) for p in people],
    }
    smiles = {kind: np.array([label == happy for label in read]) for kind, read in smiles_read.items()}
    again = [p for p in people if p.neutral_again is not None]
    rests = {
        "with_neutral": np.array([top(p.neutral_again, p.neutral) == neutral for p in again]),
        "without_neutral": np.array([top(p.neutral, None) == neutral for p in people]),
    }
    missed = Counter(EXPRESSIONS[label] for label in smiles_read["with_neutral"] if label != happy)
    result: dict = {"people": len(people)}
    for kind in ("with_neutral", "without_neutral"):
        groups = {}
        for attribute in ("gender", "ethnicity"):
            for value in sorted({getattr(p, attribute) for p in people} - {None}):
                members = np.array([getattr(p, attribute) == value for p in people])
                if members.sum() >= MIN_GROUP:
                    groups[f"{attribute}={value}"] = {
                        "people": int(members.sum()),
                        "smiles": _share(smiles[kind][members]),
                        "smiles_interval_95": _interval(smiles[kind][members]),
                    }
        result[kind] = {
            "smiles_read_as_happiness": _share(smiles[kind]),
            "smiles_interval_95": _interval(smiles[kind]),  # Wilson's: how far a share of so few people can be trusted
            "by_group": groups,
            "neutrals_read_as_neutral": _share(rests[kind]),
            "neutrals_interval_95": _interval(rests[kind]),
        }
    result["with_neutral"]["smiles_missed_read_as"] = dict(missed.most_common())  # what the others were read as
    return result


def _share(hits: np.ndarray) -> float:
    return round(float(hits.mean()), 4) if len(hits) else float("nan")


def _interval(hits: np.ndarray) -> list[float]:
    return share_interval_figures(int(hits.sum()), len(hits))
