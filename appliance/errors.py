"""Errors the user can act on: each says what was wrong and what to do."""

from __future__ import annotations


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
    """A setting has a value the appliance cannot use."""


class CameraError(ApplianceError):
    """A frame source failed to open or stopped delivering frames."""


class StorageError(ApplianceError):
    """The practice history could not be read or written."""
