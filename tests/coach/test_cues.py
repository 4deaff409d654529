"""The sound schedule: a real coach on a fake clock, its views fed to SoundCues with a fake sink and speaker."""

from datetime import time

import pytest
from coach_fakes import choose_drill, face, make_driver

from appliance.coach.cues import Cue, SoundCues, SoundSettings
from appliance.errors import ConfigError
from appliance.messages import Command

SMILE = face(happiness=0.8, neutral=0.1)
BLANK = face(neutral=0.9)
CALM = face(neutral=0.9)


class FakeSink:
    def __init__(self, driver) -> None:
        self.driver, self.played = driver, []

    def play(self, cue, volume) -> None:
        self.played.append((round(self.driver.t - self.start, 1), cue, volume))


class FakeSpeaker:
    def __init__(self) -> None:
        self.said = []

    def say(self, words, volume) -> None:
        self.said.append((words, volume))


class Clock:
    """The local time of day the schedule asks for (quiet hours)."""

    def __init__(self, at: time = time(8, 30)) -> None:
        self.at = at

    def __call__(self) -> time:
        return self.at


def wire(settings=None, at=time(8, 30), **coach_settings):
    driver = make_driver(**coach_settings)
    sink, speaker, clock = FakeSink(driver), FakeSpeaker(), Clock(at)
    cues = SoundCues(settings or SoundSettings(), sink, speaker, local_time=clock)
    sink.start = driver.t
    return driver, cues, sink, speaker, clock


def run(driver, cues, seconds, observation=CALM, step=0.1):
    """Advance the coach and give the schedule every view, as the shell's listeners get them."""
    for _ in range(round(seconds / step)):
        driver.t = round(driver.t + step, 6)
        cues.update(driver.coach.observe(observation, driver.t))


def test_box_breathing_gives_in_hold_out_rest_tones_at_each_phase_start_once():
    driver, cues, sink, speaker, _ = wire()
    cues.update(driver.press(Command.BREAK))  # the quick break: box breathing 4-4-4-4, 4 cycles
    run(driver, cues, 33.0)
    assert [(at, cue) for at, cue, _ in sink.played] == [
        (0.0, Cue.INHALE), (4.0, Cue.HOLD), (8.0, Cue.EXHALE), (12.0, Cue.HOLD),
        (16.0, Cue.INHALE), (20.0, Cue.HOLD), (24.0, Cue.EXHALE), (28.0, Cue.HOLD), (32.0, Cue.INHALE),
    ]  # fmt: skip
    assert {volume for _, _, volume in sink.played} == {0.25}  # volume 50 on the squared curve
    # The whole instruction the first time round, then just the phase's name.
    assert speaker.said[0] == ("Breathe in slowly through your nose.", 0.5)
    assert [words for words, _ in speaker.said[4:6]] == ["Breathe in", "Hold"]


def test_the_end_of_a_break_chimes_and_says_to_open_the_eyes_but_a_skipped_break_does_not():
    driver, cues, sink, speaker, _ = wire()
    cues.update(driver.press(Command.BREAK))
    run(driver, cues, 64.5)  # 4 cycles of 16 s, then home
    assert sink.played[-1][:2] == (64.0, Cue.BREAK_DONE)
    assert speaker.said[-1][0] == "The break is over. Open your eyes."
    driver, cues, sink, _, _ = wire()
    cues.update(driver.press(Command.BREAK))
    run(driver, cues, 5.0)
    cues.update(driver.press(Command.NEXT))  # ended by hand: they are looking
    run(driver, cues, 2.0)
    assert [cue for _, cue, _ in sink.played] == [Cue.INHALE, Cue.HOLD]


def test_a_pause_and_resume_do_not_repeat_the_phase_restart_does():
    driver, cues, sink, _, _ = wire()
    cues.update(driver.press(Command.BREAK))
    run(driver, cues, 1.0)
    cues.update(driver.press(Command.PAUSE))
    run(driver, cues, 10.0)
    cues.update(driver.press(Command.PAUSE))
    run(driver, cues, 1.0)
    assert [cue for _, cue, _ in sink.played] == [Cue.INHALE]
    run(driver, cues, 3.0)
    assert [cue for _, cue, _ in sink.played] == [Cue.INHALE, Cue.HOLD]


def test_face_relaxation_ticks_for_its_steps_and_breathes_out_on_each_release():
    driver, cues, sink, speaker, _ = wire(quick_break="face_relaxation")
    cues.update(driver.press(Command.BREAK))
    run(driver, cues, 41.0)
    assert [cue for _, cue, _ in sink.played] == [Cue.PHASE, Cue.EXHALE] * 4 + [Cue.BREAK_DONE]
    assert speaker.said[0][0] == "Raise your brows and feel the forehead tighten."


def start_happiness(driver, cues):
    cues.update(choose_drill(driver, "happiness"))


def test_a_held_target_chimes_once_a_missed_drill_closes_softly_and_drills_are_never_spoken():
    driver, cues, sink, speaker, _ = wire()
    start_happiness(driver, cues)
    run(driver, cues, 2.0, BLANK)  # countdown
    run(driver, cues, 3.5, SMILE)  # held 3 s: result
    run(driver, cues, 2.0, SMILE)
    assert [(at, cue) for at, cue, _ in sink.played] == [(5.1, Cue.HOLD_DONE)]
    cues.update(driver.press(Command.PREVIOUS))  # try again, and miss it
    run(driver, cues, 2.0, BLANK)
    run(driver, cues, 20.5, BLANK)
    assert [cue for _, cue, _ in sink.played] == [Cue.HOLD_DONE, Cue.DRILL_DONE]
    assert speaker.said == []


def test_a_roleplay_chimes_as_each_step_is_done():
    driver, cues, sink, _, _ = wire()
    roleplay = next(d for d in driver.coach.catalogue.drills if d.kind == "roleplay")
    cues.update(choose_drill(driver, roleplay.id))
    run(driver, cues, 2.0 + sum(step.seconds for step in roleplay.steps) + 0.5, SMILE)
    assert [cue for _, cue, _ in sink.played] == [Cue.HOLD_DONE] * len(roleplay.steps)


@pytest.mark.parametrize(
    ("settings", "at"),
    [
        (SoundSettings(), time(22, 15)),  # default quiet hours 21:00-07:00, across midnight
        (SoundSettings(), time(6, 59)),
        (SoundSettings(quiet_from="13:00", quiet_until="14:00"), time(13, 30)),
        (SoundSettings(volume=0), time(12, 0)),
        (SoundSettings(enabled=False), time(12, 0)),
    ],
)
def test_quiet_hours_volume_0_and_off_silence_everything(settings, at):
    driver, cues, sink, speaker, _ = wire(settings, at)
    cues.update(driver.press(Command.BREAK))
    run(driver, cues, 65.0)
    assert sink.played == [] and speaker.said == []


def test_after_quiet_hours_the_next_moment_sounds_not_the_ones_that_passed():
    driver, cues, sink, _, clock = wire(at=time(6, 59, 58))
    cues.update(driver.press(Command.BREAK))
    run(driver, cues, 2.0)
    clock.at = time(7, 0)
    run(driver, cues, 3.0)
    assert [(at, cue) for at, cue, _ in sink.played] == [(4.0, Cue.HOLD)]


def test_voice_off_keeps_the_tones_without_words():
    driver, cues, sink, speaker, _ = wire(SoundSettings(voice=False, volume=100))
    cues.update(driver.press(Command.BREAK))
    run(driver, cues, 5.0)
    assert [(cue, volume) for _, cue, volume in sink.played] == [(Cue.INHALE, 1.0), (Cue.HOLD, 1.0)]
    assert speaker.said == []


def test_no_quiet_hours_and_bad_sound_settings():
    assert not SoundSettings(quiet_from="", quiet_until="").is_quiet_at(time(3, 0))
    assert SoundSettings.from_mapping({"volume": 30}).volume == 30
    for bad, name in [({"volume": 101}, "volume"), ({"volume": True}, "volume"), ({"enabled": "yes"}, "enabled"),
                      ({"quiet_from": "9pm"}, "quiet_from"), ({"quiet_until": "25:00"}, "quiet_until"),
                      ({"quiet_from": ""}, "quiet_from"), ({"quiet_until": "21:00"}, "quiet_until"),
                      ({"loud": 1}, "loud")]:  # fmt: skip
        with pytest.raises(ConfigError, match=name) as error:
            SoundSettings.from_mapping(bad)
        assert error.value.hint
