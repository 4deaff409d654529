"""python -m appliance.training --out DIR [--epochs N] [--limit N] [--export-only]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from appliance.errors import run_tool
from appliance.ferplus import DEFAULT_PATH
from appliance.training.recipe import EPOCHS, WEIGHTS_FILE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m appliance.training", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="folder for weights, TFLite files and logs")
    parser.add_argument("--data", type=Path, default=DEFAULT_PATH, help="ferplus48.npz")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--limit", type=int, help="use only the first N rows of each split (smoke runs)")
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
        export_saved_weights(out_dir=args.out, data_path=args.data, limit=args.limit)
    else:
        train(out_dir=args.out, data_path=args.data, epochs=args.epochs, limit=args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(run_tool(main))
