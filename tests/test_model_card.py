"""The model card describes the expression model that ships: its size and checksum are the file's."""

import hashlib
import re

from appliance.paths import MODELS_DIR

CARD = MODELS_DIR / "MODEL_CARD.md"
MODEL = MODELS_DIR / "expression_int8.tflite"


def test_the_card_gives_the_shipped_files_size_and_checksum():
    card = CARD.read_text(encoding="utf-8")
    data = MODEL.read_bytes()
    first_paragraph = card.split("\n\n")[1]
    assert f"{len(data):,} bytes" in first_paragraph
    shipped = re.search(r"SHA-256 of the shipped file.*?`([0-9a-f]{64})`", card, re.DOTALL)
    assert shipped is not None and shipped.group(1) == hashlib.sha256(data).hexdigest()
    assert f"{hashlib.sha256(data).hexdigest()}  expression_int8.tflite" in (MODELS_DIR / "SHA256SUMS").read_text()
