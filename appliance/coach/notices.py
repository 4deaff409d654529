"""The mirror's banner: one notice at a time, warnings never lost to a newer notice.

A banner shows one line.  Several things can want it at once, at start-up most of all: the
history was damaged, a setting in config.toml is not used, the camera is being retried.  The
newest notice shows at once (it is about what just happened); a warning it covers waits and
shows again, for the time it had left, once the newer one is over or withdrawn.  Guard messages
and information are about their moment: covered, they are dropped.  Pure Python, clock injected
as ``now`` (seconds).
"""

from __future__ import annotations

from dataclasses import dataclass

from appliance.coach.view import NoticeKind

START_UP_NOTICE_S = 60.0
"""How long a warning found at start-up stays (a damaged history, a setting left out): longer than a
passing notice, since nobody may be at the mirror when it starts."""


@dataclass
class Notice:
    message: str
    kind: NoticeKind
    seconds: float  # how long it shows in all
    shown_from: float | None = None  # None: from the next moment the clock is seen (notified at start-up)

    def left(self, now: float) -> float:
        return self.seconds if self.shown_from is None else self.seconds - (now - self.shown_from)


class Notices:
    """The banner's notice now (:attr:`message`, :attr:`kind`) and the warnings waiting behind it."""

    def __init__(self) -> None:
        self.current: Notice | None = None
        self.waiting: list[Notice] = []  # covered warnings, the most recently covered first

    @property
    def message(self) -> str:
        return self.current.message if self.current is not None else ""

    @property
    def kind(self) -> NoticeKind:
        return self.current.kind if self.current is not None else NoticeKind.NONE

    def post(self, message: str, kind: NoticeKind, seconds: float, now: float | None) -> None:
        """Show ``message`` now for ``seconds``; the same message again restarts its time.  An empty
        message clears the banner (what waits behind it shows next)."""
        if not message:
            self.current = None
            return self.advance(now)
        self.waiting = [notice for notice in self.waiting if notice.message != message]
        covered = self.current
        if covered is not None and covered.message != message and covered.kind is NoticeKind.WARNING:
            left = covered.left(now) if now is not None else covered.seconds
            if left > 0:
                self.waiting.insert(0, Notice(covered.message, covered.kind, left))
        self.current = Notice(message, kind, seconds, now)

    def withdraw(self, message: str, now: float | None) -> None:
        """Take ``message`` off the banner and out of the queue (the problem it named is over)."""
        self.waiting = [notice for notice in self.waiting if notice.message != message]
        if self.current is not None and self.current.message == message:
            self.current = None
            self.advance(now)

    def advance(self, now: float | None) -> None:
        """Start the clock of a notice posted before it ran; end an expired one, bring the next."""
        while True:
            if self.current is not None and now is not None:
                if self.current.shown_from is None:
                    self.current.shown_from = now
                if self.current.left(now) > 0:
                    return
                self.current = None
            if self.current is not None or not self.waiting:
                return
            self.current = self.waiting.pop(0)
            self.current.shown_from = now
