import numpy as np
import pytest

from appliance.errors import ApplianceError
from appliance.ferplus import load_split

COLUMNS = ["neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt", "unknown", "not_face"]


def write_npz(path, votes, split):
    n = len(votes)
    np.savez(
        path,
        images=np.arange(n, dtype=np.uint8)[:, None, None] * np.ones((1, 48, 48), np.uint8),
        votes=np.array(votes, np.uint8),
        vote_columns=np.array(COLUMNS),
        split=np.array(split),
    )
    return path


def test_rows_whose_top_vote_is_unknown_or_not_face_are_left_out(tmp_path):
    votes = [
        [0, 0, 0, 0, 0, 0, 0, 6, 4, 0],  # contempt
        [0, 0, 0, 0, 0, 0, 0, 0, 10, 0],  # unknown: out
        [1, 0, 0, 0, 0, 0, 0, 0, 0, 9],  # not a face: out
        [5, 5, 0, 0, 0, 0, 0, 0, 0, 0],  # tie: neutral, first in vote order
    ]
    path = write_npz(tmp_path / "f.npz", votes, ["PrivateTest"] * 4)
    split = load_split("test", path)
    assert split.labels.tolist() == [7, 0]
    assert split.images[:, 0, 0].tolist() == [0, 3]
    np.testing.assert_allclose(split.soft_labels[0], [0, 0, 0, 0, 0, 0, 0, 1.0])
    np.testing.assert_allclose(split.soft_labels[1], [0.5, 0.5, 0, 0, 0, 0, 0, 0])


def test_splits_are_kept_apart_and_limit_applies(tmp_path):
    votes = [[10, 0, 0, 0, 0, 0, 0, 0, 0, 0]] * 3
    path = write_npz(tmp_path / "f.npz", votes, ["Training", "PublicTest", "Training"])
    assert len(load_split("train", path)) == 2
    assert len(load_split("validation", path)) == 1
    assert len(load_split("train", path, limit=1)) == 1


def test_a_missing_data_set_says_where_it_looked(tmp_path):
    with pytest.raises(ApplianceError, match="not at"):
        load_split("test", tmp_path / "nope.npz")


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"images,votes\n1,2\n", "is not an .npz archive"),  # a text file
        (b"", "is not an .npz archive"),  # an empty file
        ("one array", "holds one array"),  # a single .npy array
        ("other arrays", "has no images, votes, vote_columns, split"),
    ],
)
def test_a_file_that_is_not_the_data_set_is_a_clear_error(tmp_path, content, words):
    path = tmp_path / "ferplus48.npz"
    if content == "one array":
        with open(path, "wb") as file:
            np.save(file, np.zeros(3))
    elif content == "other arrays":
        with open(path, "wb") as file:
            np.savez(file, pixels=np.zeros(3))
    else:
        path.write_bytes(content)
    with pytest.raises(ApplianceError, match=f"is not the FER\\+ data set: it {words}") as caught:
        load_split("test", path)
    assert "--data" in caught.value.hint and "pickle" not in str(caught.value)


def test_clear_majority_marks_the_rows_the_fer_plus_authors_test_on(tmp_path):
    votes = [
        [6, 4, 0, 0, 0, 0, 0, 0, 0, 0],  # 6 of 10: clear
        [4, 3, 3, 0, 0, 0, 0, 0, 0, 0],  # 4 of 10: the crowd split
        [4, 2, 1, 1, 1, 1, 0, 0, 0, 0],  # lone votes dropped: 4 of 6, clear
        [3, 0, 0, 0, 0, 0, 0, 0, 3, 0],  # unknown votes count against the majority: 3 of 6 is not more than half
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],  # every vote is a lone vote: nothing left
    ]
    path = write_npz(tmp_path / "f.npz", votes, ["PrivateTest"] * 5)
    assert load_split("test", path).clear_majority.tolist() == [True, False, True, False, False]
