"""The shell's sound: tones written to the cache, the speech engine found or not, settings-screen choices applied."""

from appliance.config import parse_config
from appliance.preferences import Preferences
from appliance.sound.player import KivySink
from appliance.ui.sound_link import open_sound


def test_choices_reach_the_schedule_and_turning_the_voice_off_cuts_words_short(tmp_path, monkeypatch):
    stopped = []

    class Speaker:
        executable = "/usr/bin/espeak-ng"

        def say(self, words, volume):
            pass

        def stop(self):
            stopped.append(True)

    monkeypatch.setattr("appliance.ui.sound_link.EspeakSpeaker.find", lambda: Speaker())
    prefs = Preferences(parse_config({"sound": {"volume": 30}}), tmp_path / "preferences.json")
    sound = open_sound(prefs)
    assert isinstance(sound.sink, KivySink) and prefs.voice_engine == "/usr/bin/espeak-ng"
    assert sound.cues.settings.volume == 30
    prefs.choose("sound.volume", 75)
    assert sound.cues.settings.volume == 75 and not stopped
    prefs.choose("sound.voice", False)
    assert sound.cues.settings.voice is False and stopped
    prefs.wait()


def test_without_espeak_the_settings_screen_is_told_there_is_no_voice(tmp_path, monkeypatch):
    monkeypatch.setattr("appliance.ui.sound_link.EspeakSpeaker.find", lambda: None)
    prefs = Preferences(parse_config({}), tmp_path / "preferences.json")
    sound = open_sound(prefs)
    assert sound.speaker is None and prefs.voice_engine == ""
    sound.close()
