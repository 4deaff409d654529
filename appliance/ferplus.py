"""The FER+ data set (FER2013 crops with crowd votes), as the README in shared/ describes it.

Numpy only: the training recipe and the ``eval`` command both read it.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from appliance.errors import ApplianceError
from appliance.paths import PROJECT_DIR
from appliance.vision.classifier import EXPRESSIONS

DEFAULT_PATH = PROJECT_DIR.parent / "shared" / "datasets" / "ferplus48.npz"
SPLITS = {"train": "Training", "validation": "PublicTest", "test": "PrivateTest"}


@dataclass(frozen=True)
class FerPlusSplit:
    """Rows of one split whose top vote is one of the eight expressions."""

    images: np.ndarray  # uint8 [n, 48, 48]
    soft_labels: np.ndarray  # float32 [n, 8], the crowd's votes over EXPRESSIONS, summing to 1
    labels: np.ndarray  # int64 [n], the majority label (ties: first in vote order)
    # bool [n]: the rows the FER+ authors themselves test on -- once lone votes are dropped, the
    # top vote holds more than half of the rest.  Their published figures (VGG13 about 0.84) are
    # on these rows only; the others are faces the crowd split over.
    clear_majority: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


def load_split(name: str, path: Path | str = DEFAULT_PATH, *, limit: int | None = None) -> FerPlusSplit:
    """Load ``train``, ``validation`` or ``test``, dropping unknown / not-face rows."""
    path = Path(path)
    if name not in SPLITS:
        raise ValueError(f"unknown split {name!r}; choose one of {', '.join(SPLITS)}")
    if not path.is_file():
        raise ApplianceError(
            f"the FER+ data set is not at {path}",
            hint="pass --data PATH to ferplus48.npz (built from FER2013 with the FER+ votes; not shipped with"
            " the appliance). Only checking, fitting or training a model needs it: a user of the mirror does not",
        )
    not_ferplus = f"{path} is not the FER+ data set"
    hint = "pass --data the ferplus48.npz file (arrays images, votes, vote_columns and split)"
    try:
        data = np.load(path)  # an npz opens lazily: each array is read (and may fail) below
    except (OSError, ValueError, EOFError):  # a text file, an empty or cut-short file, a pickle
        # numpy's own words would suggest loading a pickle "unsafely": not advice for a data set
        raise ApplianceError(f"{not_ferplus}: it is not an .npz archive (or it is empty)", hint=hint) from None
    if not isinstance(data, np.lib.npyio.NpzFile):  # a single .npy array
        raise ApplianceError(f"{not_ferplus}: it holds one array, not the data set's named arrays", hint=hint)
    with data:
        missing = [key for key in ("images", "votes", "vote_columns", "split") if key not in data.files]
        if missing:
            raise ApplianceError(f"{not_ferplus}: it has no {', '.join(missing)}", hint=hint)
        try:
            columns = [str(c) for c in data["vote_columns"]]
            if columns[: len(EXPRESSIONS)] != list(EXPRESSIONS):
                raise ApplianceError(f"{path} has vote columns {columns}, expected {list(EXPRESSIONS)} first")
            keep = data["split"] == SPLITS[name]
            votes = data["votes"][keep].astype(np.float32)
            images = data["images"][keep]
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:  # a damaged array inside
            raise ApplianceError(f"{not_ferplus}, or it is damaged: {error}", hint=hint) from None
    top = votes.argmax(axis=1)  # argmax breaks ties by column order, as FER+ does
    keep = top < len(EXPRESSIONS)
    images, votes, top = images[keep], votes[keep], top[keep]
    if limit is not None:
        images, votes, top = images[:limit], votes[:limit], top[:limit]
    without_lone_votes = np.where(votes > 1, votes, 0)  # over all ten columns, as FER+'s own code
    clear = without_lone_votes.max(axis=1) > 0.5 * without_lone_votes.sum(axis=1)
    votes = votes[:, : len(EXPRESSIONS)]
    soft = votes / votes.sum(axis=1, keepdims=True)
    return FerPlusSplit(
        images=images, soft_labels=soft.astype(np.float32), labels=top.astype(np.int64), clear_majority=clear
    )
