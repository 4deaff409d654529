"""``classify`` prints the mirror's reading, with the model's own beside it."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from appliance.cli import main
from appliance.vision.classifier import EXPRESSIONS
from appliance.vision.reading import read, resting_face

SHARED = Path(__file__).resolve().parents[3] / "shared"
PHOTOS = SHARED / "fixtures" / "photos"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")


def only_face(capsys, *args) -> dict:
    assert main(["classify", *map(str, args)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    (face,) = json.loads(line)["faces"]
    return face


def vector(by_label: dict) -> np.ndarray:
    assert list(by_label) == list(EXPRESSIONS)
    return np.array(list(by_label.values()))


def check_reading(face: dict, geometry=None, resting=None) -> None:
    expected = read(vector(face["appearance"]), geometry, resting=resting)
    assert vector(face["probabilities"]) == pytest.approx(expected, abs=2e-3)
    assert face["expression"] == max(face["probabilities"], key=face["probabilities"].get)


@needs_shared
def test_without_a_reference_the_reading_reads_the_face_as_it_is(capsys):
    from appliance.commands.classify import Reader

    face = only_face(capsys, PHOTOS / "obama.jpg")
    assert face["neutral"] == "population"
    check_reading(face, Reader().geometry(str(PHOTOS / "obama.jpg")))
    assert face["expression"] == "happiness"  # a broad smile, both ways


@needs_shared
def test_a_face_against_itself_as_neutral_reads_neutral(capsys):
    # The same photo as its own neutral: nothing moved, and the face looks exactly as it does at
    # rest, so the broad smile of the photo is this person's resting face: neutral.
    face = only_face(capsys, "--neutral", PHOTOS / "obama.jpg", PHOTOS / "obama.jpg")
    assert face["neutral"] == "personal" and not any(face["features"].values())
    assert face["expression"] == "neutral"


@needs_shared
def test_another_photo_of_him_as_the_reference(capsys):
    from appliance.commands.classify import Reader

    reference = only_face(capsys, PHOTOS / "obama-720p.jpg")
    face = only_face(capsys, "--neutral", PHOTOS / "obama-720p.jpg", PHOTOS / "obama.jpg")
    assert face["neutral"] == "personal"
    reader = Reader()
    own = resting_face(vector(reference["appearance"]), reader.geometry(str(PHOTOS / "obama-720p.jpg")))
    check_reading(face, reader.geometry(str(PHOTOS / "obama.jpg")), resting=own)


def test_a_crop_without_landmarks_reads_the_appearance_alone(capsys, tmp_path):
    noise = tmp_path / "noise.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (48, 48), dtype=np.uint8)).save(noise)
    face = only_face(capsys, "--face-crop", noise)
    assert face["features"] is None
    check_reading(face)
    assert vector(face["probabilities"]) != pytest.approx(vector(face["appearance"]), abs=1e-3)  # the head's own


@needs_shared
def test_a_reference_that_is_not_relaxed_is_warned_about(capsys):
    assert main(["classify", "--neutral", str(PHOTOS / "obama-720p.jpg"), str(PHOTOS / "obama.jpg")]) == 0
    err = capsys.readouterr().err
    assert "warning: the --neutral image reads as happiness" in err  # he smiles in that photo too
