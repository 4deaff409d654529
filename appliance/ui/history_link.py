"""The shell's handle on the practice history: store the coach's events, keep its progress figures fresh."""

from __future__ import annotations

import logging

from appliance.coach.events import AttemptFinished, BreakFinished, NeutralCalibrated, SessionEnded
from appliance.errors import StorageError
from appliance.history import HistoryStore, summarize
from appliance.history.store import StoredNeutral

log = logging.getLogger(__name__)
REFRESH_ON = (AttemptFinished, BreakFinished, SessionEnded, NeutralCalibrated)  # events that change the figures


class HistoryLink:
    def __init__(self, coach, store: HistoryStore) -> None:
        self.coach, self.store = coach, store
        self.titles = {drill.id: drill.title for drill in coach.catalogue.drills}
        self.neutral = store.latest_neutral()  # the personal neutral face, loaded once at start-up
        if self.neutral is not None:
            coach.set_personal_neutral(self.neutral.geometry, self.neutral.day)
        self.refresh()

    def record(self, events) -> None:
        """Store each event (StorageError if one cannot be saved), then refresh what the coach shows."""
        self.store.record_all(events)
        if any(isinstance(event, NeutralCalibrated) for event in events):
            self.neutral = self.store.latest_neutral()
        if any(isinstance(event, REFRESH_ON) for event in events):
            self.refresh()

    def refresh(self) -> None:
        summary = summarize(self.store, self.coach.today(), self.titles)
        self.coach.set_history(summary.progress_view(), self.store.scores_by_drill())

    def latest_neutral(self) -> StoredNeutral | None:
        return self.neutral

    def close(self) -> None:
        self.store.close()


def open_history(coach, open_store=HistoryStore) -> tuple[HistoryLink | None, str]:
    """The history, and a warning to show (a damaged file moved aside, or no history at all).
    ``open_store()`` opens the store (a profile's: ``partial(HistoryStore, path)``)."""
    try:
        link = HistoryLink(coach, open_store())
    except StorageError as error:
        log.error("%s", error.describe())
        return None, f"Practice is not being saved: {error}"
    return link, link.store.warning
