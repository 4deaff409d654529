"""One frame through detect -> follow -> align -> classify -> read -> smooth."""

from pathlib import Path

import numpy as np
import pytest

from appliance.camera import Frame
from appliance.errors import FrameError
from appliance.vision.classifier import DEFAULT_MODEL, EXPRESSIONS
from appliance.vision.images import read_image
from appliance.vision.pipeline import VisionPipeline, check_frame
from appliance.vision.preprocess import to_gray
from appliance.vision.reading import head, read

SHARED = Path(__file__).resolve().parents[3] / "shared"  # tests/vision/ -> the folder beside the project
MODEL = DEFAULT_MODEL


@pytest.mark.parametrize(
    "bad",
    [
        "a string",
        Frame(np.zeros((32, 32, 3), np.uint8), 0.0),
        Frame(np.zeros((32, 32), np.float64), 0.0),
        Frame(np.zeros((8, 300), np.uint8), 0.0),
    ],
)
def test_check_frame_refuses_what_the_pipeline_cannot_read(bad):
    with pytest.raises(FrameError):
        check_frame(bad)


@pytest.fixture(scope="module")
def pipeline():
    return VisionPipeline(model_path=MODEL)


def test_no_face_gives_an_observation_without_probabilities(pipeline):
    observation = pipeline.observe(Frame(np.full((240, 320), 90, np.uint8), 12.5))
    assert not observation.has_face and observation.timestamp == 12.5
    assert observation.probabilities == {} and observation.smoothed == {}
    assert set(observation.latency_ms) == {"detect", "total", "models"} and observation.frame_size == (320, 240)


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")
def test_a_face_is_read_and_smoothed_over_time(pipeline):
    pipeline.reset()
    rgb = read_image(SHARED / "fixtures" / "photos" / "obama.jpg")
    gray = to_gray(rgb)
    first = pipeline.observe(Frame(gray, 1.0, rgb))
    assert first.has_face and 0.5 <= first.score <= 1
    assert list(first.probabilities) == list(EXPRESSIONS) and first.smoothed == pytest.approx(first.probabilities)
    x, y, w, h = first.face_box
    assert 300 < x + w / 2 < 650 and w > 200
    assert set(first.latency_ms) == {"detect", "landmarks", "align", "classify", "features", "total", "models"}
    assert 0 < first.latency_ms["models"] < first.latency_ms["total"]  # the three models' runs, within the frame
    assert first.latency_ms["total"] >= first.latency_ms["detect"]
    flipped = np.ascontiguousarray(gray[:, ::-1])  # the same face, mirrored: another reading, same place
    second = pipeline.observe(Frame(flipped, 1.1))
    assert second.has_face
    for label in EXPRESSIONS:  # the smoothed value lies between the two readings
        low, high = sorted((first.probabilities[label], second.probabilities[label]))
        assert low - 1e-6 <= second.smoothed[label] <= high + 1e-6


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")
def test_the_observation_carries_the_reading_its_inputs_and_the_model_s_own(pipeline):
    pipeline.reset()
    rgb = read_image(SHARED / "fixtures" / "photos" / "obama.jpg")
    observation = pipeline.observe(Frame(to_gray(rgb), 1.0, rgb))
    assert observation.features and observation.neutral == "population"
    appearance = np.array([observation.appearance[label] for label in EXPRESSIONS])
    reading = np.array([observation.probabilities[label] for label in EXPRESSIONS])
    assert reading == pytest.approx(read(appearance, observation.geometry), abs=1e-5)
    assert reading != pytest.approx(appearance, abs=1e-3)  # the head reads the geometry too
    assert len(observation.reading_inputs) == head().weights.shape[1]


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")
def test_a_personal_neutral_with_its_appearance_makes_the_resting_face_read_neutral(pipeline):
    rgb = read_image(SHARED / "fixtures" / "photos" / "obama.jpg")
    frame = Frame(to_gray(rgb), 1.0, rgb)
    try:
        pipeline.reset()
        calibration = pipeline.observe(frame)  # his broad smile, taken as his resting face
        pipeline.set_neutral(calibration.geometry, appearance=calibration.appearance)
        pipeline.reset()
        again = pipeline.observe(frame)
        assert again.neutral == "personal" and max(again.smoothed, key=again.smoothed.get) == "neutral"
        with pytest.raises(ValueError, match="appearance"):
            pipeline.set_neutral(calibration.geometry, appearance=dict.fromkeys(EXPRESSIONS, float("nan")))
    finally:
        pipeline.set_neutral(None)


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")
def test_a_followed_face_costs_one_expression_pass_a_frame(pipeline, monkeypatch):
    from appliance.vision import classifier as classifier_module

    passes = []  # the expression model's runs (the detector and the mesh time theirs elsewhere)
    real = classifier_module.timed_invoke
    monkeypatch.setattr(classifier_module, "timed_invoke", lambda interpreter: passes.append(1) or real(interpreter))
    pipeline.reset()
    rgb = read_image(SHARED / "fixtures" / "photos" / "obama.jpg")
    for i in range(4):
        assert pipeline.observe(Frame(to_gray(rgb), 1.0 + i / 30, rgb)).has_face
    assert len(passes) == 5  # the first frame of a face both ways, then one a frame, in turn
    pipeline.reset()
    pipeline.observe(Frame(to_gray(rgb), 2.0, rgb))
    assert len(passes) == 7  # after a reset the face is read both ways again
