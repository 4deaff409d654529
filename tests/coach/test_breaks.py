import pytest

from appliance.coach.breaks import position
from appliance.coach.catalogue import load_catalogue

CATALOGUE = load_catalogue()


def test_box_breathing_is_four_sides_of_four_seconds():
    script = CATALOGUE.break_script("box_breathing")
    assert [phase.seconds for phase in script.phases] == [4, 4, 4, 4]
    assert [phase.breath for phase in script.phases] == ["inhale", "hold", "exhale", "hold"]
    assert script.duration_s == 16 * script.cycles


@pytest.mark.parametrize(
    ("elapsed", "phase", "level", "cycle"),
    [(0, "Breathe in", 0.0, 1), (2, "Breathe in", 0.5, 1), (5, "Hold", 1.0, 1), (10, "Breathe out", 0.5, 1),
     (13, "Rest", 0.0, 1), (18, "Breathe in", 0.5, 2)],
)  # fmt: skip
def test_breath_level_follows_the_box(elapsed, phase, level, cycle):
    at = position(CATALOGUE.break_script("box_breathing"), elapsed)
    assert (at.phase.name, at.cycle) == (phase, cycle)
    assert at.breath_level == pytest.approx(level)


def test_478_timing():
    script = CATALOGUE.break_script("breathing_478")
    assert [phase.seconds for phase in script.phases] == [4, 7, 8]
    at = position(script, 4 + 7 + 2)
    assert at.phase.breath == "exhale"
    assert at.phase_progress == pytest.approx(0.25)
    assert at.breath_level == pytest.approx(0.75)
    assert at.progress == pytest.approx(13 / script.duration_s)


def test_long_exhale_breathes_out_twice_as_long():
    phases = CATALOGUE.break_script("long_exhale").phases
    assert phases[1].seconds == 2 * phases[0].seconds


def test_face_relaxation_goes_forehead_eyes_jaw_lips_and_breathes_out_through_the_lips():
    script = CATALOGUE.break_script("face_relaxation")
    names = list(dict.fromkeys(phase.name for phase in script.phases))
    assert names == ["Forehead", "Eyes", "Jaw", "Lips"]
    assert "breathe out through your lips" in script.phases[-1].words.lower()
    assert [phase.check for phase in script.phases[:2]] == [False, True]  # tensing is not judged
    assert position(script, 1).breath_level is None


def test_the_end_is_done_and_clamped():
    script = CATALOGUE.break_script("visualization")
    at = position(script, script.duration_s + 30)
    assert at.done and at.progress == 1.0 and at.seconds_left == 0.0
    assert not position(script, script.duration_s - 0.1).done
