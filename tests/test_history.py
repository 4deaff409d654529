"""The practice history: round trip, migrations, damaged files, streaks and trends."""

import sqlite3
from datetime import date, datetime, timedelta

import pytest

from appliance.coach.events import AttemptFinished, BreakFinished, SessionEnded, SessionStarted
from appliance.errors import StorageError
from appliance.history import HistoryStore, summarize
from appliance.history.schema import LATEST, migrate, version
from appliance.history.summary import streaks

NOON = datetime(2026, 11, 21, 12, 0).timestamp()
DAY = 86400.0


def attempt(session=1, drill="happiness", score=80, wall=NOON, outcome="completed", **extra):
    values = dict(session=session, drill_id=drill, kind="expression", labels=(drill,), outcome=outcome, score=score,
                  best_match=score + 5, held_s=3.0, hold_required_s=3.0, time_to_best_s=1.5, time_to_target_s=1.0,
                  duration_s=4.0, reason="", at=10.0, wall_time=wall)  # fmt: skip
    values.update(extra)
    return AttemptFinished(**values)


def session(store, number, wall, *scores, drill="happiness"):
    store.record(SessionStarted(number, "morning", "Morning routine", 0.0, wall))
    for i, score in enumerate(scores):
        store.record(attempt(number, drill, score, wall + 10 * (i + 1)))
    store.record(SessionEnded(number, "done", 120.0, len(scores), 0.0, wall + 120))


def test_a_session_round_trips(tmp_path):
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        store.record(SessionStarted(1, "morning", "Morning routine", 0.0, NOON))
        store.record(attempt(score=77))
        store.record(BreakFinished(1, "box_breathing", True, "8 drills in a row", True, 64.0, 50.0, 80.0, NOON + 70))
        store.record(SessionEnded(1, "You ended the session.", 300.0, 1, 90.0, NOON + 300))
        assert store.warning == ""
    with HistoryStore(path) as store:
        (s,) = store.rows("sessions")
        assert (s["plan"], s["title"], s["ended_at"], s["active_s"]) == ("morning", "Morning routine", NOON + 300, 300)
        assert s["day"] == "2026-11-21"
        (a,) = store.rows("attempts")
        assert (a["session_id"], a["drill_id"], a["score"], a["best_match"], a["outcome"]) == (
            s["id"],
            "happiness",
            77,
            82,
            "completed",
        )
        assert a["started_at"] == NOON - 4.0 and a["time_to_target_s"] == 1.0 and a["labels"] == "happiness"
        (b,) = store.rows("breaks")
        assert (b["break_id"], b["forced"], b["completed"], b["relaxed_s"]) == ("box_breathing", 1, 1, 50.0)
        assert store.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_scores_by_drill_are_recent_and_oldest_first_without_skips(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        session(store, 1, NOON, *range(0, 120, 10))
        store.record(attempt(1, "anger", 0, NOON + 500, outcome="skipped"))
        store.record(attempt(1, "fear", 33, NOON + 600))
        scores = store.scores_by_drill(limit=3)
    assert scores == {"happiness": [90.0, 100.0, 110.0], "fear": [33.0]}


def test_an_attempt_without_a_stored_session_start_still_gets_a_session(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record(attempt(session=7))
        assert len(store.rows("sessions")) == 1 and store.rows("attempts")[0]["session_id"] == 1


def make_v1(path):
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, upto=1)
    connection.execute("INSERT INTO sessions (started_at, ended_at, plan) VALUES (?, ?, 'morning')", (NOON, NOON + 60))
    connection.execute(
        "INSERT INTO attempts (session_id, drill_id, score, held_s, started_at, ended_at)"
        " VALUES (1, 'fear', 42, 2, ?, ?)",
        (NOON, NOON + 5),
    )
    connection.execute(
        "INSERT INTO breaks (session_id, break_id, started_at, ended_at) VALUES (1, 'long_exhale', ?, ?)",
        (NOON + 6, NOON + 66),
    )
    assert version(connection) == 1
    connection.close()


def test_a_v1_database_migrates_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.sqlite3"
    make_v1(path)
    with HistoryStore(path) as store:
        assert version(store.connection) == LATEST == 6
        (a,) = store.rows("attempts")
        assert (a["drill_id"], a["score"], a["best_match"], a["outcome"], a["day"]) == (
            "fear",
            42,
            42,
            "completed",
            date.fromtimestamp(NOON + 5).isoformat(),
        )
        assert store.rows("breaks")[0]["completed"] == 1
        assert store.rows("sessions")[0]["day"] == "2026-11-21"
        store.record(attempt(session=1, drill="fear", score=50, wall=NOON + DAY))
        assert store.scores_by_drill() == {"fear": [42.0, 50.0]}
        summary = summarize(store, date(2026, 11, 22))
        assert summary.streak_days == 2 and summary.practice_days == 2
        assert [(t.label, t.attempts) for t in summary.trends] == [("fear", 2)]  # counts carried over by v3


def test_a_migration_another_process_finished_first_is_not_run_twice(tmp_path, monkeypatch):
    # The mirror and `history` may open a new database at the same moment: both read version 0
    # before either takes the write lock.  The loser must find the work done, not redo it.
    from appliance.history import schema

    path = tmp_path / "raced.sqlite3"
    winner = sqlite3.connect(path, isolation_level=None)
    migrate(winner)
    winner.close()
    reads = []
    real_version = schema.version

    def stale_first_read(connection):
        reads.append(1)
        return 0 if len(reads) == 1 else real_version(connection)

    monkeypatch.setattr(schema, "version", stale_first_read)
    loser = sqlite3.connect(path, isolation_level=None)
    assert migrate(loser) == 0  # it believed the file was new ...
    assert real_version(loser) == LATEST  # ... and left it whole, with no "table already exists"
    loser.close()


def test_a_database_from_a_newer_appliance_is_left_alone(tmp_path):
    path = tmp_path / "new.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {LATEST + 1}")
    connection.close()
    with pytest.raises(StorageError, match="newer version") as error:
        HistoryStore(path)
    assert "left untouched" in error.value.hint
    assert path.exists() and not list(tmp_path.glob("*.corrupt-*"))


@pytest.mark.parametrize("damage", ["not a database", "truncated page"])
def test_a_damaged_file_is_moved_aside_and_a_fresh_history_started(tmp_path, damage):
    path = tmp_path / "h.sqlite3"
    if damage == "not a database":
        path.write_bytes(b"this is not sqlite " * 500)
    else:
        with HistoryStore(path) as store:
            session(store, 1, NOON, *range(50))
        data = bytearray(path.read_bytes())
        data[4096:8192] = b"\xff" * 4096  # clobber a b-tree page
        path.write_bytes(bytes(data))
    original = path.read_bytes()
    with HistoryStore(path) as store:
        (aside,) = tmp_path.glob("h.sqlite3.corrupt-*")
        assert store.warning.startswith("The history was damaged") and len(store.warning) <= 60
        assert len(store.rows("attempts")) <= 50  # at most what its intact pages held
        store.record(attempt())
    assert aside.read_bytes() == original  # nothing the user recorded is deleted


def test_what_a_damaged_history_still_holds_is_recovered_into_the_fresh_one_with_its_summaries(tmp_path):
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        for day in range(40):  # enough rows for several pages of attempts
            session(store, day + 1, NOON - day * DAY, *range(60, 90))
        before = summarize(store, date(2026, 11, 21))
    data = bytearray(path.read_bytes())
    page = len(data) // 4096 // 2 * 4096
    data[page : page + 4096] = b"\xff" * 4096  # one page in the middle clobbered
    path.write_bytes(bytes(data))
    with HistoryStore(path) as store:
        sessions = len(store.rows("sessions"))
        assert f"{sessions} sessions recovered" in store.warning and sessions > 30
        after = summarize(store, date(2026, 11, 21))
        attempts = len(store.rows("attempts"))
        assert 0 < attempts <= 40 * 30
        # the summaries' own tables are built again from what was recovered, so they agree with it
        (practised,) = store.connection.execute("SELECT COUNT(*) FROM practice_days").fetchone()
        days = {row["day"] for row in store.rows("attempts")}
        assert practised == len(days) and after.streak_days <= before.streak_days
        (minutes,) = store.connection.execute("SELECT SUM(active_s) FROM day_minutes").fetchone()
        assert minutes == pytest.approx(120.0 * sessions)


def test_attempts_whose_session_row_was_on_a_bad_page_are_kept_with_a_stand_in_session(tmp_path):
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        for day in range(300):
            session(store, day + 1, NOON - day * DAY, 70, 80)
        store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with sqlite3.connect(path) as connection:  # where the sessions' rows are: SQLite's own page map
        leaves = [page for page, kind in connection.execute(
            "SELECT pageno, pagetype FROM dbstat WHERE name = 'sessions'") if kind == "leaf"]  # fmt: skip
    data = bytearray(path.read_bytes())
    data[(leaves[1] - 1) * 4096 : leaves[1] * 4096] = b"\xff" * 4096  # a page of sessions, not of attempts
    path.write_bytes(bytes(data))
    with HistoryStore(path) as store:
        assert len(store.rows("attempts")) == 600  # every score kept, though some sessions' rows are lost
        stand_ins = [row for row in store.rows("sessions") if row["plan"] == "recovered"]
        assert stand_ins and len(store.rows("sessions")) == 300
        assert all(row["day"] and row["started_at"] <= row["ended_at"] for row in stand_ins)
        (days,) = store.connection.execute("SELECT COUNT(*) FROM practice_days").fetchone()
        assert days == 300  # the streak's days all come back with their attempts


def test_a_file_whose_tables_do_not_match_its_version_is_moved_aside_not_used(tmp_path):
    # Its version says schema 4 while a table of schema 3 is gone (dropped by hand, half restored,
    # an unreleased build's numbering): every read and write would fail, and practice be lost.
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        session(store, 1, NOON, 70, 80)
    connection = sqlite3.connect(path)
    connection.execute("DROP TABLE day_minutes")
    connection.commit()
    connection.close()
    original = path.read_bytes()
    with pytest.raises(StorageError, match="damaged") as error:  # `history` only reads: it says so
        HistoryStore(path, read_only=True)
    assert "day_minutes missing" in str(error.value) and "keeps it aside" in error.value.hint
    with HistoryStore(path) as store:
        assert "2 recovered" not in store.warning and "1 session recovered" in store.warning
        assert len(store.rows("attempts")) == 2  # its rows are whole: copied into a fresh, complete history
        (minutes,) = store.connection.execute("SELECT active_s FROM day_minutes").fetchone()
        assert minutes == 120.0  # the dropped table built again
    (aside,) = tmp_path.glob("h.sqlite3.corrupt-*")
    assert aside.read_bytes() == original  # kept as it was


def test_a_complete_history_has_no_schema_gaps(tmp_path):
    from appliance.history.schema import schema_gaps

    with HistoryStore(tmp_path / "h.sqlite3") as store:
        assert schema_gaps(store.connection) == []
        store.connection.execute("ALTER TABLE attempts DROP COLUMN amplitude")
        assert schema_gaps(store.connection) == ["attempts.amplitude"]


def test_streaks_allow_today_not_yet_practised():
    today = date(2026, 11, 21)
    days = {today - timedelta(days=n) for n in (1, 2, 3, 6, 7)}
    assert streaks(days, today) == (3, 3)
    assert streaks(days | {today}, today) == (4, 4)
    assert streaks({today - timedelta(days=2)}, today) == (0, 1)
    assert streaks(set(), today) == (0, 0)


def test_summary_trends_and_progress_view(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        assert summarize(store, date(2026, 11, 21)).progress_view().message.startswith("No practice yet")
        session(store, 1, NOON - 2 * DAY, 40, 40, 40, 40, 40)
        session(store, 2, NOON - DAY, 60, 60, 60, 60, 60)
        session(store, 3, NOON - DAY + 600, 70, 70, drill="anger")
        summary = summarize(store, date(2026, 11, 21), {"anger": "Anger", "happiness": "Happiness"})
    assert (summary.streak_days, summary.best_streak_days, summary.practiced_today) == (2, 2, False)
    assert (summary.sessions, summary.attempts) == (3, 12)
    anger, happiness = summary.trends
    assert (anger.title, anger.recent, anger.previous, anger.direction) == ("Anger", 70, None, "flat")
    assert (happiness.recent, happiness.previous, happiness.direction, happiness.attempts) == (60, 40, "up", 10)
    assert summary.recent_sessions[0].average_score == 70 and summary.recent_sessions[0].minutes == 2.0
    view = summary.progress_view()
    assert view.streak_days == 2 and "Not practised yet today" in view.message


def test_events_that_cannot_be_saved_wait_and_are_saved_later(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record(SessionStarted(1, "morning", "Morning routine", 0.0, NOON))
        store.connection.execute("PRAGMA query_only = ON")  # as good as a full disk for writes
        with pytest.raises(StorageError, match="could not save"):
            store.record_all([attempt(score=1), attempt(score=2)])
        assert store.pending == 2 and store.rows("attempts") == []
        store.connection.execute("PRAGMA query_only = OFF")
        store.record_all([attempt(score=3)])
        assert store.pending == 0
        assert [row["score"] for row in store.rows("attempts")] == [1, 2, 3]


def test_a_coached_session_is_stored_summarised_and_steers_todays_practice(tmp_path):
    from appliance.coach.coach import Coach
    from appliance.coach.settings import CoachSettings
    from appliance.messages import Command, Observation

    wall = [NOON]
    coach = Coach(CoachSettings(prepare_s=1.0, result_s=0.5, perform_limit_s=4.0, today_count=3),
                  wall_clock=lambda: wall[0])  # fmt: skip
    calm = {"neutral": 0.9, "happiness": 0.1}
    t = 0.0
    coach.handle(Command.NEXT, t)
    coach.handle(Command.NEXT, t)
    coach.handle(Command.SELECT, t)  # choose a drill
    coach.handle(Command.SELECT, t)  # neutral, then every drill after it
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        for _ in range(600):  # one minute: neutral is easy for a calm face, the rest are missed
            t += 0.1
            wall[0] = NOON + t
            coach.observe(Observation(t, (0, 0, 9, 9), 1.0, calm, calm), t)
            store.record_all(coach.drain_events())
        coach.handle(Command.END, t)
        store.record_all(coach.drain_events())
        summary = summarize(store, date(2026, 11, 21), {d.id: d.title for d in coach.catalogue.drills})
        scores = store.scores_by_drill()
    assert summary.sessions == 1 and summary.practiced_today and summary.streak_days == 1
    assert scores["neutral"][0] == 100 and scores["happiness"][0] < 20
    assert summary.trends[0].label == "neutral" and summary.trends[0].recent == 100
    coach.set_history(summary.progress_view(), scores)
    plan = coach.plan_for("today")
    assert "drill:neutral" not in plan.items  # the one mastered drill is weighed least


def steps_to_summarize(path, sessions, per_session=8):
    """SQLite VM steps (in thousands) of one summary of ``sessions`` sessions spread over five days."""
    with HistoryStore(path) as store:
        store.connection.execute("BEGIN")
        for number in range(1, sessions + 1):
            wall = NOON - (number % 5) * DAY + number
            store._write(SessionStarted(number, "morning", "Morning routine", 0.0, wall))
            for i in range(per_session):
                store._write(attempt(number, ("anger", "fear", "happiness")[i % 3], 50 + i, wall + i))
        store.connection.execute("COMMIT")
        steps = [0]

        def count():
            steps[0] += 1
            return 0

        store.connection.set_progress_handler(count, 1000)
        summarize(store, date(2026, 11, 21))
        store.scores_by_drill()
        return steps[0]


def test_a_summary_reads_what_it_shows_not_all_of_history(tmp_path):
    small = steps_to_summarize(tmp_path / "small.sqlite3", 50)
    large = steps_to_summarize(tmp_path / "large.sqlite3", 1000)  # 20 times the attempts, the same days
    assert large <= 2 * small + 5, (small, large)


def test_streaks_in_sql_match_the_rule():
    import random

    rng = random.Random(15)
    today = date(2026, 11, 21)
    connection = sqlite3.connect(":memory:")
    migrate(connection)
    from appliance.history.summary import stored_streaks

    for _ in range(40):
        days = {today - timedelta(days=rng.randint(-2, 40)) for _ in range(rng.randint(0, 30))}
        connection.execute("DELETE FROM practice_days")
        connection.executemany("INSERT INTO practice_days VALUES (?)", [(d.isoformat(),) for d in days])
        assert stored_streaks(connection, today) == streaks({d for d in days if d <= today}, today), sorted(days)


def test_a_full_disk_is_reported_as_a_full_disk(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        (pages,) = store.connection.execute("PRAGMA page_count").fetchone()
        store.connection.execute(f"PRAGMA max_page_count = {pages}")  # no room for one more page
        with pytest.raises(StorageError) as error:
            for number in range(200):
                store.record(SessionStarted(number, "morning", "x" * 2000, 0.0, NOON))
    assert "the disk is full" in str(error.value) and "rollback" not in str(error.value)
    assert "free some space" in error.value.hint


def test_a_read_only_history_is_reported_as_read_only(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.connection.execute("PRAGMA query_only = ON")
        with pytest.raises(StorageError, match="read-only") as error:
            store.record(SessionStarted(1, "morning", "Morning routine", 0.0, NOON))
    assert "disk space" not in error.value.describe()


@pytest.mark.parametrize(("code", "said"), [(28, "disk is full"), (30, "read-only"), (13, "no permission")])
def test_a_data_folder_that_cannot_be_made_says_why(tmp_path, monkeypatch, code, said):
    import errno
    import os
    from pathlib import Path

    def refuse(*_args, **_kwargs):
        raise OSError(code, os.strerror(code))

    assert code in (errno.ENOSPC, errno.EROFS, errno.EACCES)
    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(StorageError, match=said):
        HistoryStore(tmp_path / "data" / "h.sqlite3")


def test_a_day_counts_only_with_a_finished_attempt_or_a_break_with_a_face(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        # two days ago: a 3 s break with no one in front of the camera; yesterday: only a skipped drill
        store.record(SessionStarted(1, "break:box", "Box breathing", 0.0, NOON - 2 * DAY))
        store.record(BreakFinished(1, "box_breathing", False, "", False, 3.0, 0.0, 0.0, NOON - 2 * DAY + 3))
        store.record(SessionEnded(1, "You went back home.", 3.0, 0, 0.0, NOON - 2 * DAY + 3))
        store.record(SessionStarted(2, "morning", "Morning routine", 0.0, NOON - DAY))
        store.record(attempt(2, "fear", 0, NOON - DAY + 5, outcome="skipped"))
        store.record(SessionStarted(3, "morning", "Morning routine", 0.0, NOON - DAY + 60))  # nothing in it
        store.record(SessionEnded(3, "You ended the session.", 1.0, 0, 0.0, NOON - DAY + 61))
        summary = summarize(store, date(2026, 11, 21))
        assert (summary.streak_days, summary.practice_days, summary.practiced_today) == (0, 0, False)
        assert [row.attempts for row in summary.recent_sessions] == [1] and summary.sessions == 1
        # today: a break run to its end with a relaxed face seen, and a missed drill: both count
        store.record(SessionStarted(4, "morning", "Morning routine", 0.0, NOON))
        store.record(BreakFinished(4, "box_breathing", False, "", True, 64.0, 30.0, 0.0, NOON + 64))
        store.record(attempt(4, "fear", 12, NOON + 90, outcome="missed"))
        summary = summarize(store, date(2026, 11, 21))
    assert (summary.streak_days, summary.practice_days, summary.practiced_today) == (1, 1, True)
    assert summary.sessions == 2


def test_minutes_today_that_did_not_count_say_what_would_not_that_nothing_was_done(tmp_path):
    today = date(2026, 11, 21)
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record(SessionStarted(1, "morning", "Morning routine", 0.0, NOON - 3 * DAY))
        store.record(attempt(1, "fear", 50, NOON - 3 * DAY + 5))  # a practice day, but not a streak any more
        store.record(SessionEnded(1, "done", 60.0, 1, 0.0, NOON - 3 * DAY + 60))
        assert summarize(store, today).message() == "Not practised yet today: a few minutes starts a streak."
        store.record(SessionStarted(2, "morning", "Morning routine", 0.0, NOON))
        store.record(attempt(2, "fear", 0, NOON + 5, outcome="skipped"))  # a minute at the mirror, nothing finished
        store.record(SessionEnded(2, "You ended the session.", 60.0, 1, 0.0, NOON + 60))
        summary = summarize(store, today)
    assert (summary.practiced_today, summary.streak_days, summary.minutes_today) == (False, 0, 1.0)
    assert summary.progress_view().message == "Today counts once you finish a drill or a whole break."


def test_damaged_files_moved_aside_in_the_same_second_keep_their_own_names_and_are_logged(tmp_path, caplog):
    import logging

    import appliance.atomic as atomic_module  # where the kept name is stamped

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2026, 11, 21, 12, 0, 0, 123456)

    path = tmp_path / "h.sqlite3"
    with caplog.at_level(logging.WARNING, logger="appliance.history.store"):
        for damage in (b"first damaged file " * 300, b"second damaged file " * 300):
            path.write_bytes(damage)
            atomic_module.datetime = Frozen
            try:
                HistoryStore(path).close()
            finally:
                atomic_module.datetime = datetime
    asides = sorted(tmp_path.glob("h.sqlite3.corrupt-*"))
    assert [p.name for p in asides] == ["h.sqlite3.corrupt-20261121-120000-123456",
                                        "h.sqlite3.corrupt-20261121-120000-123456-2"]  # fmt: skip
    assert {p.read_bytes()[:6] for p in asides} == {b"first ", b"second"}
    assert sum("moved" in r.message and "aside" in r.message for r in caplog.records) >= 2


def test_the_history_and_its_folder_are_private(tmp_path, monkeypatch):
    import os
    import stat

    from appliance.history import default_path

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    os.umask(0o022)
    with HistoryStore() as store:
        store.record(SessionStarted(1, "morning", "Morning routine", 0.0, NOON))
        files = [default_path(), *default_path().parent.glob("*-wal")]
        assert len(files) == 2
        modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
    assert set(modes.values()) == {0o600}, modes
    assert stat.S_IMODE(default_path().parent.stat().st_mode) == 0o700
    default_path().chmod(0o644)  # made by an older version: tightened when next opened
    default_path().parent.chmod(0o755)
    HistoryStore().close()
    assert stat.S_IMODE(default_path().stat().st_mode) == 0o600
    assert stat.S_IMODE(default_path().parent.stat().st_mode) == 0o700


def test_the_cameras_angle_is_no_part_of_a_persons_history(tmp_path):
    from appliance.coach.events import CameraFacingChosen

    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record_all(
            [SessionStarted(1, "morning", "Morning routine", 0.0, NOON), CameraFacingChosen(3.0, -17.0, 1.0, NOON)]
        )
        assert store.pending == 0 and len(store.rows("sessions")) == 1


def test_the_write_ahead_log_stays_bounded_over_years_of_small_saves(tmp_path):
    """Each event is its own fsynced transaction in WAL mode; SQLite's automatic checkpoints must keep
    moving them into the database, or the -wal file grows with every session the mirror ever saw."""
    path = tmp_path / "history.db"
    wal = tmp_path / "history.db-wal"
    with HistoryStore(path) as store:
        for number in range(1, 301):  # a year of practice is about this many sessions
            wall = 1.75e9 + number * 86400.0
            store.record(SessionStarted(number, "morning", "Morning routine", 0.0, wall))
            store.record(BreakFinished(number, "box_breathing", False, "", True, 64.0, 40.0, 1.0, wall + 60))
            store.record(SessionEnded(number, "done", 120.0, 3, 2.0, wall + 120))
        assert wal.stat().st_size <= 4.5e6  # SQLite's default: a checkpoint every 1000 pages of 4 KB
        assert path.stat().st_size > 100_000  # the checkpoints moved the sessions into the database
        assert summarize(store, date.fromtimestamp(1.75e9 + 301 * 86400.0)).sessions == 300  # none lost


def test_the_fresh_history_made_after_a_salvage_is_private_from_the_start(tmp_path):
    import os
    import stat

    os.umask(0o022)
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        session(store, 1, NOON, 70)
    data = bytearray(path.read_bytes())
    data[:100] = b"\xff" * 100
    path.write_bytes(bytes(data))
    with HistoryStore(path) as store:  # moved aside; the fresh one is made and written in this run
        assert store.warning
        store.record(SessionStarted(2, "morning", "Morning routine", 0.0, NOON + DAY))
        files = [path, *tmp_path.glob("h.sqlite3-*")]
        modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
    assert len(modes) == 3 and set(modes.values()) == {0o600}, modes  # the file, its -wal and -shm


def test_a_damaged_character_in_a_stored_text_does_not_hide_the_progress(tmp_path):
    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        session(store, 1, NOON, 70)
        session(store, 2, NOON + DAY, 80)
    data = bytearray(path.read_bytes())
    data[data.find(b"Morning routine") + 3] = 0xFF  # one flipped bit's worth: not UTF-8, and no check sees it
    path.write_bytes(bytes(data))
    with HistoryStore(path) as store:
        assert store.warning == ""  # SQLite finds nothing wrong with the file
        assert summarize(store, date(2026, 11, 22)).sessions == 2
        assert "Mor\ufffding routine" in [row["title"] for row in store.rows("sessions")]
