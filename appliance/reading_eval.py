"""The fused reading measured: FER+ splits (appearance and crop features) and the London set.

Numpy on top of the runtime's own parts; used by ``eval`` and by ``vision.reading_fit``.
Model outputs are cached under ``build/`` (they take minutes on a shared 2-core machine).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from appliance.ferplus import load_split
from appliance.vision.classifier import DEFAULT_MODEL, ExpressionClassifier
from appliance.vision.features import FEATURES


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
    appearance = _cached(cache, f"appearance_{name}", lambda: appearance_probabilities(split.images, model_path))
    if len(appearance) != len(split):
        appearance = appearance_probabilities(split.images, model_path)
    features = _cached(cache, f"features_{name}", lambda: crop_features(split.images)) if with_features else None
    return SplitReadings(split.labels, appearance, features)


def crop_features(images: np.ndarray) -> np.ndarray:
    raise NotImplementedError


def _cached(cache: Path | None, key: str, compute) -> np.ndarray:
    if cache is None:
        return compute()
    path = Path(cache) / f"{key}.npy"
    if path.is_file():
        return np.load(path)
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, value)
    return value
