"""eval-posed --examples K: each person's own examples drawn from their photos, the rest scored with them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from appliance.cli import main
from appliance.errors import ApplianceError
from appliance.photo_labels import LabelledPhoto
from appliance.posed_eval import Judged
from appliance.posed_examples import check_examples, check_labels, examples_summary
from appliance.reading_eval import FaceRead
from appliance.vision.classifier import EXPRESSIONS
from appliance.vision.features import POPULATION_NEUTRAL
from appliance.vision.reading import head

REST_LOOK = np.array([0.02, 0.02, 0.02, 0.02, 0.02, 0.86, 0.02, 0.02])  # EXPRESSIONS order: a neutral face


def person(subject: str, seed: int, shots: dict[str, int], *, extra_neutrals: int = 1) -> list[Judged]:
    """A made-up person: a resting face, and photos of each expression that move the face its own way
    (a direction of its own per person), a little differently each photo."""
    rng = np.random.default_rng(seed)
    keys = head().keys
    rest_geometry = dict(POPULATION_NEUTRAL)

    def face(direction) -> FaceRead:
        geometry = dict(rest_geometry)
        for key, move in zip(keys, direction, strict=True):
            geometry[key] = rest_geometry[key] + move * float(head().spread[keys.index(key)])
        return FaceRead(REST_LOOK, geometry)

    reference = FaceRead(REST_LOOK, rest_geometry)
    judged = [Judged(LabelledPhoto(Path(f"{subject}/n0"), "neutral", subject), reference,
                     reference, True)]  # fmt: skip
    for i in range(extra_neutrals):
        photo = LabelledPhoto(Path(f"{subject}/n{i + 1}"), "neutral", subject)
        judged.append(Judged(photo, face(rng.normal(0, 0.05, len(keys))), reference, False))
    for label, n in shots.items():
        direction = rng.normal(0, 1, len(keys))
        direction *= 3 / np.linalg.norm(direction)
        for i in range(n):
            photo = LabelledPhoto(Path(f"{subject}/{label}{i}"), label, subject)
            judged.append(Judged(photo, face(direction + rng.normal(0, 0.1, len(keys))), reference, False))
    return judged


def test_a_persons_own_examples_read_their_other_photos_of_it():
    judged = [j for s in range(4) for j in person(f"p{s}", s, {"anger": 3, "fear": 3, "sadness": 3})]
    result = examples_summary(judged, 1, draws=5)
    plain = result["plain_same_photos"]
    assert result["draws"] == 5 and result["examples_per_expression"] == 1 and result["people"] == 4
    assert result["count"] == {"anger": 8, "fear": 8, "neutral": 4, "sadness": 8}  # two of three left a person
    assert result["recall"]["anger"] == 1.0 and result["recall"]["fear"] == 1.0
    assert result["recall"]["neutral"] == 1.0  # the resting face is everyone's own neutral
    assert result["balanced_accuracy"] > plain["balanced_accuracy"]
    assert set(result["spread"]["balanced_accuracy"]) == {"sd", "min", "max"}
    assert "balanced_accuracy" in plain and "read_as" in result and "recall_interval_95" in result
    assert "with_examples: balanced accuracy >= 0.7 (--examples 1)" in result["targets_not_judged"]  # no happiness


def test_a_draw_is_the_same_for_the_same_seed():
    judged = [j for s in range(2) for j in person(f"p{s}", s, {"anger": 3, "fear": 3})]
    assert examples_summary(judged, 2, draws=3) == examples_summary(judged, 2, draws=3)


def test_more_examples_than_a_person_has_is_a_clear_error():
    judged = person("p1", 1, {"anger": 2, "fear": 1})
    with pytest.raises(ApplianceError, match="p1 has 1 of fear") as raised:
        check_examples(judged, 2)
    assert "--examples 1 or fewer" in raised.value.hint


def test_examples_that_leave_nothing_to_score_are_a_clear_error():
    judged = person("p1", 1, {"anger": 1, "fear": 1}, extra_neutrals=0)
    with pytest.raises(ApplianceError, match="leaves no photo to score"):
        check_examples(judged, 1)
    with pytest.raises(ApplianceError, match="at least one example"):
        check_examples(person("p1", 1, {"anger": 2}), 0)


def test_without_anyones_resting_face_there_is_nothing_to_keep_examples_against():
    judged = [Judged(j.photo, j.face, None, False) for j in person("p1", 1, {"anger": 2})[1:]]
    with pytest.raises(ApplianceError, match="neutral photo"):
        check_examples(judged, 1)


def test_the_labels_are_checked_before_any_photo_is_read(labels_folder, capsys):
    folder = labels_folder(
        ["file,label,subject", "images/1.jpg,neutral,p1", "images/2.jpg,anger,p1", "images/3.jpg,anger,p1"],
        files=("1.jpg", "2.jpg", "3.jpg"),
    )
    assert main(["eval-posed", str(folder), "--examples", "3"]) == 2  # no model was loaded: said at once
    said = capsys.readouterr().err
    assert "--examples 3 is more than some people have photos of an expression: p1 has 2 of anger" in said
    assert "use --examples 2 or fewer" in said
    with pytest.raises(SystemExit):  # refused where the command line is read, with the range
        main(["eval-posed", str(folder), "--examples", "0"])
    assert "--examples: 0 is out of range" in capsys.readouterr().err
    with pytest.raises(ApplianceError, match="leaves no photo to score") as raised:  # London's layout
        check_labels(
            [LabelledPhoto(folder / "1.jpg", "neutral", "p1"), LabelledPhoto(folder / "2.jpg", "anger", "p1")], 1
        )
    assert "more than 1 photo of an expression (or a second neutral photo)" in raised.value.hint
    check_labels([LabelledPhoto(folder / "images/2.jpg", "anger", "p1")] * 2, 1)  # one to keep, one to score


def test_with_examples_is_in_the_json_shaped_like_with_neutral(labels_folder, monkeypatch, capsys):
    from appliance import reading_eval

    judged = [j for s in range(2) for j in person(f"p{s}", s, {"anger": 2, "fear": 2})]
    rows = ["file,label,subject"] + [f"images/{j.photo.path.name}_{j.photo.subject},{j.photo.label},{j.photo.subject}"
                                     for j in judged]  # fmt: skip
    folder = labels_folder(rows, files=[f"{j.photo.path.name}_{j.photo.subject}" for j in judged])
    faces = {f"{j.photo.path.name}_{j.photo.subject}": j.face for j in judged}

    class FakeReader:
        def __init__(self, *args) -> None:
            pass

        def read(self, path):
            return faces[path.name]

    monkeypatch.setattr(reading_eval, "FaceReader", FakeReader)
    assert main(["eval-posed", str(folder), "--examples", "1", "--draws", "4", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    withn, withe = result["with_neutral"], result["with_examples"]
    assert set(withn) - {"targets_met"} <= set(withe)
    assert withe["draws"] == 4 and set(withe["recall"]) == {"anger", "fear", "neutral"}
    assert main(["eval-posed", str(folder), "--examples", "1", "--draws", "2"]) == 0
    assert "with 1 example(s) of each expression" in capsys.readouterr().out
    assert EXPRESSIONS  # the labels the figures use
