"""reading_fit: the fitting tool writes a head the runtime reads back exactly."""

import json

import numpy as np
import pytest

from appliance.vision.classifier import EXPRESSIONS
from appliance.vision.features import GEOMETRY
from appliance.vision.reading import ReadingHead, RestingFace, centred_log
from appliance.vision.reading_fit import (
    Readings,
    balance_weights,
    fit,
    fit_logistic,
    pick,
    softmax_rows,
    typical_rest,
)

K = len(EXPRESSIONS)


def synthetic(rows: int, seed: int) -> Readings:
    """Faces whose appearance and geometry both carry their label, with noise; a third all-neutral votes."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, K, rows)
    labels[: rows // 3] = 0
    soft = np.eye(K)[labels]
    logits = 2.0 * np.eye(K)[labels] + rng.normal(0, 1, (rows, K))
    appearance = softmax_rows(logits)
    directions = np.random.default_rng(99).normal(0, 1, (K, len(GEOMETRY)))
    geometry = 0.5 + 0.05 * directions[labels] + 0.02 * rng.normal(0, 1, (rows, len(GEOMETRY)))
    geometry[rows - 5 :] = np.nan  # landmarks not read
    return Readings(labels, soft, appearance, geometry)


@pytest.fixture(scope="module")
def fitted():
    train, validation = synthetic(900, 1), synthetic(900, 2)
    data = fit(train, validation, log=lambda *_: None)
    return train, validation, {**data, "expressions": list(EXPRESSIONS)}


def test_a_logistic_fit_recovers_a_known_mapping():
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(3000, 3))
    truth = 2.0 * np.eye(3)
    targets = softmax_rows(inputs @ truth.T)  # the expected votes themselves
    weights, bias = fit_logistic(inputs, targets, penalty=1e-6)
    centred = weights - weights.mean(axis=0)
    assert centred == pytest.approx(truth - truth.mean(axis=0), abs=0.1)
    assert bias == pytest.approx(bias.mean(), abs=0.05)


def test_the_written_head_reads_as_the_tool_computed_it(fitted, tmp_path):
    train, validation, data = fitted
    path = tmp_path / "head.json"
    path.write_text(json.dumps(data))
    reader = ReadingHead.load(path)
    look, shape = typical_rest(train, validation)
    assert reader.typical_appearance == pytest.approx(look, abs=1e-5)
    assert reader.typical_geometry == pytest.approx(shape, abs=1e-5)
    row = 3
    geometry = dict(zip(GEOMETRY, validation.geometry[row].tolist(), strict=True))
    spread = train.geometry[train.has_geometry].std(axis=0)
    inputs = np.concatenate([centred_log(validation.appearance[row]), (validation.geometry[row] - shape) / spread])
    expected = np.asarray(data["head"]["weights"]) @ inputs + np.asarray(data["head"]["bias"])
    # the file keeps six decimals
    assert reader.logits(reader.inputs(validation.appearance[row], geometry)) == pytest.approx(expected, abs=1e-3)
    # relative to a resting face: the person's departure from the typical one is taken away
    resting = RestingFace(validation.appearance[row], geometry)
    rest = np.concatenate([look, np.zeros(len(GEOMETRY))])
    assert reader.inputs(validation.appearance[row], geometry, resting) == pytest.approx(rest, abs=1e-5)
    # the personal head: the same at the typical rest, each departure over its input's reliability
    reliable = np.concatenate([data["reliability"]["appearance"], data["reliability"]["geometry"]])
    assert reader.logits(rest, personal=True) == pytest.approx(reader.logits(rest), abs=1e-4)
    own = np.asarray(data["personal_head"]["weights"])
    assert own == pytest.approx(np.asarray(data["head"]["weights"]) / reliable, abs=1e-4)


def test_the_fit_learns_what_the_faces_carry(fitted):
    _, validation, data = fitted
    reader = ReadingHead.from_data(data)
    rows = validation.has_geometry
    read = [
        reader.read(a, dict(zip(GEOMETRY, g.tolist(), strict=True)))
        for a, g in zip(validation.appearance[rows], validation.geometry[rows], strict=True)
    ]
    accuracy = (np.argmax(read, axis=1) == validation.labels[rows]).mean()
    alone = (validation.appearance[rows].argmax(axis=1) == validation.labels[rows]).mean()
    assert accuracy > alone  # the geometry adds what the appearance's noise hides
    assert data["fitted"]["geometry_weight"] > 0
    assert data["fitted"]["rows"] == {"training": 895, "publictest": 900}


def test_the_typical_resting_face_is_the_median_over_faces_every_voter_called_neutral():
    appearance = np.array(
        [
            [0.90, 0.02, 0.01, 0.03, 0.01, 0.01, 0.01, 0.01],  # all ten voters: neutral
            [0.80, 0.05, 0.02, 0.05, 0.02, 0.02, 0.02, 0.02],
            [0.70, 0.02, 0.02, 0.20, 0.02, 0.02, 0.01, 0.01],
            [0.40, 0.01, 0.01, 0.55, 0.01, 0.01, 0.00, 0.01],  # six for neutral, four for sadness: split
        ]
    )
    votes = np.zeros((4, K))
    votes[:3, 0] = 1.0
    votes[3, 0], votes[3, 3] = 0.6, 0.4
    geometry = np.array([[0.1] * len(GEOMETRY), [0.2] * len(GEOMETRY), [0.3] * len(GEOMETRY), [9.0] * len(GEOMETRY)])
    split = Readings(votes.argmax(axis=1), votes, appearance, geometry)
    look, shape = typical_rest(split, split)
    clear = np.array([centred_log(p) for p in appearance[:3]])
    assert look == pytest.approx(np.median(clear, axis=0))
    assert shape == pytest.approx([0.2] * len(GEOMETRY))  # the split face takes no part


def test_reliability_is_the_share_of_variance_that_is_not_the_spread_between_faces_at_rest():
    from appliance.vision.reading_fit import MIN_RELIABILITY, reliability

    values = np.array([[0.0, 0.0], [2.0, 0.1], [4.0, 0.0], [6.0, 0.1]])
    at_rest = np.array([[0.0, 0.0], [2.0, 0.1]])  # the second column varies at rest as much as anywhere
    assert reliability(values, at_rest) == pytest.approx([1 - 1.0 / 5.0, MIN_RELIABILITY])


def test_balance_weights_weigh_every_expression_alike_at_power_one():
    labels = np.array([0, 0, 0, 1])
    weights = balance_weights(labels, 1.0)
    assert weights[labels == 0].sum() == pytest.approx(weights[labels == 1].sum())
    assert balance_weights(labels, 0.0) == pytest.approx(np.ones(4))


def test_pick_takes_the_most_balanced_row_that_keeps_the_accuracy():
    rows = [
        {"power": 0.0, "accuracy": 0.85, "balanced": 0.70},
        {"power": 0.5, "accuracy": 0.83, "balanced": 0.72},
        {"power": 1.0, "accuracy": 0.80, "balanced": 0.75},
    ]
    assert pick(rows)["power"] == 0.5
    assert pick([{**row, "accuracy": 0.5} for row in rows])["power"] == 0.0  # none keeps it: the most accurate
