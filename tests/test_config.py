"""Settings: defaults, the TOML file, and errors that name the bad key."""

from __future__ import annotations

import tomllib

import pytest

from appliance.config import Config, load_config, load_config_for_mirror, parse_config
from appliance.errors import ConfigError


def test_defaults_when_the_user_has_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    config = load_config()
    assert config == Config()
    assert config.source == "auto" and config.fullscreen == "auto" and not config.preview
    assert config.buttons.pins == {"next": 17, "select": 27, "back": 22, "break": 23}


def test_the_file_in_the_config_dir_is_read(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "appliance").mkdir()
    (tmp_path / "appliance" / "config.toml").write_text(
        'source = "demo"\nfullscreen = false\n[camera]\nfps = 15\n[vision]\nthreads = 3\n'
        "[buttons]\nnext = 5\nhold_time = 1.2\nled = 24\n[coach]\nhold_s = 4\n"
    )
    config = load_config()
    assert config.source == "demo" and not config.fullscreen
    assert config.camera.fps == 15 and config.camera.width == 640
    assert config.threads == 3
    assert config.buttons.pins["next"] == 5 and config.buttons.pins["select"] == 27
    assert config.buttons.hold_time == 1.2 and config.buttons.led == 24
    assert config.coach == {"hold_s": 4}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"camera": {"fps": 0}}, ["camera.fps", "0", "1 to 120"]),
        ({"vision": {"threads": "two"}}, ["vision.threads", "'two'", "whole number"]),
        ({"buttons": {"next": 40}}, ["buttons.next", "40", "2 to 27"]),
        ({"buttons": {"next": 27}}, ["buttons", "different pin"]),
        ({"buttons": {"hold_time": 0.1}}, ["buttons.hold_time", "0.1", "0.3 to 5.0"]),
        ({"fullscreen": "yes"}, ["fullscreen", "'yes'", "true, false"]),
        ({"preview": 1}, ["preview", "1", "true or false"]),
        ({"colour": "red"}, ["colour", "known keys"]),
        ({"camera": {"size": 3}}, ["camera.size", "width"]),
        ({"source": ""}, ["source", "demo"]),
        ({"camera": {"exposure_value": 9}}, ["camera.exposure_value", "9", "-8 to 8"]),
        ({"camera": {"brightness": "dark"}}, ["camera.brightness", "'dark'", "-1 to 1"]),
        ({"camera": {"brightness": True}}, ["camera.brightness", "True"]),
        ({"camera": {"facing_pitch_deg": 60}}, ["camera.facing_pitch_deg", "60", "-45 to 45"]),
        ({"camera": {"autofocus": "on"}}, ["camera.autofocus", "'on'", "true or false"]),
        ({"camera": {"facing_yaw_deg": "left"}}, ["camera.facing_yaw_deg", "'left'"]),
        # [coach]: what the mirror's coach refuses at start-up, refused here in the same words
        ({"coach": {"calibration_s": -1}}, ["calibration_s=-1.0", "not usable", "above 0"]),
        ({"coach": {"calibration_s": "abc"}}, ["calibration_s='abc'", "a number"]),
        ({"coach": {"hold_s": "abc"}}, ["hold_s='abc'", "a number"]),
        ({"coach": {"match_threshold": 62.5}}, ["match_threshold=62.5", "a whole number"]),
        ({"coach": {"difficulty": "insane"}}, ["difficulty='insane'", '"easy" or "normal" or "hard"']),
        ({"coach": {"hold_seconds": 3}}, ["unknown coach settings: hold_seconds", "hold_s"]),
        ({"coach": {"forced_break": "nope"}}, ["forced_break='nope'", "no break called 'nope'", "long_exhale"]),
        ({"coach": {"morning_routine": ["drill:nope"]}}, ["morning_routine='drill:nope'", "no drill called 'nope'"]),
        ({"coach": "fast"}, ["coach", "'fast'"]),
    ],
)
def test_bad_values_are_named_with_what_is_allowed(data, words):
    with pytest.raises(ConfigError) as caught:
        parse_config(data)
    text = caught.value.describe()
    for word in words:
        assert word in text


def test_camera_exposure_and_brightness_for_a_camera_behind_glass():
    config = parse_config({"camera": {"exposure_value": 1.5, "brightness": -0.25}})
    assert config.camera.exposure_value == 1.5 and config.camera.brightness == -0.25
    assert parse_config({"camera": {"exposure_value": 2}}).camera.exposure_value == 2.0
    assert parse_config({}).camera.exposure_value == 0.0


def test_autofocus_is_on_unless_turned_off():
    assert parse_config({}).camera.autofocus is True
    assert parse_config({"camera": {"autofocus": False}}).camera.autofocus is False


def test_a_camera_above_or_beside_the_mirror_says_how_it_sees_a_face_facing_the_mirror():
    config = parse_config({"camera": {"facing_yaw_deg": -12, "facing_pitch_deg": -18.5}})
    assert (config.camera.facing_yaw_deg, config.camera.facing_pitch_deg) == (-12.0, -18.5)
    assert (parse_config({}).camera.facing_yaw_deg, parse_config({}).camera.facing_pitch_deg) == (0.0, 0.0)


def test_broken_toml_names_the_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("source = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_an_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


def test_command_line_overrides_keep_unset_values():
    config = Config().with_overrides(source="demo", fullscreen=None)
    assert config.source == "demo" and config.fullscreen == "auto"
    assert Config(fullscreen=False).is_fullscreen is False


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_the_display_can_be_turned(rotation):
    assert parse_config({"display": {"rotation": rotation}}).display.rotation == rotation
    assert Config().display.rotation == 0


@pytest.mark.parametrize("rotation", [45, "90", True, -90])
def test_a_rotation_that_is_not_a_quarter_turn_is_named(rotation):
    with pytest.raises(ConfigError) as caught:
        parse_config({"display": {"rotation": rotation}})
    assert "display.rotation" in caught.value.describe() and "0, 90, 180 or 270" in caught.value.describe()


def test_presence_defaults_and_values():
    assert Config().presence.off_after_s == 300 and Config().presence.power == "auto"
    presence = parse_config({"presence": {"off_after_s": 0, "power": "cec"}}).presence
    assert presence.off_after_s == 0 and presence.power == "cec"
    assert parse_config({"presence": {"off_after_s": 42.5}}).presence.off_after_s == 42.5


@pytest.mark.parametrize(
    ("presence", "words"),
    [
        ({"off_after_s": -1}, ["presence.off_after_s", "-1", "0 (never)"]),
        ({"off_after_s": 3}, ["presence.off_after_s", "3", "at least 10"]),
        ({"off_after_s": "5m"}, ["presence.off_after_s", "'5m'"]),
        ({"power": "hdmi"}, ["presence.power", "'hdmi'", '"cec"', '"overlay"']),
        ({"sensor": "pir"}, ["presence.sensor", "known keys"]),
    ],
)
def test_bad_presence_values_are_named(presence, words):
    with pytest.raises(ConfigError) as caught:
        parse_config({"presence": presence})
    for word in words:
        assert word in caught.value.describe()


def test_a_file_that_is_not_utf8_says_so(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes('source = "d\xe9mo"\n'.encode("latin-1"))
    with pytest.raises(ConfigError, match="not UTF-8") as error:
        load_config(path)
    assert "UTF-8" in error.value.hint and "permission" not in error.value.describe()


def test_best_takes_are_off_unless_asked_for():
    assert parse_config({}).capture.best_takes is False
    capture = parse_config({"capture": {"best_takes": True, "max_per_look": 3}}).capture
    assert capture.best_takes is True and capture.max_per_look == 3
    assert parse_config({"capture": {"best_takes": True}}).capture.max_per_look == 5


@pytest.mark.parametrize(
    ("capture", "words"),
    [
        ({"best_takes": "yes"}, ["capture.best_takes", "'yes'", "true or false"]),
        ({"best_takes": 1}, ["capture.best_takes", "true or false"]),
        ({"max_per_look": 0}, ["capture.max_per_look", "0", "1 to 50"]),
        ({"max_per_look": 2.5}, ["capture.max_per_look", "whole number"]),
        ({"folder": "/tmp"}, ["capture.folder", "known keys", "best_takes"]),
    ],
)
def test_bad_capture_values_are_named(capture, words):
    with pytest.raises(ConfigError) as caught:
        parse_config({"capture": capture})
    for word in words:
        assert word in caught.value.describe()


# The mirror starts without what it cannot use: (the file, the setting left out).
LEFT_OUT = [
    ("[camera]\nfps = 0\nwidth = 800\n", "camera.fps"),
    ('[camera]\nfacing_yaw_deg = "left"\n', "camera.facing_yaw_deg"),
    ('colour = "red"\n', "colour"),
    ('source = ""\n', "source"),
    ("[buttons]\nnext = 27\n", "buttons"),
    ('coach = "fast"\n', "coach"),
    ('[coach]\ndifficulty = "insane"\nhold_s = 4\n', "coach.difficulty"),
    ("[coach]\nhold_seconds = 3\nhold_s = 4\n", "coach.hold_seconds"),
    ('[coach]\nforced_break = "nope"\nhold_s = 4\n', "coach.forced_break"),
    ("[sound]\nvolume = 500\n", "sound.volume"),
    ("[sound]\nloudness = 5\n", "sound.loudness"),
]


@pytest.mark.parametrize(("text", "setting"), LEFT_OUT)
def test_the_mirror_starts_without_a_setting_it_cannot_use_and_keeps_the_rest(tmp_path, text, setting):
    path = tmp_path / "config.toml"
    path.write_text(text + "[display]\nrotation = 90\n")
    config, left_out = load_config_for_mirror(path)
    assert [problem.setting for problem in left_out] == [setting]
    assert setting.split(".")[-1] in str(left_out[0])  # the log names it
    with pytest.raises(ConfigError):
        load_config(path)  # config check and doctor still refuse the file
    kept = tomllib.loads(text)
    *tables, key = setting.split(".")
    table = kept
    for name in tables:
        table = table[name]
    del table[key]
    assert config == parse_config({**kept, "display": {"rotation": 90}}, path=path)
    assert config.display.rotation == 90


def test_every_bad_setting_is_left_out_and_each_is_said(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[camera]\nfps = 0\nheight = 2\nwidth = 800\n[sound]\nquiet_from = "25:00"\n')
    config, left_out = load_config_for_mirror(path)
    assert [problem.setting for problem in left_out] == ["camera.height", "camera.fps", "sound.quiet_from"]
    assert config.camera.width == 800 and (config.camera.fps, config.camera.height) == (30, 480)


@pytest.mark.parametrize("text", [b"source = \n", b"\xff\xfe[camera]\n"])
def test_a_file_the_mirror_cannot_read_leaves_every_default_and_is_said(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_bytes(text)
    config, left_out = load_config_for_mirror(path)
    assert config == Config(path=path)
    assert len(left_out) == 1 and left_out[0].setting == "" and "config.toml" in str(left_out[0])


def test_the_mirror_is_given_an_explicit_missing_file_as_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config_for_mirror(tmp_path / "nope.toml")


def test_no_file_at_all_is_not_a_problem(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_config_for_mirror() == (Config(), [])


@pytest.mark.parametrize(
    ("text", "left_out"),
    [
        # a check across keys names the one left at its default: the table goes, said as the table
        ("[coach]\nsession_cap_min = 1.0\n", "coach"),
        ('[sound]\nquiet_until = ""\n', "sound"),
        ('[sound]\nquiet_from = "07:00"\n', "sound"),
        # a quoted key with a dot is that key, not a table's
        ('"camera.fps" = 1\n', "camera.fps"),
        ('[camera]\n"a.b" = 1\n', "camera.a.b"),
    ],
)
def test_what_the_mirror_leaves_out_is_what_it_says_and_the_rest_of_the_file_is_kept(tmp_path, text, left_out):
    path = tmp_path / "config.toml"
    camera = "fps = 15\n" if text.startswith("[camera]") else "[camera]\nfps = 15\n"  # a good setting, kept
    path.write_text(text + camera)
    config, problems = load_config_for_mirror(path)
    assert [problem.setting for problem in problems] == [left_out]
    assert config.camera.fps == 15


def test_a_file_of_nothing_but_mistakes_is_not_used_at_all_and_says_so(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("".join(f"unknown_{n} = 1\n" for n in range(70)) + "[camera]\nfps = 15\n")
    config, problems = load_config_for_mirror(path)
    assert config == Config(path=path)
    assert problems[-1].setting == "" and all(problem.setting for problem in problems[:-1])


def test_a_settings_folder_that_cannot_be_entered_leaves_the_defaults_not_a_dark_mirror(tmp_path, monkeypatch):
    from pathlib import Path

    def refuse(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "exists", refuse)
    config, problems = load_config_for_mirror(tmp_path / "locked" / "config.toml")
    assert config == Config(path=tmp_path / "locked" / "config.toml")
    assert len(problems) == 1 and problems[0].setting == "" and "Permission denied" in str(problems[0])
