"""The shell's history link: the coach's events are stored and its progress figures refreshed."""

from __future__ import annotations

from appliance.coach.coach import Coach
from appliance.history import HistoryStore
from appliance.messages import Command
from appliance.ui.history_link import HistoryLink, open_history


def test_events_are_stored_and_the_progress_refreshed(tmp_path):
    coach = Coach()
    link = HistoryLink(coach, HistoryStore(tmp_path / "history.db"))
    assert coach.progress.sessions == 0
    coach.handle(Command.SELECT, 0.0)  # the morning routine starts
    coach.tick(5.0)
    coach.handle(Command.END, 6.0)
    link.record(coach.drain_events())
    assert len(link.store.rows("sessions")) == 1
    assert coach.progress.sessions == 1
    link.close()


def test_a_history_that_cannot_be_opened_is_a_warning_not_a_crash(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    history, warning = open_history(Coach())
    assert history is None
    assert "not being saved" in warning


def test_the_latest_neutral_face_is_loaded_into_the_coach_and_a_new_one_refreshes_the_progress(tmp_path):
    from appliance.coach.events import NeutralCalibrated

    with HistoryStore(tmp_path / "history.db") as store:
        store.record(NeutralCalibrated((("brow_gap", 0.4),), 40, 0.0, 0.0, 0.0, 1_750_000_000.0))
    coach = Coach()
    link = HistoryLink(coach, HistoryStore(tmp_path / "history.db"))
    assert coach.neutral_geometry == {"brow_gap": 0.4} and coach.neutral_day
    assert link.latest_neutral().geometry == {"brow_gap": 0.4}
    assert coach.progress.neutral_day == coach.neutral_day
    link.close()
