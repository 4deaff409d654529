"""The history's schema, as a list of migrations tracked in ``PRAGMA user_version``.

Never edit a step once shipped: add a new one.  Each step runs in the same
transaction as the version bump, so a database is always at one whole version.
"""

from __future__ import annotations

import sqlite3

from appliance.errors import StorageError

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

# v3: personal neutral faces (every calibration kept; the latest is used), each feature's best
# amplitude per day (range of motion), and the feature drills' isolation and amplitude.
V3 = """
CREATE TABLE neutral_faces (
    id INTEGER PRIMARY KEY,
    created_at REAL NOT NULL,          -- seconds since the epoch
    day TEXT NOT NULL,
    geometry TEXT NOT NULL,            -- JSON {key: median}: the per-key median of Observation.geometry
    frames INTEGER NOT NULL DEFAULT 0,
    yaw REAL NOT NULL DEFAULT 0,
    pitch REAL NOT NULL DEFAULT 0
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

MIGRATIONS = (V1, V2, V3)
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
        )
    for number in range(found + 1, upto + 1):
        statements = [s.strip() for s in MIGRATIONS[number - 1].split(";") if _has_sql(s)]
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
            connection.execute("ROLLBACK")
            raise
    return found


def _has_sql(chunk: str) -> bool:
    return any(line.strip() and not line.strip().startswith("--") for line in chunk.splitlines())
