"""``classify`` without --face-crop: face detection on whole images."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from appliance.cli import main
from appliance.vision.classifier import DEFAULT_MODEL, EXPRESSIONS

SHARED = Path(__file__).resolve().parents[3] / "shared"  # tests/commands/ -> the folder beside the project
PHOTOS = SHARED / "fixtures" / "photos"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")
MODEL = DEFAULT_MODEL


def classify(capsys, *paths) -> list[dict]:
    status = main(["classify", "--model", str(MODEL), *map(str, paths)])
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert status == (1 if any("error" in r for r in records) else 0)
    return records


def test_an_image_without_a_face_gives_an_empty_list(tmp_path, capsys):
    plain = tmp_path / "wall.png"
    Image.fromarray(np.full((480, 640, 3), 180, np.uint8)).save(plain)
    assert classify(capsys, plain) == [{"path": str(plain), "faces": []}]


@needs_shared
def test_every_face_in_a_photo_is_reported_in_the_schema(capsys):
    (record,) = classify(capsys, PHOTOS / "two_people.jpg")
    assert len(record["faces"]) == 2
    for face in record["faces"]:
        assert set(face) == {"box", "score", "expression", "probabilities", "appearance", "features", "pose", "neutral"}
        assert len(face["box"]) == 4 and all(isinstance(v, int) for v in face["box"])
        assert 0.5 <= face["score"] <= 1 and list(face["probabilities"]) == list(EXPRESSIONS)
        assert list(face["appearance"]) == list(EXPRESSIONS)  # the model's own, beside the fused reading
    assert sorted(face["box"][0] for face in record["faces"]) == pytest.approx([218, 777], abs=20)


@needs_shared
def test_rgba_and_grey_files_work(tmp_path, capsys):
    grey = tmp_path / "obama-grey.png"
    Image.open(PHOTOS / "obama.jpg").convert("L").save(grey)
    records = classify(capsys, PHOTOS / "lin-manuel-miranda.png", PHOTOS / "alex-lacamoire.png", grey)
    assert [len(r["faces"]) for r in records] == [1, 1, 1]
