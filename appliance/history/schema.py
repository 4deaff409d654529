"""The history's schema, as a list of migrations tracked in ``PRAGMA user_version``.

Never edit a step once shipped: add a new one.  Each step runs in the same
transaction as the version bump, so a database is always at one whole version.
"""

from __future__ import annotations

import logging
import sqlite3

from appliance.errors import StorageError
from appliance.storage_faults import Fault

log = logging.getLogger(__name__)

V1 = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    started_at REAL NOT NULL,          -- seconds since the epoch
    ended_at REAL,                     -- NULL: the session never ended (power cut, crash)
    plan TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE TABLE attempts (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    drill_id TEXT NOT NULL,
    score INTEGER NOT NULL,
    held_s REAL NOT NULL,
    started_at REAL NOT NULL,
    ended_at REAL NOT NULL
);
CREATE TABLE breaks (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    break_id TEXT NOT NULL,
    forced INTEGER NOT NULL DEFAULT 0,
    started_at REAL NOT NULL,
    ended_at REAL NOT NULL
);
"""

# v2: outcomes and the result figures, the local day for streaks, indexes for the summaries.
V2 = """
ALTER TABLE sessions ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN active_s REAL NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN day TEXT NOT NULL DEFAULT '';
UPDATE sessions SET day = date(started_at, 'unixepoch', 'localtime');
ALTER TABLE attempts ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN labels TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN outcome TEXT NOT NULL DEFAULT 'completed';
ALTER TABLE attempts ADD COLUMN best_match INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN hold_required_s REAL NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN time_to_best_s REAL;
ALTER TABLE attempts ADD COLUMN time_to_target_s REAL;
ALTER TABLE attempts ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN day TEXT NOT NULL DEFAULT '';
UPDATE attempts SET best_match = score, day = date(ended_at, 'unixepoch', 'localtime');
ALTER TABLE breaks ADD COLUMN completed INTEGER NOT NULL DEFAULT 1;
ALTER TABLE breaks ADD COLUMN relaxed_s REAL NOT NULL DEFAULT 0;
ALTER TABLE breaks ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE breaks ADD COLUMN day TEXT NOT NULL DEFAULT '';
UPDATE breaks SET day = date(ended_at, 'unixepoch', 'localtime');
CREATE INDEX attempts_by_drill ON attempts(drill_id, ended_at);
CREATE INDEX attempts_by_day ON attempts(day);
CREATE INDEX breaks_by_day ON breaks(day);
"""

# v3: the summaries read only what they show (at 4,000 sessions they took 5 s).  Recent sessions count
# their attempts through an index on session_id; trends read each drill's last scores from an index;
# the streak's days, each drill's attempt count, its daily mean and each day's minutes (the progress
# charts) are kept up to date by triggers, so a summary reads a row a day and a row a drill instead of
# every attempt ever taken.  A day counts for the streak only with a finished attempt (completed or
# missed, not skipped or cut short) or a break that ran to its end with a face seen: a break started
# by mistake in front of no one is not practice.  A session is "filled" once it holds an attempt, or a
# break that ran to its end or saw a face; empty ones are neither listed nor counted (counted as all
# sessions less the few empty ones, through a small index).
V3 = """
CREATE INDEX attempts_by_session ON attempts(session_id);
CREATE INDEX breaks_by_session ON breaks(session_id);
CREATE INDEX sessions_by_start ON sessions(started_at);
CREATE INDEX sessions_by_day ON sessions(day);
CREATE INDEX attempts_scored ON attempts(drill_id, ended_at, score) WHERE outcome != 'skipped';
CREATE TABLE drill_totals (drill_id TEXT PRIMARY KEY, scored INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO drill_totals SELECT drill_id, COUNT(*) FROM attempts WHERE outcome != 'skipped' GROUP BY drill_id;
CREATE TRIGGER attempts_total AFTER INSERT ON attempts WHEN NEW.outcome != 'skipped' BEGIN
    INSERT INTO drill_totals (drill_id, scored) VALUES (NEW.drill_id, 1)
        ON CONFLICT (drill_id) DO UPDATE SET scored = scored + 1;
END;
CREATE TABLE drill_days (
    drill_id TEXT NOT NULL, day TEXT NOT NULL, scored INTEGER NOT NULL, total REAL NOT NULL,
    PRIMARY KEY (day, drill_id)
) WITHOUT ROWID;
INSERT INTO drill_days SELECT drill_id, day, COUNT(*), SUM(score) FROM attempts WHERE outcome != 'skipped'
    GROUP BY day, drill_id;
CREATE TRIGGER attempts_drill_day AFTER INSERT ON attempts WHEN NEW.outcome != 'skipped' BEGIN
    INSERT INTO drill_days (drill_id, day, scored, total) VALUES (NEW.drill_id, NEW.day, 1, NEW.score)
        ON CONFLICT (day, drill_id) DO UPDATE SET scored = scored + 1, total = total + NEW.score;
END;
CREATE TABLE day_minutes (day TEXT PRIMARY KEY, active_s REAL NOT NULL) WITHOUT ROWID;
INSERT INTO day_minutes SELECT day, SUM(active_s) FROM sessions GROUP BY day;
CREATE TRIGGER sessions_day_minutes AFTER UPDATE OF active_s ON sessions BEGIN
    INSERT INTO day_minutes (day, active_s) VALUES (NEW.day, NEW.active_s - OLD.active_s)
        ON CONFLICT (day) DO UPDATE SET active_s = active_s + NEW.active_s - OLD.active_s;
END;
CREATE TABLE practice_days (day TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT OR IGNORE INTO practice_days
    SELECT day FROM attempts WHERE outcome IN ('completed', 'missed')
    UNION SELECT day FROM breaks WHERE completed AND relaxed_s > 0;
CREATE TRIGGER attempts_practice_day AFTER INSERT ON attempts WHEN NEW.outcome IN ('completed', 'missed') BEGIN
    INSERT OR IGNORE INTO practice_days (day) VALUES (NEW.day);
END;
CREATE TRIGGER breaks_practice_day AFTER INSERT ON breaks WHEN NEW.completed AND NEW.relaxed_s > 0 BEGIN
    INSERT OR IGNORE INTO practice_days (day) VALUES (NEW.day);
END;
ALTER TABLE sessions ADD COLUMN filled INTEGER NOT NULL DEFAULT 0;
UPDATE sessions SET filled = EXISTS (SELECT 1 FROM attempts a WHERE a.session_id = sessions.id)
    OR EXISTS (SELECT 1 FROM breaks b WHERE b.session_id = sessions.id AND (b.completed OR b.relaxed_s > 0));
CREATE INDEX sessions_empty ON sessions(id) WHERE NOT filled;
CREATE TRIGGER attempts_fill_session AFTER INSERT ON attempts BEGIN
    UPDATE sessions SET filled = 1 WHERE id = NEW.session_id AND NOT filled;
END;
CREATE TRIGGER breaks_fill_session AFTER INSERT ON breaks WHEN NEW.completed OR NEW.relaxed_s > 0 BEGIN
    UPDATE sessions SET filled = 1 WHERE id = NEW.session_id AND NOT filled;
END;
"""

# v4: personal neutral faces (every calibration kept; the latest is used), each feature's best
# amplitude per day (range of motion), and the feature drills' isolation and amplitude.
V4 = """
CREATE TABLE neutral_faces (
    id INTEGER PRIMARY KEY,
    created_at REAL NOT NULL,          -- seconds since the epoch
    day TEXT NOT NULL,
    geometry TEXT NOT NULL,            -- JSON {key: median}: the per-key median of Observation.geometry
    frames INTEGER NOT NULL DEFAULT 0,
    yaw REAL NOT NULL DEFAULT 0,
    pitch REAL NOT NULL DEFAULT 0,
    appearance TEXT                    -- JSON {label: median} of Observation.appearance; NULL: not read
);
CREATE TABLE feature_range (
    day TEXT NOT NULL,
    feature TEXT NOT NULL,
    best REAL NOT NULL,                -- best amplitude held for a moment, against the personal neutral
    PRIMARY KEY (day, feature)
);
ALTER TABLE attempts ADD COLUMN isolation INTEGER;
ALTER TABLE attempts ADD COLUMN amplitude REAL;
"""

# v5: which reading of the face made a neutral face's geometry (features.GEOMETRY_VERSION); the rows
# stored before it have 1.  One from another reading is kept but not used: the person calibrates again.
V5 = """
ALTER TABLE neutral_faces ADD COLUMN geometry_version INTEGER NOT NULL DEFAULT 1;
"""

# v6: the person's own expressions as examples (vision/examples.py): the reading's departure from their
# resting face at an attempt's peak, 39 little-endian float32s, in the space of one reading of the face.
V6 = """
CREATE TABLE expression_examples (
    id INTEGER PRIMARY KEY,
    created_at REAL NOT NULL,          -- seconds since the epoch
    day TEXT NOT NULL,
    label TEXT NOT NULL,
    reading TEXT NOT NULL,             -- vision.examples.reading_identity: another reading's are not used
    vector BLOB NOT NULL,              -- float32 little-endian: the departure from the resting face
    drill_id TEXT NOT NULL DEFAULT '',
    best_match INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX examples_by_label ON expression_examples(reading, label, created_at);
"""

MIGRATIONS = (V1, V2, V3, V4, V5, V6)
LATEST = len(MIGRATIONS)


def version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(connection: sqlite3.Connection, *, upto: int = LATEST) -> int:
    """Bring the database to version ``upto`` (default: the latest); return the version it was at."""
    found = version(connection)
    if found > LATEST:
        raise StorageError(
            f"the practice history is from a newer version of the appliance (schema {found}, this one knows {LATEST})",
            hint="update the appliance; your history was left untouched",
            fault=Fault.NEWER,
        )
    for number in range(found + 1, upto + 1):
        statements = _statements(MIGRATIONS[number - 1])
        connection.execute("BEGIN IMMEDIATE")
        try:
            if version(connection) >= number:  # another process (the mirror, `history`) migrated it meanwhile
                connection.execute("COMMIT")
                continue
            for statement in statements:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")
            connection.execute("COMMIT")
        except BaseException:
            roll_back(connection)
            raise
    return found


def roll_back(connection: sqlite3.Connection) -> None:
    """Undo the open transaction, if SQLite has not already (it does on a full disk, for one): a second
    ROLLBACK would fail with "cannot rollback - no transaction is active", hiding the real error."""
    if connection.in_transaction:
        try:
            connection.execute("ROLLBACK")
        except sqlite3.Error as error:
            log.error("could not roll back: %s", error)


def schema_gaps(connection: sqlite3.Connection) -> list[str]:
    """The tables and columns the migrations up to this database's version make that it lacks.

    A file whose version says a table is there and whose table is not (a table dropped by hand,
    a half-restored copy, an unreleased build's numbering) would fail on every read and write,
    and what is practised would not be kept; the store treats it as damaged instead.
    """
    expected = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(expected, upto=min(version(connection), LATEST))
        gaps = []
        for table in _tables(expected):
            have = _columns(connection, table)
            if not have:
                gaps.append(table)
            else:
                gaps += [f"{table}.{column}" for column in sorted(_columns(expected, table) - have)]
        return gaps
    finally:
        expected.close()


def _tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    return [name for (name,) in rows if not name.startswith("sqlite_")]


def _columns(connection: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}


def _statements(script: str) -> list[str]:
    """The script's statements; a trigger's body (``BEGIN ...; END``) stays whole."""
    statements, pending = [], ""
    for chunk in script.split(";"):
        pending += chunk + ";"
        if sqlite3.complete_statement(pending):
            if _has_sql(pending.strip().removesuffix(";")):
                statements.append(pending.strip())
            pending = ""
    return statements


def _has_sql(chunk: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in chunk.splitlines())
