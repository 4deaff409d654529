"""The settings rows the four buttons change: difficulty and sound, kept across restarts."""

from appliance.config import parse_config
from appliance.messages import Command
from appliance.preferences import Preferences
from appliance.ui.settings_panel import SettingsPanel


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
