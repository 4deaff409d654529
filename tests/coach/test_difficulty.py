"""Easy / normal / hard change the match that counts as met and the hold asked for."""

import pytest
from coach_fakes import choose_drill, face, make_driver

from appliance.coach.difficulty import LEVELS, hold_for, next_level, threshold_for
from appliance.coach.settings import CoachSettings
from appliance.coach.view import Screen
from appliance.errors import ConfigError
from appliance.messages import Command

# A happiness target's match is 100 * p(happiness) / 0.8 (full_match_at).
HALF_SMILE = face(happiness=0.4, neutral=0.5)  # match 50
STRONG_SMILE = face(happiness=0.68, neutral=0.3)  # match 85


def test_normal_keeps_the_coach_thresholds_and_the_others_follow_the_games_ratios():
    assert [threshold_for(60, level) for level in LEVELS] == [43, 60, 81]
    assert [threshold_for(65, level) for level in LEVELS] == [46, 65, 88]  # the genuine smile's own threshold
    assert threshold_for(90, "hard") == 95  # never above 95: "met" must stay reachable
    assert [hold_for(3.0, level) for level in LEVELS] == [2.0, 3.0, 5.0]
    assert [hold_for(4.0, level) for level in LEVELS] == [2.5, 4.0, 6.5]
    assert hold_for(1.0, "easy") == 1.0
    assert [next_level(level) for level in LEVELS] == ["normal", "hard", "easy"]


def test_a_bad_difficulty_is_a_config_error_naming_the_levels():
    with pytest.raises(ConfigError, match="difficulty") as error:
        CoachSettings.from_mapping({"difficulty": "impossible"})
    assert '"easy"' in error.value.hint
    assert CoachSettings.from_mapping({"difficulty": "hard"}).difficulty == "hard"


def perform(level: str, observation, seconds: float, drill: str = "happiness"):
    driver = make_driver(difficulty=level)
    choose_drill(driver, drill)
    driver.show(2.0, observation)  # countdown
    return driver, driver.show(seconds, observation)


def test_a_half_smile_is_met_on_easy_but_not_on_normal():
    _, view = perform("easy", HALF_SMILE, 1.0)
    assert view.live.threshold == 43 and view.live.is_met and view.live.hold_required_s == 2.0
    _, view = perform("easy", HALF_SMILE, 2.1)
    assert view.screen is Screen.RESULT and view.result.outcome == "completed"
    _, view = perform("normal", HALF_SMILE, 1.0)
    assert view.live.threshold == 60 and not view.live.is_met


def test_hard_asks_for_a_closer_match_held_longer():
    _, view = perform("hard", STRONG_SMILE, 3.5)
    assert view.screen is Screen.DRILL and view.live.threshold == 81 and view.live.hold_required_s == 5.0
    assert view.live.is_met and view.live.held_s == pytest.approx(3.5, abs=0.11)
    _, view = perform("hard", STRONG_SMILE, 5.1)
    assert view.result.outcome == "completed" and view.result.hold_required_s == 5.0


def test_a_change_applies_from_the_next_attempt_on():
    driver, view = perform("normal", HALF_SMILE, 1.0)
    driver.coach.set_difficulty("easy")
    assert driver.coach.view.live.threshold == 60  # the attempt under way keeps its own
    driver.press(Command.PREVIOUS)  # restart this drill
    driver.show(2.0, HALF_SMILE)
    view = driver.show(0.5, HALF_SMILE)
    assert view.drill.drill_id == "happiness" and view.live.threshold == 43 and view.live.is_met
    with pytest.raises(ConfigError):
        driver.coach.set_difficulty("medium")


@pytest.mark.parametrize("level", LEVELS)
def test_a_face_at_rest_never_meets_kindly_confident_but_a_slight_smile_does(level):
    # Half smile, half rest: a resting face fills the rest half alone (a match of about 50).
    resting, slight = face(neutral=0.97, happiness=0.01), face(neutral=0.7, happiness=0.3)
    _, view = perform(level, resting, 1.0, drill="kindly_confident")
    assert view.live.threshold == {"easy": 54, "normal": 75, "hard": 95}[level]
    assert view.live.match == pytest.approx(51, abs=1) and not view.live.is_met
    if level != "hard":  # hard asks for the smile read at 0.36 or more
        _, view = perform(level, slight, 1.0, drill="kindly_confident")
        assert view.live.is_met
