"""EspeakSpeaker against a runner that behaves like subprocess.Popen (returns at once, poll/terminate)."""

import subprocess

from appliance.sound.speech import EspeakSpeaker


class FakeProcess:
    def __init__(self, args, **options) -> None:
        self.args, self.options, self.running, self.terminated = args, options, True, False

    def poll(self):
        return None if self.running else 0

    def terminate(self) -> None:
        self.terminated, self.running = True, False


class FakeRunner:
    def __init__(self) -> None:
        self.started: list[FakeProcess] = []

    def __call__(self, args, **options):
        self.started.append(FakeProcess(args, **options))
        return self.started[-1]


def test_say_starts_espeak_without_waiting_and_newer_words_cut_older_ones_short():
    runner = FakeRunner()
    speaker = EspeakSpeaker("/usr/bin/espeak-ng", runner=runner)
    speaker.say("Breathe in slowly", volume=0.5)
    first = runner.started[0]
    assert first.args == ["/usr/bin/espeak-ng", "-a", "100", "-s", "140", "--", "Breathe in slowly"]
    assert first.options["stdin"] is subprocess.DEVNULL and first.options["stdout"] is subprocess.DEVNULL
    speaker.say("-- Hold", volume=1.0)  # words are never read as options
    assert first.terminated and runner.started[1].args[-2:] == ["--", "-- Hold"]
    assert runner.started[1].args[2] == "200"
    runner.started[1].running = False  # finished by itself: nothing to cut
    speaker.say("Breathe out", volume=0.0)
    assert not runner.started[1].terminated and runner.started[2].args[2] == "0"
    speaker.say("   ", volume=1.0)
    assert len(runner.started) == 3


def test_a_command_that_cannot_start_turns_speech_off_quietly():
    def runner(args, **options):
        raise PermissionError(13, "Permission denied")

    speaker = EspeakSpeaker("/usr/bin/espeak-ng", runner=runner)
    speaker.say("Breathe in", volume=0.5)
    speaker.say("Hold", volume=0.5)
    assert "Permission denied" in speaker.broken


def test_find_uses_the_installed_command_only(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    assert EspeakSpeaker.find() is None
    monkeypatch.setattr("shutil.which", lambda name: f"/usr/bin/{name}")
    assert EspeakSpeaker.find().executable == "/usr/bin/espeak-ng"
