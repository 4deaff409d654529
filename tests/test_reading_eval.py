"""The evaluation's cache of model outputs (reading_eval): never another model's outputs."""

import numpy as np

from appliance import reading_eval
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
        reading_eval.split_readings("validation", data, cache, with_features=False, model_path=path)
        for path in (first, first, second)
    ]
    assert computed == [first, second]  # the same model's outputs are reused, another's are not
    assert read[0].appearance[0, 0] == read[1].appearance[0, 0] == 1 and read[2].appearance[0, 0] == 2
    first.write_bytes(b"\0\0\0\0TFL3 one model, exported again".ljust(64))
    reading_eval.split_readings("validation", data, cache, with_features=False, model_path=first)
    assert computed == [first, second, first]  # a file changed in place is another model
