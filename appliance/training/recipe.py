"""Train, calibrate and export the expression model.

    python -m appliance.training --out build/model

Soft labels: the crowd's vote distribution over the eight expressions is the
target (what FER+'s authors found best).  Rare classes: each epoch draws rows
with probability proportional to count(label) ** -0.3, so each contempt and
disgust row (about 170 of each) is seen nearly three times per epoch, a neutral
row about 0.8 times.  The exported model gives one face's logits; the runtime averages
the face's and its mirror image's.  Calibration, on the validation split (PublicTest) only, never on
the test split, then sets the last layer's bias:

- alpha shifts all logits between the sampling prior (alpha 0) and the data's
  prior (alpha 1);
- for each alpha, contempt and disgust each get the smallest extra boost that
  lifts their validation recall to MIN_RARE_RECALL.  Boosting only them costs
  other classes far less than a global shift toward a balanced prior would;
- of those, the most balanced one whose accuracy is within ACCURACY_TOLERANCE
  of the best wins.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from appliance.evaluation import Metrics
from appliance.ferplus import DEFAULT_PATH, FerPlusSplit, load_split
from appliance.training.augment import augmented_batch, normalized_batch
from appliance.vision.classifier import EXPRESSIONS

SEED = 20261121
EPOCHS = 34
BALANCE_POWER = 0.3
RARE = ("contempt", "disgust")
MIN_RARE_RECALL = 0.5  # on validation; the target on test is 0.4
# Accuracy on validation is flat over a wide range of alpha; within this much of its best, the
# most balanced calibration wins: the mirror asks for every expression equally often.
ACCURACY_TOLERANCE = 0.005
ALPHAS = np.round(np.linspace(-1.0, 1.0, 41), 3)
BOOSTS = np.round(np.arange(0.0, 4.0001, 0.05), 3)
WEIGHTS_FILE = "last.weights.h5"


def train(
    *,
    out_dir: Path,
    data_path: Path = DEFAULT_PATH,
    epochs: int = EPOCHS,
    batch_size: int = 128,
    learning_rate: float = 2e-3,
    limit: int | None = None,
    seed: int = SEED,
    widths: tuple[int, ...] | None = None,
    log=print,
) -> dict:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    from appliance.training.model import WIDTHS, build_model

    widths = tuple(WIDTHS if widths is None else widths)
    run = {"seed": seed, "epochs": epochs, "widths": list(widths)}
    out_dir.mkdir(parents=True, exist_ok=True)
    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    train_split = load_split("train", data_path, limit=limit)
    val_split = load_split("validation", data_path, limit=limit)
    counts = _counts(train_split)
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
    model = build_model(widths=widths)
    model.compile(
        optimizer=keras.optimizers.AdamW(learning_rate=schedule, weight_decay=5e-3),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
    )

    def epoch_data():
        # Drawn and augmented in the calling order, so a run is reproducible.
        rows = rng.choice(len(train_split), size=len(train_split), p=weights)
        return _as_input(augmented_batch(train_split.images[rows], rng)), train_split.soft_labels[rows]

    history = []
    # The next epoch is augmented on a second thread while TensorFlow trains on this one.
    with ThreadPoolExecutor(max_workers=1) as prefetch:
        upcoming = prefetch.submit(epoch_data)
        for epoch in range(1, epochs + 1):
            started = time.monotonic()
            x, y = upcoming.result()
            if epoch < epochs:
                upcoming = prefetch.submit(epoch_data)
            fit = model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
            metrics = Metrics.from_predictions(val_split.labels, flip_averaged_logits(model, val_x).argmax(axis=1))
            entry = {
                "epoch": epoch,
                "loss": round(float(fit.history["loss"][-1]), 4),
                "val_accuracy": round(metrics.accuracy, 4),
                "val_balanced_accuracy": round(metrics.balanced_accuracy, 4),
                "seconds": round(time.monotonic() - started, 1),
            }
            history.append(entry)
            log(json.dumps(entry))
            model.save_weights(out_dir / WEIGHTS_FILE)
            if epoch == 1:  # with the first weights, so that --export-only rebuilds them even from a cut-short run
                (out_dir / "training.json").write_text(json.dumps(run, indent=1))
            (out_dir / "history.json").write_text(json.dumps(history, indent=1))

    summary = calibrate_and_export(model, out_dir=out_dir, train_split=train_split, val_split=val_split, log=log)
    summary = {**run, **summary, "history": history}
    (out_dir / "training.json").write_text(json.dumps(summary, indent=1))
    return summary


def export_saved_weights(
    *,
    out_dir: Path,
    data_path: Path = DEFAULT_PATH,
    limit: int | None = None,
    widths: tuple[int, ...] | None = None,
    log=print,
) -> dict:
    """Calibrate and export the weights a finished run left in ``out_dir``, without training again.

    The network is rebuilt with ``widths``, by default the ones the run recorded in training.json
    (runs from before widths were recorded used ``model.WIDTHS``)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from appliance.training.model import WIDTHS, build_model

    saved = out_dir / "training.json"
    previous = json.loads(saved.read_text()) if saved.is_file() else {}
    widths = tuple(widths or previous.get("widths") or WIDTHS)
    model = build_model(widths=widths)
    model.load_weights(out_dir / WEIGHTS_FILE)
    train_split = load_split("train", data_path, limit=limit)
    val_split = load_split("validation", data_path, limit=limit)
    summary = calibrate_and_export(model, out_dir=out_dir, train_split=train_split, val_split=val_split, log=log)
    summary = {**previous, "widths": list(widths), **summary}
    saved.write_text(json.dumps(summary, indent=1))
    return summary


def calibrate_and_export(
    model, *, out_dir: Path, train_split: FerPlusSplit, val_split: FerPlusSplit, log=print
) -> dict:
    from appliance.training.export import export_tflite

    counts = _counts(train_split)
    val_logits = flip_averaged_logits(model, _as_input(normalized_batch(val_split.images)))
    offsets, chosen, table = choose_calibration(val_logits, val_split.labels, counts)
    log(f"calibration on validation: {json.dumps(chosen)}")
    layer = model.get_layer("logits")
    kernel, bias = layer.get_weights()
    layer.set_weights([kernel, bias + offsets])
    rng = np.random.default_rng(SEED)
    rows = rng.choice(len(train_split), min(500, len(train_split)), replace=False)
    representative = _as_input(normalized_batch(train_split.images[rows]))
    # One face in, its logits out: the runtime averages the face and its mirror image itself.
    export_tflite(model, out_dir / "expression_float32.tflite")
    export_tflite(model, out_dir / "expression_int8.tflite", representative=representative)
    return {"calibration": chosen, "calibration_table": table}


def flip_averaged_logits(model, x: np.ndarray) -> np.ndarray:
    """What the runtime reads from the exported model: the logits of each face and its mirror
    image, averaged (``classifier.ExpressionClassifier.probability_vector``, before its softmax)."""
    both = model.predict(np.concatenate([x, x[:, :, ::-1]]), batch_size=512, verbose=0)
    return (both[: len(x)] + both[len(x) :]) / 2


def _counts(split: FerPlusSplit) -> np.ndarray:
    return np.bincount(split.labels, minlength=len(EXPRESSIONS)).astype(np.float64)


def _as_input(batch: np.ndarray) -> np.ndarray:
    return batch.astype(np.float32)[..., np.newaxis]


def prior_shift(alpha: float, counts: np.ndarray) -> np.ndarray:
    """Logit offsets moving the balanced-sampling prior ``alpha`` of the way to the data's."""
    shift = alpha * BALANCE_POWER * np.log(np.maximum(counts, 1.0))
    return (shift - shift.mean()).astype(np.float32)


def rare_boosts(logits: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The smallest extra logit for each RARE class that gives it MIN_RARE_RECALL on these rows.

    Two passes, because boosting one rare class can take rows from the other.
    A class whose recall no boost on the grid reaches gets the largest boost.
    """
    boosts = np.zeros(len(EXPRESSIONS), np.float32)
    for _ in range(2):
        for label in RARE:
            k = EXPRESSIONS.index(label)
            for boost in BOOSTS:
                boosts[k] = boost
                if Metrics.from_predictions(labels, (logits + boosts).argmax(axis=1)).recall[k] >= MIN_RARE_RECALL:
                    break
    return boosts


def choose_calibration(logits: np.ndarray, labels: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, dict, list]:
    """Offsets for the last layer's bias, the chosen row and the whole table (validation figures)."""
    table, offsets = [], []
    for alpha in ALPHAS:
        shift = prior_shift(alpha, counts)
        shifted = logits + shift
        boosts = rare_boosts(shifted, labels)
        metrics = Metrics.from_predictions(labels, (shifted + boosts).argmax(axis=1))
        row = {
            "alpha": float(alpha),
            **{f"{label}_boost": round(float(boosts[EXPRESSIONS.index(label)]), 3) for label in RARE},
            "accuracy": round(metrics.accuracy, 4),
            "balanced_accuracy": round(metrics.balanced_accuracy, 4),
            "rare_recall": round(min(metrics.recall_of(label) for label in RARE), 4),
        }
        table.append(row)
        offsets.append(shift + boosts)
    chosen = pick_calibration(table)
    return offsets[chosen].astype(np.float32), table[chosen], table


def pick_calibration(table: list[dict]) -> int:
    """Index of the row to ship: among rows with enough rare recall, the most balanced one
    whose accuracy is within ACCURACY_TOLERANCE of the best; without any such row, the one
    with the most rare recall."""
    eligible = [i for i, row in enumerate(table) if row["rare_recall"] >= MIN_RARE_RECALL]
    if not eligible:  # too few rows to learn from: keep as much rare recall as there is
        return max(range(len(table)), key=lambda i: (table[i]["rare_recall"], table[i]["accuracy"]))
    best = max(table[i]["accuracy"] for i in eligible)
    plateau = [i for i in eligible if table[i]["accuracy"] >= best - ACCURACY_TOLERANCE]
    return max(plateau, key=lambda i: (table[i]["balanced_accuracy"], table[i]["accuracy"]))
