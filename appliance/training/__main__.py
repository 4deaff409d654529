"""python -m appliance.training --out DIR [--epochs N] [--widths W,W,W,W] [--limit N] [--export-only]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from appliance.arguments import count
from appliance.errors import run_tool
from appliance.ferplus import DEFAULT_PATH
from appliance.training.recipe import EPOCHS, WEIGHTS_FILE

STAGES = 4  # model.REPEATS has one entry a stage; model.py needs Keras, this module must not


def stage_widths(text: str) -> tuple[int, ...]:
    """``16,32,64,96`` as the channel widths of the network's stages."""
    try:
        widths = tuple(int(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not whole numbers separated by commas: {text!r}") from None
    if len(widths) != STAGES or min(widths) < 1:
        raise argparse.ArgumentTypeError(f"need {STAGES} positive widths, one a stage: {text!r}")
    return widths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m appliance.training", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="folder for weights, TFLite files and logs")
    parser.add_argument("--data", type=Path, default=DEFAULT_PATH, help="ferplus48.npz")
    parser.add_argument("--epochs", type=count(1, 1000), default=EPOCHS)
    parser.add_argument(
        "--widths",
        type=stage_widths,
        help="channels of each of the 4 stages, e.g. 16,32,64,96 (default: the shipped network's 32,64,128,192; "
        "with --export-only, the widths the run recorded in training.json)",
    )
    parser.add_argument(
        "--limit", type=count(1, 10_000_000), help="use only the first N rows of each split (smoke runs)"
    )
    parser.add_argument(
        "--export-only",
        action="store_true",
        help=f"calibrate and export the {WEIGHTS_FILE} an earlier run left in --out, without training",
    )
    args = parser.parse_args(argv)
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        print("error: training needs TensorFlow\n  what to do: pip install -e '.[train]'", file=sys.stderr)
        return 2
    from appliance.training.recipe import export_saved_weights, train

    if args.export_only:
        if not (args.out / WEIGHTS_FILE).is_file():
            print(
                f"error: no trained weights at {args.out / WEIGHTS_FILE}\n"
                "  what to do: train first, without --export-only",
                file=sys.stderr,
            )
            return 2
        export_saved_weights(out_dir=args.out, data_path=args.data, limit=args.limit, widths=args.widths)
    else:
        train(out_dir=args.out, data_path=args.data, epochs=args.epochs, limit=args.limit, widths=args.widths)
    return 0


if __name__ == "__main__":
    sys.exit(run_tool(main))
