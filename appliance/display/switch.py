"""``ScreenSwitch``: turns the monitor off and on without ever making the UI wait.

The black overlay goes up (or down) at once on the caller's thread, so the picture goes dark even
if a backend fails; the backend's command (cec-ctl or ddcutil can take a second or more) runs on
a thread of its own, which first picks the backend (``choose``: probing runs commands too), but
only ``probe_after`` seconds after ``start`` or at the first "off", whichever comes first, so the
probing does not compete with the mirror's own start.  Requests that pile up collapse to the newest.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from appliance.display.power import DisplayPower, OverlayPower

log = logging.getLogger(__name__)


class ScreenSwitch:
    def __init__(
        self,
        choose: Callable[[], tuple[DisplayPower, list[str]]],
        *,
        overlay: Callable[[bool], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._choose, self._overlay, self._clock = choose, overlay, clock
        self.backend: DisplayPower | None = None
        self.reasons: list[str] = []  # why backends before the chosen one were not taken
        self.last_error = ""
        self.switched: list[tuple[float, bool]] = []  # (when, on) for each command that worked
        self._wanted = True
        self._changed = threading.Condition()
        self._stopping = False
        self._probe_after = 0.0
        self._thread: threading.Thread | None = None

    @property
    def is_on(self) -> bool:
        return self._wanted

    def start(self, *, probe_after: float = 0.0) -> None:
        self._stopping = False
        self._probe_after = probe_after
        self._thread = threading.Thread(target=self._run, name="screen-switch", daemon=True)
        self._thread.start()

    def set(self, on: bool) -> None:
        """Any thread the overlay callback accepts (the shell's main thread)."""
        self._overlay(not on)
        with self._changed:
            self._wanted = on
            self._changed.notify_all()

    def stop(self, timeout: float = 12.0) -> None:
        """Turn the monitor back on (the next start must not face a dark screen), then end the thread."""
        with self._changed:
            self._wanted, self._stopping = True, True
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        with self._changed:
            self._changed.wait_for(lambda: not self._wanted or self._stopping, self._probe_after)
            if self._stopping:
                return  # never switched off: nothing to probe or undo
        backend, self.reasons = self._choose()
        self.backend = backend
        for reason in self.reasons:
            log.info("display power: %s", reason)
        log.info("display power: %s", backend.name)
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._wanted != backend.is_on or self._stopping)
                wanted, stopping = self._wanted, self._stopping
            if wanted != backend.is_on:
                if isinstance(backend, OverlayPower):
                    backend.is_on = wanted  # set() already moved the overlay
                else:
                    self._apply(backend, wanted)
            if stopping:
                return

    def _apply(self, backend: DisplayPower, on: bool) -> None:
        try:
            backend.on() if on else backend.off()
        except Exception as error:  # a failing monitor command must not end the thread
            text = str(error).splitlines()[0]
            if text != self.last_error:
                log.warning("display power (%s): %s; the black overlay stays instead", backend.name, text)
            self.last_error = text
            backend.is_on = on  # do not retry in a loop: the next change tries again
            return
        self.last_error = ""
        self.switched.append((self._clock(), on))
