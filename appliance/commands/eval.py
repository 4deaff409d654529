"""``eval``: the model card's tables, reproduced from the FER+ npz."""

from __future__ import annotations

import json

import numpy as np

from appliance.evaluation import Metrics
from appliance.ferplus import DEFAULT_PATH, SPLITS, load_split
from appliance.vision.classifier import DEFAULT_MODEL, ExpressionClassifier


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("eval", help="accuracy and confusion matrix of a model on FER+")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="expression model (.tflite)")
    parser.add_argument("--data", default=DEFAULT_PATH, help="ferplus48.npz")
    parser.add_argument("--split", default="test", choices=SPLITS, help="test is FER+ PrivateTest")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.set_defaults(func=run)


def evaluate(classifier: ExpressionClassifier, images: np.ndarray, labels: np.ndarray) -> Metrics:
    """Each 48x48 FER+ image is a whole face crop, normalised as the runtime does."""
    predicted = np.array([classifier.probability_vector(image).argmax() for image in images], dtype=np.int64)
    return Metrics.from_predictions(labels, predicted)


def run(args) -> int:
    split = load_split(args.split, args.data)
    metrics = evaluate(ExpressionClassifier(args.model), split.images, split.labels)
    if args.json:
        print(json.dumps({"model": str(args.model), "split": SPLITS[args.split], **metrics.to_dict()}, indent=1))
    else:
        print(f"{args.model} on FER+ {SPLITS[args.split]} (majority label; unknown and not-face rows left out)\n")
        print(metrics.to_markdown())
    return 0
