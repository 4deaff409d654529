"""``HistoryStore``: the coach's events into SQLite, each in its own transaction.

WAL mode with ``synchronous=FULL``: a killed process or a power cut loses at
most the event being written.  A file SQLite cannot read is moved aside (never
deleted) and a fresh database started; ``warning`` then says so for the UI.
"""

from __future__ import annotations

import errno
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
from appliance.errors import StorageError
from appliance.history.examples import write_example
from appliance.history.salvage import read_only_uri, salvage
from appliance.history.schema import LATEST, migrate, roll_back, schema_gaps, version
from appliance.paths import data_dir
from appliance.storage_faults import damaged, storage_error
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
        self.read_only = read_only
        self._sessions: dict[int, int] = {}  # the coach's session number -> sessions.id
        self._pending: list[Event] = []
        if read_only:
            self.connection = self._open_read_only()
            return
        try:
            self._make_private()
            _check_writable(self.path)
        except OSError as error:
            raise storage_error("cannot write the practice history", self.path, error) from None
        try:
            self.connection = self._open()
        except OSError as error:
            raise storage_error("cannot make the practice history", self.path, error) from None
        except (sqlite3.DatabaseError, UnicodeDecodeError) as error:  # (SQLite's message quoting a damaged schema)
            if not _is_damage(error):
                raise storage_error("cannot open the practice history", self.path, error) from None
            moved = self._move_aside()
            log.warning("the practice history %s could not be read (%s): moved aside to %s", self.path, error, moved)
            self.connection = self._open()
            sessions = salvage(moved, self.connection).get("sessions", 0)  # what its intact pages still hold
            self.warning = damaged(sessions)

    def _make_private(self) -> None:
        """The folder 0700 and the file 0600: a practice history is nobody else's business.  SQLite
        gives the -wal and -shm files the database's own mode.  Files made by older versions (0644)
        are tightened too, in the appliance's own data folder."""
        folder = self.path.parent
        if not folder.is_dir():
            folder.mkdir(mode=0o700, parents=True)
        elif folder == data_dir() and folder.stat().st_mode & 0o077:
            folder.chmod(0o700)
        _create_private(self.path)
        for suffix in ("", "-wal", "-shm"):
            file = Path(f"{self.path}{suffix}")
            if file.exists() and file.stat().st_mode & 0o077:
                file.chmod(0o600)

    def _open(self) -> sqlite3.Connection:
        _create_private(self.path)  # SQLite gives a new file the umask's mode (0644), and its -wal and -shm
        connection = connect(self.path)
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
        try:
            connection = connect(read_only_uri(self.path), uri=True)
            try:
                verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
                if verdict != "ok":
                    raise sqlite3.DatabaseError(f"integrity check: {verdict}")
                found = version(connection)
                if found > LATEST:
                    migrate(connection)  # raises: from a newer appliance
                if found < LATEST:  # bring a copy up to date in memory; the file stays as it is
                    memory = connect(":memory:")
                    connection.backup(memory)
                    connection.close()
                    connection = memory
                    migrate(connection)
                _check_schema(connection)
            except BaseException:
                connection.close()
                raise
        except (sqlite3.DatabaseError, UnicodeDecodeError) as error:
            if _is_damage(error):
                raise StorageError(  # SQLite's check lists every bad page: its first line says enough
                    f"the practice history {self.path} is damaged ({str(error).splitlines()[0]})",
                    hint="nothing was changed; if it is the mirror's own history, the mirror keeps it aside and copies"
                    " what it can still read into a fresh one when it next starts",
                ) from None
            raise storage_error("cannot read the practice history", self.path, error) from None
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
            what, hint = "could not move aside the damaged practice history", f"move {self.path} away by hand"
            raise storage_error(what, self.path, error, hint=f"{hint}, then start again") from None
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
                roll_back(self.connection)
                raise
        except sqlite3.Error as error:
            raise storage_error("could not save to the practice history", self.path, error) from None

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


def connect(where: Path | str, *, uri: bool = False) -> sqlite3.Connection:
    """A connection to a history.  A damaged character in a stored text (one flipped bit on the card, which
    SQLite's checks do not see) reads as U+FFFD: Python's strict decoding would fail every summary, and the
    progress screen would never show again."""
    connection = sqlite3.connect(where, uri=uri, isolation_level=None, timeout=5.0)
    connection.text_factory = lambda raw: raw.decode("utf-8", errors="replace")
    return connection


def _check_writable(path: Path) -> None:
    """OSError (EROFS or EACCES) if the history or its folder cannot be written.  SQLite would open such a
    file read-only without a word when its -wal and -shm are there (a mirror killed, then its card made
    read-only), and only the first save would fail."""
    for target in (path.parent, path):
        if target.exists() and not os.access(target, os.W_OK):
            number = errno.EROFS if os.statvfs(target).f_flag & os.ST_RDONLY else errno.EACCES
            raise OSError(number, os.strerror(number), str(target))


def _create_private(path: Path) -> None:
    """The file made empty with mode 0600 if it is not there (SQLite gives its -wal and -shm the same)."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))


def _check_schema(connection: sqlite3.Connection) -> None:
    gaps = schema_gaps(connection)
    if gaps:  # not an OperationalError: damage, so the file is moved aside (kept), not used
        raise sqlite3.DatabaseError(f"its tables do not match its schema version {version(connection)}: "
                                    f"{', '.join(gaps[:5])}{' ...' if len(gaps) > 5 else ''} missing")  # fmt: skip


def _is_damage(error: sqlite3.DatabaseError | UnicodeDecodeError) -> bool:
    """Corrupt or not a database at all; a locked or unreadable file is not damage and is left alone.  (A
    damaged schema's text can make SQLite's own message undecodable: that is damage too.)"""
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
