"""History V3: personal neutral faces, range of motion per day and week, attempts' isolation."""

import json
import sqlite3
from datetime import date, datetime

import pytest

from appliance.coach.events import AttemptFinished, NeutralCalibrated, SessionStarted
from appliance.history import HistoryStore, summarize
from appliance.history.schema import LATEST, migrate, version
from appliance.history.summary import range_of_motion
from appliance.vision.features import GEOMETRY_VERSION, POPULATION_NEUTRAL

NOON = datetime(2026, 11, 21, 12, 0).timestamp()
DAY = 86400.0


def feature_attempt(wall, best=(), isolation=90, amplitude=0.55):
    return AttemptFinished(1, "eyebrows_up", "feature", ("brow_raise",), "completed", 80, 85, 3.0, 3.0, 1.0, 1.0,
                           4.0, "", 10.0, wall, isolation, amplitude, tuple(best))  # fmt: skip


def neutral(wall, gap=0.4):
    return NeutralCalibrated(resting_face(gap), 48, 1.5, -2.0, 5.0, wall)


def resting_face(gap=0.4):
    """A geometry vision can use (every measurement), as a NeutralCalibrated event carries it."""
    return tuple(sorted({**POPULATION_NEUTRAL, "brow_gap": gap}.items()))


def test_a_v2_database_migrates_to_v3_and_keeps_its_attempts(tmp_path):
    path = tmp_path / "v2.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, upto=2)
    connection.execute("INSERT INTO sessions (started_at, plan) VALUES (?, 'morning')", (NOON,))
    columns = "session_id, drill_id, score, held_s, started_at, ended_at"
    connection.execute(f"INSERT INTO attempts ({columns}) VALUES (1, 'fear', 70, 3, ?, ?)", (NOON, NOON + 4))
    connection.close()
    with HistoryStore(path) as store:
        assert version(store.connection) >= 3
        (row,) = store.rows("attempts")
        assert (row["drill_id"], row["score"], row["isolation"], row["amplitude"]) == ("fear", 70, None, None)
        assert store.rows("neutral_faces") == [] and store.rows("feature_range") == []
        assert store.latest_neutral() is None


def test_every_calibration_is_kept_and_the_latest_is_used(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record(neutral(NOON - DAY, gap=0.38))
        store.record(neutral(NOON, gap=0.41))
        assert len(store.rows("neutral_faces")) == 2
        latest = store.latest_neutral()
        assert latest.geometry == dict(resting_face(0.41))
        assert (latest.day, latest.frames) == ("2026-11-21", 48)
        # a row that does not read is passed over for the one before it
        store.connection.execute("UPDATE neutral_faces SET geometry = 'not json' WHERE id = 2")
        assert store.latest_neutral().geometry["brow_gap"] == 0.38


def test_the_resting_faces_appearance_is_stored_and_read_back(tmp_path):
    resting = (("happiness", 0.05), ("neutral", 0.8), ("sadness", 0.15))
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record(neutral(NOON - DAY))  # calibrated without the model's reading
        assert store.latest_neutral().appearance is None and store.rows("neutral_faces")[0]["appearance"] is None
        store.record(NeutralCalibrated(neutral(NOON).geometry, 48, 0.0, 0.0, 5.0, NOON, resting))
        assert store.latest_neutral().appearance == dict(resting)
        # an appearance that does not read is dropped; the geometry still serves
        store.connection.execute("UPDATE neutral_faces SET appearance = '[1, 2]' WHERE id = 2")
        latest = store.latest_neutral()
        assert latest.appearance is None and latest.geometry == dict(resting_face(0.4))


def test_a_stored_face_vision_cannot_use_is_no_calibration_and_stays_stored(tmp_path):
    older_version = NeutralCalibrated((("brow_r", 0.2),), 48, 0.0, 0.0, 5.0, NOON)  # lacks measurements read now
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record(neutral(NOON - DAY, gap=0.38))
        store.record(older_version)
        assert store.latest_neutral().geometry["brow_gap"] == 0.38  # passed over for the usable one before
        store.connection.execute("DELETE FROM neutral_faces WHERE day = '2026-11-20'")
        assert store.latest_neutral() is None  # none usable: not calibrated...
        assert store.neutral_faces_stored() == 1  # ...and the row is kept
        assert summarize(store, date(2026, 11, 21)).neutral_day == ""


def test_a_resting_face_measured_from_another_reading_of_the_face_is_kept_but_not_used(tmp_path):
    # A v4 history (before GEOMETRY_VERSION 2): its resting face was read from the mesh's input as
    # the camera gave it, and today's reading of the same face would differ from it a little.
    path = tmp_path / "v4.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, upto=4)
    connection.execute(
        "INSERT INTO neutral_faces (created_at, day, geometry, frames) VALUES (?, '2026-11-20', ?, 48)",
        (NOON - DAY, json.dumps(dict(resting_face(0.38)))),
    )
    connection.close()
    with HistoryStore(path) as store:
        assert version(store.connection) == LATEST and store.rows("neutral_faces")[0]["geometry_version"] == 1
        assert store.latest_neutral() is None and store.neutral_faces_stored() == 1  # calibrate again; kept
        store.record(neutral(NOON, gap=0.41))
        assert store.rows("neutral_faces")[1]["geometry_version"] == GEOMETRY_VERSION == 3
        assert store.latest_neutral().geometry["brow_gap"] == 0.41


@pytest.mark.parametrize("stored", ['{"neutral": -1}', '{"neutral": 0}', '{"neutral": NaN}'])
def test_a_stored_appearance_that_is_not_probabilities_is_dropped_and_the_geometry_kept(tmp_path, stored):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record(NeutralCalibrated(resting_face(), 48, 0.0, 0.0, 5.0, NOON, (("neutral", 1.0),)))
        store.connection.execute("UPDATE neutral_faces SET appearance = ?", (stored,))
        latest = store.latest_neutral()  # vision would refuse it, and the geometry with it
        assert latest.appearance is None and latest.geometry == dict(resting_face())


def test_range_rows_that_do_not_read_or_are_dated_after_today_are_left_out_and_counted(tmp_path):
    today = date(2026, 11, 21)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record(SessionStarted(1, "drill:eyebrows_up", "Eyebrows up", 0.0, NOON))
        store.record(feature_attempt(NOON, [("brow_raise", 0.5), ("smile", 0.3)]))
        insert = "INSERT INTO feature_range (day, feature, best) VALUES (?, ?, ?)"
        for row in [("garbage", "brow_raise", 0.9), ("2026-11-20", "smile", "abc"), ("2026-11-25", "jaw_drop", 0.4),
                    ("2026-11-19", "smile", float("inf")), ("20261119", "smile", 0.2),
                    ("2026-11-18", "smile", 1e308), ("2026-11-18", "jaw_drop", -0.5)]:  # fmt: skip
            store.connection.execute(insert, row)
        summary = summarize(store, today)
    assert summary.range_rows_left_out == 7  # an amplitude outside 0-1 was never measured either
    assert [(r.feature, r.recent_best) for r in summary.range_of_motion] == [("brow_raise", 0.5), ("smile", 0.3)]
    assert [s.points for s in summary.series if s.label in ("brow_raise", "smile", "jaw_drop")] == [
        (("2026-11-21", 0.5),), (("2026-11-21", 0.3),)
    ]  # fmt: skip


def test_an_empty_summary_has_what_a_summary_of_an_empty_history_has(tmp_path):
    from appliance.history.summary import empty_summary

    with HistoryStore(tmp_path / "h.sqlite3") as store:
        assert empty_summary(date(2026, 11, 21)) == summarize(store, date(2026, 11, 21))


def test_each_features_best_of_the_day_is_kept(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record(SessionStarted(1, "drill:eyebrows_up", "Eyebrows up", 0.0, NOON))
        store.record(feature_attempt(NOON + 10, [("brow_raise", 0.42), ("eye_widen", 0.2)]))
        store.record(feature_attempt(NOON + 60, [("brow_raise", 0.51)]))
        store.record(feature_attempt(NOON + 90, [("brow_raise", 0.47)]))
        store.record(feature_attempt(NOON + DAY, [("brow_raise", 0.3)]))
        assert store.feature_range() == [
            ("2026-11-21", "brow_raise", 0.51), ("2026-11-21", "eye_widen", 0.2), ("2026-11-22", "brow_raise", 0.3),
        ]  # fmt: skip
        attempt = store.rows("attempts")[0]
        assert (attempt["isolation"], attempt["amplitude"]) == (90, 0.55)


def test_range_of_motion_by_week_rises_or_falls():
    today = date(2026, 11, 21)
    rows = [("2026-10-20", "brow_raise", 0.3), ("2026-11-05", "brow_raise", 0.38), ("2026-11-20", "brow_raise", 0.5),
            ("2026-11-21", "smile", 0.6), ("2026-11-10", "smile", 0.7), ("2026-09-01", "jaw_drop", 0.9)]  # fmt: skip
    brows, smile, jaw = range_of_motion(rows, today)
    assert brows.feature == "brow_raise" and brows.title == "brow raise"
    assert brows.weeks == (None, 0.3, None, 0.38, None, 0.5) and brows.recent_best == 0.5 and brows.direction == "up"
    assert smile.direction == "down" and smile.recent_best == 0.6
    assert jaw.weeks == (None,) * 6 and jaw.recent_best is None and jaw.direction == "flat"


def test_the_summary_carries_range_and_the_neutral_day(tmp_path):
    wall = datetime.now().replace(hour=12, minute=0, second=0, microsecond=0).timestamp()
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record(neutral(wall))
        store.record(SessionStarted(1, "drill:eyebrows_up", "Eyebrows up", 0.0, wall))
        store.record(feature_attempt(wall + 10, [("brow_raise", 0.42)]))
        summary = summarize(store, date.today())
    assert summary.neutral_day == date.today().isoformat()
    (brows,) = summary.range_of_motion
    assert brows.recent_best == pytest.approx(0.42)
    view = summary.progress_view()
    assert view.ranges == summary.range_of_motion and view.neutral_day == summary.neutral_day
    assert json.loads(json.dumps(summary.as_dict()))["range_of_motion"][0]["feature"] == "brow_raise"


def test_a_migration_another_process_finished_first_is_not_run_twice(tmp_path, monkeypatch):
    """Two processes opening a new history at once (the mirror and ``history``): the second one read
    the version before the first one's migration committed; under the write lock it must look again."""
    import appliance.history.schema as schema

    path = tmp_path / "h.sqlite3"
    HistoryStore(path).close()  # the first process has migrated to the latest version
    real_version, stale = schema.version, [0]

    def version_read_before_the_lock(connection):
        return stale.pop() if stale else real_version(connection)

    monkeypatch.setattr(schema, "version", version_read_before_the_lock)
    connection = sqlite3.connect(path, isolation_level=None)
    schema.migrate(connection)  # the old code ran V1 again here: "table sessions already exists"
    assert real_version(connection) == schema.LATEST
    connection.close()


def test_each_features_range_is_charted_after_the_drills_over_the_charts_weeks(tmp_path):
    today = date(2026, 11, 21)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record(SessionStarted(1, "drill:eyebrows_up", "Eyebrows up", 0.0, NOON - 40 * DAY))
        store.record(feature_attempt(NOON - 40 * DAY, [("brow_raise", 0.2)]))  # before the charts' four weeks
        store.record(feature_attempt(NOON - 3 * DAY, [("brow_raise", 0.42), ("jaw_drop", 0.3)]))
        store.record(feature_attempt(NOON, [("brow_raise", 0.51)]))
        series = summarize(store, today).progress_view().series
    assert [s.label for s in series] == ["eyebrows_up", "brow_raise", "jaw_drop"]  # the drill's scores first
    brows = series[1]
    assert brows.title == "Range: brow raise" and brows.unit != "%"  # charted on its own scale, not as a score
    assert brows.points == (("2026-11-18", 0.42), ("2026-11-21", 0.51))
