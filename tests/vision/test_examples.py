"""A person's own examples: the departure they are kept as, and the reading that uses them."""

from __future__ import annotations

import numpy as np
import pytest

from appliance.vision.classifier import EXPRESSIONS, softmax
from appliance.vision.examples import (
    CLEAR_DEPARTURE,
    MOST_EXAMPLES,
    PersonalExamples,
    closeness,
    departure,
    example_vote,
    is_clear,
    personal_reading,
    reading_identity,
    rest_inputs,
    synthetic_examples,
)
from appliance.vision.reading import ReadingHead, head

LOGITS = np.array([0.3, -0.2, 0.1, 0.0, 0.5, 1.2, -0.4, 0.2])  # the head reads mostly neutral


def toy(**rows) -> PersonalExamples:
    """Examples on three made-up inputs: label -> list of vectors."""
    return PersonalExamples.from_rows("toy", [(label, v) for label, vectors in rows.items() for v in vectors])


def share_of(label: str, probabilities) -> float:
    return float(probabilities[EXPRESSIONS.index(label)])


def test_with_no_examples_the_reading_is_the_heads_own_exactly():
    plain = softmax(LOGITS)
    assert np.array_equal(personal_reading(LOGITS, np.ones(3), None), plain)
    assert np.array_equal(personal_reading(LOGITS, np.ones(3), PersonalExamples("toy")), plain)
    # examples, but a frame without landmarks has no departure to compare: the plain reading too
    assert np.array_equal(personal_reading(LOGITS, None, toy(anger=[[4.0, 0, 0]])), plain)


def test_a_face_on_its_own_anger_reads_anger_and_on_its_own_fear_reads_fear():
    examples = toy(anger=[[4.0, 0.0, 0.0]], fear=[[0.0, 4.0, 0.0]])
    near_anger = personal_reading(LOGITS, np.array([3.8, 0.3, 0.0]), examples)
    near_fear = personal_reading(LOGITS, np.array([0.2, 4.1, 0.1]), examples)
    assert share_of("anger", near_anger) > share_of("fear", near_anger) + 0.2
    assert share_of("fear", near_fear) > share_of("anger", near_fear) + 0.2
    assert share_of("anger", near_anger) > share_of("anger", softmax(LOGITS)) + 0.2
    assert near_anger.sum() == pytest.approx(1.0) and near_fear.sum() == pytest.approx(1.0)


def test_the_nearest_example_counts_not_the_mean_of_them():
    # two angers far apart (a glare, a pressed-lip frown): a face on either one is that person's anger
    examples = toy(anger=[[4.0, 0.0, 0.0], [0.0, 0.0, 4.0]], sadness=[[2.5, 0.0, 2.5]])
    vote, _share = example_vote(np.array([0.0, 0.0, 4.0]), examples)
    assert EXPRESSIONS[int(np.argmax(vote))] == "anger"


def test_the_resting_face_is_the_persons_own_neutral():
    vote, share = example_vote(np.zeros(3), toy(happiness=[[5.0, 0.0, 0.0]]))
    assert EXPRESSIONS[int(np.argmax(vote))] == "neutral" and share > 0


def test_far_from_every_example_the_reading_stays_the_heads():
    far = personal_reading(LOGITS, np.array([60.0, -60.0, 60.0]), toy(anger=[[4.0, 0.0, 0.0]]))
    assert far == pytest.approx(softmax(LOGITS), abs=1e-9)


def test_more_examples_and_closer_ones_weigh_more():
    one = toy(anger=[[4.0, 0.0, 0.0]])
    many = toy(anger=[[4.0, 0.0, 0.0]] * 10)
    face = np.array([4.5, 0.5, 0.0])
    assert example_vote(face, many)[1] > example_vote(face, one)[1]
    assert example_vote(np.array([4.0, 0.0, 0.0]), one)[1] > example_vote(face, one)[1]
    assert closeness([1.0, 2.0], [1.0, 2.0]) == 1.0 and 0 < closeness([1.0, 2.0], [3.0, 2.0]) < 1


def test_each_expression_keeps_its_newest_examples_and_neutral_is_never_one():
    rows = [("anger", [float(i), 0.0]) for i in range(MOST_EXAMPLES + 5)]
    examples = PersonalExamples.from_rows("toy", rows)
    assert examples.counts == {"anger": MOST_EXAMPLES}
    assert examples.by_label["anger"][0][0] == 5.0  # the five oldest went
    with pytest.raises(ValueError, match="neutral"):
        PersonalExamples.from_rows("toy", [("neutral", [1.0, 0.0])])
    with pytest.raises(ValueError, match="length"):
        PersonalExamples.from_rows("toy", [("anger", [1.0, 0.0]), ("fear", [1.0, 0.0, 0.0])])


def test_a_departure_is_the_inputs_less_the_typical_rest_and_needs_the_geometry():
    reader = head()
    rest = rest_inputs(reader)
    assert len(rest) == reader.weights.shape[1]
    assert departure(rest, reader) == pytest.approx(np.zeros(len(rest)))
    assert departure(rest[: len(EXPRESSIONS)], reader) is None  # appearance only: no landmarks read


def test_only_a_clear_departure_from_rest_is_an_example():
    direction = np.ones(39) / np.sqrt(39)
    assert not is_clear(np.zeros(39))
    assert not is_clear(direction * CLEAR_DEPARTURE * 0.9)  # a still face's jitter
    assert is_clear(direction * CLEAR_DEPARTURE * 1.1)


def test_examples_belong_to_one_reading():
    reader = head()
    assert reading_identity(reader) == reading_identity(head())
    other = ReadingHead(**{**reader.__dict__, "bias": reader.bias + 0.1})
    assert reading_identity(other) != reading_identity(reader)
    assert reading_identity(reader).startswith("g")


def test_synthetic_examples_are_clear_of_rest_for_every_expression_but_neutral():
    examples = synthetic_examples(head(), 20)
    assert examples.counts == {label: 20 for label in EXPRESSIONS if label != "neutral"}
    assert all(is_clear(row) for rows in examples.by_label.values() for row in rows)
    assert examples.identity == reading_identity(head())
