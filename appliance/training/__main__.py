"""python -m appliance.training --out DIR [--epochs N] [--limit N]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from appliance.ferplus import DEFAULT_PATH


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m appliance.training", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="folder for weights, TFLite files and logs")
    parser.add_argument("--data", type=Path, default=DEFAULT_PATH, help="ferplus48.npz")
    parser.add_argument("--epochs", type=int, default=34)
    parser.add_argument("--limit", type=int, help="use only the first N rows of each split (smoke runs)")
    args = parser.parse_args(argv)
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        print("error: training needs TensorFlow\n  what to do: pip install -e '.[train]'", file=sys.stderr)
        return 2
    from appliance.training.recipe import train

    train(out_dir=args.out, data_path=args.data, epochs=args.epochs, limit=args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
