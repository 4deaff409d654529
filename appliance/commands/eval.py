"""``eval``: the model card's tables, reproduced from the FER+ npz, and the mirror's reading beside them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from appliance.evaluation import Metrics
from appliance.ferplus import DEFAULT_PATH, SPLITS, load_split
from appliance.reading_eval import (
    LONDON_DIR,
    appearance_alone,
    crop_geometry,
    geometry_dict,
    learned_reading,
    london_people,
    london_summary,
)
from appliance.vision.classifier import DEFAULT_MODEL, EXPRESSIONS, ExpressionClassifier
from appliance.vision.reading import read


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval",
        help="accuracy of the expression model and of the mirror's reading on FER+ and London (developers)",
        description="Reproduce the model card's tables: accuracy, per-class recall and the confusion matrix of an"
        " expression model, and of the mirror's reading, on a FER+ split and on the London set (when present),"
        " there with each person's own neutral photo as their resting face and without."
        "  Needs the FER+ data set (ferplus48.npz, built from FER2013 with the FER+ crowd votes), which is not"
        " shipped: this command is for checking a model, and a user of the mirror does not need it.",
        epilog="example: python -m appliance eval --data ~/datasets/ferplus48.npz --split test",
    )
    parser.add_argument("--model", default=DEFAULT_MODEL, help="expression model (.tflite)")
    parser.add_argument("--data", default=DEFAULT_PATH, help="ferplus48.npz")
    parser.add_argument("--split", default="test", choices=SPLITS, help="test is FER+ PrivateTest")
    parser.add_argument(
        "--london", type=Path, default=LONDON_DIR, help="the London set's folder (skipped when it is absent)"
    )
    parser.add_argument("--no-london", action="store_true", help="FER+ figures only")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.set_defaults(func=run)


def predict(classifier: ExpressionClassifier, images: np.ndarray) -> np.ndarray:
    """Each 48x48 FER+ image is a whole face crop, normalised as the runtime does."""
    return np.stack([classifier.probability_vector(image) for image in images])


def run(args) -> int:
    split = load_split(args.split, args.data)
    appearance = predict(ExpressionClassifier(args.model), split.images)
    predicted = appearance.argmax(axis=1)
    metrics = Metrics.from_predictions(split.labels, predicted)
    # Context, not the target: the FER+ authors' own figures count only rows with a clear majority.
    clear = Metrics.from_predictions(split.labels[split.clear_majority], predicted[split.clear_majority])
    clear_summary = {"accuracy": round(clear.accuracy, 4), "rows": clear.rows}
    geometry = crop_geometry(split.images)
    reading = np.stack([read(a, geometry_dict(g)) for a, g in zip(appearance, geometry, strict=True)])
    reading_metrics = Metrics.from_predictions(split.labels, reading.argmax(axis=1))
    london = None
    if not args.no_london and (Path(args.london) / "labels.csv").is_file():
        people = london_people(args.london, model_path=args.model)
        london = {
            "appearance": london_summary(people, appearance_alone),
            "reading": london_summary(people, learned_reading),
        }
    if args.json:
        report = {"model": str(args.model), "split": SPLITS[args.split], **metrics.to_dict()}
        report["clear_majority_rows"] = clear_summary
        report["reading"] = reading_metrics.to_dict()
        report["london"] = london
        print(json.dumps(report, indent=1))
        return 0
    print(f"{args.model} on FER+ {SPLITS[args.split]} (majority label; unknown and not-face rows left out)\n")
    print(metrics.to_markdown())
    print(
        f"\nOn the FER+ authors' own test rows only (a clear majority once lone votes are dropped, "
        f"{clear_summary['rows']} rows): accuracy {clear.accuracy:.4f}"
    )
    print(f"\nThe mirror's reading on FER+ {SPLITS[args.split]} (geometry from landmarks on the crops)\n")
    print(reading_metrics.to_markdown())
    print("\n" + side_by_side(metrics, reading_metrics))
    if london is not None:
        print("\n" + london_markdown(london))
    elif not args.no_london:
        print(f"\n(no London set at {args.london}: its figures are left out)")
    return 0


def side_by_side(appearance: Metrics, reading: Metrics) -> str:
    lines = ["| figure | appearance model alone | the mirror's reading |", "|---|---:|---:|"]
    lines.append(f"| accuracy | {appearance.accuracy:.4f} | {reading.accuracy:.4f} |")
    lines.append(f"| balanced accuracy | {appearance.balanced_accuracy:.4f} | {reading.balanced_accuracy:.4f} |")
    for i, label in enumerate(EXPRESSIONS):
        lines.append(f"| recall {label} | {appearance.recall[i]:.3f} | {reading.recall[i]:.3f} |")
    return "\n".join(lines)


def london_markdown(london: dict) -> str:
    alone, reading = london["appearance"], london["reading"]
    withn, without = reading["with_neutral"], reading["without_neutral"]
    lines = [
        f"London set ({reading['people']} people), each with their own neutral photo as their resting face and"
        " without one. DeBruine & Jones (2017), CC-BY 4.0; evaluation only.",
        "",
        "| figure | appearance model alone | reading, no neutral | reading, own neutral (95% interval) |",
        "|---|---:|---:|---:|",
        f"| smiles read as happiness | {alone['without_neutral']['smiles_read_as_happiness']:.3f} | "
        f"{without['smiles_read_as_happiness']:.3f} | "
        f"{withn['smiles_read_as_happiness']:.3f}{_interval(withn['smiles_interval_95'])} |",
    ]
    for group, figures in withn["by_group"].items():
        lines.append(
            f"| smiles read as happiness, {group} ({figures['people']}) | "
            f"{alone['without_neutral']['by_group'][group]['smiles']:.3f} | "
            f"{without['by_group'][group]['smiles']:.3f} | {figures['smiles']:.3f}"
            f"{_interval(figures['smiles_interval_95'])} |"
        )
    lines.append(
        f"| neutral faces read as neutral | {alone['without_neutral']['neutrals_read_as_neutral']:.3f} | "
        f"{without['neutrals_read_as_neutral']:.3f} | "
        f"{withn['neutrals_read_as_neutral']:.3f}{_interval(withn['neutrals_interval_95'])} |"
    )
    lines.append(f"| smiles read as something else (own neutral) | - | - | {_counts(withn)} |")
    lines.append("\n(With the own neutral, a neutral face is the neutral photo photographed again.)")
    return "\n".join(lines)


def _interval(bounds: list[float]) -> str:
    return f" ({bounds[0]:.2f}-{bounds[1]:.2f})"


def _counts(summary: dict) -> str:
    """ "neutral 14, contempt 2" (or "none"): what the smiles not read as happiness were read as."""
    missed = summary.get("smiles_missed_read_as", {})
    return ", ".join(f"{label} {count}" for label, count in missed.items()) or "none"
