import json
from datetime import datetime

import pytest

from appliance.cli import main
from appliance.coach.events import AttemptFinished, NeutralCalibrated, SessionEnded, SessionStarted
from appliance.history import HistoryStore, default_path
from appliance.vision.features import POPULATION_NEUTRAL


def fill(path, days=(0, 1)):
    today = datetime.now().replace(hour=12, minute=0, second=0, microsecond=0).timestamp()
    with HistoryStore(path) as store:
        for number, back in enumerate(days, 1):
            wall = today - back * 86400
            store.record(SessionStarted(number, "morning", "Morning routine", 0.0, wall))
            for score in (40, 60):
                store.record(AttemptFinished(number, "fear", "expression", ("fear",), "completed", score, score, 3.0,
                                             3.0, 1.0, 1.0, 4.0, "", 0.0, wall + score))  # fmt: skip
            store.record(SessionEnded(number, "done", 90.0, 2, 0.0, wall + 100))


def test_no_history_yet_is_a_friendly_message_and_creates_nothing(capsys):
    assert main(["history"]) == 0
    assert "No practice recorded yet" in capsys.readouterr().out
    assert main(["history", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["message"].startswith("No practice recorded yet")
    assert not default_path().exists()


def test_a_history_file_named_with_db_that_is_not_there_is_an_error_and_is_not_made(tmp_path, capsys):
    path = tmp_path / "none.sqlite3"
    assert main(["history", "--db", str(path)]) == 2
    assert f"there is no practice history at {path}" in capsys.readouterr().err
    assert not path.exists()


def test_the_json_has_the_same_keys_with_no_history_yet_as_with_one(tmp_path, capsys):
    path = tmp_path / "h.sqlite3"
    fill(path)
    main(["history", "--db", str(path), "--json"])
    practised = json.loads(capsys.readouterr().out)
    main(["history", "--json"])  # no history made yet
    nothing = json.loads(capsys.readouterr().out)
    assert set(nothing) == set(practised) and {"range_of_motion", "neutral_day"} <= set(nothing)
    assert (nothing["range_of_motion"], nothing["neutral_day"], nothing["sessions"]) == ([], "", 0)


def test_range_figures_measured_against_a_face_no_longer_usable_ask_to_calibrate_again(tmp_path, capsys):
    path = tmp_path / "h.sqlite3"
    fill(path)
    wall = datetime.now().replace(hour=12, minute=0, second=0, microsecond=0).timestamp()
    with HistoryStore(path) as store:
        store.record(NeutralCalibrated((("brow_r", 0.2),), 40, 0.0, 0.0, 0.0, wall))  # from an older version
        store.record(AttemptFinished(1, "eyebrows_up", "feature", ("brow_raise",), "completed", 90, 90, 3.0, 3.0, 1.0,
                                     1.0, 4.0, "", 0.0, wall + 5, 95, 0.6, (("brow_raise", 0.58),)))  # fmt: skip
        store.connection.execute("INSERT INTO feature_range (day, feature, best) VALUES ('garbage', 'smile', 'abc')")
    assert main(["history", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "not measured yet" not in out and "calibrate your resting face again" in out
    assert "brow raise" in out and "(1 record left out: not readable, or dated after today)" in out


def test_history_text_shows_streak_sessions_and_trends(tmp_path, capsys):
    path = tmp_path / "h.sqlite3"
    fill(path)
    assert main(["history", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Streak: 2 days (practised today); best 2")
    assert "Sessions: 2, attempts: 4, minutes today: 1.5" in out
    assert "Morning routine" in out and "2 attempts, average 50" in out
    assert "Fear" in out and "(4 attempts)" in out


def test_one_of_a_thing_is_counted_in_the_singular(tmp_path, capsys):
    path = tmp_path / "h.sqlite3"
    fill(path, days=(0,))
    assert main(["history", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 practice day in all" in out and "1 practice days" not in out


def test_history_json_from_the_default_path(capsys):
    fill(default_path(), days=(1, 2, 3))
    assert main(["history", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["streak_days"], data["practiced_today"], data["sessions"]) == (3, False, 3)
    fear = data["trends"][0]
    assert (fear["label"], fear["recent"], fear["previous"], fear["attempts"]) == ("fear", 52, 40, 6)
    assert data["message"] == "" and data["warning"] == ""


def test_a_damaged_history_is_reported_and_left_alone(tmp_path, capsys):
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"nonsense" * 100)
    assert main(["history", "--db", str(path)]) != 0
    captured = capsys.readouterr()
    assert "is damaged" in captured.err and "nothing was changed" in captured.err
    assert path.read_bytes() == b"nonsense" * 100 and sorted(p.name for p in tmp_path.iterdir()) == ["h.sqlite3"]


def test_reading_an_older_history_changes_nothing_on_disk(tmp_path, capsys):
    import sqlite3

    from appliance.history.schema import LATEST, migrate

    path = tmp_path / "h.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, upto=2)
    connection.execute(
        "INSERT INTO sessions (started_at, ended_at, plan, day) VALUES (1.7e9, 1.7e9 + 60, 'morning', '2023-11-14')"
    )
    connection.execute(
        "INSERT INTO attempts (session_id, drill_id, score, held_s, started_at, ended_at, day)"
        " VALUES (1, 'fear', 42, 2, 1.7e9, 1.7e9 + 5, '2023-11-14')"
    )
    connection.close()
    before = path.read_bytes()
    assert LATEST > 2
    assert main(["history", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Sessions: 1, attempts: 1" in out and "Fear" in out
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["h.sqlite3"]


def test_history_shows_range_of_motion_in_text_and_json(tmp_path, capsys):
    path = tmp_path / "h.sqlite3"
    fill(path)
    main(["history", "--db", str(path)])
    assert "calibrate your resting face" in capsys.readouterr().out  # not measured before calibration
    wall = datetime.now().replace(hour=12, minute=0, second=0, microsecond=0).timestamp()
    with HistoryStore(path) as store:
        store.record(NeutralCalibrated(tuple(POPULATION_NEUTRAL.items()), 40, 0.0, 0.0, 0.0, wall))
        store.record(AttemptFinished(1, "eyebrows_up", "feature", ("brow_raise",), "completed", 90, 90, 3.0, 3.0, 1.0,
                                     1.0, 4.0, "", 0.0, wall + 5, 95, 0.6, (("brow_raise", 0.58),)))  # fmt: skip
    assert main(["history", "--db", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    (brows,) = data["range_of_motion"]
    assert (brows["feature"], brows["recent_best"], brows["weeks"][-1]) == ("brow_raise", 0.58, 0.58)
    assert data["neutral_day"] == datetime.now().date().isoformat()
    main(["history", "--db", str(path)])
    assert "brow raise" in capsys.readouterr().out


def test_history_of_a_named_profile_and_of_the_last_one_used(capsys):
    from appliance.profiles import ProfileRegistry

    registry = ProfileRegistry()
    ben = registry.add("Ben")
    fill(registry.history_path(ben), days=(0, 1, 2))
    fill(registry.history_path("p1"), days=(5,))
    assert main(["history", "--profile", "ben"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Ben's practice\nStreak: 3 days")
    assert main(["history", "--profile", "Person 1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["profile"], data["sessions"], data["streak_days"]) == ("Person 1", 1, 0)
    registry.choose(ben.id)
    assert main(["history", "--json"]) == 0  # no --profile: the one who practised last
    assert json.loads(capsys.readouterr().out)["profile"] == "Ben"


def test_history_of_an_unknown_profile_names_the_people_and_of_the_guest_says_nothing_is_kept(capsys):
    from appliance.profiles import ProfileRegistry

    ProfileRegistry().add("Ben")
    assert main(["history", "--profile", "Anna"]) == 2
    err = capsys.readouterr().err
    assert "no profile named 'Anna'" in err and "Person 1, Ben, Guest" in err and "Traceback" not in err
    assert main(["history", "--profile", "guest"]) == 0
    assert "not kept" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_:  # one or the other: argparse says so
        main(["history", "--profile", "Ben", "--db", "x.sqlite3"])
    assert exit_.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_history_before_the_first_start_with_profiles_reads_the_old_history_and_moves_nothing(capsys):
    fill(default_path(), days=(0,))
    assert main(["history"]) == 0
    assert "Streak: 1 day" in capsys.readouterr().out
    assert default_path().exists() and not (default_path().parent / "profiles.json").exists()


def test_history_with_a_damaged_list_of_people_says_so_and_shows_the_practice_it_finds(capsys):
    from appliance.profiles import ProfileRegistry

    registry = ProfileRegistry()
    fill(registry.history_path("p1"), days=(0, 1))
    registry.add("Ben")
    registry.index_path.write_text('{"people":[{"id":"p1","name":"Anna"},{"id":"p')  # cut short
    assert main(["history"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("Anna's practice\nStreak: 2 days")  # not "No practice recorded yet"
    assert f"warning: the list of people {registry.index_path} is damaged" in captured.err
    assert "Anna (p1), Person 2 (p2)" in captured.err and "--profile" in captured.err
    assert main(["history", "--profile", "p2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["profile"] == "Person 2" and "is damaged" in data["warning"]
    assert registry.index_path.read_text().endswith('{"id":"p')  # only looked: nothing moved or written


def test_history_reports_how_many_examples_each_expression_has(tmp_path, capsys):
    from appliance.coach.events import ExampleKept
    from appliance.vision.examples import reading_identity
    from appliance.vision.reading import head

    path = tmp_path / "h.sqlite3"
    fill(path)
    identity = reading_identity(head())
    with HistoryStore(path) as store:
        for label, reading in (("fear", identity), ("fear", identity), ("anger", identity), ("anger", "g1-old")):
            store.record(ExampleKept(label, (2.0,) * 39, reading, label, 70, False, 0.0, 1_750_000_000.0))
    assert main(["history", "--db", str(path), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["examples"] == {"anger": 1, "fear": 2} and record["examples_of_another_reading"] == 1
    assert main(["history", "--db", str(path)]) == 0
    said = capsys.readouterr().out
    assert "kept as examples from practice: anger 1, fear 2 (1 example from an older reading" in said
