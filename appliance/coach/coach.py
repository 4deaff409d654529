"""``Coach``: the facade the shell drives.  Commands and observations in; a View and events out.

    coach = Coach(CoachSettings(), wall_clock=time.time)
    view = coach.handle(Command.SELECT, now)      # a button
    view = coach.observe(observation, now)        # a camera frame's reading
    view = coach.tick(now)                        # time passing (the UI's clock, ~30 Hz)
    store.record_all(coach.drain_events())        # what to keep in history

``now`` is seconds on one monotonic clock (the same for all three calls).
Time moves only in ``_advance``, which does nothing while paused, so pauses never count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from appliance.coach import render
from appliance.coach.attempt import Outcome
from appliance.coach.commands import dispatch
from appliance.coach.events import Event
from appliance.coach.examples import TEACH_PLAN
from appliance.coach.flow import Flow
from appliance.coach.scoring import is_relaxed, tension
from appliance.coach.view import MenuItem, NoticeKind, ProgressView, Screen, View
from appliance.glass import Words, words_for_the_glass
from appliance.messages import Command, Observation

AWAY = "No one at the mirror: paused. Step in front of it to carry on."


class Coach(Flow):
    @property
    def view(self) -> View:
        """Everything the UI shows right now."""
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
        self.landmarks_seen = self.landmarks_seen or bool(observation.neutral)
        if observation.has_face:
            self._last_face_at = now
            if self.paused and self.paused_reason == AWAY:
                self.resume()  # they came back: carry on without a button
        if observation.has_face and observation.smoothed:
            self.recent.append((now, dict(observation.smoothed)))
            while self.recent and self.recent[0][0] < now - 2 * self.settings.rising_window_s:
                self.recent.popleft()
        if self.screen is Screen.CALIBRATE and self.calibration is not None:
            self.calibration.observe(observation)
        if not self.paused and self.screen is Screen.DRILL and self.attempt is not None:
            self.attempt.reads_landmarks = self.landmarks_seen
            self.attempt.observe(observation)
        if not self.paused and self.screen is Screen.BREAK and self.rest is not None:
            phase = render.break_position(self.rest).phase
            judged = is_relaxed(observation, self.settings.relaxed_neutral_min) if phase.check else None
            self.rest.relaxed = judged
            self.rest.label = tension(observation.smoothed) if observation.has_face else ""
        return self.view

    def calibrate(self, now: float) -> View:
        """Settings' "recalibrate my resting face": the calibration screen (from home, no session)."""
        self._advance(now)
        if self.session is None:
            self.start_calibration()
        return self.view

    def teach(self, now: float) -> View:
        """Settings' "teach the mirror your expressions": that routine (from home, no session), with the
        calibration offered first as for any practice."""
        self._advance(now)
        if self.session is None:
            self.start_plan(self.plan_for(TEACH_PLAN))
        return self.view

    def tick(self, now: float) -> View:
        self._advance(now)
        return self.view

    def drain_events(self) -> list[Event]:
        """The events to store since the last call, oldest first."""
        events, self._events = self._events, []
        return events

    def set_history(self, progress: ProgressView, scores: Mapping[str, Sequence[float]]) -> None:
        """What history knows: the progress screen, and each drill's past scores (oldest first)."""
        self.progress, self._scores = progress, scores

    def set_difficulty(self, level: str) -> None:
        """Easy, normal or hard from the next attempt on (one under way keeps what it started with)."""
        self.settings = replace(self.settings, difficulty=level)

    def set_profiles(self, names: Sequence[str], current: int) -> None:
        """Who can practise (chosen on home) and who does now.  A new person gets the calibration offer again."""
        if tuple(names) != self.profiles or current != self.profile_index:
            self._offered_calibration = False
        self.profiles, self.profile_index = tuple(names), current
        self.profile_wanted = None

    def take_profile_request(self) -> int | None:
        """The person chosen on home since the last call (their index in ``profiles``), for the shell."""
        wanted, self.profile_wanted = self.profile_wanted, None
        return wanted

    def menu_items(self) -> tuple[MenuItem, ...]:
        return render.menu_items(self)

    def earlier_smoothed(self) -> Mapping[str, float]:
        """Smoothed probabilities about ``rising_window_s`` ago, for "rising" tips."""
        cutoff = self.now - self.settings.rising_window_s
        before = [smoothed for at, smoothed in self.recent if at <= cutoff]
        return before[-1] if before else (self.recent[0][1] if self.recent else {})

    # ------------------------------------------------------------------ time
    def _advance(self, now: float) -> None:
        dt = 0.0 if self._t is None else max(0.0, now - self._t)
        self._t = now if self._t is None else max(self._t, now)
        self.notices.advance(self.now)  # a notice from before the clock started counts from now
        if self.screen is Screen.CALIBRATE and self.calibration is not None and dt > 0.0:
            return self._advance_calibration(dt)
        if self.paused or dt == 0.0 or self.session is None:
            return
        if self.now - self._last_face_at > self.settings.away_s:
            return self.pause(AWAY)
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

    def _advance_calibration(self, dt: float) -> None:
        verdict = self.calibration.advance(dt, self.has_face())
        if verdict is not None and verdict.accepted:
            self.calibrated(verdict)

    def _advance_drill(self, dt: float) -> None:
        face = self.has_face()
        smoothed = dict(self.last_observation.smoothed) if face and self.last_observation else None
        reason = self.guard.performed(dt, smoothed)
        self.attempt.advance(dt, face)
        if reason and self.attempt.outcome is None:  # the result screen says why, in full: no banner too
            self.attempt.finish(Outcome("cut_short", reason))
        if self.attempt.outcome is not None:
            self.finish_attempt()

    def _watch_cap(self) -> None:
        session = self.session
        if session is None or not session.plan.drill_count:
            return  # a relaxation break alone never overdoes it: it starts, and ends, after the day's cap too
        today_s = session.earlier_today_s + session.active_s  # the cap is for the day: "come back tomorrow"
        warning = self.guard.cap_warning(today_s)
        if warning:
            self.notify(warning, NoticeKind.GUARD)
        reason = self.guard.cap_reached(today_s)
        if not reason or session.cap_reason:
            return
        session.cap_reason = reason
        if self.screen is Screen.DRILL and self.attempt is not None:  # the result, then the summary, say why
            self.attempt.finish(Outcome("cut_short", reason))
            self.finish_attempt()
        elif self.screen is Screen.PREPARE:  # the summary says why
            self.end_session(reason)
        else:  # a break or a result: the session ends after it, and this says why meanwhile
            self.notify(reason, NoticeKind.GUARD, seconds=self.settings.notice_s * 2)


@words_for_the_glass
def _glass_words():
    yield Words(AWAY, "quiet", "paused: no one at the mirror")
