"""The shell's history link: events stored and progress refreshed on a writer thread, never the caller's."""

from __future__ import annotations

import threading

import pytest

from appliance.coach.coach import Coach
from appliance.errors import StorageError
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
    assert coach.notice.startswith("The practice history was damaged") and "old file is kept" in coach.notice
    coach.tick(100.0)
    assert coach.tick(159.0).notice.startswith("The practice history was damaged")  # a minute, as at start-up
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
    """The first save fails as on a full disk; the next one succeeds."""

    failures = 1

    def record(self, event) -> None:
        if self.failures:
            self.failures -= 1
            raise StorageError("could not save to the practice history: the disk is full", hint="free space")
        super().record(event)


def test_a_save_that_fails_is_shown_on_the_mirror_and_kept_for_later(tmp_path):
    coach, posted = Coach(), Posted()
    link = HistoryLink(coach, lambda: FullStore(tmp_path / "history.db"), post=posted.append)
    coach.handle(Command.SELECT, 0.0)
    link.record(coach.drain_events())
    assert link.flush(5)
    posted.run()
    assert "disk is full" in coach.notice
    coach.handle(Command.END, 1.0)
    link.record(coach.drain_events())
    link.close()
    with HistoryStore(tmp_path / "history.db") as store:
        (session,) = store.rows("sessions")
        assert session["ended_at"] is not None  # the start that failed was saved with the end
