"""``eval``: the model card's tables, reproduced from the FER+ npz."""

from __future__ import annotations

import json

import numpy as np

from appliance.evaluation import Metrics
from appliance.ferplus import DEFAULT_PATH, SPLITS, load_split
from appliance.vision.classifier import DEFAULT_MODEL, ExpressionClassifier


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="accuracy and confusion matrix of a model on FER+ (developers)",
        description="Reproduce the model card's tables: accuracy, per-class recall and the confusion matrix of an"
        " expression model on a FER+ split.  Needs the FER+ data set (ferplus48.npz, built from FER2013 with the"
        " FER+ crowd votes), which is not shipped: this command is for checking a model, and a user of the mirror"
        " does not need it.",
        epilog="example: python -m appliance eval --data ~/datasets/ferplus48.npz --split test",
    )
    parser.add_argument("--model", default=DEFAULT_MODEL, help="expression model (.tflite)")
    parser.add_argument("--data", default=DEFAULT_PATH, help="ferplus48.npz")
    parser.add_argument("--split", default="test", choices=SPLITS, help="test is FER+ PrivateTest")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.set_defaults(func=run)


def predict(classifier: ExpressionClassifier, images: np.ndarray) -> np.ndarray:
    """Each 48x48 FER+ image is a whole face crop, normalised as the runtime does."""
    return np.array([classifier.probability_vector(image).argmax() for image in images], dtype=np.int64)


def run(args) -> int:
    split = load_split(args.split, args.data)
    predicted = predict(ExpressionClassifier(args.model), split.images)
    metrics = Metrics.from_predictions(split.labels, predicted)
    # Context, not the target: the FER+ authors' own figures count only rows with a clear majority.
    clear = Metrics.from_predictions(split.labels[split.clear_majority], predicted[split.clear_majority])
    clear_summary = {"accuracy": round(clear.accuracy, 4), "rows": clear.rows}
    if args.json:
        report = {"model": str(args.model), "split": SPLITS[args.split], **metrics.to_dict()}
        print(json.dumps({**report, "clear_majority_rows": clear_summary}, indent=1))
    else:
        print(f"{args.model} on FER+ {SPLITS[args.split]} (majority label; unknown and not-face rows left out)\n")
        print(metrics.to_markdown())
        print(
            f"\nOn the FER+ authors' own test rows only (a clear majority once lone votes are dropped, "
            f"{clear_summary['rows']} rows): accuracy {clear.accuracy:.4f}"
        )
    return 0
