"""The settings rows the four buttons change: difficulty and sound, kept across restarts."""

import pytest

from appliance.camera_facing import CameraFacing
from appliance.coach.calibration import turned_message
from appliance.config import parse_config
from appliance.messages import Command
from appliance.preferences import Preferences
from appliance.ui.settings_panel import SettingsPanel, angle_words


def panel_at(tmp_path, key: str, voice_engine: str = "/usr/bin/espeak-ng") -> SettingsPanel:
    prefs = Preferences(parse_config({}), tmp_path / "preferences.json")
    prefs.voice_engine = voice_engine
    panel = SettingsPanel(parse_config({}), "demo", preferences=prefs, is_open=True)
    while panel.rows()[panel.index].key != key:
        panel.handle(Command.NEXT)
    return panel


def titles(panel: SettingsPanel) -> list[str]:
    return [row.title for row in panel.rows()]


def test_select_steps_the_difficulty_and_it_is_kept(tmp_path):
    panel = panel_at(tmp_path, "difficulty")
    assert "Difficulty: normal" in titles(panel)
    assert panel.handle(Command.SELECT) == "difficulty"
    assert "Difficulty: hard" in titles(panel)
    panel.handle(Command.SELECT)
    assert "Difficulty: easy" in titles(panel)
    panel.preferences.wait()
    assert Preferences(parse_config({}), tmp_path / "preferences.json").difficulty == "easy"


def test_sound_on_off_volume_steps_and_voice(tmp_path):
    panel = panel_at(tmp_path, "sound")
    panel.handle(Command.SELECT)
    assert "Sound: off" in titles(panel)
    panel.handle(Command.NEXT)
    assert [panel.handle(Command.SELECT) and panel.preferences.sound.volume for _ in range(4)] == [75, 100, 10, 25]
    panel.handle(Command.NEXT)
    panel.handle(Command.SELECT)
    assert "Spoken cues: off" in titles(panel)
    detail = next(row.detail for row in panel.rows() if row.key == "sound")
    assert "silent 21:00-07:00" in detail


def test_the_camera_preview_is_kept_across_a_restart_like_the_other_rows(tmp_path):
    panel = panel_at(tmp_path, "preview")
    assert panel.handle(Command.SELECT) == "preview" and panel.preview
    panel.preferences.wait()
    assert Preferences(parse_config({}), tmp_path / "preferences.json").preview is True
    panel.handle(Command.SELECT)
    panel.preferences.wait()
    assert Preferences(parse_config({}), tmp_path / "preferences.json").preview is False


def test_without_a_speech_engine_the_voice_row_says_so_and_select_does_nothing(tmp_path):
    panel = panel_at(tmp_path, "voice", voice_engine="")
    assert panel.handle(Command.SELECT) is None
    assert "Spoken cues: no speech engine" in titles(panel)
    assert panel.preferences.sound.voice is True


def test_back_leaves_and_the_old_rows_stay_without_preferences():
    panel = SettingsPanel(parse_config({}), "demo", is_open=True)
    assert [row.key for row in panel.rows()] == ["preview", "source", "neutral", "buttons", "file"]
    assert panel.handle(Command.BACK) == "close" and not panel.is_open


class Takes:
    count = 3


def test_the_takes_row_deletes_only_after_a_confirm():
    panel = SettingsPanel(parse_config({}), "demo", is_open=True, takes=Takes(), takes_on=True)
    while panel.rows()[panel.index].key != "takes":
        panel.handle(Command.NEXT)
    assert panel.rows()[panel.index].title == "Best takes: on · 3 kept"
    assert panel.handle(Command.SELECT) is None
    assert panel.rows()[panel.index].title.startswith("Delete all 3 best takes?")
    assert panel.handle(Command.BACK) is None and panel.is_open  # no: still in settings
    assert panel.rows()[panel.index].title == "Best takes: on · 3 kept"
    panel.handle(Command.SELECT)
    assert panel.handle(Command.SELECT) == "delete_takes"
    panel.handle(Command.SELECT)
    assert panel.handle(Command.NEXT) is None and panel.rows()[panel.index].key != "takes"  # moving away cancels


def test_no_takes_row_without_takes_and_nothing_to_confirm_with_none_kept():
    assert "takes" not in [row.key for row in SettingsPanel(parse_config({}), "demo").rows()]
    Takes.count = 0
    try:
        panel = SettingsPanel(parse_config({}), "demo", is_open=True, takes=Takes())
        while panel.rows()[panel.index].key != "takes":
            panel.handle(Command.NEXT)
        assert panel.rows()[panel.index].title == "Best takes: off · 0 kept"
        assert panel.handle(Command.SELECT) is None and not panel.confirming
    finally:
        Takes.count = 3


def angle_panel(tmp_path, **facing) -> SettingsPanel:
    """A settings panel on the camera's angle, config.toml saying ``facing`` (the store in tmp_path)."""
    store = CameraFacing(parse_config({"camera": facing}).camera, tmp_path / "camera.json")
    panel = SettingsPanel(parse_config({}), "demo", is_open=True, camera_facing=store)
    go_to(panel, "camera_angle")
    return panel


def go_to(panel: SettingsPanel, key: str) -> None:
    for _ in panel.rows():
        if panel.rows()[panel.index].key == key:
            return
        panel.handle(Command.NEXT)
    raise AssertionError(f"no row {key}: {[row.key for row in panel.rows()]}")


def angle_row(panel: SettingsPanel):
    return next(row for row in panel.rows() if row.key == "camera_angle")


@pytest.mark.parametrize(
    ("yaw", "pitch", "words"),
    [
        (0.0, 0.0, "straight on"),
        (0.4, -0.5, "straight on"),  # whole degrees
        (0.0, -17.2, "sees you 17° from above"),  # a level head reads tipped down: the camera is above
        (0.0, 12.0, "sees you 12° from below"),
        (8.0, 0.0, "sees you 8° from your right"),  # the head reads turned to your left: the camera is right
        (-1.0, 0.0, "sees you 1° from your left"),
        (5.6, -17.0, "sees you 6° from your right and 17° from above"),
        (-20.0, 9.0, "sees you 20° from your left and 9° from below"),
    ],
)
def test_the_camera_angle_row_says_where_the_camera_sees_you_from(tmp_path, yaw, pitch, words):
    panel = angle_panel(tmp_path, facing_yaw_deg=yaw, facing_pitch_deg=pitch)
    assert angle_row(panel).title == f"Camera angle: {words}"


def test_the_words_are_the_other_side_of_calibrations_turn():
    """Calibration says which way the head reads turned; the camera sits the opposite way."""
    assert "to your left" in turned_message(8.0, 0.0) and "tipped 17° down" in turned_message(0.0, -17.0)
    assert angle_words(8.0, -17.0) == "sees you 8° from your right and 17° from above"


def test_the_camera_angle_row_sits_after_the_camera_and_says_where_its_value_comes_from(tmp_path):
    panel = angle_panel(tmp_path)
    keys = [row.key for row in panel.rows()]
    assert keys[keys.index("source") + 1] == "camera_angle"
    assert angle_row(panel).detail == "calibration sets it when you face the mirror"
    assert angle_row(angle_panel(tmp_path, facing_pitch_deg=-10)).detail == "from config.toml"
    panel.camera_facing.choose(2.0, -17.0)  # held on the mirror
    assert angle_row(panel).title == "Camera angle: sees you 2° from your right and 17° from above"
    assert angle_row(panel).detail == "set on the mirror · SELECT: forget it"
    panel.camera_facing.wait()


def test_select_asks_to_forget_an_angle_set_on_the_mirror_and_only_then(tmp_path):
    panel = angle_panel(tmp_path, facing_pitch_deg=-10)
    index = panel.index
    assert panel.handle(Command.SELECT) is None  # config.toml's: nothing to forget
    assert panel.index == index and panel.is_open and not panel.camera_facing.is_chosen
    panel.camera_facing.choose(3.0, -17.0)
    assert panel.handle(Command.SELECT) == "forget_camera_angle" and panel.is_open
    assert panel.camera_facing.facing == (3.0, -17.0)  # the shell forgets it (a write on a thread), not the panel
    panel.camera_facing.forget()
    assert angle_row(panel).title == "Camera angle: sees you 10° from above"
    assert angle_row(panel).detail == "from config.toml"
    assert panel.handle(Command.SELECT) is None
    panel.camera_facing.wait()


def test_with_preferences_select_on_the_camera_angle_row_changes_no_choice(tmp_path):
    panel = panel_at(tmp_path, "difficulty")
    panel.camera_facing = CameraFacing(parse_config({}).camera, tmp_path / "camera.json")
    panel.camera_facing.choose(0.0, -17.0)
    go_to(panel, "camera_angle")
    assert panel.handle(Command.SELECT) == "forget_camera_angle"
    assert panel.preferences.difficulty == "normal"
    panel.camera_facing.wait()
