"""The shell's handle on the practice history, kept off the main thread.

    main thread: record(events) --queue--> writer thread: store, summarize --post--> coach.set_history

A save is an fsync and a summary a few queries: milliseconds on a good disk, far more on a worn
SD card.  The writer thread owns the SQLite connection (opened there); the main thread only queues
events and, through ``post`` (Kivy's Clock by default), receives the fresh progress figures and
any problem to show.  The coach never waits on the disk.

A history the mirror may read but not write (a read-only or full card, a folder not the mirror
user's) is opened read-only: the progress screen shows what it holds and says it is read-only, and the
glass says why practice is not saved.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import replace
from functools import partial

from appliance.coach.events import AttemptFinished, BreakFinished, ExampleKept, NeutralCalibrated, SessionEnded
from appliance.coach.notices import START_UP_NOTICE_S
from appliance.coach.view import NoticeKind, ProgressView
from appliance.errors import ApplianceError, StorageError
from appliance.history import HistoryStore, summarize
from appliance.history.examples import best_examples, clear_examples, read_examples
from appliance.history.schema import roll_back
from appliance.history.store import StoredNeutral, day_of
from appliance.storage_faults import READ_ONLY_PROGRESS, glass_of
from appliance.vision.examples import PersonalExamples, reading_identity
from appliance.vision.reading import head

log = logging.getLogger(__name__)
REFRESH_ON = (AttemptFinished, BreakFinished, SessionEnded, NeutralCalibrated)  # events that change the figures
OPEN_WAIT_S = 3.0  # at start-up, before the window shows: long enough for a large history's check
# One line on the home screen (the notice band shows no more): the practice offers the calibration too.
NOT_CLEARED = "Your examples could not be cleared: try again."
RECALIBRATE = "Your saved resting face no longer fits this version: calibrate it again in settings."


def clock_post():
    """Hand an action to Kivy's main thread.  Resolved on the thread that builds the link, after
    Kivy is configured: the writer thread must never be the first to import Kivy."""
    from kivy.clock import Clock

    return lambda action: Clock.schedule_once(lambda _dt: action())


class HistoryLink:
    def __init__(
        self,
        coach,
        open_store: Callable[[], HistoryStore] = HistoryStore,
        *,
        post: Callable[[Callable[[], None]], None] | None = None,
        open_read_only: Callable[[], HistoryStore] | None = None,
    ) -> None:
        """``open_read_only``: the same history opened only to read, for when it cannot be written
        (default: found from ``open_store`` when that is HistoryStore, or a partial of it)."""
        self.coach, self._open_store, self._post = coach, open_store, post or clock_post()
        self._open_read_only = open_read_only or _read_only_opener(open_store)
        self.titles = {drill.id: drill.title for drill in coach.catalogue.drills}
        self.warning = ""  # a damaged file moved aside at opening
        self.failed = ""  # the history could not be opened: nothing is saved (the glass's line)
        self.read_only = False  # opened only to read: shown, nothing saved
        self.opened = threading.Event()  # set once the store is open (or could not be)
        self.neutral: StoredNeutral | None = None  # the personal neutral face, once loaded
        self._said_ranges_left_out = False  # unreadable range rows are logged once, not at every refresh
        self.when_neutral: Callable[[StoredNeutral], None] | None = None  # main thread, on loading it
        # The person's examples of their own expressions (main thread): loaded, then kept up to date.
        self.identity = reading_identity(head())
        self.examples = PersonalExamples(self.identity)
        self._example_rows: list[tuple[str, tuple[float, ...]]] = []
        self._examples_cleared = False  # cleared in settings: the stored ones, if still loading, are gone
        self.when_examples: Callable[[PersonalExamples], None] | None = None  # main thread, at every change
        self._queue: queue.Queue = queue.Queue()
        # Started last: the thread may post the stored face at once, and must not find these unset.
        self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)
        self._thread.start()
        self.refresh()

    # ------------------------------------------------------------- main thread
    def record(self, events) -> None:
        """Queue the events to be stored (in order); the progress figures follow when they change."""
        events = list(events)
        if events:
            self._queue.put(("record", events, self.coach.today()))
        kept = [event for event in events if isinstance(event, ExampleKept) and event.reading == self.identity]
        for event in kept:
            if event.replaces_earlier:
                self._example_rows = [row for row in self._example_rows if row[0] != event.label]
            self._example_rows.append((event.label, event.vector))
        if kept:
            self._set_examples(PersonalExamples.from_rows(self.identity, self._example_rows))
        for event in events:  # the coach holds it already; keep it for whoever asks later
            if isinstance(event, NeutralCalibrated):
                self.neutral = StoredNeutral(
                    dict(event.geometry),
                    event.wall_time,
                    day_of(event.wall_time),
                    event.frames,
                    dict(event.appearance) or None,
                )

    def refresh(self) -> None:
        self._queue.put(("refresh", [], self.coach.today()))

    def clear_examples(self) -> None:
        """Forget the person's examples (settings): the reading is the plain one from the next frame."""
        self._example_rows, self._examples_cleared = [], True
        self._queue.put(("clear_examples", [], None))
        self._set_examples(PersonalExamples(self.identity))
        self.coach.set_best_examples({})

    def _set_examples(self, examples: PersonalExamples) -> None:  # main thread
        self.examples = examples  # the rows follow it: only the newest of each expression, as on disk
        self._example_rows = examples.rows()
        if self.when_examples is not None:
            self.when_examples(examples)

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything queued so far is stored (tests, and closing); False on timeout."""
        done = threading.Event()
        self._queue.put(("flush", done, None))
        return done.wait(timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Store what is queued, then close the database."""
        self._queue.put(None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error("the practice history was still busy after %.0f s; closing without it", timeout)

    # ----------------------------------------------------------- writer thread
    def _run(self) -> None:
        store = self._open()
        while True:
            items = [self._queue.get()]
            while True:  # take what else has arrived: one summary for a burst of events
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            refresh_for = None
            for item in items:
                if item is None:
                    self._refresh(store, refresh_for)
                    if store is not None:
                        store.close()
                    return
                kind, payload, today = item
                if kind == "flush":
                    self._refresh(store, refresh_for)
                    refresh_for = None
                    payload.set()
                elif kind == "refresh" or any(isinstance(event, REFRESH_ON) for event in payload):
                    refresh_for = today
                if kind == "record" and store is not None:
                    self._save(store, payload)
                if kind == "clear_examples" and store is not None:
                    self._clear_examples(store)
            self._refresh(store, refresh_for)

    def _open(self) -> HistoryStore | None:
        try:
            store = self._open_store()
        except ApplianceError as error:
            log.error("%s", error.describe())
            store = self._open_to_read(error)
            if store is None:
                self.failed = glass_of(error)
                self._post(partial(self._notify, self.failed, START_UP_NOTICE_S))
                self._post(partial(self.coach.set_history, ProgressView(message=self.failed), {}))
                return None
            self.read_only, self.warning = True, glass_of(error)
            self._post(partial(self._notify, self.warning, START_UP_NOTICE_S))
        finally:
            self.opened.set()
        if store.warning:  # on the glass whenever it opens: a person switched to later, a slow start-up
            log.warning("%s", store.warning)
            self.warning = store.warning
            self._post(partial(self._notify, store.warning, START_UP_NOTICE_S))
        try:
            neutral = store.latest_neutral()
            unusable = neutral is None and store.neutral_faces_stored() > 0
        except Exception as error:  # a read failing must not stop the saving
            log.error("could not read the personal neutral face: %s", error)
        else:
            if neutral is not None:
                self._post(partial(self._neutral_loaded, neutral))
            elif unusable:  # kept on disk, but no calibration: the coach offers a new one before practice
                log.warning("no stored resting face is usable: the person is asked to calibrate again")
                self._post(partial(self._notify, RECALIBRATE, START_UP_NOTICE_S))
        self._load_examples(store)
        return store

    def _open_to_read(self, error: ApplianceError) -> HistoryStore | None:
        """The history opened only to read, when it is there but cannot be written (a read-only or full card,
        a folder not the mirror user's): what it holds is still shown.  None: not even that."""
        if self._open_read_only is None:
            return None
        try:
            store = self._open_read_only()
        except ApplianceError as second:
            log.warning("nor can it be read: %s", second)
            return None
        log.warning("the practice history %s is shown read-only: nothing practised now is saved", store.path)
        return store

    def _clear_examples(self, store: HistoryStore) -> None:
        try:
            store.connection.execute("BEGIN IMMEDIATE")
            clear_examples(store.connection)
            store.connection.execute("COMMIT")
        except Exception as error:  # still on disk: said on the mirror, tried again at the next clear
            roll_back(store.connection)
            log.error("could not clear the examples: %s", error)
            self._post(partial(self._notify, NOT_CLEARED))

    def _load_examples(self, store: HistoryStore) -> None:
        try:
            examples = read_examples(store.connection, self.identity)
            best = best_examples(store.connection, self.identity)
        except Exception as error:  # a read failing must not stop the saving; the plain reading serves
            log.error("could not read the examples of this person's expressions: %s", error)
        else:
            if examples:
                self._post(partial(self._examples_loaded, examples, best))

    def _examples_loaded(self, examples: PersonalExamples, best) -> None:  # main thread
        if self._examples_cleared:
            return
        self.coach.set_best_examples(best, replace_all=False)
        self._example_rows = examples.rows() + self._example_rows  # any kept since the file opened are newer
        self._set_examples(PersonalExamples.from_rows(self.identity, self._example_rows))

    def _save(self, store: HistoryStore, events) -> None:
        if store.read_only:  # said on the glass at opening; each event is not worth a line of the log
            return
        try:
            store.record_all(events)  # a failed event waits in the store and is tried again next time
        except StorageError as error:
            log.error("%s (%d events waiting)", error.describe(), store.pending)
            self._post(partial(self._notify, glass_of(error)))
        except Exception:  # a bug must not stop the saving of what comes next
            log.exception("could not save to the practice history")

    def _refresh(self, store: HistoryStore | None, refresh_for) -> None:
        if store is not None and refresh_for is not None:
            try:
                summary = summarize(store, refresh_for, self.titles)
                scores = store.scores_by_drill()
            except Exception as error:  # a read failing must not stop the saving
                log.error("could not read the practice history: %s", error)
            else:
                if summary.range_rows_left_out and not self._said_ranges_left_out:
                    self._said_ranges_left_out = True
                    log.warning("%d range-of-motion rows do not read or are dated after today: left out",
                                summary.range_rows_left_out)  # fmt: skip
                view = summary.progress_view()
                if store.read_only:
                    view = replace(view, message=READ_ONLY_PROGRESS)
                self._post(partial(self.coach.set_history, view, scores))

    def _neutral_loaded(self, neutral: StoredNeutral) -> None:  # main thread
        if self.neutral is not None:  # a calibration made meanwhile is newer
            return
        self.neutral = neutral
        self.coach.set_personal_neutral(neutral.geometry, neutral.day)
        if self.when_neutral is not None:
            self.when_neutral(neutral)

    def latest_neutral(self) -> StoredNeutral | None:
        return self.neutral

    def _notify(self, message: str, seconds: float | None = None) -> None:  # main thread
        self.coach.notify(message, NoticeKind.WARNING, seconds=seconds)


def _read_only_opener(open_store) -> Callable[[], HistoryStore] | None:
    if open_store is HistoryStore:
        return partial(HistoryStore, read_only=True)
    if isinstance(open_store, partial) and open_store.func is HistoryStore:
        return partial(HistoryStore, *open_store.args, **{**open_store.keywords, "read_only": True})
    return None


def give_neutral_to(history, vision) -> None:
    """Hand ``history``'s stored resting face to ``vision`` (a VisionLink) now if it is loaded, and
    whenever the history's writer thread loads it (main thread).  Any history without one: nothing."""
    if vision is None or history is None or not hasattr(history, "when_neutral"):
        return

    def give(neutral: StoredNeutral) -> None:
        vision.set_neutral(neutral.geometry, kind="personal", appearance=neutral.appearance)

    history.when_neutral = give
    if history.latest_neutral() is not None:
        give(history.latest_neutral())
    give_examples_to(history, vision)


def give_examples_to(history, vision) -> None:
    """Hand ``history``'s examples of the person's expressions to ``vision`` now, and whenever they
    change (loaded, kept, cleared; main thread).  A history without any (the guest): nothing."""
    set_examples = getattr(vision, "set_examples", None)
    if set_examples is None or not hasattr(history, "when_examples"):
        return
    history.when_examples = set_examples
    set_examples(history.examples)


def open_history(coach, open_store: Callable[[], HistoryStore] = HistoryStore, **options):
    """The history, and a warning to show (a damaged file moved aside, or no history at all).

    Waits (at start-up) up to OPEN_WAIT_S for the writer thread to open the database; a problem
    found later is shown on the mirror when it is found."""
    link = HistoryLink(coach, open_store, **options)
    link.opened.wait(OPEN_WAIT_S)
    if link.failed:
        link.close()
        return None, link.failed
    return link, link.warning
