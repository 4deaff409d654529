from collections import Counter
from datetime import date, timedelta

import pytest

from appliance.coach.catalogue import load_catalogue
from appliance.coach.routines import drill_weight, free_plan, routine_plan, todays_plan
from appliance.coach.settings import CoachSettings

CATALOGUE = load_catalogue()
SETTINGS = CoachSettings()


def test_weights_favour_weak_drills_and_unpractised_ones_sit_in_the_middle():
    assert drill_weight([100, 100]) == 1.0
    assert drill_weight([0]) == 6.0
    assert drill_weight([]) == pytest.approx(3.5)
    assert drill_weight([0] * 10 + [100] * 5) == 1.0  # only the recent attempts count


def test_todays_plan_is_deterministic_for_a_day_and_history():
    scores = {"anger": [20, 30], "happiness": [95, 98]}
    day = date(2026, 11, 21)
    assert todays_plan(CATALOGUE, SETTINGS, scores, day) == todays_plan(CATALOGUE, SETTINGS, scores, day)
    plan = todays_plan(CATALOGUE, SETTINGS, scores, day)
    assert plan.items[0] == "break:deep_breathing" and plan.items[-1] == "break:visualization"
    drills = [item for item in plan.items if item.startswith("drill:")]
    assert len(drills) == SETTINGS.today_count == len(set(drills))
    assert all(CATALOGUE.drill(item[6:]).kind != "roleplay" for item in drills)


def test_weaker_expressions_come_up_more_often_over_many_days():
    scores = {d.id: [95.0] * 5 for d in CATALOGUE.drills}
    scores["fear"] = [10.0] * 5
    scores["surprise"] = [95.0] * 5
    counts = Counter()
    for offset in range(200):
        plan = todays_plan(CATALOGUE, SETTINGS, scores, date(2026, 1, 1) + timedelta(days=offset))
        counts.update(item[6:] for item in plan.items if item.startswith("drill:"))
    # 6 of 16 drills a day: an even draw would give each about 75 days of 200
    assert counts["fear"] >= 150
    assert counts["fear"] > 2 * counts["surprise"]


def test_the_morning_routine_can_be_replaced_in_settings():
    settings = CoachSettings(morning_routine=("drill:happiness", "break:long_exhale"))
    assert routine_plan(CATALOGUE, "morning", settings).items == ("drill:happiness", "break:long_exhale")
    assert routine_plan(CATALOGUE, "morning", SETTINGS).items == CATALOGUE.routine("morning").items


def test_free_plan_starts_at_the_chosen_drill_and_wraps():
    plan = free_plan(CATALOGUE, "anger")
    assert plan.items[0] == "drill:anger" and len(plan.items) == len(CATALOGUE.drills)
