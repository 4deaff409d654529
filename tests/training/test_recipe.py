"""A training smoke run: a few hundred rows, one epoch, int8 export, load and classify.

Training runs in a child process, as a user runs it: TensorFlow loaded into the test process
crashes the Kivy window the UI tests open later (both bring their own GL-adjacent libraries).
"""

import importlib.util
import json
import subprocess
import sys

import numpy as np
import pytest

from appliance.training.recipe import choose_alpha, prior_shift
from appliance.vision.classifier import EXPRESSIONS, ExpressionClassifier

has_tensorflow = importlib.util.find_spec("tensorflow") is not None

COLUMNS = [*EXPRESSIONS, "unknown", "not_face"]


def synthetic_ferplus(path, rows=320, seed=0):
    rng = np.random.default_rng(seed)
    labels = np.arange(rows) % len(EXPRESSIONS)
    votes = np.zeros((rows, len(COLUMNS)), np.uint8)
    votes[np.arange(rows), labels] = 8
    votes[np.arange(rows), rng.integers(0, len(COLUMNS), rows)] += 2
    images = rng.integers(0, 256, (rows, 48, 48), dtype=np.uint8)
    images[:, 10:20, :] = (labels * 30)[:, None, None]  # something learnable
    split = np.array(["Training", "PublicTest"] * (rows // 2))
    np.savez(path, images=images, votes=votes, vote_columns=np.array(COLUMNS), split=split)
    return path


@pytest.mark.slow
@pytest.mark.skipif(not has_tensorflow, reason="training needs the train extra (pip install -e '.[train]')")
def test_one_epoch_trains_exports_int8_and_classifies(tmp_path):
    data = synthetic_ferplus(tmp_path / "ferplus.npz")
    command = [sys.executable, "-m", "appliance.training", "--out", str(tmp_path / "out"), "--data", str(data)]
    result = subprocess.run([*command, "--epochs", "1"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    model = tmp_path / "out" / "expression_int8.tflite"
    assert model.stat().st_size <= 1_000_000
    classifier = ExpressionClassifier(model)
    assert classifier.is_quantized
    probabilities = classifier.probabilities(np.full((48, 48), 100, np.uint8))
    assert list(probabilities) == list(EXPRESSIONS)
    assert abs(sum(probabilities.values()) - 1) < 0.02
    assert ExpressionClassifier(tmp_path / "out" / "expression_float32.tflite").is_quantized is False
    saved = json.loads((tmp_path / "out" / "training.json").read_text())
    assert len(saved["history"]) == 1 and saved["alpha"] in [row["alpha"] for row in saved["calibration"]]
    assert '"epoch": 1' in result.stdout


def test_calibration_keeps_rare_classes_recalled_when_it_can():
    counts = np.array([1000, 800, 400, 400, 300, 20, 60, 20], float)
    labels = np.repeat(np.arange(8), 10)
    logits = np.full((80, 8), -1.0)
    logits[np.arange(80), labels] = 1.0
    logits[labels == 5, 0] = 1.5  # disgust looks like neutral unless the prior is shifted
    alpha, table = choose_alpha(logits, labels, counts)
    assert alpha < 0  # push toward rare classes
    assert next(row for row in table if row["alpha"] == alpha)["rare_recall"] >= 0.5


def test_prior_shift_is_zero_at_alpha_zero_and_favours_common_classes_above():
    counts = np.array([100, 10, 1, 1, 1, 1, 1, 1], float)
    assert np.allclose(prior_shift(0.0, counts), 0)
    shift = prior_shift(1.0, counts)
    assert shift[0] > shift[1] > shift[2]
