"""``HistoryStore``: the coach's events into SQLite, each in its own transaction.

WAL mode with ``synchronous=FULL``: a killed process or a power cut loses at
most the event being written.  A file SQLite cannot read is moved aside (never
deleted) and a fresh database started; ``warning`` then says so for the UI.
"""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from appliance.atomic import aside_path
from appliance.coach.events import (
    AttemptFinished,
    BreakFinished,
    CameraFacingChosen,
    Event,
    ExampleKept,
    NeutralCalibrated,
    SessionEnded,
    SessionStarted,
)
from appliance.errors import StorageError, storage_cause
from appliance.history.examples import write_example
from appliance.history.salvage import salvage
from appliance.history.schema import LATEST, migrate, schema_gaps, version
from appliance.paths import data_dir
from appliance.vision.features import GEOMETRY_VERSION, is_geometry

log = logging.getLogger(__name__)
FILE_NAME = "history.sqlite3"
RECENT_SCORES = 10  # per drill, for today's practice


def default_path() -> Path:
    return data_dir() / FILE_NAME


def day_of(wall_time: float) -> str:
    """The local calendar day of a timestamp: streaks follow the user's days, not UTC's."""
    return date.fromtimestamp(wall_time).isoformat()


@dataclass(frozen=True)
class StoredNeutral:
    """A personal neutral face as stored: its geometry, when it was taken, and the expression model's
    reading of it (None: not read, as by an older appliance)."""

    geometry: dict[str, float]
    created_at: float
    day: str
    frames: int
    appearance: dict[str, float] | None = None


class HistoryStore:
    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        """``read_only``: for commands that only look (``history``): nothing on disk is created,
        migrated or moved; an older schema is brought up to date in a copy in memory, and a damaged
        file is reported (StorageError) and left where it is."""
        self.path = Path(path) if path is not None else default_path()
        self.warning = ""  # set when a damaged file had to be moved aside
        self._sessions: dict[int, int] = {}  # the coach's session number -> sessions.id
        self._pending: list[Event] = []
        if read_only:
            self.connection = self._open_read_only()
            return
        try:
            self._make_private()
        except OSError as error:
            cause, hint = storage_cause(error)
            raise StorageError(f"cannot create the data folder {self.path.parent}: {cause or error}",
                               hint=hint or "check the data directory") from None  # fmt: skip
        try:
            self.connection = self._open()
        except sqlite3.DatabaseError as error:
            if not _is_damage(error):
                cause, hint = storage_cause(error)
                hint = hint or "is another program using it? check the data directory's permissions and free space"
                raise StorageError(f"cannot open the practice history {self.path}: {cause or error}",
                                   hint=hint) from None  # fmt: skip
            moved = self._move_aside()
            log.warning("the practice history %s could not be read (%s): moved aside to %s", self.path, error, moved)
            self.connection = self._open()
            sessions = salvage(moved, self.connection).get("sessions", 0)  # what its intact pages still hold
            plural = "s" * (sessions != 1)
            recovered = f"{sessions} session{plural} recovered from it" if sessions else "a fresh one started"
            # Short enough for the glass (90 characters); the kept file's name is in the log.
            self.warning = f"The practice history was damaged: {recovered}; the old file is kept."

    def _make_private(self) -> None:
        """The folder 0700 and the file 0600: a practice history is nobody else's business.  SQLite
        gives the -wal and -shm files the database's own mode.  Files made by older versions (0644)
        are tightened too, in the appliance's own data folder."""
        folder = self.path.parent
        if not folder.is_dir():
            folder.mkdir(mode=0o700, parents=True)
        elif folder == data_dir() and folder.stat().st_mode & 0o077:
            folder.chmod(0o700)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        for suffix in ("", "-wal", "-shm"):
            file = Path(f"{self.path}{suffix}")
            if file.exists() and file.stat().st_mode & 0o077:
                file.chmod(0o600)

    def _open(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, isolation_level=None, timeout=5.0)
        try:
            connection.execute("PRAGMA journal_mode = WAL").fetchone()
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute("PRAGMA foreign_keys = ON")
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
            if verdict != "ok":
                raise sqlite3.DatabaseError(f"integrity check: {verdict}")
            migrate(connection)
            _check_schema(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _open_read_only(self) -> sqlite3.Connection:
        if not self.path.is_file():
            raise StorageError(f"there is no practice history at {self.path}", hint="check the path")
        # A running mirror keeps the -wal file: read alongside it.  Without one no one is writing, and
        # "immutable" keeps SQLite from creating -wal and -shm files just to read.
        mode = "ro" if Path(f"{self.path}-wal").exists() else "ro&immutable=1"
        uri = f"{self.path.resolve().as_uri()}?mode={mode}"
        try:
            connection = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=5.0)
            try:
                verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
                if verdict != "ok":
                    raise sqlite3.DatabaseError(f"integrity check: {verdict}")
                found = version(connection)
                if found > LATEST:
                    migrate(connection)  # raises: from a newer appliance
                if found < LATEST:  # bring a copy up to date in memory; the file stays as it is
                    memory = sqlite3.connect(":memory:", isolation_level=None)
                    connection.backup(memory)
                    connection.close()
                    connection = memory
                    migrate(connection)
                _check_schema(connection)
            except BaseException:
                connection.close()
                raise
        except sqlite3.DatabaseError as error:
            if _is_damage(error):
                raise StorageError(  # SQLite's check lists every bad page: its first line says enough
                    f"the practice history {self.path} is damaged ({str(error).splitlines()[0]})",
                    hint="nothing was changed; if it is the mirror's own history, the mirror keeps it aside and copies"
                    " what it can still read into a fresh one when it next starts",
                ) from None
            cause, hint = storage_cause(error)
            raise StorageError(f"cannot read the practice history {self.path}: {cause or error}",
                               hint=hint or "check the file's permissions") from None  # fmt: skip
        return connection

    def _move_aside(self) -> Path:
        target = aside_path(self.path, suffixes=("", "-wal", "-shm"))
        try:
            for suffix in ("", "-wal", "-shm"):
                source = Path(f"{self.path}{suffix}")
                if source.exists():
                    source.replace(Path(f"{target}{suffix}"))
                    log.warning("moved %s aside to %s", source, f"{target}{suffix}")
        except OSError as error:
            raise StorageError(
                f"the practice history {self.path} is damaged and could not be moved aside: {error}",
                hint=f"move {self.path} away by hand, then start again",
            ) from None
        return target

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------ writing
    def record(self, event: Event) -> None:
        """Store one event in one transaction."""
        if isinstance(event, CameraFacingChosen):  # the device's camera, not this person's: camera_facing.py
            return
        try:
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                self._write(event)
                self.connection.execute("COMMIT")
            except BaseException:
                if self.connection.in_transaction:  # SQLite rolls back by itself on a full disk, for one
                    self.connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            cause, hint = storage_cause(error)
            raise StorageError(f"could not save to the practice history: {cause or error}",
                               hint=hint or "check the data folder's free space and permissions") from None  # fmt: skip

    def record_all(self, events) -> None:
        """Store events in order.  If one cannot be saved, it and those after it wait and are tried
        again on the next call (StorageError says why), so a full disk loses nothing while the mirror runs."""
        self._pending.extend(events)
        while self._pending:
            self.record(self._pending[0])
            self._pending.pop(0)

    @property
    def pending(self) -> int:
        """Events waiting to be saved after a failure."""
        return len(self._pending)

    def _write(self, event: Event) -> None:
        execute = self.connection.execute
        if isinstance(event, SessionStarted):
            cursor = execute(
                "INSERT INTO sessions (started_at, plan, title, day) VALUES (?, ?, ?, ?)",
                (event.wall_time, event.plan, event.title, day_of(event.wall_time)),
            )
            self._sessions[event.session] = cursor.lastrowid
        elif isinstance(event, SessionEnded):
            execute(
                "UPDATE sessions SET ended_at = ?, reason = ?, active_s = ? WHERE id = ?",
                (event.wall_time, event.reason, event.active_s, self._session_id(event.session, event.wall_time)),
            )
        elif isinstance(event, AttemptFinished):
            started = event.wall_time - event.duration_s
            execute(
                "INSERT INTO attempts (session_id, drill_id, kind, labels, outcome, score, best_match, held_s,"
                " hold_required_s, time_to_best_s, time_to_target_s, reason, started_at, ended_at, day,"
                " isolation, amplitude) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self._session_id(event.session, started), event.drill_id, event.kind, ",".join(event.labels),
                 event.outcome, event.score, event.best_match, event.held_s, event.hold_required_s,
                 event.time_to_best_s, event.time_to_target_s, event.reason, started, event.wall_time,
                 day_of(event.wall_time), event.isolation, event.amplitude),
            )  # fmt: skip
            for feature, best in event.feature_best:  # each feature's best of the day: the higher one stays
                execute(
                    "INSERT INTO feature_range (day, feature, best) VALUES (?, ?, ?)"
                    " ON CONFLICT (day, feature) DO UPDATE SET best = max(best, excluded.best)",
                    (day_of(event.wall_time), feature, float(best)),
                )
        elif isinstance(event, NeutralCalibrated):
            execute(
                "INSERT INTO neutral_faces (created_at, day, geometry, frames, yaw, pitch, appearance,"
                " geometry_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (event.wall_time, day_of(event.wall_time), json.dumps(dict(event.geometry)), event.frames,
                 event.yaw, event.pitch, json.dumps(dict(event.appearance)) if event.appearance else None,
                 GEOMETRY_VERSION),
            )  # fmt: skip
        elif isinstance(event, BreakFinished):
            started = event.wall_time - event.duration_s
            execute(
                "INSERT INTO breaks (session_id, break_id, forced, completed, relaxed_s, reason, started_at,"
                " ended_at, day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (self._session_id(event.session, started), event.break_id, int(event.forced), int(event.completed),
                 event.relaxed_s, event.reason, started, event.wall_time, day_of(event.wall_time)),
            )  # fmt: skip
        elif isinstance(event, ExampleKept):
            write_example(self.connection, event, day_of(event.wall_time))
        else:
            raise TypeError(f"not a coach event: {event!r}")

    def _session_id(self, number: int, wall_time: float) -> int:
        """The row of the coach's session ``number``; one is made if its start was never stored."""
        if number not in self._sessions:
            cursor = self.connection.execute(
                "INSERT INTO sessions (started_at, plan, day) VALUES (?, 'unknown', ?)", (wall_time, day_of(wall_time))
            )
            self._sessions[number] = cursor.lastrowid
        return self._sessions[number]

    # ------------------------------------------------------------------ reading
    def scores_by_drill(self, limit: int = RECENT_SCORES) -> dict[str, list[float]]:
        """Each drill's last ``limit`` scores, oldest first (skipped attempts are not scores)."""
        db = self.connection
        drills = [d for (d,) in db.execute("SELECT drill_id FROM drill_totals")]  # kept by a trigger (schema v3)
        scores: dict[str, list[float]] = {}
        for drill_id in sorted(drills):  # one short index range each: the cost follows the drills, not the years
            newest = db.execute(
                "SELECT score FROM attempts WHERE drill_id = ? AND outcome != 'skipped'"
                " ORDER BY ended_at DESC, id DESC LIMIT ?",
                (drill_id, limit),
            ).fetchall()
            scores[drill_id] = [float(score) for (score,) in reversed(newest)]
        return scores

    def latest_neutral(self) -> StoredNeutral | None:
        """The newest personal neutral face vision can use (None: never calibrated, or no stored face is
        usable).  A row that does not read as {key: number}, or lacks a measurement this version reads
        (one from an older version, say), or was measured from another reading of the face
        (``GEOMETRY_VERSION``: its resting face would read as moved), is passed over for the one before
        it and left in the table: nothing stored is deleted, and an unusable face never counts as a
        calibration."""
        rows = self.connection.execute(
            "SELECT geometry, created_at, day, frames, appearance, geometry_version FROM neutral_faces"
            " ORDER BY created_at DESC, id DESC"
        )
        for text, created_at, day, frames, appearance_text, geometry_version in rows:
            if geometry_version != GEOMETRY_VERSION:
                log.warning(
                    "skipping the stored neutral face from %s: measured from reading %s of the face, this version"
                    " reads it as %s",
                    day,
                    geometry_version,
                    GEOMETRY_VERSION,
                )
                continue
            try:
                geometry = {str(key): float(value) for key, value in json.loads(text).items()}
            except (ValueError, TypeError, AttributeError) as error:
                log.warning("skipping a stored neutral face from %s that cannot be read: %s", day, error)
                continue
            if not is_geometry(geometry):
                log.warning("skipping the stored neutral face from %s: it lacks measurements this version reads", day)
                continue
            return StoredNeutral(geometry, float(created_at), day, int(frames), _appearance(appearance_text, day))
        return None

    def neutral_faces_stored(self) -> int:
        """How many resting faces are stored, usable or not (none usable: the person must calibrate again)."""
        (count,) = self.connection.execute("SELECT COUNT(*) FROM neutral_faces").fetchone()
        return count

    def feature_range(self, since: str = "") -> list[tuple[str, str, float]]:
        """(day, feature, best) from ``since`` (an ISO day; "" for all), oldest first."""
        return self.connection.execute(
            "SELECT day, feature, best FROM feature_range WHERE day >= ? ORDER BY day, feature", (since,)
        ).fetchall()

    def rows(self, table: str) -> list[sqlite3.Row]:
        if table not in ("sessions", "attempts", "breaks", "neutral_faces", "feature_range", "expression_examples"):
            raise ValueError(table)
        self.connection.row_factory = sqlite3.Row
        try:
            return self.connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        finally:
            self.connection.row_factory = None


def _check_schema(connection: sqlite3.Connection) -> None:
    gaps = schema_gaps(connection)
    if gaps:  # not an OperationalError: damage, so the file is moved aside (kept), not used
        raise sqlite3.DatabaseError(f"its tables do not match its schema version {version(connection)}: "
                                    f"{', '.join(gaps[:5])}{' ...' if len(gaps) > 5 else ''} missing")  # fmt: skip


def _is_damage(error: sqlite3.DatabaseError) -> bool:
    """Corrupt or not a database at all; a locked or unreadable file is not damage and is left alone."""
    name = getattr(error, "sqlite_errorname", "")
    return name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or not isinstance(error, sqlite3.OperationalError)


def _appearance(text: str | None, day: str) -> dict[str, float] | None:
    """A stored resting face's appearance; one that does not read is dropped (the geometry still serves)."""
    if not text:
        return None
    try:
        appearance = {str(label): float(value) for label, value in json.loads(text).items()}
    except (ValueError, TypeError, AttributeError) as error:
        log.warning("ignoring the unreadable appearance of the neutral face from %s: %s", day, error)
        return None
    # Probabilities or nothing: vision refuses a reading that is not, and would then drop the geometry too.
    if not all(math.isfinite(value) and value >= 0 for value in appearance.values()) or not sum(appearance.values()):
        log.warning("ignoring the appearance of the neutral face from %s: not probabilities", day)
        return None
    return appearance
