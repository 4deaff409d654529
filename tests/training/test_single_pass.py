"""Converting a mirror-averaged expression model (exported before 2026-11-29) to one pass.

TensorFlow runs in child processes, as in test_recipe: loaded here it crashes the Kivy window
the UI tests open later.
"""

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from appliance.errors import ModelError
from appliance.vision.classifier import EXPRESSIONS, ExpressionClassifier
from appliance.vision.litert import load_interpreter
from appliance.vision.preprocess import normalize_face

has_tensorflow = importlib.util.find_spec("tensorflow") is not None

# The graph the old export wrote: the face and its mirror image as a batch of two, the logits
# averaged, then a softmax (what appliance.training.model's flip_averaged and with_softmax built).
OLD_EXPORT = """
import sys
import numpy as np
import keras
from keras import layers, ops
from appliance.training.export import export_tflite
keras.utils.set_random_seed(3)
inputs = keras.Input((48, 48, 1))
x = layers.Rescaling(1 / 127.5, offset=-1.0)(inputs)
x = layers.Conv2D(8, 3, padding="same", activation="relu")(x)
x = layers.MaxPooling2D()(x)
x = layers.GlobalAveragePooling2D()(x)
logits = keras.Model(inputs, layers.Dense(8)(x))
face = keras.Input((48, 48, 1))
both = ops.concatenate([face, ops.flip(face, axis=2)], axis=0)
averaged = ops.mean(ops.reshape(logits(both), (2, -1, 8)), axis=0)
old = keras.Model(face, layers.Softmax()(averaged))
representative = np.random.default_rng(0).integers(0, 256, (50, 48, 48, 1)).astype(np.float32)
export_tflite(old, __import__("pathlib").Path(sys.argv[1]), representative=representative)
"""


@pytest.fixture(scope="module")
def old_and_converted(tmp_path_factory):
    if not has_tensorflow:
        pytest.skip("converting needs the train extra (pip install -e '.[train]')")
    folder = tmp_path_factory.mktemp("single_pass")
    old, new = folder / "old.tflite", folder / "new.tflite"
    made = subprocess.run([sys.executable, "-c", OLD_EXPORT, str(old)], capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stderr[-2000:]
    command = [sys.executable, "-m", "appliance.training.single_pass", str(old), str(new)]
    converted = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert converted.returncode == 0, converted.stderr[-2000:]
    assert "one pass, int8 logits out" in converted.stdout
    return old, new


@pytest.mark.slow
def test_an_old_model_is_refused_with_the_command_that_converts_it(old_and_converted):
    old, _ = old_and_converted
    with pytest.raises(ModelError, match="ends in a softmax") as error:
        ExpressionClassifier(old)
    assert "appliance.training.single_pass" in error.value.hint


@pytest.mark.slow
def test_the_converted_model_reads_as_the_old_one_did(old_and_converted):
    old, new = old_and_converted
    classifier = ExpressionClassifier(new)
    interpreter = load_interpreter(old)
    entry, exit_ = interpreter.get_input_details()[0], interpreter.get_output_details()[0]
    scale, zero = exit_["quantization"]
    rng = np.random.default_rng(4)
    for _ in range(10):
        face = rng.integers(0, 256, (48, 48), dtype=np.uint8)
        pixels = normalize_face(face).astype(np.int16) - 128
        interpreter.set_tensor(entry["index"], pixels.astype(np.int8)[np.newaxis, :, :, np.newaxis])
        interpreter.invoke()
        before = (interpreter.get_tensor(exit_["index"])[0].astype(np.float32) - zero) * scale
        after = classifier.probability_vector(face)
        assert after.shape == (len(EXPRESSIONS),)
        # the old graph rounded its averaged logits and its probabilities to int8 as well
        assert np.abs(after - before).max() <= 0.02


def test_a_model_that_is_not_mirror_averaged_is_not_converted(tmp_path):
    if not has_tensorflow:
        pytest.skip("converting needs the train extra (pip install -e '.[train]')")
    from appliance.paths import MODELS_DIR

    command = [sys.executable, "-m", "appliance.training.single_pass"]
    shipped = subprocess.run(
        [*command, str(MODELS_DIR / "expression_int8.tflite"), str(tmp_path / "x.tflite")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert shipped.returncode == 1 and "not a mirror-averaged expression model" in shipped.stderr
    (tmp_path / "notes.txt").write_text("not a model")
    garbage = subprocess.run(
        [*command, str(tmp_path / "notes.txt"), str(tmp_path / "x.tflite")], capture_output=True, text=True, timeout=300
    )
    assert garbage.returncode == 1 and "not a TFLite model" in garbage.stderr
    assert not (tmp_path / "x.tflite").exists()
