"""Best takes: the colour frame at the peak of a headshot-look attempt, kept as a JPEG (opt-in).

Nothing here runs unless ``[capture] best_takes = true``: with it off the shell never builds a
``TakeStore`` and no picture is written anywhere.  Takes live in the data directory::

    takes/<look>/<YYYYmmdd-HHMMSS-ffffff>.jpg     directories 0700, files 0600

At most ``max_per_look`` per look are kept: after each new one, the oldest go.  Writing (JPEG
encoding, fsync, rename) and deleting happen on one background thread, never on the UI thread;
``when_done`` callbacks arrive on that thread (the shell hands them to Kivy's main thread).
A take that cannot be written is logged and reported through ``when_failed``; the practice goes on.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from appliance.paths import data_dir
from appliance.storage_faults import TAKE_NOT_KEPT, glass_of, os_words

log = logging.getLogger(__name__)
DIR_NAME = "takes"
JPEG_QUALITY = 92
THUMB_LONG_SIDE = 480  # the picture on the result screen: small enough to upload to the GPU at once
_LOOK = re.compile(r"^[a-z0-9_]+$")


def default_root() -> Path:
    return data_dir() / DIR_NAME


@dataclass(frozen=True)
class Take:
    look: str
    path: Path
    thumbnail: np.ndarray  # HxWx3 uint8 RGB, at most THUMB_LONG_SIDE on its long side


def thumbnail(rgb: np.ndarray, long_side: int = THUMB_LONG_SIDE) -> np.ndarray:
    """Every k-th pixel so the long side is at most ``long_side`` (contiguous, a copy)."""
    step = max(1, -(-max(rgb.shape[:2]) // long_side))
    return np.ascontiguousarray(rgb[::step, ::step, :3])


class TakeStore:
    """The takes on disk: write one (keeping at most ``max_per_look``), count, delete them all.

    The methods do file work and belong on a background thread (``TakeWriter`` runs them).
    """

    def __init__(self, root: Path | None = None, *, max_per_look: int = 5) -> None:
        self.root = Path(root) if root is not None else default_root()
        self.max_per_look = max_per_look

    def write(self, look: str, rgb: np.ndarray, when: datetime | None = None) -> Path:
        """Save ``rgb`` (HxWx3 uint8) as the newest take of ``look``; returns its path."""
        from PIL import Image

        if not _LOOK.match(look):
            raise ValueError(f"not a look id: {look!r}")
        folder = self.root / look
        _private_dir(self.root)
        _private_dir(folder)
        name = (when or datetime.now()).strftime("%Y%m%d-%H%M%S-%f")
        path = folder / f"{name}.jpg"
        temporary = folder / f".{name}.tmp"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as out:
                Image.fromarray(np.ascontiguousarray(rgb[:, :, :3])).save(out, format="JPEG", quality=JPEG_QUALITY)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        self._prune(folder)
        return path

    def takes(self, look: str | None = None) -> list[Path]:
        """The kept takes (of one look, or of all), oldest first within each look."""
        if not self.root.is_dir():
            return []
        folders = [self.root / look] if look else sorted(p for p in self.root.iterdir() if p.is_dir())
        return [path for folder in folders if folder.is_dir() for path in sorted(folder.glob("*.jpg"))]

    def count(self) -> int:
        return len(self.takes())

    def delete_all(self) -> int:
        """Remove every take (and the folder); returns how many pictures there were."""
        count = self.count()
        if self.root.exists():
            shutil.rmtree(self.root)
        return count

    def _prune(self, folder: Path) -> None:
        kept = sorted(folder.glob("*.jpg"))
        for old in kept[: max(0, len(kept) - self.max_per_look)]:
            old.unlink(missing_ok=True)


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)  # mkdir's mode is filtered by the umask, and an old folder may have other bits


class TakeWriter:
    """One background thread doing a ``TakeStore``'s file work in order.

    ``save(look, rgb)`` and ``delete_all()`` return at once; ``when_saved(take)``,
    ``when_deleted(count)`` and ``when_failed(message)`` are called on the writer's thread.
    ``count`` is the number of takes on disk, kept current without touching the disk elsewhere.
    """

    def __init__(
        self,
        store: TakeStore,
        *,
        when_saved: Callable[[Take], None] | None = None,
        when_deleted: Callable[[int], None] | None = None,
        when_failed: Callable[[str], None] | None = None,
    ) -> None:
        self.store: TakeStore | None = store  # None: a guest practises, and nothing is kept
        self._max_per_look = store.max_per_look
        self.when_saved, self.when_deleted, self.when_failed = when_saved, when_deleted, when_failed
        self.count = 0
        self._jobs: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="best-takes", daemon=True)
        self._thread.start()
        self._jobs.put(self._recount)

    def save(self, look: str, rgb: np.ndarray) -> None:
        self._jobs.put(lambda: self._save(look, rgb))

    def delete_all(self) -> None:
        self._jobs.put(self._delete_all)

    def use(self, root: Path | None) -> None:
        """Keep takes in ``root`` from now on (another person's folder), or none at all (None: a
        guest).  Queued behind the takes still being written, which go where they were meant to."""
        self._jobs.put(lambda: self._use(root))

    def wait(self, timeout: float = 5.0) -> bool:
        """Until the jobs queued so far are done (tests, and closing the mirror); False on timeout."""
        done = threading.Event()
        self._jobs.put(done.set)
        return done.wait(timeout)

    def close(self, timeout: float = 5.0) -> None:
        self.wait(timeout)
        self._jobs.put(None)

    def _run(self) -> None:
        while (job := self._jobs.get()) is not None:
            try:
                job()
            except Exception as error:  # a full disk, a permission problem: said, and the mirror goes on
                words = os_words(error) if isinstance(error, OSError) else ""
                log.error("best takes: %s %s", error, words)
                if self.when_failed is not None:
                    self.when_failed(glass_of(error, TAKE_NOT_KEPT))

    def _use(self, root: Path | None) -> None:
        self.store = TakeStore(root, max_per_look=self._max_per_look) if root is not None else None
        self._recount()

    def _recount(self) -> None:
        self.count = self.store.count() if self.store is not None else 0

    def _save(self, look: str, rgb: np.ndarray) -> None:
        if self.store is None:
            log.info("a guest's best take of %s is not kept", look)
            return
        path = self.store.write(look, rgb)
        self._recount()
        log.info("best take of %s kept in %s", look, path)
        if self.when_saved is not None:
            self.when_saved(Take(look, path, thumbnail(rgb)))

    def _delete_all(self) -> None:
        deleted = self.store.delete_all() if self.store is not None else 0
        self.count = 0
        log.info("all %d best takes deleted", deleted)
        if self.when_deleted is not None:
            self.when_deleted(deleted)
