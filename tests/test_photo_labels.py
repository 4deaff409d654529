"""labels.csv folders (photo_labels): what eval-posed, eval-features and eval's London figures read."""

from __future__ import annotations

import pytest

from appliance.errors import ApplianceError
from appliance.photo_labels import read_labels


def test_the_labels_file_names_photos_people_and_groups_and_common_words_for_expressions(labels_folder):
    folder = labels_folder(
        ["file,label,subject,gender,age", "images/a.jpg,Afraid,p1,female,31", "images/b.jpg,neutral,p1,female,NA"],
        files=("a.jpg", "b.jpg"),
    )
    photos = read_labels(folder)
    assert [(p.path.name, p.label, p.subject) for p in photos] == [("a.jpg", "fear", "p1"), ("b.jpg", "neutral", "p1")]
    assert photos[0].groups == {"gender": "female", "age": "31"} and photos[1].groups == {"gender": "female"}


@pytest.mark.parametrize(
    ("rows", "files", "words"),
    [
        (None, (), "has no labels.csv"),
        (["file,label", "images/a.jpg,fear"], ("a.jpg",), "no column subject"),
        (["file,label,subject", "images/a.jpg,bored,p1"], ("a.jpg",), "line 2: the label 'bored' names no expression"),
        (["file,label,subject", "", "images/a.jpg,fear,p1"], (), "line 3: no file 'images/a.jpg'"),
        (["file,label,subject", "images/a.jpg,fear,"], ("a.jpg",), "line 2: no subject"),
        (
            ["file,label,subject", "images/a.jpg,fear,p1", "images/a.jpg,anger,p1"],
            ("a.jpg",),
            "line 3: images/a.jpg is listed again (first on line 2)",
        ),
        (["file,label,subject"], (), "lists no photos"),
    ],
)
def test_a_labels_file_that_cannot_be_used_says_what_is_wrong(labels_folder, rows, files, words):
    folder = labels_folder(rows or [], files)
    if rows is None:
        (folder / "labels.csv").unlink()
    with pytest.raises(ApplianceError) as caught:
        read_labels(folder)
    assert words in str(caught.value) and caught.value.hint


def test_a_spreadsheets_trailing_commas_and_empty_rows_are_not_photos(labels_folder):
    folder = labels_folder(["file,label,subject", "images/a.jpg,fear,p1,", ",,", ",,,"], files=("a.jpg",))
    assert [(p.path.name, p.groups) for p in read_labels(folder)] == [("a.jpg", {})]
