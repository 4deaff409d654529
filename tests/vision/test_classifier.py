import shutil

import numpy as np
import pytest

from appliance.errors import FrameError, ModelError
from appliance.paths import MODELS_DIR
from appliance.vision import classifier as classifier_module
from appliance.vision.classifier import DEFAULT_MODEL, EXPRESSIONS, ExpressionClassifier


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
    # the exported graph averages both; a camera that does or does not flip must not matter
    face = np.random.default_rng(1).integers(0, 256, (48, 48), dtype=np.uint8)
    assert np.array_equal(classifier.probability_vector(face), classifier.probability_vector(face[:, ::-1].copy()))
    assert not np.array_equal(classifier.probability_vector(face), classifier.probability_vector(face.T.copy()))


def test_the_runtime_normalises_with_the_shared_function(classifier, monkeypatch):
    calls = []
    real = classifier_module.normalize_face
    monkeypatch.setattr(classifier_module, "normalize_face", lambda crop: calls.append(crop) or real(crop))
    classifier.probabilities(np.zeros((48, 48), np.uint8))
    assert len(calls) == 1


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
