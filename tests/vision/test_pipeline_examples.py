"""The pipeline reads a calibrated person with their own examples, and everyone else as before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from appliance.camera import Frame
from appliance.vision.classifier import EXPRESSIONS, softmax
from appliance.vision.examples import CLEAR_DEPARTURE, PersonalExamples, departure, synthetic_examples
from appliance.vision.images import read_image
from appliance.vision.pipeline import VisionPipeline
from appliance.vision.preprocess import to_gray
from appliance.vision.reading import head

SHARED = Path(__file__).resolve().parents[3] / "shared"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")


@pytest.fixture(scope="module")
def pipeline():
    return VisionPipeline()


def test_examples_of_another_reading_are_refused(pipeline):
    with pytest.raises(ValueError, match="reading"):
        pipeline.set_examples(PersonalExamples("g1-000000000000", {"anger": np.ones((1, 39))}))
    pipeline.set_examples(None)
    pipeline.set_examples(PersonalExamples("anything"))  # none at all: nothing to refuse


@needs_shared
def test_a_calibrated_face_on_its_own_example_reads_as_that_expression(pipeline):
    rgb = read_image(SHARED / "fixtures" / "photos" / "obama.jpg")
    frame = Frame(to_gray(rgb), 1.0, rgb)
    reader = head()
    try:
        pipeline.reset()
        rest = pipeline.observe(frame)
        # A resting face a little away from this frame's, so the frame departs from rest.
        resting = {key: value * 1.1 for key, value in rest.geometry.items()}
        pipeline.set_neutral(resting, appearance=rest.appearance)
        pipeline.reset()
        plain = pipeline.observe(frame)
        inputs = np.array(plain.reading_inputs)
        expected = softmax(reader.logits(inputs, personal=True)).astype(np.float32)
        assert [plain.probabilities[label] for label in EXPRESSIONS] == pytest.approx(expected.tolist(), abs=1e-7)

        pipeline.set_examples(PersonalExamples(synthetic_examples(reader, 1).identity))  # none: as before
        pipeline.reset()
        empty = pipeline.observe(frame)
        assert empty.probabilities == plain.probabilities

        here = departure(inputs, reader)
        examples = PersonalExamples.from_rows(synthetic_examples(reader, 1).identity, [("fear", here)])
        pipeline.set_examples(examples)
        pipeline.reset()
        taught = pipeline.observe(frame)
        assert np.linalg.norm(here) > 2 * CLEAR_DEPARTURE  # a face well away from rest
        assert taught.probabilities["fear"] > plain.probabilities["fear"] + 0.3
        assert max(taught.probabilities, key=taught.probabilities.get) == "fear"

        pipeline.set_neutral(None)  # not calibrated: the examples, relative to a rest, do not apply
        pipeline.reset()
        uncalibrated = pipeline.observe(frame)
        assert uncalibrated.neutral == "population"
        inputs = np.array(uncalibrated.reading_inputs)
        expected = softmax(reader.logits(inputs)).astype(np.float32)
        assert [uncalibrated.probabilities[label] for label in EXPRESSIONS] == pytest.approx(
            expected.tolist(), abs=1e-7
        )
    finally:
        pipeline.set_examples(None)
        pipeline.set_neutral(None)
