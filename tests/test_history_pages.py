"""Rows read from a damaged history's pages: a garbage header, a damaged first page or b-tree page, a -wal."""

import shutil
import sqlite3
from datetime import date

import pytest

from appliance.history import HistoryStore, summarize
from appliance.history.pages import Image, read_tables
from appliance.history.salvage import EVENT_TABLES, _columns
from appliance.history.schema import migrate
from tests.test_history import DAY, NOON, session

PAGE = 4096


def history(path, sessions=40, scores=range(60, 90)):
    with HistoryStore(path) as store:
        store.connection.execute("PRAGMA synchronous = OFF")  # a test's file need not survive a power cut
        for day in range(sessions):
            session(store, day + 1, NOON - day * DAY, *scores)
    return rows(path)


def rows(path):
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as connection:
        return {table: set(connection.execute(f"SELECT * FROM {table}")) for table in EVENT_TABLES}


def clobber(path, start, end):
    data = bytearray(path.read_bytes())
    data[start:end] = bytes((7 * i + 13) % 256 for i in range(end - start))  # garbage, not a run of one byte
    path.write_bytes(bytes(data))
    return path.read_bytes()


@pytest.mark.parametrize("damage", ["header", "first page"])
def test_a_history_whose_header_or_first_page_is_garbage_gives_back_every_row(tmp_path, damage):
    path = tmp_path / "h.sqlite3"
    there = history(path)
    with HistoryStore(path) as store:
        before = summarize(store, date(2026, 11, 21))
    damaged = clobber(path, 0, 100 if damage == "header" else PAGE)
    with HistoryStore(path) as store:
        assert "40 sessions recovered" in store.warning
        after = summarize(store, date(2026, 11, 21))
    assert rows(path) == there  # every row, identical
    assert (after.streak_days, after.sessions) == (before.streak_days, before.sessions)
    (aside,) = [kept for kept in tmp_path.glob("h.sqlite3.corrupt-*") if not kept.name.endswith(("-wal", "-shm"))]
    assert aside.read_bytes() == damaged  # kept aside untouched


def test_rows_below_a_damaged_interior_page_come_back(tmp_path):
    # SQLite reaches a leaf only through its parent: one bad interior page hides every leaf below it.
    path = tmp_path / "h.sqlite3"
    there = history(path, sessions=150)
    with sqlite3.connect(path) as connection:
        (interior,) = [page for (page,) in connection.execute(
            "SELECT pageno FROM dbstat WHERE name = 'attempts' AND pagetype = 'internal'")][:1]  # fmt: skip
    clobber(path, (interior - 1) * PAGE, interior * PAGE)
    with HistoryStore(path):
        pass
    assert rows(path) == there


def test_the_committed_pages_of_a_left_over_wal_are_read_with_the_file(tmp_path):
    # A mirror killed mid-run leaves its latest rows in the -wal; they are moved aside with the file.
    source = tmp_path / "running.sqlite3"
    store = HistoryStore(source)
    store.connection.execute("PRAGMA wal_autocheckpoint = 0")  # every row stays in the -wal
    for day in range(20):
        session(store, day + 1, NOON - day * DAY, 70, 80)
    path = tmp_path / "h.sqlite3"
    for suffix in ("", "-wal"):
        shutil.copy(f"{source}{suffix}", f"{path}{suffix}")
    there = rows(source)
    store.close()
    with open(f"{path}-wal", "ab") as wal:  # a frame torn by the kill: its checksum fails, it is not read
        wal.write(b"\x00\x00\x00\x02" + b"\xff" * (24 + PAGE - 4))
    found = read_tables(path, {table: _columns(fresh(), table) for table in EVENT_TABLES})
    assert len(there["attempts"]) == 40
    assert {tuple(values) for values in found["attempts"].values()} == there["attempts"]
    assert {tuple(values) for values in found["sessions"].values()} == there["sessions"]


def fresh():
    connection = sqlite3.connect(":memory:", isolation_level=None)
    migrate(connection)
    return connection


def test_page_size_is_found_without_the_header_and_rows_fit_their_own_table(tmp_path):
    path = tmp_path / "h.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA page_size = 1024")  # takes effect with the first table
    migrate(connection)
    connection.close()
    there = history(path, sessions=10)
    clobber(path, 0, 1024)  # the header and the list of tables: every table found by its rows' shape
    image = Image(path)
    assert image.size == 1024 and not image.header_ok
    found = read_tables(path, {table: _columns(fresh(), table) for table in EVENT_TABLES})
    assert {table: len(found[table]) for table in EVENT_TABLES} == {table: len(there[table]) for table in EVENT_TABLES}
    assert {tuple(values) for values in found["attempts"].values()} == there["attempts"]


def test_nothing_is_read_from_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "h.sqlite3"
    path.write_bytes(b"this is not sqlite " * 500)
    with HistoryStore(path) as store:
        assert store.warning == "The history was damaged: a new one was started"
        assert store.rows("sessions") == []


def test_a_row_longer_than_a_page_is_read_along_its_overflow_pages(tmp_path):
    from appliance.coach.events import SessionStarted

    path = tmp_path / "h.sqlite3"
    with HistoryStore(path) as store:
        for number, length in enumerate((4000, 4061, 4062, 9000, 20000), start=1):  # around the page's limit
            store.record(SessionStarted(number, "morning", "é" * (length // 2) + "x" * (length % 2), 0.0, NOON))
    there = rows(path)
    clobber(path, 0, 100)
    with HistoryStore(path):
        pass
    assert rows(path) == there


def test_a_damaged_list_of_tables_whose_error_message_is_not_utf8_is_salvaged_not_a_crash(tmp_path):
    path = tmp_path / "h.sqlite3"
    there = history(path, sessions=5)
    data = bytearray(path.read_bytes())
    at = data.find(b"DEFAULT", data.find(b"CREATE TABLE attempts"))
    data[at + 1] = 0xF4  # SQLite's "malformed database schema ... near" quotes it: not UTF-8
    path.write_bytes(bytes(data))
    with HistoryStore(path) as store:
        assert "5 sessions recovered" in store.warning
    assert rows(path) == there
