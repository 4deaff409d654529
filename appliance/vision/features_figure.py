"""Draw docs/features.png: the canonical face's 468 points, with the ones each feature uses.

Made from the canonical face in face_model.json (a median of FER+ training faces), never from a
photo:  python -m appliance.vision.features_figure [docs/features.png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from appliance.errors import ApplianceError, run_tool
from appliance.vision import features as f

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "features.png"

GROUPS = (  # colour, label, indices
    ((200, 200, 200), "the rigid fit (pose, size): eye corners, nose bridge, forehead, temples", f.STABLE),
    ((30, 90, 220), "brows: brow_raise, brow_lower (height above the eyes, inner-end gap)", f.RIGHT_BROW + f.LEFT_BROW),
    ((0, 150, 200), "inner brow ends: brow_lower (brows together)", f.RIGHT_BROW_INNER + f.LEFT_BROW_INNER),
    (
        (20, 160, 60),
        "lids: eye_widen, eye_narrow (opening)",
        tuple(i for pair in f.RIGHT_LIDS + f.LEFT_LIDS for i in pair),
    ),
    (
        (240, 140, 0),
        "nose wings: nose_wrinkle (rise beyond what the corners' lift carries)",
        (f.RIGHT_NOSE_WING, f.LEFT_NOSE_WING),
    ),
    (
        (220, 30, 30),
        "mouth corners: smile (up against the lips' line and the eyes, out), corners_down, stretch, pucker, asymmetry",
        (f.RIGHT_MOUTH_CORNER, f.LEFT_MOUTH_CORNER),
    ),
    (
        (150, 50, 180),
        "lips: lip_press (red-lip heights against the mouth's width), lip_pucker (depth), the lips' line",
        (f.UPPER_LIP_TOP, f.UPPER_LIP_INNER, f.LOWER_LIP_INNER, f.LOWER_LIP_BOTTOM),
    ),
    ((120, 80, 40), "chin: jaw_drop (below the eye line)", (f.CHIN,)),
)


def draw(path: Path, *, width: int = 1000) -> None:
    from PIL import Image, ImageDraw, ImageFont

    shape = f.CANONICAL[:, :2]
    lo, hi = shape.min(axis=0), shape.max(axis=0)
    margin, legend_height = 40, 30 * len(GROUPS) + 40
    scale = (width - 2 * margin) / float(hi[0] - lo[0])
    face_height = int((hi[1] - lo[1]) * scale) + 2 * margin
    image = Image.new("RGB", (width, face_height + legend_height), "white")
    pen = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=15)
    small = ImageFont.load_default(size=12)

    def at(index: int) -> tuple[float, float]:
        x, y = (shape[index] - lo) * scale + margin
        return float(x), float(y)

    for index in range(len(shape)):
        x, y = at(index)
        pen.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=(150, 150, 150))
    eye_line = np.mean([at(i)[1] for i in f.RIGHT_EYE_CORNERS + f.LEFT_EYE_CORNERS])
    pen.line((margin, eye_line, width - margin, eye_line), fill=(170, 170, 255), width=1)
    pen.text((margin, eye_line - 16), "eye line", fill=(120, 120, 220), font=small)
    for colour, _, indices in GROUPS:
        for index in indices:
            x, y = at(index)
            radius = 4 if colour == GROUPS[0][0] else 5
            pen.ellipse((x - radius, y - radius, x + radius, y + radius), outline=colour, width=2)
            pen.text((x + 5, y - 14), str(index), fill=colour, font=small)
    y = face_height + 10
    pen.text(
        (margin, y),
        "Canonical face (median of FER+ neutral training faces), the person's right on the left",
        fill="black",
        font=font,
    )
    for colour, label, _ in GROUPS:
        y += 30
        pen.ellipse((margin, y + 3, margin + 12, y + 15), outline=colour, width=3)
        pen.text((margin + 22, y), label, fill="black", font=font)
    image.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description="Draw the canonical face and the points each feature uses.")
    parser.add_argument(
        "out", nargs="?", type=Path, default=DEFAULT_OUT, help=f"a .png or .jpg (default: {DEFAULT_OUT})"
    )
    path = parser.parse_args().out
    from PIL import Image

    if path.suffix.lower() not in Image.registered_extensions():
        raise ApplianceError(f"cannot draw the figure as {path.name}", hint="name a .png (or .jpg) file")
    draw(path)
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(run_tool(main))
