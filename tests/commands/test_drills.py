import json

from appliance.cli import main
from appliance.vision.classifier import EXPRESSIONS


def test_drills_json_lists_the_whole_catalogue(capsys):
    assert main(["drills", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    drills = {d["id"]: d for d in data["drills"]}
    assert set(EXPRESSIONS) <= set(drills)
    assert drills["surprise"]["target"] == {"type": "expression", "label": "surprise"}
    assert drills["genuine_smile"]["hold_s"] == 4.0 and drills["happiness"]["hold_s"] == 3.0
    assert drills["kindly_confident"]["target"]["weights"] == {"neutral": 0.5, "happiness": 0.5}
    steps = drills["job_interview"]["steps"]
    assert steps[0] == {"cue": "Greet the interviewer with a warm smile", "seconds": 3.0,
                        "target": {"type": "mixture", "weights": {"happiness": 1.0}}}  # fmt: skip
    breaks = {b["id"]: b for b in data["breaks"]}
    assert [p["seconds"] for p in breaks["breathing_478"]["phases"]] == [4.0, 7.0, 8.0]
    assert data["routines"][0]["id"] == "morning"


def test_drills_text_is_grouped_for_people(capsys):
    assert main(["drills"]) == 0
    out = capsys.readouterr().out
    for heading in ("Expressions", "Headshot looks", "Single features", "Role-plays", "Relaxation breaks", "Routines"):
        assert f"\n{heading}\n" in f"\n{out}"
    assert "target: neutral 50% + happiness 50%" in out
    assert "1. Greet the interviewer with a warm smile (3 s): happiness" in out
    assert not out.lstrip().startswith("{")
