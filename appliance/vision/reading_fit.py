"""Fit the mirror's reading on FER+ and write ``reading_head.json`` (the runtime only reads it).

    python -m appliance.vision.reading_fit [--data ferplus48.npz] [--cache build/reading]

1. The typical resting face: the median appearance (centred log-probabilities) of the PublicTest
   faces every voter called neutral (the model has not trained on them), and the median geometry
   of the Training faces every voter called neutral.
2. A geometry head on **Training**: multinomial logistic regression from the geometry's departure
   from that resting face (over each measurement's spread) to the crowd's votes, every expression
   weighted alike; its L2 penalty chosen on PublicTest's balanced accuracy.
3. The reading on **PublicTest**: ``a * appearance + b * geometry head + bias`` (ten numbers), and
   a head on the appearance alone for faces without landmarks.  Training's appearance cannot be
   used: the model has learned those faces.  How far every expression is weighted alike (a
   power of its count) is chosen by two-fold cross-fitting on PublicTest: the most balanced whose
   accuracy stays at or above ACCURACY_FLOOR.
4. The same map for a person with a resting face of their own.  Each measurement the map was
   learned on carries the face's own shape (how one person's face at rest differs from another's)
   as noise; a personal resting face takes that away, and a departure from it is that much more
   reliable.  So each input's weight is divided by its reliability, the share of its variance
   that is not the spread between faces at rest (one less the variance over faces every voter
   called neutral over the variance over all faces: regression calibration, diagonal), on the
   departure from the typical resting face.
5. Folded into linear maps and written with what they were fitted on and their PublicTest figures.

PrivateTest is never read here, nor the London set (evaluation only; ``eval`` reports both).
"""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path

import numpy as np

from appliance.errors import run_tool
from appliance.evaluation import Metrics
from appliance.ferplus import DEFAULT_PATH
from appliance.paths import PROJECT_DIR
from appliance.vision.classifier import DEFAULT_MODEL, EXPRESSIONS
from appliance.vision.features import GEOMETRY, GEOMETRY_VERSION
from appliance.vision.litert import file_sha256
from appliance.vision.reading import HEAD_FILE, centred_log

ACCURACY_FLOOR = 0.82  # PublicTest reads about 2 points above PrivateTest, whose target is 0.80
BALANCE_POWERS = (0.0, 0.25, 0.5, 0.75, 1.0)
GEOMETRY_PENALTIES = (1e-4, 1e-3, 1e-2, 1e-1)
COMBINATION_PENALTY = 1e-4
ALL_NEUTRAL = 0.999  # a face every voter called neutral
MIN_RELIABILITY = 0.1  # no input's weight is multiplied by more than 10 against a personal resting face


def softmax_rows(logits: np.ndarray) -> np.ndarray:
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    return exp / exp.sum(axis=1, keepdims=True)


def fit_logistic(inputs, targets, weights=None, *, penalty: float = 1e-3, iterations: int = 3000):
    """Multinomial logistic regression on soft ``targets`` (n, k) with per-row ``weights``, L2 on the
    weights (not the bias): (weights (k, d), bias (k,)).  Accelerated gradient descent with
    backtracking: convex, so it needs no tuning."""
    x = np.hstack([np.asarray(inputs, np.float64), np.ones((len(inputs), 1))])
    y = np.asarray(targets, np.float64)
    w = np.ones(len(x)) if weights is None else np.asarray(weights, np.float64)
    w = w / w.sum()
    mask = np.ones((y.shape[1], x.shape[1]))
    mask[:, -1] = 0.0

    def loss_and_gradient(theta):
        p = softmax_rows(x @ theta.T)
        loss = -(w[:, None] * y * np.log(np.maximum(p, 1e-12))).sum() + 0.5 * penalty * (mask * theta**2).sum()
        return loss, ((p - y) * w[:, None]).T @ x + penalty * mask * theta

    theta = _minimise(loss_and_gradient, np.zeros((y.shape[1], x.shape[1])), iterations)
    return theta[:, :-1], theta[:, -1]


def fit_combination(appearance, geometry_logits, targets, weights, *, penalty: float = COMBINATION_PENALTY):
    """``a * appearance + b * geometry_logits + bias`` fitted to ``targets``: (a, b, bias).  Without
    geometry logits (None) b is 0."""
    a_in = np.asarray(appearance, np.float64)
    g_in = np.zeros_like(a_in) if geometry_logits is None else np.asarray(geometry_logits, np.float64)
    y = np.asarray(targets, np.float64)
    w = np.asarray(weights, np.float64) / np.sum(weights)

    def loss_and_gradient(theta):
        a, b, bias = theta[0], theta[1], theta[2:]
        p = softmax_rows(a * a_in + b * g_in + bias)
        residual = (p - y) * w[:, None]
        loss = -(w[:, None] * y * np.log(np.maximum(p, 1e-12))).sum() + 0.5 * penalty * (a * a + b * b)
        gradient = np.concatenate([[(residual * a_in).sum() + penalty * a, (residual * g_in).sum() + penalty * b],
                                   residual.sum(axis=0)])  # fmt: skip
        return loss, gradient

    start = np.concatenate([[1.0, 0.0 if geometry_logits is None else 1.0], np.zeros(y.shape[1])])
    theta = _minimise(loss_and_gradient, start, 3000)
    return float(theta[0]), float(theta[1]) if geometry_logits is not None else 0.0, theta[2:]


def _minimise(loss_and_gradient, theta, iterations: int):
    step, momentum, previous = 1.0, 1.0, theta.copy()
    point = theta.copy()
    loss, _ = loss_and_gradient(theta)
    for _ in range(iterations):
        at_point, gradient = loss_and_gradient(point)
        while True:
            candidate = point - step * gradient
            new_loss, _ = loss_and_gradient(candidate)
            if new_loss <= at_point - 0.5 * step * float((gradient * gradient).sum()) or step < 1e-12:
                break
            step *= 0.5
        following = (1 + np.sqrt(1 + 4 * momentum**2)) / 2
        if new_loss > loss:  # restart the momentum where it overshoots
            point, following = candidate, 1.0
        else:
            point = candidate + (momentum - 1) / following * (candidate - previous)
        converged = abs(loss - new_loss) < 1e-10 * max(1.0, abs(loss))
        previous, loss, momentum, step = candidate, min(loss, new_loss), following, step * 1.2
        if converged:
            break
    return previous


def balance_weights(labels: np.ndarray, power: float) -> np.ndarray:
    """Each row weighted by its label's count to the -``power`` (1: every expression alike)."""
    counts = np.maximum(np.bincount(labels, minlength=len(EXPRESSIONS)).astype(np.float64), 1.0)
    return counts[labels] ** -power


def figures(labels, logits) -> dict:
    metrics = Metrics.from_predictions(np.asarray(labels), np.asarray(logits).argmax(axis=1))
    return {"accuracy": round(metrics.accuracy, 4), "balanced": round(metrics.balanced_accuracy, 4)}


def pick(rows: list[dict]) -> dict:
    """The most balanced row whose accuracy clears ACCURACY_FLOOR (else the most accurate)."""
    eligible = [row for row in rows if row["accuracy"] >= ACCURACY_FLOOR]
    if not eligible:
        return max(rows, key=lambda row: row["accuracy"])
    return max(eligible, key=lambda row: (row["balanced"], row["accuracy"]))


def typical_rest(train, validation) -> tuple[np.ndarray, np.ndarray]:
    """(centred log-probabilities, geometry) of the typical face at rest (see the module's step 1)."""
    calm_validation = validation.soft_labels[:, 0] >= ALL_NEUTRAL
    look = np.median([centred_log(p) for p in validation.appearance[calm_validation]], axis=0)
    calm_train = (train.soft_labels[:, 0] >= ALL_NEUTRAL) & train.has_geometry
    return look, np.median(train.geometry[calm_train], axis=0)


def reliability(values: np.ndarray, at_rest: np.ndarray) -> np.ndarray:
    """Per column, one less the variance over faces at rest over the variance over all faces (step 4)."""
    return np.clip(1.0 - at_rest.var(axis=0) / values.var(axis=0), MIN_RELIABILITY, 1.0)


def personal(weights: np.ndarray, bias: np.ndarray, reliable: np.ndarray, rest: np.ndarray):
    """(weights, bias) reading a departure ``inputs - rest`` at ``weights / reliable``, the rest itself
    as before: ``weights @ rest + (weights / reliable) @ (inputs - rest) + bias``."""
    scaled = weights / reliable
    return scaled, bias + weights @ rest - scaled @ rest


def cross_fitted(appearance, geometry_logits, labels, votes, power: float, *, seed: int = 0) -> dict:
    """The combination's PublicTest figures when each half is read by the head fitted on the other."""
    halves = np.random.default_rng(seed).permutation(len(labels)) % 2
    logits = np.zeros_like(appearance)
    for half in (0, 1):
        fit_rows, read_rows = halves != half, halves == half
        g = None if geometry_logits is None else geometry_logits[fit_rows]
        a, b, bias = fit_combination(appearance[fit_rows], g, votes[fit_rows], balance_weights(labels[fit_rows], power))
        read_g = 0.0 if geometry_logits is None else b * geometry_logits[read_rows]
        logits[read_rows] = a * appearance[read_rows] + read_g + bias
    return {"power": power, **figures(labels, logits)}


def fit_geometry_head(train_inputs, train, validation_inputs, validation, *, log=print):
    """Step 2: (weights, bias, PublicTest figures, penalty) of the most balanced penalty."""
    rows, val = train.has_geometry, validation.has_geometry
    weights = balance_weights(train.labels[rows], 1.0)
    chosen = None
    for penalty in GEOMETRY_PENALTIES:
        w, b = fit_logistic(train_inputs[rows], train.soft_labels[rows], weights, penalty=penalty)
        score = figures(validation.labels[val], validation_inputs[val] @ w.T + b)
        log(f"geometry head, penalty {penalty:g}: PublicTest {score}")
        if chosen is None or score["balanced"] > chosen[2]["balanced"]:
            chosen = (w, b, score, penalty)
    return chosen


def fit_combination_chosen(look, shape_logits, labels, votes, *, log=print):
    """Step 3: (a, b, bias) at the balance power ``pick`` chooses, and that power's cross-fitted figures."""
    tried = [cross_fitted(look, shape_logits, labels, votes, power) for power in BALANCE_POWERS]
    chosen = pick(tried)
    log(f"cross-fitted on PublicTest ({'with' if shape_logits is not None else 'without'} landmarks): {tried}")
    return fit_combination(look, shape_logits, votes, balance_weights(labels, chosen["power"])), chosen


def fit(train, validation, *, log=print) -> dict:
    """The reading's parameters and provenance, from two ``Readings`` (Training, PublicTest)."""
    rest_look, rest_shape = typical_rest(train, validation)
    spread = train.geometry[train.has_geometry].std(axis=0)
    train_inputs, val_inputs = ((r.geometry - rest_shape) / spread for r in (train, validation))
    geometry_weights, geometry_bias, geometry_score, penalty = fit_geometry_head(
        train_inputs, train, val_inputs, validation, log=log
    )

    val = validation.has_geometry
    look = np.array([centred_log(p) for p in validation.appearance])
    shape_logits = val_inputs[val] @ geometry_weights.T + geometry_bias
    (a, b, bias), chosen = fit_combination_chosen(
        look[val], shape_logits, validation.labels[val], validation.soft_labels[val], log=log
    )
    (a_alone, _, bias_alone), chosen_alone = fit_combination_chosen(
        look, None, validation.labels, validation.soft_labels, log=log
    )

    weights_all = np.hstack([a * np.eye(len(EXPRESSIONS)), b * geometry_weights])
    bias_all = b * geometry_bias + bias
    calm = validation.soft_labels[:, 0] >= ALL_NEUTRAL
    reliable_look = reliability(look, look[calm])
    rows = train.has_geometry
    calm_train = (train.soft_labels[:, 0] >= ALL_NEUTRAL) & rows
    reliable_shape = reliability(train.geometry[rows], train.geometry[calm_train])
    rest = np.concatenate([rest_look, np.zeros(len(GEOMETRY))])  # the inputs of the typical resting face
    reliable = np.concatenate([reliable_look, reliable_shape])
    weights_own, bias_own = personal(weights_all, bias_all, reliable, rest)
    alone_own, alone_bias_own = personal(a_alone * np.eye(len(EXPRESSIONS)), bias_alone, reliable_look, rest_look)
    return {
        "head": {"weights": _rounded(weights_all), "bias": _rounded(bias_all)},
        "appearance_only": {"weights": _rounded(a_alone * np.eye(len(EXPRESSIONS))), "bias": _rounded(bias_alone)},
        "personal_head": {"weights": _rounded(weights_own), "bias": _rounded(bias_own)},
        "personal_appearance_only": {"weights": _rounded(alone_own), "bias": _rounded(alone_bias_own)},
        "reliability": {"appearance": _rounded(reliable_look), "geometry": _rounded(reliable_shape)},
        "appearance": {"typical_rest": _rounded(rest_look)},
        "geometry": {"keys": list(GEOMETRY), "typical_rest": _rounded(rest_shape), "spread": _rounded(spread)},
        "fitted": {
            "tool": "python -m appliance.vision.reading_fit",
            "data": "FER+ (FER2013 crops with the FER+ crowd votes): Training for the geometry head, the"
            " typical resting geometry and the geometry's reliability; PublicTest for the typical resting"
            " appearance, the combination and the appearance's reliability. Never PrivateTest, never the"
            " London set.",
            "rows": {"training": int(rows.sum()), "publictest": int(len(validation.labels))},
            "geometry_penalty": penalty,
            "balance_power": chosen["power"],
            "balance_power_without_landmarks": chosen_alone["power"],
            "appearance_weight": round(a, 4),
            "geometry_weight": round(b, 4),
            "geometry_version": GEOMETRY_VERSION,
        },
        "figures": {
            "publictest_geometry_head": geometry_score,
            "publictest_cross_fitted": chosen,
            "publictest_cross_fitted_without_landmarks": chosen_alone,
        },
    }


class Readings:
    """One FER+ split as the fit needs it: labels, votes, the model's probabilities, the geometry."""

    def __init__(self, labels, soft_labels, appearance, geometry) -> None:
        self.labels, self.soft_labels = np.asarray(labels), np.asarray(soft_labels, np.float64)
        self.appearance, self.geometry = np.asarray(appearance, np.float64), np.asarray(geometry, np.float64)
        self.has_geometry = ~np.isnan(self.geometry).any(axis=1)

    @classmethod
    def of_split(cls, name: str, data, cache, model) -> Readings:
        from appliance.ferplus import load_split
        from appliance.reading_eval import split_readings

        split = load_split(name, data)
        read = split_readings(name, data, cache, model_path=model)
        return cls(split.labels, split.soft_labels, read.appearance, read.geometry_matrix)


def _rounded(values) -> list:
    return np.round(np.asarray(values, dtype=np.float64), 6).tolist()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DEFAULT_PATH, help="ferplus48.npz")
    parser.add_argument("--cache", type=Path, default=PROJECT_DIR / "build" / "reading", help="model outputs kept here")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="the expression model whose outputs are read")
    parser.add_argument("--out", type=Path, default=HEAD_FILE, help="where to write the reading's parameters")
    args = parser.parse_args()
    train = Readings.of_split("train", args.data, args.cache, args.model)
    validation = Readings.of_split("validation", args.data, args.cache, args.model)
    head = fit(train, validation)
    head["expressions"] = list(EXPRESSIONS)
    head["fitted"]["model_sha256"] = file_sha256(args.model)
    head["fitted"]["date"] = datetime.date.today().isoformat()
    args.out.write_text(json.dumps(head, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"fitted": head["fitted"], "figures": head["figures"]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(run_tool(main))
