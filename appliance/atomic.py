"""Small files replaced whole, as the mirror's own settings are (preferences, people, the camera's angle).

Written to a temporary file beside the target, flushed to the disk, then renamed over it: a power
cut leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)


def write_text(path: Path, text: str, *, prefix: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8), its folder made if needed; the temporary is named
    ``prefix``...``.tmp`` (mode 0600).  Raises OSError, leaving no temporary behind."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
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
