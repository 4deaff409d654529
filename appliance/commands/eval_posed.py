"""``eval-posed FOLDER``: the mirror's reading on posed photos, with each person's neutral and without.

For the held-out set of posed faces issue 13 is judged on, which is not here: whoever has it runs
this on it.  The layout (labels.csv: file,label,subject, and any group columns) and the figures
are in appliance/posed_eval.py.  The London set has the same layout (neutral and smiling only).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from appliance.photo_labels import read_labels
from appliance.posed_eval import read_photos, summary

DESCRIPTION = """The mirror's reading of posed photos, as balanced accuracy, per-expression recall and what
each expression was read as: every photo judged against the same person's neutral photo (as the
mirror reads someone who has calibrated) and against no one's (the population's resting face).
For posed faces of people outside the training data: the model card's figures cannot cover them.
A folder of photos with labels.csv (file,label,subject, and any group columns such as gender);
each person's first neutral photo is their reference. Needs no data set of its own."""

EPILOG = """example: python -m appliance eval-posed ~/posed-set --json > posed.json

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
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.set_defaults(func=run)


def run(args) -> int:
    from appliance.reading_eval import FaceReader, appearance_alone, fused_reading
    from appliance.vision.classifier import DEFAULT_MODEL

    photos = read_labels(args.folder)
    reader = FaceReader(args.model or DEFAULT_MODEL)
    judged, left_out = read_photos(photos, reader.read, log=lambda text: print(text, file=sys.stderr))
    result = {
        "folder": str(args.folder),
        "photos": len(photos),
        # no face, or not an image (each said on stderr): as labels.csv names them
        "left_out": [photo.path.relative_to(args.folder).as_posix() for photo in left_out],
        **summary(judged, fused_reading, reader.features),
        # the expression model's own output on the same photos: what the fused reading adds to it
        "appearance_alone": summary(judged, appearance_alone, reader.features)["without_neutral"],
    }
    print(json.dumps(result, indent=1) if args.json else format_report(result))
    return 0


def format_report(result: dict) -> str:
    left_out = len(result["left_out"])
    lines = [f"{result['folder']}: {result['photos']} photos, {left_out} left out (no face, or unreadable)"]
    titles = {
        "with_neutral": "with each person's neutral photo as their resting face",
        "without_neutral": "without a neutral (the population's resting face)",
    }
    for kind, title in titles.items():
        figures = result[kind]
        lines.append(f"\n{title}: {figures['photos']} photos of {figures['people']} people")
        if not figures["photos"]:
            lines.append("  (none: no person has a neutral photo with a face)" if kind == "with_neutral" else "")
            continue
        lines.append(f"  balanced accuracy {figures['balanced_accuracy']:.3f}, accuracy {figures['accuracy']:.3f}")
        for label, recall in figures["recall"].items():
            read_as = ", ".join(f"{got} {n}" for got, n in figures["read_as"][label].items())
            low, high = figures["recall_interval_95"][label]
            lines.append(
                f"  {label:<10} {recall:6.1%} of {figures['count'][label]:>3} (95% interval {low:.0%}-{high:.0%})"
                f"   read as: {read_as}"
            )
        for group, g in figures["by_group"].items():
            lines.append(f"  {group} ({g['people']} people): balanced accuracy {g['balanced_accuracy']:.3f}")
    alone = result["appearance_alone"]
    if alone["photos"]:
        lines.append(f"\nthe expression model alone (no geometry, no priors): balanced accuracy "
                     f"{alone['balanced_accuracy']:.3f} on {alone['photos']} photos")  # fmt: skip
    verdicts = (
        f"{target}: {'n/a' if met is None else 'met' if met else 'NOT met'}"
        for target, met in result["targets_met"].items()
    )
    lines.append("\ntargets: " + "; ".join(verdicts))
    return "\n".join(lines)
