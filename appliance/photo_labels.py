"""A folder of labelled face photos: ``labels.csv`` with the columns file, label, subject (and any
group columns).

The London set has this layout, and so may any set a team gathers itself (a posed set, a few
mornings at a real mirror); ``eval-posed``, ``eval-features`` and ``eval``'s London figures all
read it here, so a file that cannot be used gets the same clear error whichever command reads it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from appliance.errors import ApplianceError
from appliance.vision.classifier import EXPRESSIONS

REQUIRED_COLUMNS = ("file", "label", "subject")
EXTRA = "\0extra"  # where csv puts the fields of a row longer than the header
LABEL_WORDS = {
    "happy": "happiness",
    "smile": "happiness",
    "smiling": "happiness",
    "surprised": "surprise",
    "sad": "sadness",
    "angry": "anger",
    "disgusted": "disgust",
    "fearful": "fear",
    "afraid": "fear",
    "scared": "fear",
    "contemptuous": "contempt",
    "calm": "neutral",
}
"""Other words data sets use for the eight expressions (case is ignored)."""

MISSING = {"", "na", "n/a", "nan", "none", "null", "unknown", "-", "?"}  # a group value not given


@dataclass(frozen=True)
class LabelledPhoto:
    path: Path
    label: str  # one of EXPRESSIONS
    subject: str
    groups: dict[str, str] = field(default_factory=dict)  # the other columns


def expression_of(word: str) -> str | None:
    """The expression a label names (``EXPRESSIONS`` or ``LABEL_WORDS``), None for anything else."""
    word = word.strip().lower()
    return word if word in EXPRESSIONS else LABEL_WORDS.get(word)


def read_labels(folder: Path | str) -> list[LabelledPhoto]:
    """The photos ``folder/labels.csv`` lists; an ApplianceError saying what is wrong with it."""
    folder = Path(folder)
    labels = folder / "labels.csv"
    hint = "give a folder with labels.csv: columns file,label,subject (and any group columns)"
    if not folder.is_dir():
        raise ApplianceError(f"{folder} is not a folder", hint=hint)
    if not labels.is_file():
        raise ApplianceError(f"{folder} has no labels.csv", hint=hint)
    try:
        with labels.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle, restkey=EXTRA)  # a spreadsheet's trailing commas: fields past the header
            columns = [name.strip() for name in reader.fieldnames or []]
            missing = [name for name in REQUIRED_COLUMNS if name not in columns]
            if missing:
                raise ApplianceError(f"{labels} has no column {', '.join(missing)}", hint=hint)
            rows = []
            for row in reader:
                cells = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k != EXTRA}
                if any(cells.values()):  # a row of empty cells (a spreadsheet's last lines) lists nothing
                    rows.append((reader.line_num, cells))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ApplianceError(f"cannot read {labels}: {error}", hint="save it as UTF-8 CSV text") from None
    photos, problems, first_line = [], [], {}
    for line, row in rows:
        expression = expression_of(row["label"])
        path = folder / row["file"]
        if expression is None:
            problems.append(f"line {line}: the label {row['label']!r} names no expression")
        elif not row["subject"]:
            problems.append(f"line {line}: no subject (who the photo is of)")
        elif row["file"] in first_line:
            problems.append(f"line {line}: {row['file']} is listed again (first on line {first_line[row['file']]})")
        elif not row["file"] or not path.is_file():
            problems.append(f"line {line}: no file {row['file']!r} in {folder}")
        else:
            first_line[row["file"]] = line
            groups = {k: v for k, v in row.items() if k not in REQUIRED_COLUMNS and k and v.lower() not in MISSING}
            photos.append(LabelledPhoto(path, expression, row["subject"], groups))
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise ApplianceError(
            f"{labels}: {'; '.join(problems[:3])}{more}",
            hint=f"each row: a file (its path relative to {folder}), one of {', '.join(EXPRESSIONS)} (or happy, "
            "sad, angry, afraid, ...), and who it is; each file once",
        )
    if not photos:
        raise ApplianceError(f"{labels} lists no photos", hint=hint)
    return photos
