"""The learned reading: the shipped head, relative to a person's own resting face by construction."""

import dataclasses
import json

import numpy as np
import pytest

from appliance.vision.classifier import EXPRESSIONS
from appliance.vision.features import GEOMETRY
from appliance.vision.reading import (
    HEAD_FILE,
    ReadingHead,
    RestingFace,
    centred_log,
    head,
    read,
    resting_face,
)


def label(reading):
    return EXPRESSIONS[int(np.argmax(reading))]


def typical_probabilities(reader: ReadingHead) -> np.ndarray:
    """Probabilities close to the typical resting face's (its centred log, unfloored)."""
    p = np.exp(reader.typical_appearance)
    return p / p.sum()


def exactly_typical(reader: ReadingHead) -> ReadingHead:
    """The head with its typical resting appearance set to what ``typical_probabilities`` reads as."""
    return dataclasses.replace(reader, typical_appearance=centred_log(typical_probabilities(reader)))


def typical_geometry(reader: ReadingHead, **moved) -> dict:
    """The typical resting geometry, with some measurements moved by that many spreads."""
    geometry = dict(zip(reader.keys, reader.typical_geometry.tolist(), strict=True))
    for key, spreads in moved.items():
        geometry[key] += spreads * reader.spread[reader.keys.index(key)]
    return {key: geometry.get(key, 0.0) for key in GEOMETRY}


def a_person(seed: int) -> tuple[np.ndarray, dict]:
    """Someone whose face at rest departs from the typical one: their own probabilities and shape."""
    rng = np.random.default_rng(seed)
    reader = head()
    appearance = rng.dirichlet(np.ones(len(EXPRESSIONS)) * 2)
    geometry = typical_geometry(reader, **{key: float(rng.normal(0, 1.5)) for key in reader.keys})
    return appearance, geometry


def test_the_shipped_head_loads_and_reads_every_measurement_the_build_makes():
    reader = head()
    assert reader.keys == GEOMETRY
    assert reader.weights.shape == (len(EXPRESSIONS), len(EXPRESSIONS) + len(GEOMETRY))
    assert reader.appearance_weights.shape == (len(EXPRESSIONS), len(EXPRESSIONS))
    assert np.all(reader.spread > 0)
    assert "PrivateTest" in reader.info["fitted"]["data"] and "London" in reader.info["fitted"]["data"]


def test_the_reading_is_a_distribution_with_and_without_landmarks():
    appearance, geometry = a_person(1)
    for reading in (read(appearance, geometry), read(appearance), read(appearance, geometry, resting=None)):
        assert reading.shape == (len(EXPRESSIONS),) and reading.sum() == pytest.approx(1, abs=1e-5)
        assert np.all(reading >= 0)


def test_the_personal_mapping_is_the_identity_for_a_person_whose_resting_face_is_the_typical_one():
    reader = exactly_typical(head())
    typical = RestingFace(typical_probabilities(reader), typical_geometry(reader))
    for seed in range(5):
        appearance, geometry = a_person(seed)
        assert reader.inputs(appearance, geometry, typical) == pytest.approx(reader.inputs(appearance, geometry))
        assert reader.inputs(appearance, None, typical) == pytest.approx(reader.inputs(appearance))


def test_a_departure_from_ones_own_rest_weighs_more_than_the_same_from_the_typical_face():
    reader = head()
    rest = np.concatenate([reader.typical_appearance, np.zeros(len(reader.keys))])
    # at rest both heads read alike; away from it the personal head weighs each input by its reliability
    assert reader.logits(rest, personal=True) == pytest.approx(reader.logits(rest), abs=1e-4)  # six decimals kept
    reliable = np.concatenate([reader.info["reliability"]["appearance"], reader.info["reliability"]["geometry"]])
    assert np.all((reliable > 0) & (reliable <= 1))
    step = np.zeros_like(rest)
    step[len(EXPRESSIONS) + reader.keys.index("corner_r_y")] = -1.0
    change = reader.logits(rest + step, personal=True) - reader.logits(rest, personal=True)
    expected = (reader.logits(rest + step) - reader.logits(rest)) / reliable[len(EXPRESSIONS) + 7]
    assert change == pytest.approx(expected, abs=1e-4)


def test_a_calibrated_face_reads_neutral_whoever_the_person_is():
    for seed in range(20):
        appearance, geometry = a_person(seed)
        own = RestingFace(appearance, geometry)
        assert label(read(appearance, geometry, resting=own)) == "neutral"
        assert label(read(appearance, resting=own)) == "neutral"  # a frame without landmarks too


def test_a_calibrated_person_is_read_by_their_movement_not_their_face_s_shape():
    reader = exactly_typical(head())
    appearance, geometry = a_person(3)
    own = RestingFace(appearance, geometry)
    # The same movement from rest, from this person's rest and from the typical one, reads the same.
    moved = dict(geometry)
    typical_moved = typical_geometry(reader)
    for key in ("corner_r_y", "corner_l_y"):
        step = -3 * reader.spread[reader.keys.index(key)]
        moved[key] += step
        typical_moved[key] += step
    typical = RestingFace(typical_probabilities(reader), typical_geometry(reader))
    assert reader.read(appearance, moved, resting=own) == pytest.approx(
        reader.read(typical_probabilities(reader), typical_moved, resting=typical), abs=1e-6
    )


def test_the_mouth_corners_lifted_against_ones_own_rest_read_more_happiness():
    reader = head()
    appearance, geometry = a_person(4)
    own = RestingFace(appearance, geometry)
    smiling = dict(geometry)
    for key in ("corner_r_y", "corner_l_y"):
        smiling[key] -= 3 * reader.spread[reader.keys.index(key)]
    happiness = EXPRESSIONS.index("happiness")
    assert read(appearance, smiling, resting=own)[happiness] > read(appearance, geometry, resting=own)[happiness]


def test_a_resting_face_is_built_from_what_is_known_of_it():
    assert resting_face() is None
    look = resting_face([2.0] + [0.0] * 7)
    assert look.appearance == pytest.approx([1.0] + [0.0] * 7) and look.geometry is None
    shape = resting_face(geometry=dict.fromkeys(GEOMETRY, 0.1))
    assert shape.appearance is None and shape.geometry["chin"] == 0.1
    with pytest.raises(ValueError, match="probabilities"):
        resting_face([np.nan] * 8)
    with pytest.raises(ValueError, match="every key"):
        resting_face(geometry={"chin": 1.0})


def test_centred_log_floors_what_the_model_cannot_measure():
    centred = centred_log([1.0, 0, 0, 0, 0, 0, 0, 0])
    assert centred.sum() == pytest.approx(0)
    assert centred[1] == centred[7] and centred[0] - centred[1] == pytest.approx(np.log(256))


def test_a_head_for_other_expressions_or_measurements_is_refused(tmp_path):
    data = json.loads(HEAD_FILE.read_text())
    other = tmp_path / "head.json"
    other.write_text(json.dumps({**data, "expressions": list(reversed(EXPRESSIONS))}))
    with pytest.raises(ValueError, match="reads"):
        ReadingHead.load(other)
    other.write_text(json.dumps({**data, "geometry": {**data["geometry"], "keys": ["ear_wiggle"]}}))
    with pytest.raises(ValueError, match="ear_wiggle"):
        ReadingHead.load(other)
