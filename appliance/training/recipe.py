"""Train, calibrate and export the expression model.

    python -m appliance.training --out build/model

Soft labels: the crowd's vote distribution over the eight expressions is the
target (what FER+'s authors found best).  Rare classes: each epoch draws rows
with probability proportional to count(label) ** -0.5, so contempt and disgust
(about 170 rows each) are seen about eight times as often per row as neutral.
Calibration: one number, alpha, shifts the logits between that balanced prior
(alpha 0) and the data's prior (alpha 1); it is chosen on the validation split
(PublicTest), never on the test split, and folded into the last layer's bias.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np

from appliance.evaluation import Metrics
from appliance.ferplus import DEFAULT_PATH, load_split
from appliance.training.augment import augmented_batch, normalized_batch
from appliance.vision.classifier import EXPRESSIONS

SEED = 20261121
BALANCE_POWER = 0.5
MIN_RARE_RECALL = 0.5  # on validation, for contempt and disgust; the target on test is 0.4
ALPHAS = np.round(np.linspace(-1.0, 1.0, 41), 3)


def train(
    *,
    out_dir: Path,
    data_path: Path = DEFAULT_PATH,
    epochs: int = 34,
    batch_size: int = 128,
    learning_rate: float = 2e-3,
    limit: int | None = None,
    seed: int = SEED,
    log=print,
) -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    from appliance.training.export import export_tflite
    from appliance.training.model import build_model, with_softmax

    out_dir.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    train_split = load_split("train", data_path, limit=limit)
    val_split = load_split("validation", data_path, limit=limit)
    counts = np.bincount(train_split.labels, minlength=len(EXPRESSIONS)).astype(np.float64)
    log(f"training rows {len(train_split)}, validation rows {len(val_split)}, counts {counts.astype(int).tolist()}")
    weights = np.maximum(counts, 1.0)[train_split.labels] ** -BALANCE_POWER
    weights /= weights.sum()
    val_x = _as_input(normalized_batch(val_split.images))

    steps = epochs * int(np.ceil(len(train_split) / batch_size))
    schedule = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=learning_rate / 20,
        decay_steps=max(1, steps - steps // epochs),
        warmup_target=learning_rate,
        warmup_steps=steps // epochs,
        alpha=0.01,
    )
    model = build_model()
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=schedule, weight_decay=5e-3),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
    )
    history = []
    for epoch in range(1, epochs + 1):
        started = time.monotonic()
        rows = rng.choice(len(train_split), size=len(train_split), p=weights)
        x = _as_input(augmented_batch(train_split.images[rows], rng))
        fit = model.fit(x, train_split.soft_labels[rows], batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
        val_logits = model.predict(val_x, batch_size=512, verbose=0)
        metrics = Metrics.from_predictions(val_split.labels, val_logits.argmax(axis=1))
        entry = {
            "epoch": epoch,
            "loss": round(float(fit.history["loss"][-1]), 4),
            "val_accuracy": round(metrics.accuracy, 4),
            "val_balanced_accuracy": round(metrics.balanced_accuracy, 4),
            "seconds": round(time.monotonic() - started, 1),
        }
        history.append(entry)
        log(json.dumps(entry))
        model.save_weights(out_dir / "last.weights.h5")
        (out_dir / "history.json").write_text(json.dumps(history, indent=1))

    val_logits = model.predict(val_x, batch_size=512, verbose=0)
    alpha, table = choose_alpha(val_logits, val_split.labels, counts)
    log(f"calibration on validation: alpha {alpha}")
    fold_prior_shift(model, alpha, counts)
    representative = _as_input(
        normalized_batch(train_split.images[rng.choice(len(train_split), min(500, len(train_split)), replace=False)])
    )
    probs_model = with_softmax(model)
    export_tflite(probs_model, out_dir / "expression_float32.tflite")
    export_tflite(probs_model, out_dir / "expression_int8.tflite", representative=representative)
    summary = {"seed": seed, "epochs": epochs, "alpha": alpha, "calibration": table, "history": history}
    (out_dir / "training.json").write_text(json.dumps(summary, indent=1))
    return summary


def _as_input(batch: np.ndarray) -> np.ndarray:
    return batch.astype(np.float32)[..., np.newaxis]


def prior_shift(alpha: float, counts: np.ndarray) -> np.ndarray:
    """Logit offsets moving the balanced-sampling prior ``alpha`` of the way to the data's."""
    shift = alpha * BALANCE_POWER * np.log(np.maximum(counts, 1.0))
    return (shift - shift.mean()).astype(np.float32)


def choose_alpha(logits: np.ndarray, labels: np.ndarray, counts: np.ndarray) -> tuple[float, list[dict]]:
    """The alpha with the best mean of accuracy and balanced accuracy on validation
    among those that keep contempt and disgust recall at MIN_RARE_RECALL or more."""
    table = []
    for alpha in ALPHAS:
        metrics = Metrics.from_predictions(labels, (logits + prior_shift(alpha, counts)).argmax(axis=1))
        table.append(
            {
                "alpha": float(alpha),
                "accuracy": round(metrics.accuracy, 4),
                "balanced_accuracy": round(metrics.balanced_accuracy, 4),
                "rare_recall": round(min(metrics.recall_of("contempt"), metrics.recall_of("disgust")), 4),
            }
        )
    eligible = [row for row in table if row["rare_recall"] >= MIN_RARE_RECALL]
    if eligible:
        best = max(eligible, key=lambda row: row["accuracy"] + row["balanced_accuracy"])
    else:
        best = max(table, key=lambda row: (row["rare_recall"], row["accuracy"]))
    return best["alpha"], table


def fold_prior_shift(model, alpha: float, counts: np.ndarray) -> None:
    layer = model.get_layer("logits")
    kernel, bias = layer.get_weights()
    layer.set_weights([kernel, bias + prior_shift(alpha, counts)])
