import re

import pytest

from appliance.coach.catalogue import build_catalogue, load_catalogue
from appliance.errors import ConfigError
from appliance.vision.classifier import EXPRESSIONS

CATALOGUE = load_catalogue()


def test_the_seven_universal_expressions_and_neutral_each_target_their_label():
    expressions = {d.id: d for d in CATALOGUE.drills if d.kind == "expression"}
    assert set(expressions) == set(EXPRESSIONS)
    for label, drill in expressions.items():
        assert drill.target.labels == (label,)
    assert "brows up" in expressions["surprise"].cue.lower() and "jaw drop" in expressions["surprise"].cue.lower()


def test_headshot_looks_and_features_and_roleplays_are_there():
    ids = {d.id for d in CATALOGUE.drills}
    assert {"genuine_smile", "serious_look", "contemplative_look", "kindly_confident"} <= ids
    assert {"eyebrows_up", "lips_pursed", "eyes_wide", "cheeky_smile"} <= ids
    assert {"job_interview", "difficult_conversation", "movie_scene"} <= ids
    assert "eyes crease" in CATALOGUE.drill("genuine_smile").cue
    assert CATALOGUE.drill("kindly_confident").target.labels == ("neutral", "happiness")


def test_roleplays_are_timed_sequences_of_cues():
    interview = CATALOGUE.drill("job_interview")
    assert interview.target is None and len(interview.steps) >= 3
    assert interview.steps[0].cue.startswith("Greet") and interview.steps[0].seconds == 3
    assert all(step.target.labels for step in interview.steps)
    concern = CATALOGUE.drill("difficult_conversation").steps[1]
    assert "concern" in concern.cue and concern.target.labels[0] == "sadness"


def test_morning_routine_warms_up_practises_and_cools_down():
    items = CATALOGUE.routine("morning").items
    assert items[0].startswith("break:") and items[-1].startswith("break:")
    drills = [CATALOGUE.drill(item[6:]) for item in items if item.startswith("drill:")]
    assert {"expression", "headshot"} <= {d.kind for d in drills}


def test_a_malformed_catalogue_is_a_config_error():
    with pytest.raises(ConfigError):
        build_catalogue({"drills": [{"id": "x", "kind": "dance", "title": "X", "cue": "", "target": {}}]},
                        {"breaks": []}, {"tips": []})  # fmt: skip
    with pytest.raises(ConfigError, match="no break called"):
        build_catalogue({"drills": [], "routines": [{"id": "r", "title": "R", "items": ["break:nap"]}]},
                        {"breaks": []}, {"tips": []})  # fmt: skip


def test_breaks_without_time_are_config_errors():
    phase = {"name": "In", "seconds": 4, "words": ""}
    bad = {"id": "b", "kind": "breathing", "title": "B", "cycles": 0, "phases": [phase]}
    with pytest.raises(ConfigError, match="cycles"):
        build_catalogue({"drills": []}, {"breaks": [bad]}, {"tips": []})
    step = {"cue": "Smile", "seconds": 0, "target": {"weights": {"happiness": 1}}}
    play = {"id": "p", "kind": "roleplay", "title": "P", "cue": "", "steps": [step]}
    with pytest.raises(ConfigError, match="without time"):
        build_catalogue({"drills": [play]}, {"breaks": []}, {"tips": []})


def test_every_break_and_drill_has_words_to_show():
    assert all(drill.cue and drill.title for drill in CATALOGUE.drills)
    assert all(phase.words for script in CATALOGUE.breaks for phase in script.phases)


# What the mirror shows is read at a metre by a person practising: no numbers, no names from the code.
DEVELOPER_WORDS = ("mixture", "model", "match", "threshold", "read on the features", "yaw", "pitch", "roll")


def plain(words: str) -> bool:
    jargon = re.compile(r"\b(" + "|".join(DEVELOPER_WORDS) + r")\b", re.IGNORECASE)
    return not re.search(r"[0-9_%+°]", words) and not jargon.search(words)


def test_the_words_a_drill_shows_on_the_mirror_are_plain():
    for drill in CATALOGUE.drills:
        assert plain(drill.cue) and plain(drill.why) and plain(drill.aim), drill.id


def test_every_feature_drill_and_look_says_its_target_in_a_few_plain_words():
    for drill in CATALOGUE.drills:
        if drill.kind in ("feature", "headshot"):
            assert drill.aim and len(drill.aim) <= 50, drill.id
