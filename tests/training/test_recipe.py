"""A training smoke run: a few hundred rows, one epoch, int8 export, load and classify.

Training runs in a child process, as a user runs it: TensorFlow loaded into the test process
crashes the Kivy window the UI tests open later (both bring their own GL-adjacent libraries).
"""

import ast
import importlib.util
import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from appliance.training import __main__ as cli
from appliance.training import recipe
from appliance.training.recipe import (
    ACCURACY_TOLERANCE,
    MIN_RARE_RECALL,
    choose_calibration,
    pick_calibration,
    prior_shift,
    rare_boosts,
)
from appliance.vision.classifier import EXPRESSIONS, ExpressionClassifier
from appliance.vision.litert import load_interpreter

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
    face = np.random.default_rng(2).integers(0, 256, (48, 48), dtype=np.uint8)
    assert np.array_equal(classifier.probability_vector(face), classifier.probability_vector(face[:, ::-1].copy()))
    floating = ExpressionClassifier(tmp_path / "out" / "expression_float32.tflite")
    assert floating.is_quantized is False
    assert abs(float(floating.probability_vector(face).sum()) - 1) < 1e-5
    assert np.allclose(floating.probability_vector(face), floating.probability_vector(face[:, ::-1].copy()), atol=1e-6)
    saved = json.loads((tmp_path / "out" / "training.json").read_text())
    assert len(saved["history"]) == 1 and saved["calibration"] in saved["calibration_table"]
    assert '"epoch": 1' in result.stdout

    again = subprocess.run([*command, "--export-only"], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "calibration on validation" in again.stdout
    assert json.loads((tmp_path / "out" / "training.json").read_text())["history"] == saved["history"]


@pytest.mark.skipif(not has_tensorflow, reason="training needs the train extra (pip install -e '.[train]')")
def test_export_only_without_weights_says_to_train_first(tmp_path):
    command = [sys.executable, "-m", "appliance.training", "--out", str(tmp_path), "--export-only"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert "no trained weights" in result.stderr and "Traceback" not in result.stderr


def conv_widths(model_path):
    """The output channels of each convolution in a TFLite file, in the order they run."""
    interpreter = load_interpreter(model_path)
    shapes = {d["index"]: d["shape"] for d in interpreter.get_tensor_details()}
    ops = interpreter._get_ops_details()  # the one place the runtime lists the graph's operators
    return [int(shapes[op["inputs"][1]][0]) for op in ops if op["op_name"] == "CONV_2D"]


@pytest.mark.slow
@pytest.mark.skipif(not has_tensorflow, reason="training needs the train extra (pip install -e '.[train]')")
def test_widths_shape_the_trained_network_and_export_only_rebuilds_them(tmp_path):
    data = synthetic_ferplus(tmp_path / "ferplus.npz")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "appliance.training", "--out", str(out), "--data", str(data)]
    result = subprocess.run(
        [*command, "--epochs", "1", "--widths", "8,8,16,24"], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads((out / "training.json").read_text())["widths"] == [8, 8, 16, 24]
    assert conv_widths(out / "expression_int8.tflite") == [8, 8, 8, 16, 16, 24, 24]  # REPEATS (1, 2, 2, 2)
    ExpressionClassifier(out / "expression_int8.tflite")  # one pass, logits out: the runtime takes it

    (out / "expression_int8.tflite").unlink()
    again = subprocess.run([*command, "--export-only"], capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]  # the default widths would not load these weights
    assert conv_widths(out / "expression_int8.tflite") == [8, 8, 8, 16, 16, 24, 24]


def test_the_widths_option_reaches_training_and_export(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setitem(sys.modules, "tensorflow", types.ModuleType("tensorflow"))  # the real one is not needed
    monkeypatch.setattr(recipe, "train", lambda **kwargs: calls.append(("train", kwargs)))
    monkeypatch.setattr(recipe, "export_saved_weights", lambda **kwargs: calls.append(("export", kwargs)))
    (tmp_path / recipe.WEIGHTS_FILE).write_bytes(b"")
    assert cli.main(["--out", str(tmp_path), "--widths", "16,32,64,96"]) == 0
    assert cli.main(["--out", str(tmp_path), "--widths", "16,32,64,96", "--export-only"]) == 0
    assert cli.main(["--out", str(tmp_path)]) == 0
    assert [(name, kwargs["widths"]) for name, kwargs in calls] == [
        ("train", (16, 32, 64, 96)),
        ("export", (16, 32, 64, 96)),
        ("train", None),  # the network's own WIDTHS
    ]


@pytest.mark.parametrize("widths", ["16,32,64", "16,32,64,96,128", "16,x,64,96", "0,32,64,96"])
def test_widths_other_than_four_positive_whole_numbers_are_refused(widths, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--out", "unused", "--widths", widths])
    assert stopped.value.code == 2 and "--widths" in capsys.readouterr().err


def test_the_cli_knows_as_many_stages_as_the_network_has():
    # read from the source: importing model.py would load Keras into the test process
    source = ast.parse(Path(cli.__file__).with_name("model.py").read_text())
    assigned = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in source.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert cli.STAGES == len(assigned["REPEATS"]) == len(assigned["WIDTHS"])


def separable_logits(rows_per_class=10):
    labels = np.repeat(np.arange(8), rows_per_class)
    logits = np.full((len(labels), 8), -1.0)
    logits[np.arange(len(labels)), labels] = 1.0
    return logits, labels


def test_rare_boost_is_the_smallest_that_recalls_half_of_the_rare_class():
    logits, labels = separable_logits()
    disgust = EXPRESSIONS.index("disgust")
    logits[labels == disgust, 0] = 1.0 + np.linspace(0.05, 1.0, 10)  # disgust looks like neutral, by degrees
    boosts = rare_boosts(logits, labels)
    assert boosts[EXPRESSIONS.index("contempt")] == 0  # already recalled
    # the fifth of ten disgust rows loses to neutral by 0.472: the grid's next step, 0.5, wins it
    assert boosts[disgust] == pytest.approx(0.5)
    recall = (logits + boosts).argmax(axis=1)[labels == disgust] == disgust
    assert recall.mean() >= MIN_RARE_RECALL


def test_calibration_boosts_rare_classes_without_shifting_the_others():
    counts = np.full(8, 100.0)  # equal counts: no prior shift can help, only the boost
    logits, labels = separable_logits()
    logits[labels == EXPRESSIONS.index("contempt"), 0] = 1.5  # contempt looks like neutral
    offsets, chosen, table = choose_calibration(logits, labels, counts)
    assert chosen in table and chosen["rare_recall"] >= MIN_RARE_RECALL
    predicted = (logits + offsets).argmax(axis=1)
    assert (predicted[labels != EXPRESSIONS.index("contempt")] == labels[labels != EXPRESSIONS.index("contempt")]).all()
    assert chosen["contempt_boost"] > 0 and chosen["disgust_boost"] == 0


def test_calibration_keeps_what_rare_recall_it_can_when_none_is_enough():
    counts = np.array([1000, 800, 400, 400, 300, 20, 60, 20], float)
    logits, labels = separable_logits()
    logits[labels == EXPRESSIONS.index("disgust"), 0] = 9.0  # beyond any boost on the grid
    offsets, chosen, _ = choose_calibration(logits, labels, counts)
    assert chosen["rare_recall"] < MIN_RARE_RECALL
    assert np.isfinite(offsets).all()


def test_prior_shift_is_zero_at_alpha_zero_and_favours_common_classes_above():
    counts = np.array([100, 10, 1, 1, 1, 1, 1, 1], float)
    assert np.allclose(prior_shift(0.0, counts), 0)
    shift = prior_shift(1.0, counts)
    assert shift[0] > shift[1] > shift[2]


def calibration_row(accuracy, balanced_accuracy, rare_recall=MIN_RARE_RECALL):
    return {"accuracy": accuracy, "balanced_accuracy": balanced_accuracy, "rare_recall": rare_recall}


def test_pick_prefers_balance_on_the_accuracy_plateau_but_not_below_it():
    table = [
        calibration_row(0.80, 0.78),  # most balanced, but well below the best accuracy
        calibration_row(0.84 - ACCURACY_TOLERANCE / 2, 0.74),  # on the plateau and the most balanced there
        calibration_row(0.84, 0.70),  # the best accuracy
        calibration_row(0.85, 0.75, rare_recall=MIN_RARE_RECALL - 0.1),  # loses a rare class
    ]
    assert pick_calibration(table) == 1


def test_pick_keeps_the_most_rare_recall_when_no_row_has_enough():
    table = [calibration_row(0.9, 0.6, 0.1), calibration_row(0.7, 0.6, 0.3), calibration_row(0.8, 0.6, 0.2)]
    assert pick_calibration(table) == 1
