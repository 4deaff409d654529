"""What went wrong with the disk, in one line for the glass and in full for the log.

A person at the mirror reads one short line ("The memory card is full: practice is not being
saved"); the log has the path and the OS's own name for the error (ENOSPC, EROFS, EACCES...).
SQLite names few of its failures: a full card surfaces as "disk I/O error" (the -shm or -wal
could not grow) or, inside a migration, as "cannot rollback - no transaction is active".  So
``diagnose`` asks the OS directly: is the folder there, is its filesystem mounted read-only, is
it out of space, and what does it answer when a small file is written there.  It touches the
disk: call it where the storage runs, never on the UI thread.

Every line the glass can show for a storage fault is built here from ``CAUSES`` and
``CONSEQUENCES`` (``glass_lines`` lists them all), so they stay short and in one place.
"""

from __future__ import annotations

import enum
import errno as codes
import os
from pathlib import Path

from appliance.glass import Words, words_for_the_glass


class Fault(enum.Enum):
    FULL = "full"
    READ_ONLY = "read-only"
    PERMISSION = "permission"
    MISSING = "missing"
    FAILING = "failing"  # the card answered with an I/O error
    BUSY = "busy"
    NEWER = "newer"  # a history from a newer version of the appliance: left untouched
    UNKNOWN = "unknown"


# The glass: "<cause>: <consequence>", one line of a person's words (two at most at 540x960).
CAUSES = {
    Fault.FULL: "The memory card is full",
    Fault.READ_ONLY: "The memory card is read-only",
    Fault.PERMISSION: "No access to the data folder",
    Fault.MISSING: "The data folder is missing",
    Fault.FAILING: "The memory card has errors",
    Fault.BUSY: "The history is in use elsewhere",
    Fault.NEWER: "History from a newer version",
    Fault.UNKNOWN: "The disk could not be written",
}
NOT_SAVED = "practice is not being saved"
TAKE_NOT_KEPT = "the best take was not kept"
CONSEQUENCES = (NOT_SAVED, TAKE_NOT_KEPT)
READ_ONLY_PROGRESS = "Read-only: new practice is not saved"  # the progress screen, under what the history holds

# The log and the terminal: what happened, and what to do.
WORDS = {
    Fault.FULL: ("the disk is full", "free some space on the SD card or disk; nothing recorded so far is lost"),
    Fault.READ_ONLY: ("the file or its disk is read-only", "make the data folder writable (is the card read-only?)"),
    Fault.PERMISSION: ("no permission there", "give the data folder to the user running the mirror"),
    Fault.MISSING: ("the folder is missing", "check the data directory (XDG_DATA_HOME): is the disk mounted?"),
    Fault.FAILING: ("the disk reported an error", "the SD card may be failing: copy the data folder off it"),
    Fault.BUSY: ("another program is using it", "close the other program (another mirror running?)"),
    Fault.NEWER: ("it is from a newer version of the appliance", "update the appliance; the history is untouched"),
    Fault.UNKNOWN: ("", ""),
}
BY_ERRNO = {
    codes.ENOSPC: Fault.FULL,
    codes.EDQUOT: Fault.FULL,
    codes.EFBIG: Fault.FULL,
    codes.EROFS: Fault.READ_ONLY,
    codes.EACCES: Fault.PERMISSION,
    codes.EPERM: Fault.PERMISSION,
    codes.ENOENT: Fault.MISSING,
    codes.ENOTDIR: Fault.MISSING,
    codes.EIO: Fault.FAILING,
}
LOW_SPACE = 256 * 1024  # bytes: less free than this and a history's next pages do not fit
PROBE_BYTES = 4096  # one page of a history


def glass(fault: Fault, consequence: str = NOT_SAVED) -> str:
    return f"{CAUSES[fault]}: {consequence}"


def damaged(sessions: int) -> str:
    """The glass's line on a damaged history kept aside and salvaged (the kept file's name is in the log)."""
    if not sessions:
        return "The history was damaged: a new one was started"
    return f"The history was damaged: {sessions} session{'s' * (sessions != 1)} recovered"


def people_damaged(unnamed: int) -> str:
    """The glass's line on a damaged list of people kept aside, everyone found again by their folders."""
    if not unnamed:
        return "The list of people was damaged: all found"
    return f"The list of people was damaged: {unnamed} name{'s' * (unnamed != 1)} lost"


def glass_lines() -> list[str]:
    """Every line the glass can show for a storage fault (a damaged file's with its longest count)."""
    faults = [glass(fault, consequence) for fault in Fault for consequence in CONSEQUENCES]
    damage = [damaged(0), damaged(1), damaged(100_000), people_damaged(0), people_damaged(1), people_damaged(6)]
    return [*faults, READ_ONLY_PROGRESS, *damage]


@words_for_the_glass
def _glass_words():
    for line in glass_lines():
        yield Words(line, "body" if line == READ_ONLY_PROGRESS else "notice", "storage fault")


def fault_of(error: BaseException | None) -> Fault | None:
    """The fault an error names by itself (an errno, or SQLite's error name); None when it names none."""
    name = getattr(error, "sqlite_errorname", "") or ""
    number = getattr(error, "errno", None)
    if number in BY_ERRNO:
        return BY_ERRNO[number]
    if name == "SQLITE_FULL":
        return Fault.FULL
    if name.startswith("SQLITE_READONLY"):
        return Fault.READ_ONLY
    if name in ("SQLITE_PERM", "SQLITE_AUTH"):
        return Fault.PERMISSION
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return Fault.BUSY
    if name.startswith("SQLITE_IOERR"):
        return Fault.FAILING
    return None


def diagnose(folder: Path, error: BaseException, path: Path | None = None) -> tuple[Fault, str]:
    """The fault behind ``error``, met writing in ``folder``, and the OS's words for the log
    ("ENOSPC (No space left on device)").  An errno is believed; SQLite's error (whose OS errno
    Python does not give) is traced by looking at the folder and writing a small file there;
    ``path``, the file SQLite was writing, tells a file the user may not write from a read-only one."""
    if isinstance(error, OSError) and error.errno in BY_ERRNO:
        return BY_ERRNO[error.errno], os_words(error)
    named = fault_of(error)
    if named is Fault.BUSY:
        return named, sqlite_words(error)
    found = probe(Path(folder))
    if found is not None:
        return BY_ERRNO.get(found.errno, Fault.FAILING), f"{os_words(found)}; {sqlite_words(error)}"
    if named is Fault.READ_ONLY and path is not None and path.exists() and not os.access(path, os.W_OK):
        return Fault.PERMISSION, sqlite_words(error)  # the folder takes a new file, not this one
    return named or Fault.UNKNOWN, sqlite_words(error)


def storage_error(what: str, path: Path, error: BaseException, *, folder: Path | None = None, hint: str = ""):
    """A StorageError saying ``what`` failed on ``path`` and why (the fault, the OS's and SQLite's words),
    its ``fault`` set for the glass.  ``folder``: where to look for the cause (default: ``path``'s)."""
    from appliance.errors import StorageError

    fault, words = diagnose(Path(folder) if folder is not None else Path(path).parent, error, Path(path))
    cause, todo = WORDS[fault]
    because = f"{cause} ({words})" if cause else words if not isinstance(error, OSError) else os_words(error)
    return StorageError(f"{what} {path}: {because}", hint=hint or todo or "check the data folder", fault=fault)


def glass_of(error: BaseException, consequence: str = NOT_SAVED) -> str:
    """The glass's line for a failed read or write (a StorageError names its fault; an OSError its errno)."""
    fault = getattr(error, "fault", None) or fault_of(error) or Fault.UNKNOWN
    return glass(fault, consequence)


def probe(folder: Path) -> OSError | None:
    """What the OS answers when a page is written in ``folder`` (None: it was written, and removed)."""
    try:
        if not folder.is_dir():
            number = codes.ENOTDIR if folder.exists() else codes.ENOENT
            return OSError(number, os.strerror(number), str(folder))
        stats = os.statvfs(folder)
        if stats.f_flag & os.ST_RDONLY:
            return OSError(codes.EROFS, os.strerror(codes.EROFS), str(folder))
        if stats.f_bavail * stats.f_frsize < LOW_SPACE and stats.f_blocks:
            return OSError(codes.ENOSPC, os.strerror(codes.ENOSPC), str(folder))
        test = folder / f".write-test-{os.getpid()}"
        handle = os.open(test, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(handle, bytes(PROBE_BYTES))
            os.fsync(handle)
        finally:
            os.close(handle)
            test.unlink(missing_ok=True)
    except OSError as error:
        return error
    return None


def os_words(error: OSError) -> str:
    name = codes.errorcode.get(error.errno, str(error.errno)) if error.errno is not None else type(error).__name__
    return f"{name} ({error.strerror or error})"


def sqlite_words(error: BaseException) -> str:
    name = getattr(error, "sqlite_errorname", "")
    return f"SQLite said {str(error)!r}" + (f", {name}" if name else "")
