"""``eval-posed FOLDER``: the mirror's reading on posed photos, with each person's neutral and without.

For the held-out set of posed faces issue 13 is judged on, which is not here: whoever has it runs
this on it.  The layout (labels.csv: file,label,subject, and any group columns) and the figures
are in appliance/posed_eval.py.  The London set has the same layout (neutral and smiling only).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from appliance.arguments import count
from appliance.photo_labels import read_labels
from appliance.posed_eval import read_photos, summary
from appliance.posed_examples import DRAWS, check_labels, examples_summary

DESCRIPTION = """The mirror's reading of posed photos, as balanced accuracy, per-expression recall and what
each expression was read as: every photo judged against the same person's neutral photo (as the
mirror reads someone who has calibrated) and against no one's (the population's resting face).
For posed faces of people outside the training data: the model card's figures cannot cover them.
A folder of photos with labels.csv (file,label,subject, and any group columns such as gender);
each person's first neutral photo is their reference. Needs no data set of its own.
With --examples K, also the reading with each person's own examples (K photos of each expression,
drawn at random over --draws draws), the rest of their photos scored: docs/examples.md."""

EPILOG = """example: python -m appliance eval-posed ~/posed-set --json > posed.json
         python -m appliance eval-posed ~/posed-set --examples 1 --json > posed-examples.json

labels.csv, one row a photo:
  file,label,subject,gender
  images/p01_neutral.jpg,neutral,p01,female
  images/p01_fear.jpg,fear,p01,female
"""


def add_parser(subparsers) -> None:
    import argparse

    parser = subparsers.add_parser(
        "eval-posed",
        help="the fused reading on a folder of posed photos, with each person's neutral and without (developers)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("folder", type=Path, help="a folder with labels.csv (file,label,subject) and the photos")
    parser.add_argument("--model", type=Path, help="expression model (default: the shipped one)")
    parser.add_argument(
        "--examples",
        type=count(1, 1000),
        default=None,
        metavar="K",
        help="also: K photos of each expression a person as their own examples, the rest scored with them",
    )
    parser.add_argument(
        "--draws", type=count(1, 1000), default=DRAWS, help=f"random draws of the examples (default: {DRAWS})"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.set_defaults(func=run)


def run(args) -> int:
    from appliance.reading_eval import FaceReader, appearance_alone, learned_reading
    from appliance.vision.classifier import DEFAULT_MODEL

    photos = read_labels(args.folder)
    if args.examples is not None:  # said before minutes of reading photos
        check_labels(photos, args.examples)
    reader = FaceReader(args.model or DEFAULT_MODEL)
    judged, left_out = read_photos(photos, reader.read, log=lambda text: print(text, file=sys.stderr))
    result = {
        "folder": str(args.folder),
        "photos": len(photos),
        # no face, or not an image (each said on stderr): as labels.csv names them
        "left_out": [photo.path.relative_to(args.folder).as_posix() for photo in left_out],
        **summary(judged, learned_reading),
        # the expression model's own output on the same photos: what the reading adds to it
        "appearance_alone": summary(judged, appearance_alone)["without_neutral"],
    }
    if args.examples is not None:
        result["with_examples"] = examples_summary(judged, args.examples, draws=args.draws)
    print(json.dumps(result, indent=1) if args.json else format_report(result))
    return 0


def format_report(result: dict) -> str:
    """The reading with each person's neutral and without, side by side, expression by expression."""
    left_out = len(result["left_out"])
    withn, without, alone = result["with_neutral"], result["without_neutral"], result["appearance_alone"]
    lines = [
        f"{result['folder']}: {result['photos']} photos, {left_out} left out (no face, or unreadable)",
        f"with: each person's first neutral photo as their resting face ({withn['photos']} photos of "
        f"{withn['people']} people); without: none ({without['photos']} photos)",
        "",
        "| | with the neutral (95% interval) | without | the expression model alone |",
        "|---|---:|---:|---:|",
    ]
    if withn["photos"] or without["photos"]:
        lines.append(
            f"| balanced accuracy | {_figure(withn, 'balanced_accuracy')} | {_figure(without, 'balanced_accuracy')}"
            f" | {_figure(alone, 'balanced_accuracy')} |"
        )
        for label in without.get("recall", {}):
            interval = withn.get("recall_interval_95", {}).get(label)
            shown = f" ({interval[0]:.0%}-{interval[1]:.0%})" if interval else ""
            lines.append(
                f"| {label} | {_recall(withn, label)}{shown} | {_recall(without, label)} | {_recall(alone, label)} |"
            )
    if withn["photos"]:
        lines.append("\nwith the neutral, read as:")
        for label, read_as in withn["read_as"].items():
            lines.append(f"  {label:<10} " + ", ".join(f"{got} {n}" for got, n in read_as.items()))
    for kind in ("with_neutral", "without_neutral"):
        for group, g in result[kind]["by_group"].items():
            lines.append(f"{kind}, {group} ({g['people']} people): balanced accuracy {g['balanced_accuracy']:.3f}")
    verdicts = (f"{target}: {'met' if met else 'NOT met'}" for target, met in result["targets_met"].items())
    lines.append("\ntargets: " + ("; ".join(verdicts) or "none can be judged on this folder"))
    for target, why in result["targets_not_judged"].items():
        lines.append(f"not judged here: {target} ({why})")
    if "with_examples" in result:
        lines += examples_report(result["with_examples"])
    return "\n".join(lines)


def examples_report(figures: dict) -> list[str]:
    """The reading with each person's own examples beside the neutral alone on the same photos."""
    plain, spread = figures["plain_same_photos"], figures["spread"]["balanced_accuracy"]
    lines = [
        f"\nwith {figures['examples_per_expression']} example(s) of each expression a person, the rest scored "
        f"({figures['photos']:g} photos of {figures['people']} people a draw, mean of {figures['draws']} draws):",
        f"balanced accuracy {figures['balanced_accuracy']:.3f} (sd {spread['sd']:.3f}, {spread['min']:.3f}-"
        f"{spread['max']:.3f}); the neutral alone on the same photos {_figure(plain, 'balanced_accuracy')}",
        "| | with the examples | the neutral alone |",
        "|---|---:|---:|",
    ]
    for label, value in figures["recall"].items():
        lines.append(f"| {label} | {value:.1%} | {plain.get('recall', {}).get(label, 0):.1%} |")
    verdicts = (f"{target}: {'met' if met else 'NOT met'}" for target, met in figures["targets_met"].items())
    lines.append("targets: " + ("; ".join(verdicts) or "none can be judged on this folder"))
    lines += [f"not judged here: {target} ({why})" for target, why in figures["targets_not_judged"].items()]
    return lines


def _figure(figures: dict, key: str) -> str:
    return f"{figures[key]:.3f}" if key in figures else "-"


def _recall(figures: dict, label: str) -> str:
    value = figures.get("recall", {}).get(label)
    return "-" if value is None else f"{value:.1%} of {figures['count'][label]}"
