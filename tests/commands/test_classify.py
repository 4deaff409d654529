import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from appliance.cli import main
from appliance.vision.classifier import EXPRESSIONS


@pytest.fixture
def face_files(tmp_path):
    rng = np.random.default_rng(0)
    gray = tmp_path / "gray.png"
    Image.fromarray(rng.integers(0, 256, (48, 48), dtype=np.uint8)).save(gray)
    rgba = tmp_path / "rgba.png"
    Image.fromarray(rng.integers(0, 256, (60, 40, 4), dtype=np.uint8), "RGBA").save(rgba)
    rgb = tmp_path / "rgb.jpg"
    Image.fromarray(rng.integers(0, 256, (100, 120, 3), dtype=np.uint8)).save(rgb)
    return gray, rgba, rgb


def lines(capsys):
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_face_crops_give_one_face_each_in_the_contract_schema(face_files, capsys):
    assert main(["classify", "--face-crop", *map(str, face_files)]) == 0
    records = lines(capsys)
    assert [r["path"] for r in records] == [str(p) for p in face_files]
    for record in records:
        (face,) = record["faces"]
        assert face["score"] == 1.0
        assert list(face["probabilities"]) == list(EXPRESSIONS)
        assert face["expression"] == max(face["probabilities"], key=face["probabilities"].get)
    assert records[1]["faces"][0]["box"] == [0, 10, 40, 40]  # the centred square of a 40x60 image
    assert records[2]["faces"][0]["box"] == [10, 0, 100, 100]


def test_a_bad_file_gets_an_error_line_and_the_rest_still_run(face_files, tmp_path, capsys):
    corrupt = tmp_path / "corrupt.jpg"
    corrupt.write_bytes(b"\xff\xd8 definitely not a jpeg")
    missing = tmp_path / "missing.png"
    status = main(["classify", "--face-crop", str(corrupt), str(face_files[0]), str(missing)])
    records = lines(capsys)
    assert status != 0
    assert "not an image" in records[0]["error"] or "decoded" in records[0]["error"]
    assert records[1]["faces"]
    assert "no such file" in records[2]["error"]


def test_a_missing_model_is_a_clear_message_not_a_traceback(face_files, tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "appliance",
            "classify",
            "--face-crop",
            "--model",
            str(tmp_path / "m.tflite"),
            str(face_files[0]),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "does not exist" in result.stderr and "what to do" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_huge_image_is_an_error_line_and_the_batch_goes_on(face_files, tmp_path, capsys):
    huge = tmp_path / "huge.png"
    Image.new("L", (20000, 20000)).save(huge, optimize=False)  # 400 megapixels, a small file (it compresses)
    gray = face_files[0]
    assert main(["classify", "--face-crop", str(huge), str(gray)]) == 1
    bad, good = lines(capsys)
    assert bad["path"] == str(huge) and "megapixels" in bad["error"]
    assert good["faces"] and good["path"] == str(gray)


def test_a_10000_pixel_square_image_says_so_without_pillows_raw_warning(tmp_path, face_files, capsys):
    """100 megapixels is past Pillow's warning (89) but under its error (179): it printed its own
    DecompressionBombWarning above the appliance's line."""
    import warnings

    big = tmp_path / "big.png"
    Image.new("L", (10000, 10000)).save(big)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning left would fail the command here
        assert main(["classify", "--face-crop", str(big)]) == 1
    (bad,) = lines(capsys)
    assert "10000x10000 pixels, more than the 64 megapixels" in bad["error"]
