"""Errors the user can act on: each says what was wrong and what to do."""

from __future__ import annotations

import sys
from collections.abc import Callable


class ApplianceError(Exception):
    """Base of every error the appliance reports to its user.

    ``str(error)`` says what was wrong; ``hint`` says what to do about it.
    """

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint

    def describe(self) -> str:
        """The message and, on a second line, what to do."""
        text = str(self)
        return f"{text}\n  what to do: {self.hint}" if self.hint else text


class ModelError(ApplianceError):
    """A model file is missing, damaged or not the model expected."""


class ImageError(ApplianceError):
    """An image file could not be read."""


class FrameError(ApplianceError):
    """A frame has the wrong shape or type."""


class ConfigError(ApplianceError):
    """A setting has a value the appliance cannot use.  ``setting`` names it when one setting is at
    fault ("camera.fps", a whole table "buttons"), so the mirror can start without it."""

    def __init__(self, message: str, *, hint: str = "", setting: str = "") -> None:
        super().__init__(message, hint=hint)
        self.setting = setting


class CameraError(ApplianceError):
    """A frame source failed to open or stopped delivering frames."""


class StorageError(ApplianceError):
    """The practice history (or another file the mirror keeps) could not be read or written.  ``fault``
    (an ``appliance.storage_faults.Fault``, None when not known) picks the line the glass shows."""

    def __init__(self, message: str, *, hint: str = "", fault=None) -> None:
        super().__init__(message, hint=hint)
        self.fault = fault


def storage_cause(error: BaseException) -> tuple[str, str]:
    """(what happened, what to do) for a failed read or write of a file, from SQLite's error name
    or the OS's errno; ("", "") when neither says more than the error's own text."""
    from appliance.storage_faults import WORDS, fault_of

    fault = fault_of(error)
    return WORDS[fault] if fault is not None else ("", "")


def run_tool(main: Callable[[], int | None]) -> int:
    """Run a developer tool's ``python -m`` entry point (a fit, a figure, a training run).

    What it cannot use is said as the appliance's commands say it, "error: ..." and what to do, with
    exit status 2: an ApplianceError (no data set, a model that is not one), or a path it cannot
    read or write.  Never a traceback for something typed at its command line.
    """
    try:
        return int(main() or 0)
    except ApplianceError as error:
        print(f"error: {error.describe()}", file=sys.stderr)
        return 2
    except OSError as error:
        where = f"{error.filename}: " if error.filename else ""
        print(f"error: {where}{error.strerror or error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
