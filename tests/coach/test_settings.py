import math

import pytest

from appliance.coach.coach import Coach
from appliance.coach.settings import CoachSettings
from appliance.errors import ConfigError


def test_defaults_are_the_articles_limits():
    settings = CoachSettings()
    assert settings.session_cap_min == 25.0
    assert settings.session_cap_s == 1500.0


@pytest.mark.parametrize(
    "bad",
    [dict(hold_s=0), dict(match_threshold=101), dict(full_match_at=1.5), dict(break_after_drills=0),
     dict(prepare_s=math.nan), dict(cap_warning_min=30), dict(strong_level=0), dict(result_s=-1),
     dict(morning_routine=("happiness",)), dict(forced_break="")],
)  # fmt: skip
def test_bad_values_are_config_errors_that_name_the_setting(bad):
    with pytest.raises(ConfigError) as error:
        CoachSettings(**bad)
    assert next(iter(bad)) in str(error.value)
    assert error.value.hint


def test_from_mapping_converts_and_rejects_unknown_keys():
    settings = CoachSettings.from_mapping({"session_cap_min": 20, "morning_routine": ["drill:happiness"]})
    assert settings.session_cap_min == 20.0 and settings.morning_routine == ("drill:happiness",)
    with pytest.raises(ConfigError, match="unknown coach settings: cap"):
        CoachSettings.from_mapping({"cap": 3})
    with pytest.raises(ConfigError, match="hold_s"):
        CoachSettings.from_mapping({"hold_s": "long"})


def test_unknown_break_or_routine_item_fails_when_the_coach_is_built():
    with pytest.raises(ConfigError, match="forced_break='nap' is not usable") as error:
        Coach(CoachSettings(forced_break="nap"))
    assert "no break called 'nap'" in error.value.hint
    with pytest.raises(ConfigError, match="morning_routine='drill:yawn' is not usable") as error:
        Coach(CoachSettings(morning_routine=("drill:yawn",)))
    assert "no drill called 'yawn'" in error.value.hint
