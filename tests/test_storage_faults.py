"""Storage faults named: one line for the glass, the path and the OS's error for the log."""

import errno
import os
import sqlite3
import subprocess
from types import SimpleNamespace

import pytest

from appliance import storage_faults
from appliance.errors import StorageError
from appliance.history import HistoryStore
from appliance.history.schema import migrate
from appliance.storage_faults import Fault, diagnose, glass, glass_lines, glass_of, storage_error


def sqlite_error(text, name):
    error = sqlite3.OperationalError(text)
    error.sqlite_errorname = name
    return error


def disk(monkeypatch, *, free=10**9, read_only=False):
    real = os.statvfs

    def statvfs(path):
        stats = real(path)
        flags = stats.f_flag | os.ST_RDONLY if read_only else stats.f_flag & ~os.ST_RDONLY
        return SimpleNamespace(f_flag=flags, f_bavail=free // stats.f_frsize, f_frsize=stats.f_frsize, f_blocks=1000)

    monkeypatch.setattr(storage_faults.os, "statvfs", statvfs)


def test_sqlites_disk_io_error_on_a_full_card_is_named_a_full_card(tmp_path, monkeypatch):
    disk(monkeypatch, free=8192)
    fault, words = diagnose(tmp_path, sqlite_error("disk I/O error", "SQLITE_IOERR_SHMSIZE"))
    assert fault is Fault.FULL and words.startswith("ENOSPC (") and "SQLITE_IOERR_SHMSIZE" in words


def test_a_read_only_card_and_a_folder_not_the_users_are_told_apart(tmp_path, monkeypatch):
    disk(monkeypatch, read_only=True)
    assert diagnose(tmp_path, sqlite_error("unable to open database file", "SQLITE_CANTOPEN"))[0] is Fault.READ_ONLY
    disk(monkeypatch)

    def refuse(*_args, **_kwargs):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(storage_faults.os, "open", refuse)
    fault, words = diagnose(tmp_path, sqlite_error("attempt to write a readonly database", "SQLITE_READONLY"))
    assert fault is Fault.PERMISSION and words.startswith("EACCES")


def test_a_missing_folder_an_errno_and_a_busy_file_need_no_probe(tmp_path):
    cannot_open = sqlite_error("unable to open database file", "SQLITE_CANTOPEN")
    assert diagnose(tmp_path / "gone", cannot_open)[0] is Fault.MISSING
    assert diagnose(tmp_path, OSError(errno.ENOSPC, "No space left on device")) == (
        Fault.FULL,
        "ENOSPC (No space left on device)",
    )
    assert diagnose(tmp_path, sqlite_error("database is locked", "SQLITE_BUSY"))[0] is Fault.BUSY
    assert diagnose(tmp_path, sqlite_error("something new", "SQLITE_WHATEVER"))[0] is Fault.UNKNOWN
    assert not list(tmp_path.iterdir())  # the probe's file is removed


def test_the_log_has_the_path_and_the_os_error_the_glass_one_short_line(tmp_path, monkeypatch):
    disk(monkeypatch, free=0)
    path = tmp_path / "history.sqlite3"
    io_error = sqlite_error("disk I/O error", "SQLITE_IOERR")
    error = storage_error("could not save to the practice history", path, io_error)
    assert isinstance(error, StorageError) and error.fault is Fault.FULL
    assert str(path) in str(error) and "ENOSPC" in str(error) and "the disk is full" in str(error)
    assert "free some space" in error.hint
    assert glass_of(error) == "The memory card is full: practice is not being saved"
    assert glass_of(RuntimeError("a bug")) == glass(Fault.UNKNOWN)


def test_every_glass_line_is_one_short_sentence():
    lines = glass_lines()
    assert len(lines) == len(Fault) * 2 + 7
    for line in lines:
        assert "\n" not in line and len(line) <= 60, line  # two lines at most at 540x960 (about 45 a line)


def test_a_full_disk_during_a_migration_is_said_not_cannot_rollback(tmp_path):
    connection = sqlite3.connect(tmp_path / "h.sqlite3", isolation_level=None)
    connection.execute("PRAGMA max_page_count = 2")  # SQLite's own SQLITE_FULL, as on a full card
    with pytest.raises(sqlite3.Error) as error:
        migrate(connection)
    assert error.value.sqlite_errorname == "SQLITE_FULL" and "rollback" not in str(error.value)


def practise(store, sessions):
    """``sessions`` mornings with a drill each (a session without one is not counted on the progress screen)."""
    from appliance.coach.events import SessionEnded, SessionStarted
    from tests.ui.test_history_link import attempt_in

    for number in range(1, sessions + 1):
        day = 1.75e9 + number * 86400
        store.record_all([SessionStarted(number, "morning", "", 0.0, day), attempt_in(number),
                          SessionEnded(number, "done", 300.0, 1, 0.0, day + 300)])  # fmt: skip


def shown(path):
    """The coach after a HistoryLink opened ``path`` as a person's history is opened, and the link."""
    from functools import partial

    from appliance.coach.coach import Coach
    from appliance.ui.history_link import HistoryLink

    coach, posted = Coach(), []
    link = HistoryLink(coach, partial(HistoryStore, path), post=posted.append)
    assert link.flush(5)
    for action in posted:
        action()
    link.close()
    return coach, link


def mounted_tmpfs(folder, size):
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")


@pytest.mark.parametrize("filled_kib", [0, 40])
def test_a_history_on_a_really_full_card_says_the_card_is_full(tmp_path, filled_kib):
    card = tmp_path / "card"
    mounted_tmpfs(card, "64k")
    try:
        if filled_kib:
            (card / "filler").write_bytes(bytes(filled_kib * 1024))
        with pytest.raises(StorageError) as error:
            HistoryStore(card / "history.sqlite3")
        assert error.value.fault is Fault.FULL, error.value
        assert "ENOSPC" in str(error.value) and "rollback" not in str(error.value)
    finally:
        subprocess.run(["umount", str(card)], check=False)


@pytest.mark.parametrize("left_by", ["a clean close", "a kill (its -wal and -shm left)"])
def test_a_history_on_a_really_read_only_card_is_shown_with_every_session(tmp_path, left_by):
    import shutil

    written, card = tmp_path / "written", tmp_path / "card"
    written.mkdir()
    store = HistoryStore(tmp_path / "history.sqlite3")
    store.connection.execute("PRAGMA wal_autocheckpoint = 0")
    practise(store, 2)
    if left_by == "a clean close":
        store.close()
    for file in tmp_path.glob("history.sqlite3*"):
        shutil.copy(file, written / file.name)
    if left_by != "a clean close":
        store.close()
    card.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a read-only bind mount needs root")
    done = subprocess.run(["mount", "--bind", "-o", "ro", str(written), str(card)], capture_output=True)
    if done.returncode:
        pytest.skip(f"cannot bind-mount here: {done.stderr.decode().strip()}")
    try:
        coach, link = shown(card / "history.sqlite3")
    finally:
        subprocess.run(["umount", str(card)], check=False)
    assert link.read_only and coach.notice == "The memory card is read-only: practice is not being saved"
    assert coach.progress.sessions == 2


def test_a_history_on_a_really_full_card_is_still_shown(tmp_path):
    card = tmp_path / "card"
    mounted_tmpfs(card, "1m")
    try:
        with HistoryStore(card / "history.sqlite3") as store:
            practise(store, 3)
        free = os.statvfs(card)
        (card / "filler").write_bytes(bytes(free.f_bavail * free.f_frsize))  # the card fills up afterwards
        coach, link = shown(card / "history.sqlite3")
    finally:
        subprocess.run(["umount", str(card)], check=False)
    assert coach.notice == "The memory card is full: practice is not being saved"
    assert link.read_only and coach.progress.sessions == 3
