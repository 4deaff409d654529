"""Practice history in SQLite: sessions, attempts and breaks; streaks and trends.

``HistoryStore`` records the coach's events, one transaction each, in a WAL
database under ``appliance.paths.data_dir()``.  ``summarize`` turns what it
holds into the figures the progress screen and ``python -m appliance history`` show.
"""

from appliance.history.store import HistoryStore, default_path
from appliance.history.summary import HistorySummary, summarize

__all__ = ["HistoryStore", "HistorySummary", "default_path", "summarize"]
