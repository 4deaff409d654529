import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from appliance.cli import main
from appliance.reading_eval import crop_geometry, geometry_dict
from appliance.vision.classifier import ExpressionClassifier
from appliance.vision.reading import read

COLUMNS = ["neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt", "unknown", "not_face"]


def ferplus_with_split_votes(path, rows=24):
    """PrivateTest rows whose top vote is the label; every third one is a crowd split (4 of 10)."""
    rng = np.random.default_rng(3)
    labels = np.arange(rows) % 8
    votes = np.zeros((rows, len(COLUMNS)), np.uint8)
    votes[np.arange(rows), labels] = np.where(np.arange(rows) % 3 == 0, 4, 7)
    votes[np.arange(rows), (labels + 1) % 8] += 3  # the runner-up
    votes[np.arange(rows) % 3 == 0, 8] = 3
    images = rng.integers(0, 256, (rows, 48, 48), dtype=np.uint8)
    np.savez(path, images=images, votes=votes, vote_columns=np.array(COLUMNS), split=np.array(["PrivateTest"] * rows))
    return images, labels


def test_eval_reports_the_whole_split_and_the_fer_plus_authors_rows(tmp_path, capsys):
    images, labels = ferplus_with_split_votes(tmp_path / "f.npz")
    assert main(["eval", "--data", str(tmp_path / "f.npz"), "--json", "--no-london"]) == 0
    report = json.loads(capsys.readouterr().out)

    classifier = ExpressionClassifier()
    correct = np.array([classifier.probability_vector(image).argmax() for image in images]) == labels
    clear = np.arange(len(labels)) % 3 != 0
    assert report["rows"] == len(labels) and report["split"] == "PrivateTest"
    assert report["accuracy"] == round(correct.mean(), 4)
    assert report["clear_majority_rows"] == {"accuracy": round(correct[clear].mean(), 4), "rows": int(clear.sum())}


def test_eval_markdown_names_both_figures(tmp_path, capsys):
    ferplus_with_split_votes(tmp_path / "f.npz")
    assert main(["eval", "--data", str(tmp_path / "f.npz"), "--no-london"]) == 0
    out = capsys.readouterr().out
    assert "24 rows" in out and "FER+ authors' own test rows only" in out and "16 rows" in out
    assert "| balanced accuracy |" in out and "the mirror's reading" in out


def test_eval_reports_the_reading_beside_the_model(tmp_path, capsys):
    images, labels = ferplus_with_split_votes(tmp_path / "f.npz")
    assert main(["eval", "--data", str(tmp_path / "f.npz"), "--json", "--no-london"]) == 0
    report = json.loads(capsys.readouterr().out)

    classifier = ExpressionClassifier()
    appearance = [classifier.probability_vector(image) for image in images]
    geometry = crop_geometry(images)
    reading = np.array([read(a, geometry_dict(g)) for a, g in zip(appearance, geometry, strict=True)])
    assert report["reading"]["accuracy"] == round(float((reading.argmax(axis=1) == labels).mean()), 4)
    assert report["reading"]["rows"] == len(labels) and report["london"] is None


def test_eval_says_when_the_london_set_is_absent(tmp_path, capsys):
    ferplus_with_split_votes(tmp_path / "f.npz")
    assert main(["eval", "--data", str(tmp_path / "f.npz"), "--london", str(tmp_path / "nowhere")]) == 0
    assert "no London set at" in capsys.readouterr().out


SHARED = Path(__file__).resolve().parents[3] / "shared"
PHOTOS = SHARED / "fixtures" / "photos"


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")
def test_eval_reads_a_london_shaped_folder_with_each_person_s_neutral(tmp_path, capsys):
    ferplus_with_split_votes(tmp_path / "f.npz")
    london = tmp_path / "london"
    (london / "images").mkdir(parents=True)
    # Person 1 smiles against a neutral photo of someone else; person 2's "smile" is their neutral
    # photo itself, which against itself must read neutral, not happiness.
    pairs = {"001": ("biden.jpg", "obama.jpg"), "002": ("obama.jpg", "obama.jpg")}
    lines = ["file,label,subject,age,gender,ethnicity"]
    for n, (neutral, smile) in pairs.items():
        shutil.copy(PHOTOS / neutral, london / "images" / f"{n}_neutral.jpg")
        shutil.copy(PHOTOS / smile, london / "images" / f"{n}_happiness.jpg")
        lines += [f"images/{n}_{label}.jpg,{label},s{n},50,male,x" for label in ("neutral", "happiness")]
    (london / "labels.csv").write_text("\n".join(lines) + "\n")
    assert main(["eval", "--data", str(tmp_path / "f.npz"), "--london", str(london), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["london"]
    alone, own = report["appearance"]["without_neutral"], report["reading"]["with_neutral"]
    assert report["appearance"]["people"] == 2 and alone["smiles_read_as_happiness"] == 1.0
    assert own["smiles_read_as_happiness"] == 0.5
    assert own["smiles_interval_95"] == [0.0945, 0.9055]  # one of two: Wilson's, wide
    assert own["smiles_missed_read_as"] == {"neutral": 1}
    assert own["neutrals_read_as_neutral"] == 1.0  # each neutral photo, photographed again, against itself
    assert own["by_group"] == {}  # groups of fewer than 9 people are not reported
    assert main(["eval", "--data", str(tmp_path / "f.npz"), "--london", str(london)]) == 0
    shown = capsys.readouterr().out
    assert "| smiles read as happiness | 1.000 |" in shown and "| 0.500 (0.09-0.91) |" in shown
    assert "| smiles read as something else (own neutral) | - | - | neutral 1 |" in shown
