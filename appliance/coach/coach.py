"""``Coach``: the facade the shell drives.  Commands and observations in; a View and events out.

Every entry point takes ``now`` (seconds on a monotonic clock); time only moves
through ``_advance``, which does nothing while paused, so pauses never count.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from appliance.coach import render
from appliance.coach.attempt import Attempt, Outcome, start_attempt
from appliance.coach.catalogue import Catalogue, load_catalogue
from appliance.coach.commands import dispatch
from appliance.coach.events import BreakFinished, Event, SessionEnded, SessionStarted
from appliance.coach.guard import Guard
from appliance.coach.routines import Plan, break_plan, free_plan, routine_plan, todays_plan
from appliance.coach.scoring import dominant, is_relaxed
from appliance.coach.session import BreakRun, Session
from appliance.coach.settings import CoachSettings
from appliance.coach.view import NoticeKind, ProgressView, Screen, View
from appliance.messages import Command, Observation

HOME_MENU = ("morning", "today", "drills", "breaks", "progress")


class Coach:
    def __init__(
        self,
        settings: CoachSettings | None = None,
        catalogue: Catalogue | None = None,
        *,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings or CoachSettings()
        self.catalogue = catalogue or load_catalogue()
        for break_id in (self.settings.forced_break, self.settings.quick_break):
            self.catalogue.break_script(break_id)  # a ConfigError now, not mid-session
        routine_plan(self.catalogue, "morning", self.settings)
        self._wall_clock = wall_clock
        self._t: float | None = None
        self._events: list[Event] = []
        self._sessions = 0
        self.screen = Screen.HOME
        self.paused = False
        self.menu_key, self.menu_index = "home", 0
        self.session: Session | None = None
        self.guard = Guard(self.settings)
        self.attempt: Attempt | None = None
        self.prepare_left = 0.0
        self.result = None
        self.result_left = 0.0
        self.rest: BreakRun | None = None
        self.summary = None
        self.progress = ProgressView(message="No practice yet: start with the morning routine.")
        self._scores: Mapping[str, Sequence[float]] = {}
        self.last_observation: Observation | None = None
        self._last_observation_at = 0.0
        self.recent: deque[tuple[float, Mapping[str, float]]] = deque()
        self.notice, self.notice_kind, self._notice_until = "", NoticeKind.NONE, 0.0

    # ------------------------------------------------------------------ the facade
    @property
    def now(self) -> float:
        return self._t or 0.0

    @property
    def view(self) -> View:
        return render.view(self)

    def handle(self, command: Command | str, now: float) -> View:
        command = Command(command)
        self._advance(now)
        if command is not Command.SCREEN:  # the shell turns the screen off and on
            dispatch(self, command)
        return self.view

    def observe(self, observation: Observation, now: float) -> View:
        self._advance(now)
        self.last_observation, self._last_observation_at = observation, now
        if observation.has_face and observation.smoothed:
            self.recent.append((now, dict(observation.smoothed)))
            while self.recent and self.recent[0][0] < now - 2 * self.settings.rising_window_s:
                self.recent.popleft()
        if not self.paused and self.screen is Screen.DRILL and self.attempt is not None:
            self.attempt.observe(observation)
        if not self.paused and self.screen is Screen.BREAK and self.rest is not None:
            self._judge_relaxation(observation)
        return self.view

    def tick(self, now: float) -> View:
        self._advance(now)
        return self.view

    def menu_items(self):
        return render.menu_items(self)

    def drain_events(self) -> list[Event]:
        """The events to store since the last call, oldest first."""
        events, self._events = self._events, []
        return events

    def set_history(self, progress: ProgressView, scores: Mapping[str, Sequence[float]]) -> None:
        """What history knows: the progress screen, and each drill's past scores (oldest first)."""
        self.progress, self._scores = progress, scores

    def notify(self, message: str, kind: NoticeKind = NoticeKind.WARNING, seconds: float | None = None) -> None:
        self.notice, self.notice_kind = message, kind
        self._notice_until = self.now + (seconds if seconds is not None else self.settings.notice_s)

    # ------------------------------------------------------------------ time
    def has_face(self) -> bool:
        seen = self.last_observation
        fresh = self.now - self._last_observation_at <= self.settings.face_timeout_s
        return seen is not None and seen.has_face and fresh

    def earlier_smoothed(self) -> Mapping[str, float]:
        """Smoothed probabilities about ``rising_window_s`` ago, for "rising" tips."""
        cutoff = self.now - self.settings.rising_window_s
        before = [smoothed for at, smoothed in self.recent if at <= cutoff]
        return before[-1] if before else (self.recent[0][1] if self.recent else {})

    def _advance(self, now: float) -> None:
        dt = 0.0 if self._t is None else max(0.0, now - self._t)
        self._t = now if self._t is None else max(self._t, now)
        if self.notice and self.now >= self._notice_until:
            self.notice, self.notice_kind = "", NoticeKind.NONE
        if self.paused or dt == 0.0 or self.session is None:
            return
        self.session.active_s += dt
        if self.screen is Screen.PREPARE:
            self.prepare_left -= dt
            if self.prepare_left <= 0:
                self.perform()
        elif self.screen is Screen.DRILL and self.attempt is not None:
            self._advance_drill(dt)
        elif self.screen is Screen.RESULT and self.settings.result_s > 0:
            self.result_left -= dt
            if self.result_left <= 0:
                self.next_item()
        elif self.screen is Screen.BREAK and self.rest is not None:
            self.rest.elapsed_s += dt
            self.rest.relaxed_s += dt if self.rest.relaxed and self.has_face() else 0.0
            if self.rest.elapsed_s >= self.rest.script.duration_s:
                self.finish_break(completed=True)
        self._watch_cap()

    def _advance_drill(self, dt: float) -> None:
        face = self.has_face()
        smoothed = dict(self.last_observation.smoothed) if face and self.last_observation else None
        reason = self.guard.performed(dt, smoothed)
        self.attempt.advance(dt, face)
        if reason and self.attempt.outcome is None:
            self.attempt.finish(Outcome("cut_short", reason))
            self.notify(reason, NoticeKind.GUARD)
        if self.attempt.outcome is not None:
            self.finish_attempt()

    def _watch_cap(self) -> None:
        session = self.session
        if session is None:
            return
        warning = self.guard.cap_warning(session.active_s)
        if warning:
            self.notify(warning, NoticeKind.GUARD)
        reason = self.guard.cap_reached(session.active_s)
        if not reason or session.cap_reason:
            return
        session.cap_reason = reason
        self.notify(reason, NoticeKind.GUARD, seconds=self.settings.notice_s * 2)
        if self.screen is Screen.DRILL and self.attempt is not None:
            self.attempt.finish(Outcome("cut_short", reason))
            self.finish_attempt()
        elif self.screen is Screen.PREPARE:
            self.end_session(reason)

    def _judge_relaxation(self, observation: Observation) -> None:
        rest = self.rest
        phase = render.break_position(rest).phase
        rest.relaxed = is_relaxed(observation, self.settings.relaxed_neutral_min) if phase.check else None
        rest.label = dominant(observation.smoothed) if observation.has_face else ""

    # ------------------------------------------------------------------ flow
    def start_plan(self, plan: Plan) -> None:
        self._sessions += 1
        self.session = Session(self._sessions, plan)
        self.guard = Guard(self.settings)
        self.summary = None
        self._emit(SessionStarted(self._sessions, plan.id, plan.title, self.now, self._wall_clock()))
        self.start_item()

    def plan_for(self, key: str) -> Plan:
        if key == "morning":
            return routine_plan(self.catalogue, "morning", self.settings)
        if key == "today":
            return todays_plan(self.catalogue, self.settings, self._scores, self.today())
        if key.startswith("break:"):
            return break_plan(self.catalogue, key.partition(":")[2])
        return free_plan(self.catalogue, key.partition(":")[2] or key)

    def today(self) -> date:
        return date.fromtimestamp(self._wall_clock())

    def start_item(self) -> None:
        kind, _, item_id = self.session.item.partition(":")
        self.attempt, self.result = None, None
        if kind == "break":
            self.start_break(item_id, resume="advance")
        else:
            self.screen, self.prepare_left = Screen.PREPARE, self.settings.prepare_s

    def perform(self) -> None:
        drill = self.catalogue.drill(self.session.item.partition(":")[2])
        self.attempt = start_attempt(drill, self.settings)
        if self.last_observation is not None and self.has_face():
            self.attempt.observe(self.last_observation)
        self.screen = Screen.DRILL

    def finish_attempt(self) -> None:
        attempt, session = self.attempt, self.session
        outcome = attempt.outcome
        session.attempts += 1
        if outcome.kind != "skipped":
            self.guard.finished_drill()
            session.scores.append((attempt.drill.title, attempt.score))
        self._emit(render.attempt_event(self, attempt))
        self.result = render.result_view(self, attempt)
        self.screen, self.result_left = Screen.RESULT, self.settings.result_s
        reason = self.guard.break_due()
        if reason and not session.cap_reason:
            session.forced_reason = reason
            self.notify(reason + " A break comes next.", NoticeKind.GUARD)

    def next_item(self) -> None:
        session = self.session
        if session.cap_reason:
            return self.end_session(session.cap_reason)
        if session.forced_reason:
            reason, session.forced_reason = session.forced_reason, ""
            return self.start_break(self.settings.forced_break, resume="advance", forced=True, reason=reason)
        if session.index + 1 >= len(session.plan.items):
            return self.end_session(f"{session.plan.title}: done. Well practised!")
        session.index += 1
        self.start_item()

    def repeat_item(self, step: int = 0) -> None:
        self.session.index = max(0, self.session.index + step)
        self.start_item()

    def start_break(self, break_id: str, *, resume: str, forced: bool = False, reason: str = "") -> None:
        self.rest = BreakRun(self.catalogue.break_script(break_id), forced=forced, reason=reason, resume=resume)
        self.screen = Screen.BREAK

    def finish_break(self, *, completed: bool) -> None:
        rest, session = self.rest, self.session
        session.breaks += 1
        if completed:
            self.guard.took_break()
        self._emit_break(rest, completed=completed)
        self.rest = None
        if rest.resume == "repeat" and not session.cap_reason:
            self.start_item()
        else:
            self.next_item()

    def end_session(self, reason: str, *, go_home: bool = False) -> None:
        session = self.session
        if session is None:
            return
        if self.screen is Screen.DRILL and self.attempt is not None and self.attempt.outcome is None:
            self.attempt.finish(Outcome("skipped", "the session ended"))
            session.attempts += 1
            self._emit(render.attempt_event(self, self.attempt))
        if self.screen is Screen.BREAK and self.rest is not None:
            session.breaks += 1
            self._emit_break(self.rest, completed=False)
        self._emit(SessionEnded(session.number, reason, session.active_s, session.attempts, self.now,
                                self._wall_clock()))  # fmt: skip
        self.summary = render.summary_view(session, reason)
        self.session, self.attempt, self.rest, self.paused = None, None, None, False
        self.screen = Screen.HOME if go_home else Screen.SUMMARY
        self.menu_key, self.menu_index = "home", 0

    def _emit(self, event: Event) -> None:
        self._events.append(event)

    def _emit_break(self, rest: BreakRun, *, completed: bool) -> None:
        number, wall = self.session.number, self._wall_clock()
        self._emit(BreakFinished(number, rest.script.id, rest.forced, rest.reason, completed,
                                 rest.elapsed_s, rest.relaxed_s, self.now, wall))  # fmt: skip
