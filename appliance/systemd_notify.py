"""Telling systemd how the appliance is doing: the sd_notify protocol, without libsystemd.

systemd (``Type=notify``) passes an AF_UNIX datagram socket in ``$NOTIFY_SOCKET``; a name that
starts with ``@`` is in the abstract namespace.  Messages are newline-separated ``KEY=VALUE``
lines: ``READY=1`` once the mirror shows, ``WATCHDOG=1`` at least every ``WatchdogSec`` while
the appliance is healthy (``$WATCHDOG_USEC``), ``STATUS=...`` for ``systemctl status``,
``STOPPING=1`` on the way out.  Without ``$NOTIFY_SOCKET`` (a dev run) every call does nothing.

    notifier = SystemdNotifier.from_environment()
    notifier.ready("showing the mirror")
    if notifier.watchdog_interval: ...   # ping at half of it
"""

from __future__ import annotations

import logging
import os
import socket
import threading

log = logging.getLogger(__name__)


class SystemdNotifier:
    """Sends sd_notify messages to ``address`` (a path, or ``@name`` for an abstract socket).

    ``watchdog_usec`` is systemd's watchdog period in microseconds (0: no watchdog).  Send
    failures are logged once and otherwise ignored: the mirror never stops over a status message.
    """

    def __init__(self, address: str | None, *, watchdog_usec: int = 0) -> None:
        self.address = address or None
        self.watchdog_usec = watchdog_usec if self.address else 0
        self._socket: socket.socket | None = None
        self._warned = False

    @classmethod
    def from_environment(cls, environ=None) -> SystemdNotifier:
        """From ``$NOTIFY_SOCKET`` and ``$WATCHDOG_USEC`` (honoured only if ``$WATCHDOG_PID`` is ours or unset)."""
        environ = os.environ if environ is None else environ
        watchdog_usec = 0
        pid = environ.get("WATCHDOG_PID", "")
        if not pid or pid == str(os.getpid()):
            try:
                watchdog_usec = max(0, int(environ.get("WATCHDOG_USEC", "0")))
            except ValueError:
                watchdog_usec = 0
        return cls(environ.get("NOTIFY_SOCKET"), watchdog_usec=watchdog_usec)

    @property
    def enabled(self) -> bool:
        return self.address is not None

    @property
    def watchdog_interval(self) -> float:
        """Seconds between WATCHDOG=1 pings: half the period systemd allows (0: no watchdog)."""
        return self.watchdog_usec / 2e6

    def ready(self, status: str = "") -> bool:
        return self.notify("READY=1", *([f"STATUS={status}"] if status else []))

    def watchdog(self) -> bool:
        return self.notify("WATCHDOG=1")

    def status(self, text: str) -> bool:
        return self.notify(f"STATUS={text}")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")

    def notify(self, *lines: str) -> bool:
        """Send ``lines`` as one datagram; True if it was sent."""
        if self.address is None:
            return False
        target = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        message = "\n".join(line.replace("\n", " ") for line in lines).encode("utf-8")
        try:
            if self._socket is None:
                self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._socket.sendto(message, target)
        except OSError as error:
            if not self._warned:
                self._warned = True
                log.warning("could not notify systemd at %s: %s", self.address, error)
            return False
        return True

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None


FREEZE_VARIABLE = "APPLIANCE_TEST_FREEZE_FILE"


class TestFreeze:
    """A test-only way to hang the UI loop, so a rehearsal can watch systemd's watchdog end it.

    Off unless ``$APPLIANCE_TEST_FREEZE_FILE`` names a file (scripts/systemd-rehearsal's drop-in sets
    it; config.toml cannot).  ``check`` runs on the UI thread: once the file appears, it is removed
    and the loop blocks for good, as a real hang would, so the WATCHDOG=1 pings stop.
    """

    __test__ = False  # (not a pytest class)

    def __init__(self, path: str, *, hang=None) -> None:
        self.path = path
        self._hang = hang or threading.Event().wait

    @classmethod
    def from_environment(cls, environ=None) -> TestFreeze | None:
        environ = os.environ if environ is None else environ
        path = environ.get(FREEZE_VARIABLE, "")
        return cls(path) if path else None

    def check(self, _dt=None) -> None:
        try:
            os.remove(self.path)
        except OSError:
            return  # not asked for (or not removable: then it is not ours to act on)
        log.error("test freeze: the UI loop hangs now (%s); systemd's watchdog should restart the mirror", self.path)
        self._hang()
