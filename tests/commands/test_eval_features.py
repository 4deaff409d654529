"""``eval-features``: the smile feature against each person's own neutral, by group."""

import json
import shutil
from pathlib import Path

import pytest

from appliance.cli import main
from appliance.commands.eval_features import read_people, summarise
from appliance.errors import ApplianceError
from appliance.vision.features import FEATURES, SMILE_THRESHOLD

SHARED = Path(__file__).resolve().parents[3] / "shared"
PHOTOS = SHARED / "fixtures" / "photos"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")


def row(subject, gender, ethnicity, smile):
    features = None if smile is None else {**dict.fromkeys(FEATURES, 0.1), "smile": smile}
    return {"subject": subject, "gender": gender, "ethnicity": ethnicity, "features": features}


def test_shares_are_counted_overall_and_per_group_and_unread_faces_count_as_missed():
    rows = [row(f"w{i}", "female", "white", 0.5) for i in range(9)]
    rows += [row("w9", "female", "white", 0.1), row("b0", "male", "black", 0.3), row("b1", "male", "black", None)]
    result = summarise(rows, threshold=0.2)
    overall, white = result["overall"], result["groups"]["ethnicity"]["white"]
    assert (overall["people"], overall["smiles_seen"], overall["share"]) == (12, 10, round(10 / 12, 4))
    assert (white["people"], white["smiles_seen"], white["share"]) == (10, 9, 0.9)
    assert white["interval_95"] == [0.5958, 0.9821]  # Wilson's: 9 of 10 could well be 60%
    assert result["groups"]["gender"]["male"]["share"] == 0.5 and result["unread"] == 1
    assert result["other_features"]["jaw_drop"] == {"mean": 0.1, "p95": 0.1} and "smile" not in result["other_features"]
    # The white group (10 people) meets 90%; the black group has fewer than 9 people: no target.
    assert result["targets_met"] == {"overall >= 0.95": False, "every group of 9+ people >= 0.9": True}


def test_a_folder_without_labels_is_a_clear_error(tmp_path):
    with pytest.raises(ApplianceError, match="London set is not at"):
        read_people(tmp_path)


@needs_shared
def test_the_command_runs_on_a_london_shaped_folder(tmp_path, capsys):
    (tmp_path / "images").mkdir()
    shutil.copy(PHOTOS / "biden.jpg", tmp_path / "images" / "001_neutral.jpg")
    shutil.copy(PHOTOS / "obama.jpg", tmp_path / "images" / "001_happiness.jpg")
    shutil.copy(PHOTOS / "obama.jpg", tmp_path / "images" / "002_neutral.jpg")
    shutil.copy(PHOTOS / "obama.jpg", tmp_path / "images" / "002_happiness.jpg")
    lines = ["file,label,subject,age,gender,ethnicity"]
    for n in ("001", "002"):
        for label in ("neutral", "happiness"):
            lines.append(f"images/{n}_{label}.jpg,{label},s{n},50,male,x")
    (tmp_path / "labels.csv").write_text("\n".join(lines) + "\n")
    assert main(["eval-features", "--data", str(tmp_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["people"] == 2 and result["unread"] == 0 and result["threshold"] == SMILE_THRESHOLD
    # Person 2's "smile" is their neutral photo itself: no movement at all.
    assert result["overall"]["smiles_seen"] <= 1
    assert main(["eval-features", "--data", str(tmp_path)]) == 0
    report = capsys.readouterr().out
    assert "overall:" in report and "(95% interval " in report


def test_people_without_groups_count_overall_and_no_group_of_nine_is_not_called_met():
    rows = [row(f"p{i}", None, None, 0.5) for i in range(3)] + [row("w", "female", "white", 0.5)]
    result = summarise(rows, threshold=0.2)
    assert result["overall"]["people"] == 4 and result["groups"]["gender"] == {
        "female": result["groups"]["gender"]["female"]
    }
    assert result["groups"]["gender"]["female"]["people"] == 1
    assert result["targets_met"] == {"overall >= 0.95": True, "every group of 9+ people >= 0.9": None}


@needs_shared
def test_a_folder_of_ones_own_people_without_group_columns_is_measured(tmp_path, capsys):
    (tmp_path / "images").mkdir()
    shutil.copy(PHOTOS / "obama.jpg", tmp_path / "images" / "n.jpg")
    shutil.copy(PHOTOS / "obama-720p.jpg", tmp_path / "images" / "s.jpg")
    (tmp_path / "labels.csv").write_text("file,label,subject\nimages/n.jpg,neutral,me\nimages/s.jpg,smile,me\n")
    assert main(["eval-features", "--data", str(tmp_path)]) == 0
    report = capsys.readouterr().out
    assert report.startswith(f"{tmp_path}: 1 people") and "every group of 9+ people >= 0.9: no such group" in report


@pytest.mark.parametrize("threshold", ["-1", "0", "5", "nan"])
def test_a_threshold_outside_a_features_range_is_refused_with_the_range(threshold, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["eval-features", "--threshold", threshold, "--data", "/nonexistent"])
    assert stopped.value.code == 2 and "out of range (0.01 to 1)" in capsys.readouterr().err


def test_the_report_gives_the_share_at_other_thresholds_with_the_group_that_fares_worst():
    rows = [row(f"w{i}", "female", "white", 0.3) for i in range(9)]
    rows += [row(f"m{i}", "male", "white", 0.12) for i in range(9)]
    sweep = summarise(rows, threshold=0.2)["at_thresholds"]
    assert list(sweep) == ["0.1", "0.15", "0.2", "0.25", "0.3"]
    assert (sweep["0.1"]["smiles_seen"], sweep["0.1"]["share"]) == (18, 1.0)
    assert sweep["0.15"]["lowest_group"]["group"] == "gender male" and sweep["0.15"]["lowest_group"]["share"] == 0.0
    assert sweep["0.3"]["smiles_seen"] == 9


def test_without_a_group_of_nine_no_group_is_named_at_other_thresholds():
    sweep = summarise([row("a", None, None, 0.5)], threshold=0.2)["at_thresholds"]
    assert all(at["lowest_group"] is None for at in sweep.values())
