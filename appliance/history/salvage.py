"""What can still be read from a damaged practice history, copied into the fresh one that replaces it.

A damaged file is moved aside (``HistoryStore``) and kept; without this the person's weeks of
practice would vanish from the mirror although most of the file's pages are usually intact.  Each
table the events fill is copied row by row where whole reads fail, so one bad page costs only the
rows on it.  The tables the summaries keep (the streak's days, each day's minutes, each drill's
totals) are not copied: the fresh history's triggers build them again from the rows copied, so
they agree with what was saved.  Nothing is written to the damaged file: it opens read-only.

What SQLite cannot reach (the whole file, when its header or its list of tables is damaged; the
rows below a damaged b-tree page) is read from the file's pages themselves (``pages.py``); a row
SQLite reads wins over the same row found there.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from appliance.history.pages import Column, affinity, read_tables
from appliance.history.schema import roll_back

log = logging.getLogger(__name__)

# The tables events fill, in an order that keeps references whole (sessions before their attempts).
EVENT_TABLES = ("sessions", "attempts", "breaks", "neutral_faces", "feature_range", "expression_examples")
STAND_IN = (
    "INSERT OR IGNORE INTO sessions (id, started_at, ended_at, plan, title, day) VALUES (?, ?, ?, 'recovered',"
    " 'Recovered session', COALESCE(NULLIF(?, ''), date(?, 'unixepoch', 'localtime')))"
)
WAL_HEADER = 32  # bytes: a -wal no longer than its header holds no pages
CHUNK = 256  # rows read at once; a chunk that fails is read again in halves, down to single rows
# A damaged file's list of tables can make SQLite's own error message undecodable: Python then raises that.
READ_ERRORS = (sqlite3.Error, UnicodeDecodeError)


def read_only_uri(path: Path) -> str:
    """The URI that opens ``path`` only to read.  With a -wal that holds anything (a mirror running, or
    killed) SQLite reads alongside it; without one, or with an empty one (left by an open that failed on
    a full card), "immutable": no -wal or -shm is made or grown just to read, which a full or read-only
    card would refuse."""
    wal = Path(f"{path}-wal")
    mode = "ro" if wal.exists() and wal.stat().st_size > WAL_HEADER else "ro&immutable=1"
    return f"{path.resolve().as_uri()}?mode={mode}"


def salvage(damaged: Path, fresh: sqlite3.Connection) -> dict[str, int]:
    """Copy every readable row of ``damaged``'s event tables into ``fresh`` (a history at the latest
    schema, empty); how many rows each table got.  Never raises for the damaged file's sake: what
    cannot be read is left behind, and said in the log."""
    try:  # its -wal, moved aside beside it, holds the latest rows
        old = sqlite3.connect(read_only_uri(Path(damaged)), uri=True, isolation_level=None)
    except READ_ERRORS as error:
        log.warning("nothing could be read from the damaged history %s: %s", damaged, error)
        return {}
    from_pages = _from_pages(damaged, fresh)
    copied = {}
    try:
        fresh.execute("BEGIN")
        for table in EVENT_TABLES:
            copied[table] = _copy_table(old, fresh, table, from_pages.get(table, {}))
        fresh.execute("COMMIT")
    except sqlite3.Error as error:  # the fresh file itself failed (a full disk): it stays empty, as before
        roll_back(fresh)
        log.warning("could not copy the damaged history's rows into the fresh one: %s", error)
        return {}
    finally:
        old.close()
    log.warning("recovered from the damaged history %s: %s", damaged, copied)
    return copied


def _from_pages(damaged: Path, fresh: sqlite3.Connection) -> dict[str, dict[int, list]]:
    """The event tables' rows as the damaged file's pages hold them ({} if they cannot be read at all)."""
    try:
        return read_tables(damaged, {table: _columns(fresh, table) for table in EVENT_TABLES})
    except Exception as error:  # any value on a damaged page can trip the reader: SQLite's rows still count
        log.warning("could not read the pages of the damaged history %s: %r", damaged, error)
        return {}


def _columns(fresh: sqlite3.Connection, table: str) -> list[Column]:
    """The table's columns in the order the migrations add them: an older file's are the first of these."""
    info = fresh.execute(f"PRAGMA table_info({table})").fetchall()
    keys = [row for row in info if row[5]]
    return [Column(name, affinity(kind), bool(not_null), len(keys) == 1 and key == 1 and kind.upper() == "INTEGER")
            for _cid, name, kind, not_null, _default, key in info]  # fmt: skip


def _copy_table(old: sqlite3.Connection, fresh: sqlite3.Connection, table: str, from_pages: dict[int, list]) -> int:
    columns = _shared_columns(old, fresh, table) or (_fresh_columns(fresh, table) if from_pages else [])
    if not columns:
        return 0
    names = ", ".join(columns)
    read = _readable_rows(old, f"SELECT rowid, {names} FROM {table}", _last_rowid(old, table))
    have = {row[0] for row in read}
    rows = [row[1:] for row in read] + _page_rows(fresh, table, columns, from_pages, have)
    insert = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"
    if table == "sessions":  # a session's minutes reach the day's total through its update trigger
        return _copy_sessions(fresh, insert, columns, rows)
    if "session_id" in columns:  # attempts and breaks whose session row was on a bad page keep theirs
        _stand_in_sessions(fresh, columns, rows)
    return sum(_insert(fresh, insert, row) for row in rows)


def _copy_sessions(fresh: sqlite3.Connection, insert: str, columns: list[str], rows: list[tuple]) -> int:
    active = columns.index("active_s") if "active_s" in columns else None
    count = 0
    for row in rows:
        values = list(row)
        minutes = (values[active] if active is not None else 0.0) or 0.0  # a damaged NULL counts as none
        if active is not None:
            values[active] = 0.0
        if _insert(fresh, insert, values):
            _insert(fresh, "UPDATE sessions SET active_s = ? WHERE id = ?", (minutes, values[columns.index("id")]))
            count += 1
    return count


def _stand_in_sessions(fresh: sqlite3.Connection, columns: list[str], rows: list[tuple]) -> None:
    """A session for each one ``rows`` (attempts or breaks) refer to that was not recovered, spanning their
    times, so the rows it held are kept (the file enforces references).  Its minutes are not known: 0."""
    have = {row[0] for row in fresh.execute("SELECT id FROM sessions")}
    at = {name: columns.index(name) for name in ("session_id", "started_at", "ended_at", "day") if name in columns}
    spans: dict[int, list] = {}
    for row in rows:
        session = row[at["session_id"]]
        start = row[at["started_at"]] if "started_at" in at else None
        if session in have or not isinstance(session, int) or not _is_time(start):
            continue  # nothing to place a stand-in in time with (a damaged value): such rows stay behind
        end = row[at["ended_at"]] if "ended_at" in at and _is_time(row[at["ended_at"]]) else start
        span = spans.setdefault(session, [start, end, row[at["day"]] if "day" in at else ""])
        span[0], span[1] = min(span[0], start), max(span[1], end)
    for session, (start, end, day) in spans.items():
        _insert(fresh, STAND_IN, (session, start, end, day if isinstance(day, str) else "", start))


def _is_time(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _insert(fresh: sqlite3.Connection, statement: str, values) -> bool:
    try:
        return fresh.execute(statement, tuple(values)).rowcount > 0
    except sqlite3.IntegrityError:  # a row that breaks the schema's rules (a damaged value): left behind
        return False


def _page_rows(fresh: sqlite3.Connection, table: str, columns: list[str], from_pages: dict[int, list],
               have: set[int]) -> list[tuple]:  # fmt: skip
    """The rows found on the pages that SQLite did not read, as ``columns``: a row stored before a column
    was added lacks it, and gets the column's default as SQLite would give it."""
    info = fresh.execute(f"PRAGMA table_info({table})").fetchall()
    order = [row[1] for row in info]
    defaults = {name: fresh.execute(f"SELECT {default}").fetchone()[0] if default is not None else None
                for _cid, name, _kind, _not_null, default, _key in info}  # fmt: skip
    rows, at = [], [order.index(name) for name in columns]
    for rowid in sorted(set(from_pages) - have):
        values = from_pages[rowid]
        rows.append(tuple(values[i] if i < len(values) else defaults[columns[n]] for n, i in enumerate(at)))
    if rows:
        log.warning("%d rows of %s read from the damaged file's pages", len(rows), table)
    return rows


def _fresh_columns(fresh: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in fresh.execute(f"PRAGMA table_info({table})")]


def _shared_columns(old: sqlite3.Connection, fresh: sqlite3.Connection, table: str) -> list[str]:
    """The columns both files have (an older file lacks later ones: the fresh file's defaults fill them)."""
    try:
        theirs = {row[1] for row in old.execute(f"PRAGMA table_info({table})")}
    except READ_ERRORS:
        return []
    ours = [row[1] for row in fresh.execute(f"PRAGMA table_info({table})")]
    if table == "sessions" and "id" not in theirs:
        return []
    return [name for name in ours if name in theirs]


def _last_rowid(old: sqlite3.Connection, table: str) -> int | None:
    try:
        return old.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0]
    except READ_ERRORS:
        return None


def _readable_rows(old: sqlite3.Connection, select: str, last: int | None) -> list[tuple]:
    """Every row ``select`` can read: the whole table at once, else by rowid ranges up to ``last``."""
    try:
        return old.execute(select).fetchall()
    except READ_ERRORS:
        pass
    if not last:
        return []
    rows: list[tuple] = []
    for start in range(1, last + 1, CHUNK):
        rows += _range(old, select, start, min(start + CHUNK - 1, last))
    return rows


def _range(old: sqlite3.Connection, select: str, first: int, last: int) -> list[tuple]:
    try:
        return old.execute(f"{select} WHERE rowid BETWEEN ? AND ?", (first, last)).fetchall()
    except READ_ERRORS:
        if first == last:
            return []
        middle = (first + last) // 2
        return _range(old, select, first, middle) + _range(old, select, middle + 1, last)
