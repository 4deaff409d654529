"""The shell's history link: events stored and progress refreshed on a writer thread, never the caller's."""

from __future__ import annotations

import threading

import pytest

from appliance.coach.coach import Coach
from appliance.coach.events import SessionStarted
from appliance.history import HistoryStore
from appliance.messages import Command
from appliance.ui.history_link import HistoryLink, open_history
from appliance.vision.features import POPULATION_NEUTRAL

FACE = tuple(sorted({**POPULATION_NEUTRAL, "brow_gap": 0.4}.items()))  # a resting face vision can use


class CountingCoach(Coach):
    """The real coach, counting the progress figures it was handed."""

    refreshed = 0

    def set_history(self, progress, scores) -> None:
        self.refreshed += 1
        super().set_history(progress, scores)


def a_short_session(coach) -> None:
    coach.handle(Command.SELECT, 0.0)  # the morning routine starts, then ends before its first drill
    coach.tick(5.0)
    coach.handle(Command.END, 6.0)


class Posted(list):
    """Stands in for Kivy's Clock: what the writer hands back runs when the test says (the main thread)."""

    def run(self) -> None:
        while self:
            self.pop(0)()


def test_events_are_stored_and_the_progress_refreshed(tmp_path):
    coach, posted = CountingCoach(), Posted()
    link = HistoryLink(coach, lambda: HistoryStore(tmp_path / "history.db"), post=posted.append)
    assert link.flush(5)
    posted.run()
    assert coach.refreshed == 1
    a_short_session(coach)
    link.record(coach.drain_events())
    assert link.flush(5)
    assert coach.refreshed == 1  # nothing changes the coach until the main thread runs what was posted
    posted.run()
    assert coach.refreshed == 2
    link.close()
    with HistoryStore(tmp_path / "history.db") as store:
        assert len(store.rows("sessions")) == 1


class SlowStore:
    """A store whose every call waits for ``go`` (a worn SD card) and notes the thread it ran on."""

    warning = ""
    pending = 0

    made: list[SlowStore] = []

    def __init__(self, path):
        self.real, self.go, self.threads = HistoryStore(path), threading.Event(), {threading.current_thread()}
        self.connection = self.real.connection
        SlowStore.made.append(self)

    def record_all(self, events) -> None:
        self.threads.add(threading.current_thread())
        assert self.go.wait(10)
        self.real.record_all(events)

    def scores_by_drill(self, *args):
        self.threads.add(threading.current_thread())
        return self.real.scores_by_drill(*args)

    def close(self) -> None:
        self.real.close()

    def __getattr__(self, name):  # the rest of a store's reads (neutral face, range of motion) as they are
        return getattr(self.real, name)


def test_the_caller_never_waits_on_the_disk(tmp_path):
    coach, posted = CountingCoach(), Posted()
    link = HistoryLink(coach, lambda: SlowStore(tmp_path / "history.db"), post=posted.append)
    assert link.opened.wait(10)
    assert link.flush(5)  # the summary at opening is done (else it may fold into the one after the session)
    a_short_session(coach)
    link.record(coach.drain_events())  # returns at once although the store is blocked
    assert not link.flush(0.2)
    store = SlowStore.made.pop()
    store.go.set()
    assert link.flush(5)
    posted.run()
    assert coach.refreshed == 2
    assert threading.current_thread() not in store.threads and store.threads
    link.close()
    with HistoryStore(tmp_path / "history.db") as reopened:
        assert len(reopened.rows("sessions")) == 1


def test_a_history_that_cannot_be_opened_is_a_warning_not_a_crash(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    history, warning = open_history(Coach(), post=Posted().append)
    assert history is None
    assert "not being saved" in warning


def test_a_damaged_history_opened_later_still_says_so_on_the_mirror(tmp_path):
    path = tmp_path / "history.db"
    path.write_bytes(b"not a database " * 300)
    coach, posted = Coach(), Posted()
    link = HistoryLink(coach, lambda: HistoryStore(path), post=posted.append)  # as at a switch: nobody waits
    assert link.flush(5)
    posted.run()
    assert coach.notice == "The history was damaged: a new one was started"
    coach.tick(100.0)
    assert coach.tick(159.0).notice.startswith("The history was damaged")  # a minute, as at start-up
    assert coach.tick(160.5).notice == ""
    link.close()


def test_the_latest_neutral_face_is_loaded_into_the_coach_and_handed_on(tmp_path):
    from appliance.coach.events import NeutralCalibrated

    with HistoryStore(tmp_path / "history.db") as store:
        store.record(NeutralCalibrated(FACE, 40, 0.0, 0.0, 0.0, 1_750_000_000.0))
    coach, posted, handed = Coach(), Posted(), []
    link = HistoryLink(coach, lambda: HistoryStore(tmp_path / "history.db"), post=posted.append)
    link.when_neutral = handed.append
    assert link.flush(5)
    posted.run()  # on the main thread: the coach and vision get the stored face
    assert coach.neutral_geometry == dict(FACE) and coach.neutral_day
    assert link.latest_neutral().geometry == dict(FACE) and handed == [link.latest_neutral()]
    assert coach.progress.neutral_day == coach.neutral_day
    link.close()


@pytest.mark.parametrize("why", ["a measurement missing", "read from an earlier reading of the face"])
def test_a_stored_face_vision_cannot_use_asks_for_a_new_calibration(tmp_path, why):
    from appliance.coach.events import NeutralCalibrated

    with HistoryStore(tmp_path / "history.db") as store:  # from an older version
        if why == "a measurement missing":
            store.record(NeutralCalibrated((("brow_r", 0.2),), 40, 0.0, 0.0, 0.0, 1_750_000_000.0))
        else:  # every measurement there, but taken before the mesh read faces at full contrast
            store.record(NeutralCalibrated(FACE, 40, 0.0, 0.0, 0.0, 1_750_000_000.0))
            store.connection.execute("UPDATE neutral_faces SET geometry_version = 1")
    coach, posted, handed = Coach(), Posted(), []
    link = HistoryLink(coach, lambda: HistoryStore(tmp_path / "history.db"), post=posted.append)
    link.when_neutral = handed.append
    assert link.flush(5)
    posted.run()
    assert coach.neutral_day == "" and coach.neutral_geometry is None and handed == []  # not calibrated
    assert link.latest_neutral() is None and coach.progress.neutral_day == ""
    assert "calibrate it again" in coach.notice
    link.close()
    with HistoryStore(tmp_path / "history.db") as store:
        assert store.neutral_faces_stored() == 1  # kept


def test_a_new_calibration_is_kept_with_its_appearance(tmp_path):
    from appliance.coach.events import NeutralCalibrated

    coach, posted = Coach(), Posted()
    link = HistoryLink(coach, lambda: HistoryStore(tmp_path / "history.db"), post=posted.append)
    link.record([NeutralCalibrated(FACE, 40, 0.0, 0.0, 0.0, 1_750_000_000.0, (("neutral", 1.0),))])
    assert link.latest_neutral().appearance == {"neutral": 1.0}
    assert link.flush(5)
    link.close()
    with HistoryStore(tmp_path / "history.db") as store:
        assert store.latest_neutral().appearance == {"neutral": 1.0}


class FullStore(HistoryStore):
    """The first save fails as on a full disk (SQLite's own SQLITE_FULL); the next one succeeds."""

    failures = 1

    def record(self, event) -> None:
        (pages,) = self.connection.execute("PRAGMA page_count").fetchone()
        self.connection.execute(f"PRAGMA max_page_count = {pages if self.failures else 1_000_000}")
        try:
            super().record(SessionStarted(0, "x" * 5000, "", 0.0, 0.0) if self.failures else event)
        finally:
            self.failures = 0


def test_a_save_that_fails_is_shown_on_the_mirror_and_kept_for_later(tmp_path):
    coach, posted = Coach(), Posted()
    link = HistoryLink(coach, lambda: FullStore(tmp_path / "history.db"), post=posted.append)
    coach.handle(Command.SELECT, 0.0)
    link.record(coach.drain_events())
    assert link.flush(5)
    posted.run()
    assert coach.notice == "The memory card is full: practice is not being saved"
    coach.handle(Command.END, 1.0)
    link.record(coach.drain_events())
    link.close()
    with HistoryStore(tmp_path / "history.db") as store:
        (session,) = store.rows("sessions")
        assert session["ended_at"] is not None  # the start that failed was saved with the end


def test_a_history_that_can_only_be_read_is_shown_read_only_and_says_so(tmp_path, monkeypatch):
    import errno
    import os
    from functools import partial

    from appliance.storage_faults import READ_ONLY_PROGRESS

    path = tmp_path / "history.db"
    with HistoryStore(path) as store:
        for number in (1, 2, 3):
            store.record(SessionStarted(number, "morning", "Morning routine", 0.0, 1_750_000_000.0 + number * 86400))
            store.record_all([attempt_in(number)])
    before = path.read_bytes()

    def read_only_card(_self):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(tmp_path))

    monkeypatch.setattr(HistoryStore, "_make_private", read_only_card)
    coach, posted = Coach(), Posted()
    link = HistoryLink(coach, partial(HistoryStore, path), post=posted.append)  # as ProfileLink opens one
    assert link.flush(5)
    posted.run()
    assert link.read_only and not link.failed
    assert coach.progress.sessions == 3 and coach.progress.message == READ_ONLY_PROGRESS  # not 0 sessions
    assert coach.notice == "The memory card is read-only: practice is not being saved"
    a_short_session(coach)
    link.record(coach.drain_events())  # nothing is written, nothing fails
    assert link.flush(5)
    link.close()
    assert path.read_bytes() == before


def attempt_in(session):
    from appliance.coach.events import AttemptFinished

    return AttemptFinished(session, "happiness", "expression", ("happiness",), "completed", 80, 80, 3.0, 3.0, 1.0,
                           1.0, 4.0, "", 10.0, 1_750_000_000.0 + session * 86400 + 60)  # fmt: skip


def test_a_disk_io_error_on_a_full_card_is_named_on_the_glass_and_the_progress_screen(tmp_path, monkeypatch, caplog):
    import sqlite3

    from appliance import storage_faults

    def disk_io_error(_self):
        error = sqlite3.OperationalError("disk I/O error")  # what SQLite says when the -shm cannot grow
        error.sqlite_errorname = "SQLITE_IOERR_SHMSIZE"
        raise error

    monkeypatch.setattr(HistoryStore, "_open", disk_io_error)
    monkeypatch.setattr(storage_faults, "probe", lambda folder: OSError(28, "No space left on device"))
    coach = Coach()
    history, warning = open_history(coach, lambda: HistoryStore(tmp_path / "history.db"), post=lambda act: act())
    assert history is None and warning == "The memory card is full: practice is not being saved"
    assert coach.progress.message == warning  # the progress screen says why it is empty
    assert "ENOSPC" in caplog.text and str(tmp_path / "history.db") in caplog.text


def test_a_history_from_a_newer_appliance_is_named_so_on_the_glass(tmp_path):
    import sqlite3

    from appliance.history.schema import LATEST

    path = tmp_path / "history.db"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {LATEST + 1}")
    connection.close()
    history, warning = open_history(Coach(), lambda: HistoryStore(path), post=lambda action: action())
    assert history is None and warning == "History from a newer version: practice is not being saved"
