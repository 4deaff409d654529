"""The frame-source interface every camera backend implements, and the values it hands out."""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from appliance.errors import CameraError


@dataclass(frozen=True, eq=False)
class Frame:
    """One picture from a source.

    ``gray`` (HxW uint8) is what the vision path reads; ``rgb`` (HxWx3 uint8, maybe another
    size) is there when the source has colour cheaply, for a preview.  ``timestamp`` is
    ``time.monotonic()`` seconds when the frame arrived; ``index`` counts frames from 0.
    """

    gray: np.ndarray
    timestamp: float
    rgb: np.ndarray | None = None
    index: int = 0

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of ``gray``."""
        return int(self.gray.shape[1]), int(self.gray.shape[0])


class EndOfStream(Exception):
    """A finite source (a video without loop, a folder) has given all its frames."""


class FrameSource(abc.ABC):
    """A camera, a file or a folder giving frames: ``start()``, ``read()`` ..., ``stop()``.

    Use it as a context manager.  ``read`` raises :class:`CameraError` when the device fails
    or stalls (then ``stop()`` and ``start()`` again, with :class:`Backoff` between tries) and
    :class:`EndOfStream` when a finite source is done.  Not thread-safe: one reader.
    """

    name = "source"
    notice = ""  # a standing remark the user should see, e.g. why ``auto`` chose the demo

    def __init__(self) -> None:
        self._is_open = False

    @property
    def is_open(self) -> bool:
        return self._is_open

    def start(self) -> None:
        if not self._is_open:
            self._open()
            self._is_open = True

    def stop(self) -> None:
        if self._is_open:
            self._is_open = False
            self._close()

    def read(self, timeout: float = 2.0) -> Frame:
        """The next frame, waiting at most about ``timeout`` seconds for it."""
        if not self._is_open:
            raise CameraError(f"the {self.name} source is not started", hint="call start() first")
        return self._read(timeout)

    def __iter__(self) -> Iterator[Frame]:
        while True:
            try:
                yield self.read()
            except EndOfStream:
                return

    def __enter__(self) -> FrameSource:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    @abc.abstractmethod
    def _open(self) -> None: ...

    @abc.abstractmethod
    def _read(self, timeout: float) -> Frame: ...

    @abc.abstractmethod
    def _close(self) -> None: ...


class Backoff:
    """Delays between retries: ``initial``, doubling up to ``maximum``; ``reset()`` after a success."""

    def __init__(self, *, initial: float = 0.5, factor: float = 2.0, maximum: float = 10.0) -> None:
        self.initial, self.factor, self.maximum = initial, factor, maximum
        self._next = initial

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self._next * self.factor, self.maximum)
        return delay

    def reset(self) -> None:
        self._next = self.initial
