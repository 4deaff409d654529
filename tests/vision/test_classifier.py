import logging
import shutil

import numpy as np
import pytest

from appliance.errors import FrameError, ModelError
from appliance.paths import MODELS_DIR
from appliance.vision import classifier as classifier_module
from appliance.vision.classifier import (
    DEFAULT_MODEL,
    EXPRESSIONS,
    PAIR_GAP,
    ExpressionClassifier,
    MirrorAlternation,
    softmax,
)


@pytest.fixture(scope="module")
def classifier():
    return ExpressionClassifier()


def test_the_shipped_model_is_int8_small_and_gives_a_distribution(classifier):
    assert classifier.is_quantized
    assert DEFAULT_MODEL.stat().st_size <= 1_000_000
    face = np.random.default_rng(0).integers(0, 256, (48, 48), dtype=np.uint8)
    probabilities = classifier.probabilities(face)
    assert list(probabilities) == list(EXPRESSIONS)
    assert abs(sum(probabilities.values()) - 1) < 1e-5
    assert all(0 <= p <= 1 for p in probabilities.values())


def test_the_shipped_model_reads_a_face_and_its_mirror_image_alike(classifier):
    # the reading averages both; a camera that does or does not flip must not matter
    face = np.random.default_rng(1).integers(0, 256, (48, 48), dtype=np.uint8)
    assert np.array_equal(classifier.probability_vector(face), classifier.probability_vector(face[:, ::-1].copy()))
    assert not np.array_equal(classifier.probability_vector(face), classifier.probability_vector(face.T.copy()))


def test_the_runtime_normalises_with_the_shared_function(classifier, monkeypatch):
    calls = []
    real = classifier_module.normalize_face
    monkeypatch.setattr(classifier_module, "normalize_face", lambda crop: calls.append(crop) or real(crop))
    classifier.probabilities(np.zeros((48, 48), np.uint8))
    assert len(calls) == 1  # once for both passes


def test_the_int8_input_is_each_normalised_grey_level_less_128(classifier, monkeypatch):
    # The model's input quantisation (scale 1, zero point -128) makes p - 128 exact for every level.
    tensors = []
    real = classifier._interpreter.set_tensor
    monkeypatch.setattr(classifier._interpreter, "set_tensor", lambda i, t: tensors.append(t.copy()) or real(i, t))
    face = np.random.default_rng(2).integers(90, 110, (48, 48), dtype=np.uint8)
    face[0, :20], face[1, :20] = 0, 255  # outliers the contrast stretch clips at both ends
    classifier.logit_vector(face)
    expected = classifier_module.normalize_face(face).astype(np.int16) - 128
    assert tensors[0].dtype == np.int8 and np.array_equal(tensors[0][0, :, :, 0], expected)
    assert {int(v) for v in np.unique(tensors[0])} >= {-128, 127}  # the whole range is reached


def test_a_still_is_the_average_of_the_face_and_its_mirror_image_read_once_each(classifier):
    face = np.random.default_rng(5).integers(0, 256, (48, 48), dtype=np.uint8)
    plain, mirrored = classifier.logit_vector(face), classifier.logit_vector(face, mirrored=True)
    both = classifier.both_ways(face)
    assert np.array_equal(both[0], plain) and np.array_equal(both[1], mirrored)
    assert not np.array_equal(plain, mirrored)  # logits, one face each: the model itself does not average
    assert np.array_equal(mirrored, classifier.logit_vector(face[:, ::-1].copy()))
    assert np.allclose(classifier.probability_vector(face), softmax((plain + mirrored) / 2), atol=1e-6)


class RecordingClassifier:
    """Stands in for ExpressionClassifier: logits that say which way the crop was read."""

    def __init__(self):
        self.passes, self.invoke_ms = [], 0.0

    def logit_vector(self, crop, *, mirrored=False):
        self.passes.append(mirrored)
        self.invoke_ms = 2.0
        logits = np.zeros(len(EXPRESSIONS), np.float32)
        logits[1 if mirrored else 0] = float(crop[0, 0])
        return logits

    def both_ways(self, crop):
        as_is, mirrored = self.logit_vector(crop), self.logit_vector(crop, mirrored=True)
        self.invoke_ms = 4.0
        return as_is, mirrored


def test_live_frames_take_one_pass_each_the_face_and_its_mirror_image_in_turn():
    model = RecordingClassifier()
    reader = MirrorAlternation(model)
    crops = [np.full((48, 48), value, np.uint8) for value in (10, 20, 30, 40)]
    readings = [reader.probability_vector(crop, 1.0 + i / 30) for i, crop in enumerate(crops)]
    assert model.passes == [False, True, False, True, False]  # the first frame both ways, then one a frame
    assert reader.invoke_ms == 2.0  # the last frame's one pass
    logits = np.zeros(len(EXPRESSIONS), np.float32)
    logits[:2] = 20, 30  # the second frame as it is, the third mirrored
    assert np.allclose(readings[2], softmax(logits / 2))
    logits[:2] = 40, 30
    assert np.allclose(readings[3], softmax(logits / 2))


def test_a_live_frame_after_a_pause_or_a_new_face_reads_both_ways():
    model = RecordingClassifier()
    reader = MirrorAlternation(model)
    crop = np.full((48, 48), 10, np.uint8)
    reader.probability_vector(crop, 1.0)
    reader.probability_vector(crop, 1.0 + PAIR_GAP + 0.01)  # a paused camera: nothing to pair with
    assert model.passes == [False, True, False, True]
    assert reader.invoke_ms == 4.0
    reader.reset()
    reader.probability_vector(crop, 1.2)
    assert model.passes[4:] == [False, True]


def test_live_readings_of_a_still_face_are_the_stills_reading(classifier):
    face = np.random.default_rng(6).integers(0, 256, (48, 48), dtype=np.uint8)
    reader = MirrorAlternation(classifier)
    still = classifier.probability_vector(face)
    for i in range(4):
        assert np.array_equal(reader.probability_vector(face, i / 30), still)


@pytest.mark.parametrize("crop", [np.zeros((48, 48, 3), np.uint8), np.zeros((48, 48), np.float32), "face"])
def test_a_crop_of_the_wrong_shape_or_type_is_refused(classifier, crop):
    with pytest.raises(FrameError, match="48, 48"):
        classifier.probabilities(crop)


def test_a_missing_model_says_so(tmp_path):
    with pytest.raises(ModelError, match="does not exist") as caught:
        ExpressionClassifier(tmp_path / "missing.tflite")
    assert caught.value.hint


def test_a_truncated_model_is_refused(tmp_path):
    truncated = tmp_path / "truncated.tflite"
    truncated.write_bytes(DEFAULT_MODEL.read_bytes()[: DEFAULT_MODEL.stat().st_size // 2])
    with pytest.raises(ModelError, match="damaged or truncated"):
        ExpressionClassifier(truncated)


@pytest.mark.parametrize("content", [b"", b"not a model at all" * 10])
def test_a_file_that_is_not_a_model_is_refused(tmp_path, content):
    path = tmp_path / "bad.tflite"
    path.write_bytes(content)
    with pytest.raises(ModelError, match="truncated|not a TFLite model"):
        ExpressionClassifier(path)


def test_a_model_with_another_input_is_refused(tmp_path):
    detector = MODELS_DIR / "face_detection_short_range.tflite"
    if not detector.is_file():
        pytest.skip("the face detector model is not in models/ yet")
    shutil.copy(detector, tmp_path / "detector.tflite")
    with pytest.raises(ModelError, match=r"has 1 inputs and 2 outputs, expected 1 and 1"):
        ExpressionClassifier(tmp_path / "detector.tflite")


def test_a_model_ending_in_a_softmax_is_refused_with_the_conversion(tmp_path, monkeypatch):
    # an old export's int8 output carries the quantisation TFLite requires of a softmax
    real = ExpressionClassifier()
    details = dict(real._output, quantization=(1 / 256, -128))
    monkeypatch.setattr(type(real._interpreter), "get_output_details", lambda self: [details])
    with pytest.raises(ModelError, match="ends in a softmax") as error:
        ExpressionClassifier()
    assert "python -m appliance.training.single_pass" in error.value.hint


def test_known_faces_from_fer_plus_are_read_right(classifier, shared):
    """Test-split faces on which nine or ten of ten raters agreed."""
    with np.load(shared / "datasets" / "ferplus48.npz") as data:
        test = data["split"] == "PrivateTest"
        votes, images = data["votes"][test], data["images"][test]
    right = total = 0
    for label in ("neutral", "happiness", "surprise"):
        column = EXPRESSIONS.index(label)
        rows = np.flatnonzero(votes[:, column] >= 9)[:40]
        predictions = [classifier.probability_vector(images[row]).argmax() for row in rows]
        right += sum(p == column for p in predictions)
        total += len(rows)
    assert total >= 100
    assert right / total >= 0.9


def test_the_shipped_models_match_their_checksums():
    from appliance.vision.litert import expected_checksums, verify_checksum

    sums = expected_checksums(MODELS_DIR)
    assert set(sums) == {p.name for p in MODELS_DIR.glob("*.tflite")}
    for name in sums:
        verify_checksum(MODELS_DIR / name)


def test_a_model_with_a_flipped_byte_is_a_model_error_naming_the_file(tmp_path):
    from appliance.vision.litert import load_interpreter

    shutil.copy(MODELS_DIR / "SHA256SUMS", tmp_path / "SHA256SUMS")
    damaged = tmp_path / "expression_int8.tflite"
    data = bytearray((MODELS_DIR / damaged.name).read_bytes())
    data[len(data) // 2] ^= 0x10
    damaged.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="expression_int8.tflite is damaged") as error:
        load_interpreter(damaged, what="expression model")
    assert "SHA256SUMS" in str(error.value) and "reinstall" in error.value.hint
    (tmp_path / "SHA256SUMS").unlink()  # a model of your own, with no checksum list, is not checked
    load_interpreter(damaged)


def test_a_model_not_in_any_checksum_list_is_said_to_be_unchecked_in_the_log(tmp_path, caplog):
    """A few zeroed weights given with --model were accepted silently."""
    from appliance.vision.litert import load_interpreter

    own = tmp_path / "mine.tflite"
    shutil.copy(MODELS_DIR / "expression_int8.tflite", own)
    with caplog.at_level(logging.WARNING, logger="appliance.vision.litert"):
        load_interpreter(own, what="expression model")
        load_interpreter(own, what="expression model")
        load_interpreter(MODELS_DIR / "expression_int8.tflite", what="expression model")
    said = [record.getMessage() for record in caplog.records if "unchecked" in record.getMessage()]
    assert len(said) == 1 and str(own) in said[0] and "SHA256SUMS" in said[0]
