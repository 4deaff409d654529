"""Make face_model.json: the canonical face, the population neutral and the feature scales.

Dev-time only, from FER+ *training* crops (never the London set, which is evaluation only):

    python -m appliance.vision.build_face_model [--data ../shared/datasets/ferplus48.npz]

Each 48x48 crop (FER framing: brows to chin, 1.2x BlazeFace's box) is upscaled into the
face mesh's 192x192 input as the live ROI would frame it (1.5x the box: the crop fills
154 of 192 pixels, edges repeated), read once, then read again from a ROI built from those
landmarks, as tracking would.  Only crops with a clear crowd majority and a face presence of
at least 0.5 are used.

- Canonical face: generalised Procrustes over the neutral crops (rigid fits on the stable
  points, 3 rounds), the per-point median, levelled (eye line horizontal) and scaled so the
  outer eye corners are 1 apart.  Its yaw and pitch are the neutral FER+ faces' median pose.
- Population neutral: the median geometry of the neutral crops in that frame.
- Scales: for each feature, the movement from the population neutral that the most expressive
  tenth of the crops with the expression that shows it most reach (``SCALE_SOURCES``; the 90th
  percentile, less the neutral crops' median).  Not the median: many faces the crowd calls sad
  or angry do not move the mouth corners or press the lips at all, and at 48x48 pixels the
  median movement of those features is lost in the spread between people.
  ``lip_pucker`` has no FER+ expression: 1 is the mouth corners 25% of their neutral
  distance nearer the midline (and the lips forward), a deliberate pucker.
- The smile, from two more groups of training crops: *subtle smiles* (the crowd split between
  happiness and neutral: each at least 30% of the votes, together at least 80%) and *pure
  neutral* faces (at least 90% of the votes neutral).  Its weights are the linear discriminant
  (Fisher's, pooled covariance) between them on each corner's lift against the lips' centre
  line, its outward movement and its lift against the eye line, scaled so the first weighs 1.
  Its scale puts ``features.SMILE_THRESHOLD`` at half the typical subtle smile: the median
  subtle smile less the median pure neutral face, halved (a criterion fixed before looking).
  Not the 90th percentile of happy faces: those are mostly big open smiles, and a closed-mouth
  smile is a fraction of them.
- ``nose_per_lift``: the least-squares slope of the nose wings' rise on the mouth corners' lift
  over the pure neutral, subtle smile and happy crops: the rise a smile's cheeks carry with it.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np

from appliance.errors import run_tool
from appliance.ferplus import DEFAULT_PATH, load_split
from appliance.vision import features
from appliance.vision.classifier import EXPRESSIONS
from appliance.vision.landmarks import MIN_PRESENCE, FaceMesh, Roi

SCALE_SOURCES = {
    "brow_raise": "surprise",
    "brow_lower": "anger",
    "eye_widen": "surprise",
    "eye_narrow": "happiness",  # the eye part of a genuine smile: cheeks up, lids tighter
    "nose_wrinkle": "disgust",
    "smile": "happiness",
    "mouth_corners_down": "sadness",
    "lip_stretch": "fear",
    "lip_press": "anger",
    "jaw_drop": "surprise",
    "asymmetry": "contempt",
}
SCALE_PERCENTILE = 90  # the most expressive tenth: FER+ faces of an expression do not all show its movements
PUCKER_FRACTION = 0.25
PER_CLASS = 1000  # crops per expression at most (neutral twice as many): enough for stable medians
SUBTLE_SHARE, PURE_NEUTRAL_SHARE = 0.3, 0.9
CROP_IN_INPUT = 154  # 192 / 1.5 * 1.2: the FER crop's side in the mesh's input


def fer_canvas(crop: np.ndarray) -> np.ndarray:
    """A 48x48 FER crop upscaled and edge-padded into a 192x192x3 frame framed like a live ROI."""
    from PIL import Image

    big = np.asarray(Image.fromarray(crop).resize((CROP_IN_INPUT, CROP_IN_INPUT), Image.BICUBIC))
    pad = (192 - CROP_IN_INPUT) // 2
    canvas = np.pad(big, ((pad, 192 - CROP_IN_INPUT - pad),) * 2, mode="edge")
    return np.repeat(canvas[:, :, np.newaxis], 3, axis=2)


def read_crops(mesh: FaceMesh, images: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Landmarks (n, 468, 3) of the crops where a face was read, and the kept indices."""
    whole = Roi((96.0, 96.0), 192.0, 0.0)
    shapes, kept = [], []
    for index, crop in enumerate(images):
        canvas = fer_canvas(crop)
        first = mesh.read(canvas, whole)
        if first.presence < MIN_PRESENCE:
            continue
        second = mesh.read(canvas, Roi.from_landmarks(first.points))
        if second.presence < MIN_PRESENCE:
            continue
        shapes.append(second.points)
        kept.append(index)
    return np.asarray(shapes, dtype=np.float64), np.asarray(kept, dtype=np.int64)


def normalise(shape: np.ndarray) -> np.ndarray:
    """Centre on the eye corners' midpoint, level the eye line, outer eye corners 1 apart."""
    right, left = shape[features.RIGHT_EYE_CORNERS[0]], shape[features.LEFT_EYE_CORNERS[1]]
    shape = shape - (right + left) / 2
    angle = math.atan2(left[1] - right[1], left[0] - right[0])
    cos_a, sin_a = math.cos(-angle), math.sin(-angle)
    level = np.array([[cos_a, -sin_a, 0], [sin_a, cos_a, 0], [0, 0, 1]])
    shape = shape @ level.T
    return shape / np.linalg.norm(shape[features.LEFT_EYE_CORNERS[1]] - shape[features.RIGHT_EYE_CORNERS[0]])


def canonical_face(shapes: np.ndarray, rounds: int = 3) -> np.ndarray:
    reference = normalise(np.median(shapes, axis=0))  # the crops' own pose: FER faces mostly face the camera
    for _ in range(rounds):
        aligned = np.stack([features.align(shape, reference)[0] for shape in shapes])
        reference = normalise(np.median(aligned, axis=0))
    return reference


def groups(split) -> dict[str, np.ndarray]:
    """The training rows of each group: the clear-majority crops of every expression, the
    subtle smiles and the pure neutral faces."""
    rows = {label: np.flatnonzero((split.labels == i) & split.clear_majority) for i, label in enumerate(EXPRESSIONS)}
    happy, neutral = split.soft_labels[:, EXPRESSIONS.index("happiness")], split.soft_labels[:, 0]
    rows["subtle_smile"] = np.flatnonzero(
        (happy >= SUBTLE_SHARE) & (neutral >= SUBTLE_SHARE) & (happy + neutral >= 0.8)
    )
    rows["pure_neutral"] = np.flatnonzero(neutral >= PURE_NEUTRAL_SHARE)
    return rows


def build(data_path, *, seed: int = 0, cache=None) -> dict:
    if cache and Path(cache).is_file():  # the landmarks of an earlier run: only the statistics again
        with np.load(cache) as saved:
            return statistics({label: saved[label] for label in saved.files})
    split = load_split("train", data_path)
    rng = np.random.default_rng(seed)
    mesh = FaceMesh()
    by_class: dict[str, np.ndarray] = {}
    started = time.perf_counter()
    for label, rows in groups(split).items():
        limit = PER_CLASS * (2 if label == "neutral" else 1)
        if len(rows) > limit:
            rows = np.sort(rng.choice(rows, limit, replace=False))
        shapes, kept = read_crops(mesh, split.images[rows])
        by_class[label] = shapes
        print(f"{label}: {len(kept)} of {len(rows)} crops read ({time.perf_counter() - started:.0f} s)", flush=True)
    if cache:
        np.savez_compressed(cache, **by_class)
    return statistics(by_class)


def statistics(by_class: dict[str, np.ndarray]) -> dict:
    canonical = canonical_face(by_class["neutral"])
    geometries = {
        label: [features.geometry_of(features.align(shape, canonical)[0]) for shape in shapes]
        for label, shapes in by_class.items()
    }
    neutral = {key: float(np.median([g[key] for g in geometries["neutral"]])) for key in features.GEOMETRY}
    weights = fit_weights(geometries, neutral)
    scales, sources = {}, {}
    for name, label in SCALE_SOURCES.items():
        if name == "smile":
            continue
        moved = [features.movements(g, neutral, weights=weights)[name] for g in geometries[label]]
        at_rest = [features.movements(g, neutral, weights=weights)[name] for g in geometries["neutral"]]
        scales[name] = float(np.percentile(moved, SCALE_PERCENTILE) - np.median(at_rest))
        sources[name] = (
            f"{SCALE_PERCENTILE}th percentile over {len(moved)} FER+ training faces labelled {label}, "
            f"less the median over {len(at_rest)} neutral ones"
        )
    subtle, pure = (
        np.median([features.movements(g, neutral, weights=weights)["smile"] for g in geometries[group]])
        for group in ("subtle_smile", "pure_neutral")
    )
    scales["smile"] = float((subtle - pure) / 2 / features.SMILE_THRESHOLD)
    sources["smile"] = (
        f"SMILE_THRESHOLD ({features.SMILE_THRESHOLD}) is half the median of {len(geometries['subtle_smile'])} "
        f"FER+ training subtle smiles less the median of {len(geometries['pure_neutral'])} pure neutral ones"
    )
    if min(scales.values()) <= 0:
        raise SystemExit(f"a scale came out at or below 0: {scales}")
    pucker = {**neutral}
    for key in ("corner_r_x", "corner_l_x"):
        pucker[key] = neutral[key] * (1 - PUCKER_FRACTION)
    scales["lip_pucker"] = features.movements(pucker, neutral, weights=weights)["lip_pucker"]
    sources["lip_pucker"] = f"the mouth corners {PUCKER_FRACTION:.0%} of their neutral distance nearer the midline"
    spread = {
        name: float(
            np.percentile([features.movements(g, neutral, weights=weights)[name] for g in geometries["neutral"]], 95)
        )
        for name in features.FEATURES
    }
    return {
        "source": "FER+ training split, clear-majority crops (python -m appliance.vision.build_face_model)",
        "counts": {label: len(shapes) for label, shapes in by_class.items()},
        "scale_sources": sources,
        "neutral_p95_movement": {name: round(v, 5) for name, v in spread.items()},
        "scales": {name: round(scales[name], 5) for name in features.FEATURES},
        "weights": {name: round(weights[name], 5) for name in features.WEIGHT_NAMES},
        "population_neutral": {key: round(v, 5) for key, v in neutral.items()},
        "canonical": np.round(canonical, 5).tolist(),
    }


def _mouth(g: dict, neutral: dict) -> np.ndarray:
    """Per face, mean over the corners: lift against the lips' centre line, outward, lift against the eye line."""
    lift = -((g["corner_r_y"] - neutral["corner_r_y"]) + (g["corner_l_y"] - neutral["corner_l_y"])) / 2
    out = ((g["corner_r_x"] - neutral["corner_r_x"]) + (g["corner_l_x"] - neutral["corner_l_x"])) / 2
    return np.array([lift + g["lips_y"] - neutral["lips_y"], out, lift])


def fit_weights(geometries: dict[str, list[dict]], neutral: dict) -> dict[str, float]:
    """The smile's weights (Fisher's discriminant, subtle smiles against pure neutral faces) and the
    nose wings' rise per unit of corner lift (least squares)."""
    smiles, calm = (
        np.array([_mouth(g, neutral) for g in geometries[group]]) for group in ("subtle_smile", "pure_neutral")
    )
    pooled = (np.cov(smiles.T) + np.cov(calm.T)) / 2
    direction = np.linalg.solve(pooled, smiles.mean(axis=0) - calm.mean(axis=0))
    if direction[0] <= 0:
        raise SystemExit(f"the smile's discriminant does not lift the corners: {direction}")
    direction = direction / direction[0]
    faces = [g for group in ("pure_neutral", "subtle_smile", "happiness") for g in geometries[group]]
    lift = np.array([_mouth(g, neutral)[2] for g in faces])
    rise = np.array([-(g["nose_r"] + g["nose_l"]) / 2 for g in faces])
    return {
        "smile_out": float(direction[1]),
        "smile_lift": float(direction[2]),
        "nose_per_lift": float(np.polyfit(lift, rise, 1)[0]),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_PATH, help="ferplus48.npz")
    parser.add_argument("--out", default=str(features.FACE_MODEL), help="where to write face_model.json")
    parser.add_argument("--cache", default=None, help="an .npz to keep the landmarks in (read back if it exists)")
    args = parser.parse_args()
    model = build(args.data, cache=args.cache)
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(model, handle, separators=(",", ":"))
        handle.write("\n")
    print(json.dumps({k: v for k, v in model.items() if k != "canonical"}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(run_tool(main))
