"""Choices made on the mirror survive a restart, until config.toml is changed for the same key."""

import json

from appliance.config import parse_config
from appliance.preferences import Preferences


def test_a_choice_survives_a_restart(tmp_path):
    path, config = tmp_path / "preferences.json", parse_config({})
    prefs = Preferences(config, path)
    assert prefs.difficulty == "normal" and prefs.sound.volume == 50
    prefs.choose("coach.difficulty", "hard")
    prefs.choose("sound.volume", 25)
    prefs.choose("sound.voice", False)
    prefs.wait()
    again = Preferences(config, path)
    assert again.difficulty == "hard"
    assert (again.sound.volume, again.sound.voice, again.sound.quiet_from) == (25, False, "21:00")


def test_editing_config_toml_for_a_key_after_a_choice_makes_the_file_win(tmp_path):
    path = tmp_path / "preferences.json"
    prefs = Preferences(parse_config({"coach": {"difficulty": "easy"}}), path)
    prefs.choose("coach.difficulty", "hard")
    prefs.choose("sound.enabled", False)
    prefs.wait()
    edited = parse_config({"coach": {"difficulty": "normal"}})  # the user edited the file since
    again = Preferences(edited, path)
    assert again.difficulty == "normal" and again.sound.enabled is False  # the untouched key keeps its choice


def test_listeners_hear_each_choice_and_bad_values_are_refused(tmp_path):
    prefs = Preferences(parse_config({}), tmp_path / "preferences.json")
    heard = []
    prefs.when_changed.append(lambda chosen: heard.append(chosen.difficulty))
    prefs.choose("coach.difficulty", "easy")
    assert heard == ["easy"]
    for key, value in (("coach.difficulty", "medium"), ("sound.volume", 101), ("sound.enabled", 1), ("x", 1)):
        try:
            prefs.choose(key, value)
        except ValueError:
            continue
        raise AssertionError(f"{key}={value!r} was accepted")


def test_a_damaged_or_tampered_file_is_ignored_and_replaced_by_the_next_choice(tmp_path):
    path = tmp_path / "preferences.json"
    path.write_text("{not json")
    prefs = Preferences(parse_config({}), path)
    assert prefs.difficulty == "normal"
    path.write_text(json.dumps({"coach.difficulty": {"value": "impossible", "config": "normal"}, "sound.volume": 3}))
    assert Preferences(parse_config({}), path).difficulty == "normal"
    prefs.choose("coach.difficulty", "easy")
    prefs.wait()
    assert json.loads(path.read_text())["coach.difficulty"] == {"value": "easy", "config": "normal"}
    assert [p.name for p in tmp_path.iterdir()] == ["preferences.json"]  # no temporary file left


def test_a_folder_that_cannot_be_written_keeps_the_choice_until_restart(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    prefs = Preferences(parse_config({}), blocked / "preferences.json")
    prefs.choose("sound.volume", 75)
    prefs.wait()
    assert prefs.sound.volume == 75
