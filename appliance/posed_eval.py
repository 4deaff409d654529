"""The mirror's reading measured on a folder of posed photos, with each person's neutral face and without.

The reading is judged on posed faces of people outside every training set, a set the team does
not have.  Whoever has one measures it with ``python -m appliance eval-posed FOLDER``, which reads
every photo as ``classify`` does (detection, alignment, the expression model, the mesh from
several framings) and judges it with the mirror's reading (``reading.read``):

- **with the neutral**: each photo relative to the same person's neutral photo as their resting
  face, as the mirror reads a person who has calibrated;
- **without**: each photo against the population neutral, as before calibration.

The folder holds ``labels.csv`` with the columns ``file`` (a path relative to the folder),
``label`` (one of the eight expressions, or a common word for one: "happy", "afraid"...) and
``subject`` (who it is); any other column (gender, ethnicity, age...) is a group the figures are
also given by.  A person's first neutral photo (by its path) is their reference: it is left out
of the "with the neutral" figures, and their other neutral photos count there as neutral faces.
The London set has this layout.

Balanced accuracy (the mean of the per-expression recalls, over the expressions the folder has)
is the headline: the mirror asks for every expression in turn.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from appliance.errors import ApplianceError
from appliance.evaluation import Metrics, share_interval_figures
from appliance.photo_labels import LabelledPhoto
from appliance.reading_eval import MIN_GROUP, FaceRead
from appliance.vision.classifier import EXPRESSIONS

BALANCED_TARGETS = {"with_neutral": 0.62, "without_neutral": 0.55}
RECALL_TARGETS = {"anger": 0.40, "disgust": 0.40, "sadness": 0.40, "fear": 0.30, "happiness": 0.90, "neutral": 0.90}
"""Recall with the neutral, each expression's own."""
BASIC = ("anger", "disgust", "fear", "happiness", "sadness", "surprise")
"""A balanced accuracy is judged against its target only over a folder with all six of these."""


@dataclass(frozen=True)
class Judged:
    photo: LabelledPhoto
    face: FaceRead
    reference: FaceRead | None  # the person's neutral photo's reading (None: they have none with a face)
    is_reference: bool


def read_photos(
    photos: Iterable[LabelledPhoto], read: Callable[[Path], FaceRead | None], *, log=None
) -> tuple[list[Judged], list[LabelledPhoto]]:
    """Each photo read (``read``: a path to its most prominent face, None without one), with its person's
    reference; and the photos left out: no face in them, or a file that cannot be read as an image
    (said through ``log``; one bad file does not stop the rest)."""
    by_subject: dict[str, list[LabelledPhoto]] = defaultdict(list)
    for photo in photos:
        by_subject[photo.subject].append(photo)
    judged, left_out = [], []
    for subject in sorted(by_subject):
        faces = []
        for photo in sorted(by_subject[subject], key=lambda p: str(p.path)):
            try:
                face, why = read(photo.path), "no face found"
            except ApplianceError as error:
                face, why = None, str(error)
            if face is None:
                left_out.append(photo)
                if log:
                    log(f"{photo.path}: {why}; left out")
                continue
            faces.append((photo, face))
        neutrals = [(photo, face) for photo, face in faces if photo.label == "neutral"]
        reference = neutrals[0] if neutrals else None
        for photo, face in faces:
            is_reference = reference is not None and photo is reference[0]
            judged.append(Judged(photo, face, reference[1] if reference else None, is_reference))
    return judged, left_out


def figures(truth: list[str], read: list[str]) -> dict:
    """Accuracy, balanced accuracy (the mean recall over the expressions in ``truth``), each recall and
    what each expression was read as: ``evaluation.Metrics``, by name, for the expressions present."""
    if not truth:
        return {"photos": 0}
    metrics = Metrics.from_predictions(_indices(truth), _indices(read))
    present = [(i, label) for i, label in enumerate(EXPRESSIONS) if metrics.confusion[i].sum()]
    return {
        "photos": metrics.rows,
        "accuracy": round(metrics.accuracy, 4),
        "balanced_accuracy": round(metrics.balanced_accuracy, 4),
        "recall": {label: round(float(metrics.recall[i]), 4) for i, label in present},
        "recall_interval_95": {  # Wilson's: with a few photos an expression, a recall is rough
            label: share_interval_figures(int(metrics.confusion[i, i]), int(metrics.confusion[i].sum()))
            for i, label in present
        },
        "count": {label: int(metrics.confusion[i].sum()) for i, label in present},
        "read_as": {label: _read_as(metrics.confusion[i]) for i, label in present},
    }


def _indices(labels: list[str]) -> np.ndarray:
    return np.array([EXPRESSIONS.index(label) for label in labels], dtype=np.int64)


def _read_as(row: np.ndarray) -> dict[str, int]:
    """One expression's row of the confusion matrix by name, most often first, without zeros."""
    order = sorted(range(len(row)), key=lambda j: -row[j])
    return {EXPRESSIONS[j]: int(row[j]) for j in order if row[j]}


def summary(judged: list[Judged], reading) -> dict:
    """The figures with each person's neutral and without, overall and by group (groups of MIN_GROUP+
    people).  ``reading(face, reference_or_None)`` is the reading, relative to a resting face when given."""

    def label_of(vector) -> str:
        return EXPRESSIONS[int(np.argmax(vector))]

    kinds = {
        "with_neutral": [
            (j, label_of(reading(j.face, j.reference)))
            for j in judged
            if j.reference is not None and not j.is_reference
        ],
        "without_neutral": [(j, label_of(reading(j.face, None))) for j in judged],
    }
    result = {}
    for kind, rows in kinds.items():
        overall = figures([j.photo.label for j, _ in rows], [got for _, got in rows])
        groups = {}
        for column in group_columns([j.photo for j, _ in rows]):
            for value in sorted({j.photo.groups.get(column, "") for j, _ in rows} - {""}):
                members = [(j, got) for j, got in rows if j.photo.groups.get(column) == value]
                people = len({j.photo.subject for j, _ in members})
                if people >= MIN_GROUP:
                    figures_of = figures([j.photo.label for j, _ in members], [got for _, got in members])
                    groups[f"{column}={value}"] = {"people": people, **figures_of}
        result[kind] = {**overall, "people": len({j.photo.subject for j, _ in rows}), "by_group": groups}
    result["targets_met"], result["targets_not_judged"] = targets_met(result)
    return result


def group_columns(photos: list[LabelledPhoto]) -> list[str]:
    """The columns that name groups: not one whose every value is a number (an age is not a group)."""
    columns = sorted({key for photo in photos for key in photo.groups})
    return [column for column in columns if not all(_is_number(p.groups.get(column, "0")) for p in photos)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def targets_met(result: dict) -> tuple[dict[str, bool], dict[str, str]]:
    """The reading's targets on these figures, true or false; and the targets this folder cannot judge,
    each with the reason (its photos do not cover what the target is about: the London set has two
    expressions)."""
    met: dict[str, bool] = {}
    not_judged: dict[str, str] = {}
    balanced = {kind: result[kind].get("balanced_accuracy") for kind in BALANCED_TARGETS}
    for kind, target in BALANCED_TARGETS.items():
        name = f"{kind}: balanced accuracy >= {target}"
        missing = [label for label in BASIC if label not in result[kind].get("recall", {})]
        if balanced[kind] is None or missing:
            not_judged[name] = f"no photos of {', '.join(missing)}" if missing else "no photos"
        else:
            met[name] = balanced[kind] >= target
    name = "with_neutral: balanced accuracy >= without_neutral's"
    if all(f"{kind}: balanced accuracy >= {target}" in met for kind, target in BALANCED_TARGETS.items()):
        met[name] = balanced["with_neutral"] >= balanced["without_neutral"]
    else:
        not_judged[name] = "a balanced accuracy above is not judged"
    for label, target in RECALL_TARGETS.items():
        name = f"{label} read right >= {target} (with the neutral)"
        value = result["with_neutral"].get("recall", {}).get(label)
        if value is None:
            not_judged[name] = f"no photos of {label} with a neutral of the same person"
        else:
            met[name] = value >= target
    return met, not_judged
