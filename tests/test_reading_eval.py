"""reading_eval: the cache of model outputs (never another model's), and the London-layout folders it reads."""

import numpy as np
import pytest

from appliance import reading_eval
from appliance.errors import ApplianceError
from appliance.vision.classifier import EXPRESSIONS

COLUMNS = [*EXPRESSIONS, "unknown", "not_face"]


def tiny_ferplus(path, rows=12):
    votes = np.zeros((rows, len(COLUMNS)), np.uint8)
    votes[np.arange(rows), np.arange(rows) % len(EXPRESSIONS)] = 10
    images = np.random.default_rng(0).integers(0, 256, (rows, 48, 48), dtype=np.uint8)
    np.savez(path, images=images, votes=votes, vote_columns=np.array(COLUMNS), split=np.array(["PublicTest"] * rows))
    return path


def test_model_outputs_are_cached_per_model_file(tmp_path, monkeypatch):
    data = tiny_ferplus(tmp_path / "ferplus.npz")
    first, second = tmp_path / "a.tflite", tmp_path / "b.tflite"
    # Stand-ins the model check takes for TFLite files (the identifier at bytes 4-8, 64 bytes or more).
    first.write_bytes(b"\0\0\0\0TFL3 one model".ljust(64))
    second.write_bytes(b"\0\0\0\0TFL3 another model".ljust(64))
    computed = []

    def outputs(images, model_path):
        computed.append(model_path)
        return np.full((len(images), len(EXPRESSIONS)), len(computed), np.float32)

    monkeypatch.setattr(reading_eval, "appearance_probabilities", outputs)
    cache = tmp_path / "cache"
    read = [
        reading_eval.split_readings("validation", data, cache, with_geometry=False, model_path=path)
        for path in (first, first, second)
    ]
    assert computed == [first, second]  # the same model's outputs are reused, another's are not
    assert read[0].appearance[0, 0] == read[1].appearance[0, 0] == 1 and read[2].appearance[0, 0] == 2
    first.write_bytes(b"\0\0\0\0TFL3 one model, exported again".ljust(64))
    reading_eval.split_readings("validation", data, cache, with_geometry=False, model_path=first)
    assert computed == [first, second, first]  # a file changed in place is another model


def test_london_rows_pairs_each_persons_first_neutral_and_smile_and_leaves_out_who_lacks_one(labels_folder):
    folder = labels_folder(
        [
            "file,label,subject,gender,ethnicity",
            "images/b2.jpg,smile,b,female,NA",
            "images/b1.jpg,happiness,b,female,NA",
            "images/b0.jpg,neutral,b,female,NA",
            "images/a0.jpg,neutral,a,male,white",
            "images/c0.jpg,neutral,c,male,white",  # no smile: left out
        ],
        files=("b2.jpg", "b1.jpg", "b0.jpg", "a0.jpg", "c0.jpg"),
    )
    rows = reading_eval.london_rows(folder)
    assert [(r["subject"], r["gender"], r["ethnicity"]) for r in rows] == [("b", "female", None)]
    assert (rows[0]["neutral"].name, rows[0]["happiness"].name) == ("b0.jpg", "b1.jpg")


def test_london_rows_without_group_columns_give_none_and_nobody_paired_is_a_clear_error(labels_folder):
    rows = ["file,label,subject", "images/n.jpg,neutral,p", "images/h.jpg,happy,p"]
    paired = reading_eval.london_rows(labels_folder(rows, files=("n.jpg", "h.jpg")))
    assert [(r["gender"], r["ethnicity"]) for r in paired] == [(None, None)]
    lonely = labels_folder(["file,label,subject", "images/n.jpg,neutral,p", "images/a.jpg,anger,p"], ("n.jpg", "a.jpg"))
    with pytest.raises(ApplianceError, match="nobody in .* has both a neutral and a smiling photo") as caught:
        reading_eval.london_rows(lonely)
    assert caught.value.hint


def person(subject, gender, smile_read_as):
    appearance = np.full(len(EXPRESSIONS), 0.01)
    appearance[EXPRESSIONS.index(smile_read_as)] = 1.0
    resting = np.full(len(EXPRESSIONS), 0.01)
    resting[EXPRESSIONS.index("neutral")] = 1.0
    neutral = reading_eval.FaceRead(resting, None)
    return reading_eval.LondonPerson(subject, gender, None, neutral, reading_eval.FaceRead(appearance, None), neutral)


def test_london_summary_leaves_people_without_a_group_out_of_that_groups_table():
    people = [person(f"p{i}", "female" if i < 9 else None, "happiness") for i in range(12)]
    summary = reading_eval.london_summary(people, reading_eval.appearance_alone)
    assert summary["people"] == 12
    for kind in ("with_neutral", "without_neutral"):
        assert summary[kind]["smiles_read_as_happiness"] == 1.0 and summary[kind]["neutrals_read_as_neutral"] == 1.0
        assert list(summary[kind]["by_group"]) == ["gender=female"]
        assert summary[kind]["by_group"]["gender=female"]["people"] == 9


def test_london_summary_reads_each_smile_with_the_persons_own_neutral_and_without():
    calls = []

    def reading(face, reference):
        calls.append(reference is not None)
        return face.appearance if reference is not None else np.eye(len(EXPRESSIONS))[0]  # without: all neutral

    summary = reading_eval.london_summary([person("p", "male", "happiness")], reading)
    assert summary["with_neutral"]["smiles_read_as_happiness"] == 1.0
    assert summary["without_neutral"]["smiles_read_as_happiness"] == 0.0
    assert summary["without_neutral"]["neutrals_read_as_neutral"] == 1.0
    assert calls.count(True) == 2 and calls.count(False) == 2  # smile and neutral again; smile and neutral


def test_a_photo_taken_again_is_the_same_scene_a_little_smaller_shifted_and_noisy():
    pixels = np.random.default_rng(0).integers(0, 256, (60, 80, 3), dtype=np.uint8)
    again = reading_eval.photographed_again(pixels, seed=1)
    assert again.shape == pixels.shape and again.dtype == np.uint8
    assert not np.array_equal(again, pixels)
    assert np.array_equal(again, reading_eval.photographed_again(pixels, seed=1))  # the same every run
