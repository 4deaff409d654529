"""Small files replaced whole, as the mirror's own settings are (preferences, people, the camera's angle).

Written to a temporary file beside the target, flushed to the disk, then renamed over it: a power
cut leaves the old file or the new one, never half of one.  ``BackgroundWriter`` does that off the
caller's thread (the UI's), which never waits for the disk.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from appliance.storage_faults import os_words

log = logging.getLogger(__name__)


def aside_path(path: Path, *, suffixes: tuple[str, ...] = ("",)) -> Path:
    """Where a damaged ``path`` is kept: ``NAME.corrupt-STAMP`` beside it, to the microsecond, and never
    onto an earlier one (nor onto one of its ``suffixes``' files, a database's -wal and -shm): two
    damaged files in one second both stay."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target, n = path.with_name(f"{path.name}.corrupt-{stamp}"), 1
    while any(Path(f"{target}{suffix}").exists() for suffix in suffixes):
        n += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    return target


def write_text(path: Path, text: str, *, prefix: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8), its folder made if needed; the temporary is named
    ``prefix``...``.tmp`` (mode 0600).  Raises OSError, leaving no temporary behind."""
    temporary = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # the data folder is nobody else's
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise


def read_table(path: Path, *, what: str) -> dict:
    """The JSON object in ``path``; {} when there is none, and when it cannot be read or is not an
    object (logged as "ignoring ``what`` in ``path``": the next write replaces it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        log.warning("ignoring %s in %s: %s", what, path, error)
        return {}
    if not isinstance(data, dict):
        log.warning("ignoring %s in %s: not a table", what, path)
        return {}
    return data


class BackgroundWriter:
    """Writes files with ``write_text`` on threads of its own, each the latest text given for it.

    ``save`` only records the text and starts a thread, so the caller never waits for the disk;
    each thread writes whatever is latest for its file when its turn comes, one at a time, so
    their order does not matter and a burst of changes ends with the last one on disk.  A failed
    write is logged (``failure``: a %-format taking the path and the OS's error) and the next save
    tries again.
    """

    def __init__(self, *, prefix: str, thread_name: str, failure: str) -> None:
        self.prefix, self.thread_name, self.failure = prefix, thread_name, failure
        self._latest: dict[Path, str] = {}
        self._lock = threading.Lock()  # guards _latest: held only for an instant, also on the caller's thread
        self._writing = threading.Lock()  # one write at a time; never taken on the caller's thread
        self._threads: list[threading.Thread] = []

    def save(self, path: Path, text: str) -> None:
        with self._lock:
            self._latest[Path(path)] = text
        thread = threading.Thread(target=self._write, args=(Path(path),), name=self.thread_name, daemon=True)
        self._threads = [earlier for earlier in self._threads if earlier.is_alive()] + [thread]
        thread.start()

    def wait(self, timeout: float = 5.0) -> None:
        """Until every write started so far is done (or ``timeout`` seconds in all have passed)."""
        deadline = time.monotonic() + timeout
        for thread in list(self._threads):
            thread.join(max(0.0, deadline - time.monotonic()))

    def _write(self, path: Path) -> None:
        with self._writing:
            with self._lock:
                text = self._latest[path]
            try:
                write_text(path, text, prefix=self.prefix)
            except OSError as error:
                log.error(self.failure, path, os_words(error))
