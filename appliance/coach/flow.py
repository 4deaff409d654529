"""The coach's state and its transitions: plans, items, attempts, breaks, the end of a session.

``Coach`` (coach.py) adds the clock and the facade; the button map is in commands.py.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date

from appliance.coach import render
from appliance.coach.attempt import Attempt, Outcome, start_attempt
from appliance.coach.calibration import Calibration, CalibrationLimits, Verdict
from appliance.coach.catalogue import Catalogue, load_catalogue
from appliance.coach.consistency_target import NO_EXAMPLE, ConsistencyTarget
from appliance.coach.events import (
    BreakFinished,
    CameraFacingChosen,
    Event,
    NeutralCalibrated,
    SessionEnded,
    SessionStarted,
)
from appliance.coach.examples import TEACH_HOLD_S, TEACH_PLAN, example_of
from appliance.coach.guard import Guard
from appliance.coach.notices import Notices
from appliance.coach.routines import Plan, break_plan, check_settings_ids, free_plan, routine_plan, todays_plan
from appliance.coach.session import BreakRun, Session
from appliance.coach.settings import CoachSettings
from appliance.coach.view import NoticeKind, ProgressView, Screen
from appliance.glass import Words, words_for_the_glass
from appliance.messages import Observation

BREAK_NEXT = " A break comes next."  # after the guard's reason
PAUSED = "Paused."
DONE = "{title}: done. Well practised!"
NO_PRACTICE = "No practice yet: start with the morning routine."


class Flow:
    def __init__(
        self,
        settings: CoachSettings | None = None,
        catalogue: Catalogue | None = None,
        *,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings or CoachSettings()
        self.catalogue = catalogue or load_catalogue()
        check_settings_ids(self.catalogue, self.settings)  # a ConfigError now, not mid-session
        routine_plan(self.catalogue, "morning", self.settings)
        self._wall_clock = wall_clock
        self._t: float | None = None
        self._events: list[Event] = []
        self._sessions = 0
        self.screen = Screen.HOME
        self.paused, self.paused_reason = False, ""
        self.menu_key, self.menu_index = "home", 0
        self.session: Session | None = None
        self.guard = Guard(self.settings)
        self.attempt: Attempt | None = None
        self.prepare_left = 0.0
        self.result = None
        self.result_left = 0.0
        self.rest: BreakRun | None = None
        self.summary = None
        self.progress = ProgressView(message=NO_PRACTICE)
        self.progress_index = 0  # the progress screen's chart, picked with next / previous
        self._scores: Mapping[str, Sequence[float]] = {}
        self.last_observation: Observation | None = None
        self._last_observation_at = 0.0
        self.landmarks_seen = False  # some frame this run carried features: this device reads landmarks
        self._last_face_at = 0.0
        self.recent: deque[tuple[float, Mapping[str, float]]] = deque()
        self.notices = Notices()  # the banner: the newest notice, covered warnings waiting behind it
        self.vision_problem = ""  # why no face can be read at all (a broken model): the drills say so
        self.calibration: Calibration | None = None
        self._after_calibration: Plan | None = None  # the practice the first-time offer put off
        self._offered_calibration = False  # the first-time offer comes once per run
        self.neutral_geometry: Mapping[str, float] | None = None  # the personal neutral face in use
        self.neutral_day = ""  # when it was taken ("" : the population neutral)
        self.profiles: tuple[str, ...] = ()  # the names to choose from on home (the shell's list)
        self.profile_index = 0  # the one practising now
        self.profile_wanted: int | None = None  # chosen on home, for the shell to switch to
        # The person's best example of each expression (its departure, its match): the consistency drills'.
        self.best_examples: dict[str, tuple[tuple[float, ...], int]] = {}

    @property
    def now(self) -> float:
        return self._t or 0.0

    @property
    def notice(self) -> str:
        return self.notices.message

    @property
    def notice_kind(self) -> NoticeKind:
        return self.notices.kind

    def notify(self, message: str, kind: NoticeKind = NoticeKind.WARNING, seconds: float | None = None) -> None:
        """Show a banner (guard messages, warnings from the shell) for ``seconds`` (default: settings.notice_s).
        A warning it covers shows again after it (``notices``)."""
        self.notices.post(message, kind, seconds if seconds is not None else self.settings.notice_s, self._t)

    def withdraw_notice(self, message: str) -> None:
        """The problem ``message`` named is over: off the banner, whichever notice shows now."""
        self.notices.withdraw(message, self._t)

    def today(self) -> date:
        return date.fromtimestamp(self._wall_clock())

    def pause(self, reason: str = PAUSED) -> None:
        self.paused, self.paused_reason = True, reason

    def resume(self) -> None:
        self.paused, self.paused_reason = False, ""

    # ------------------------------------------------------------------ plans and items
    @property
    def has_scores(self) -> bool:
        """Whether any drill has a score in the history (today's practice is drawn from them)."""
        return any(self._scores.values())

    def plan_for(self, key: str) -> Plan:
        """ "today", "break:ID", "drill:ID" (every drill from that one on), or a routine id."""
        if key == "today":
            return todays_plan(self.catalogue, self.settings, self._scores, self.today())
        if key.startswith("break:"):
            return break_plan(self.catalogue, key.partition(":")[2])
        if key.startswith("drill:"):
            return free_plan(self.catalogue, key.partition(":")[2])
        return routine_plan(self.catalogue, key, self.settings)

    def start_plan(self, plan: Plan) -> None:
        """Start practising ``plan``; the first time features are read against an average face, the
        mirror first offers to learn this person's resting face."""
        earlier = self.practised_today_s()
        day_done = Guard(self.settings).cap_reached(earlier)  # the cap is for the day, as its words say
        if day_done and plan.drill_count:  # a break alone never overdoes it
            self.screen, self.menu_key = Screen.HOME, "home"  # also after a calibration offered before it
            return self.notify(day_done, NoticeKind.GUARD)
        if self._should_offer_calibration(plan):
            self._offered_calibration, self._after_calibration = True, plan
            return self.start_calibration(first_time=True)
        self._sessions += 1
        self.session = Session(self._sessions, plan, earlier_today_s=earlier)
        self.guard = Guard(self.settings)
        self.summary, self._last_face_at = None, self.now
        self._emit(SessionStarted(self._sessions, plan.id, plan.title, self.now, self._wall_clock()))
        self.start_item()

    def practised_today_s(self) -> float:
        """Seconds practised earlier today, by the history's figures (0 when they are another day's)."""
        return self.progress.minutes_today * 60 if self.progress.today == self.today().isoformat() else 0.0

    def start_item(self) -> None:
        kind, _, item_id = self.session.item.partition(":")
        self.attempt, self.result = None, None
        if kind == "break":
            self.start_break(item_id, resume="advance")
        else:
            self.screen, self.prepare_left = Screen.PREPARE, self.settings.prepare_s

    def next_item(self) -> None:
        """On to the next item, unless the cap ends the session or the guard calls a break first."""
        session = self.session
        if session.cap_reason:
            return self.end_session(session.cap_reason)
        if session.index + 1 >= len(session.plan.items):
            return self.end_session(DONE.format(title=session.plan.title), completed=True)
        if session.forced_reason:
            reason, session.forced_reason = session.forced_reason, ""
            if session.plan.items[session.index + 1].startswith("break:"):  # the routine's own break will do
                session.index += 1
                return self.start_break(session.item.partition(":")[2], resume="advance", forced=True, reason=reason)
            return self.start_break(self.settings.forced_break, resume="advance", forced=True, reason=reason)
        session.index += 1
        self.start_item()

    def repeat_item(self, step: int = 0) -> None:
        self.session.index = max(0, self.session.index + step)
        self.start_item()

    # ------------------------------------------------------------------ the personal neutral face
    def _should_offer_calibration(self, plan: Plan) -> bool:
        # Any frame with landmarks this run, not only the last: a person pressing the button often
        # looks down at it, and that frame has no landmarks; the offer must not hang on it.
        return self.landmarks_seen and plan.drill_count > 0 and not self.neutral_day and not self._offered_calibration

    def start_calibration(self, *, first_time: bool = False) -> None:
        limits = CalibrationLimits(seconds=self.settings.calibration_s, give_up_s=3 * self.settings.calibration_s)
        self.calibration = Calibration(
            limits, first_time=first_time, practised=self.has_scores, reads_landmarks=self.landmarks_seen
        )
        self.screen = Screen.CALIBRATE

    def calibrated(self, verdict: Verdict) -> None:
        """An accepted calibration: use it, and ask the shell to store it and hand it to vision."""
        self.set_personal_neutral(verdict.geometry, self.today().isoformat())
        geometry = tuple(sorted((key, round(value, 6)) for key, value in verdict.geometry.items()))
        appearance = tuple(sorted((label, round(value, 6)) for label, value in verdict.appearance.items()))
        self._emit(NeutralCalibrated(geometry, verdict.frames, round(verdict.yaw, 2), round(verdict.pitch, 2),
                                     self.now, self._wall_clock(), appearance))  # fmt: skip

    def choose_camera_facing(self) -> None:
        """ "I am facing the mirror" after a calibration that read the head turned: the camera sees such a
        head as the verdict read it, so the shell adds that turn to the facing in use.  After a refusal,
        collecting starts again at once, its poses read against the new facing; after a saved resting
        face, the saved message shows that the angle is kept too."""
        verdict = self.calibration.verdict
        self._emit(CameraFacingChosen(round(verdict.yaw, 2), round(verdict.pitch, 2), self.now, self._wall_clock()))
        self.calibration.facing_kept()

    def set_best_examples(self, best: Mapping[str, tuple[Sequence[float], int]], *, replace_all: bool = True) -> None:
        """The person's best example of each expression, (departure, match) by label, e.g. loaded from
        their history.  ``replace_all=False`` keeps those this run kept already (they are newer)."""
        loaded = {label: (tuple(vector), int(match)) for label, (vector, match) in best.items()}
        self.best_examples = loaded if replace_all else {**loaded, **self.best_examples}

    def set_personal_neutral(self, geometry: Mapping[str, float] | None, day: str = "") -> None:
        """The stored neutral face in use (None: the population neutral), e.g. loaded at start-up."""
        self.neutral_geometry = dict(geometry) if geometry else None
        self.neutral_day = day if geometry else ""

    def finish_calibration(self, *, go_on: bool = True) -> None:
        """Leave the calibration: on to the practice it was offered before (if ``go_on``), else home."""
        plan, self._after_calibration, self.calibration = self._after_calibration, None, None
        if plan is not None and go_on:
            return self.start_plan(plan)
        self.screen, self.menu_key, self.menu_index = Screen.HOME, "home", 0

    # ------------------------------------------------------------------ attempts
    def perform(self) -> None:
        drill = self.catalogue.drill(self.session.item.partition(":")[2])
        settings = self.settings
        if self.session.plan.id == TEACH_PLAN:  # the same short hold for everyone: a pose to learn, not a test
            settings = replace(settings, hold_s=TEACH_HOLD_S, difficulty="normal")
        best = None
        if isinstance(drill.target, ConsistencyTarget):  # "as last time": against the person's own best
            best = self.best_examples.get(drill.target.label)
            drill = replace(drill, target=drill.target.bound(best[0] if best else None))
        self.attempt = start_attempt(drill, settings)
        self.attempt.reads_landmarks = self.landmarks_seen
        if isinstance(drill.target, ConsistencyTarget) and best is None:  # nothing to compare with: said at once
            self.attempt.finish(Outcome("skipped", NO_EXAMPLE.format(label=drill.target.label)))
            self.screen = Screen.DRILL
            return self.finish_attempt()
        self.guard.started_attempt()  # a restarted drill too: its strong face is timed afresh
        if self.last_observation is not None and self.has_face():
            self.attempt.observe(self.last_observation)
        self.screen = Screen.DRILL

    def has_face(self) -> bool:
        seen = self.last_observation
        fresh = self.now - self._last_observation_at <= self.settings.face_timeout_s
        return seen is not None and seen.has_face and fresh

    def finish_attempt(self) -> None:
        attempt, session = self.attempt, self.session
        session.attempts += 1
        skipped = attempt.outcome.kind == "skipped"
        self.guard.finished_drill(skipped=skipped)
        if not skipped:
            session.scores.append((attempt.drill.title, attempt.score))
        self._emit(render.attempt_event(self, attempt))
        taught = session.plan.id == TEACH_PLAN
        example, said = example_of(attempt, taught=taught, at=self.now, wall_time=self._wall_clock())
        if example is not None:
            self._emit(example)
            best = self.best_examples.get(example.label)
            if taught or best is None or example.best_match >= best[1]:  # taught: the earlier ones are gone
                self.best_examples[example.label] = (example.vector, example.best_match)
        self.result = replace(render.result_view(self, attempt), example=said)
        self.screen, self.result_left = Screen.RESULT, self.settings.result_s
        reason = self.guard.break_due()
        if reason and not session.cap_reason:
            session.forced_reason = reason
            self.notify(reason + BREAK_NEXT, NoticeKind.GUARD)

    # ------------------------------------------------------------------ breaks
    def start_break(self, break_id: str, *, resume: str, forced: bool = False, reason: str = "") -> None:
        self.rest = BreakRun(self.catalogue.break_script(break_id), forced=forced, reason=reason, resume=resume)
        self.screen = Screen.BREAK

    def finish_break(self, *, completed: bool) -> None:
        rest, session = self.rest, self.session
        if completed:  # the summary counts breaks taken, as it counts drills scored: not one skipped at once
            session.breaks += 1
            self.guard.took_break()
            session.forced_reason = ""  # any full break is the rest the guard wanted
        self._emit_break(rest, completed=completed)
        self.rest = None
        if rest.resume == "repeat" and not session.cap_reason:
            self.start_item()
        else:
            self.next_item()

    # ------------------------------------------------------------------ the end
    def end_session(self, reason: str, *, go_home: bool = False, completed: bool = False) -> None:
        session = self.session
        if session is None:
            return
        if self.screen is Screen.DRILL and self.attempt is not None and self.attempt.outcome is None:
            self.attempt.finish(Outcome("skipped", "the session ended"))
            session.attempts += 1
            self._emit(render.attempt_event(self, self.attempt))
        if self.screen is Screen.BREAK and self.rest is not None:
            self._emit_break(self.rest, completed=False)
        self._emit(SessionEnded(session.number, reason, session.active_s, session.attempts, self.now,
                                self._wall_clock()))  # fmt: skip
        self.summary = render.summary_view(session, reason, completed=completed)
        self.session, self.attempt, self.rest = None, None, None
        self.resume()
        self.screen = Screen.HOME if go_home else Screen.SUMMARY
        self.menu_key, self.menu_index = "home", 0

    def _emit(self, event: Event) -> None:
        self._events.append(event)

    def _emit_break(self, rest: BreakRun, *, completed: bool) -> None:
        number, wall = self.session.number, self._wall_clock()
        self._emit(BreakFinished(number, rest.script.id, rest.forced, rest.reason, completed,
                                 rest.elapsed_s, rest.relaxed_s, self.now, wall))  # fmt: skip


@words_for_the_glass
def _glass_words():
    guard = Guard(CoachSettings())
    guard.active_s, guard.drills_in_a_row = 99 * 60, 99
    yield Words(guard.break_due() + BREAK_NEXT, "notice", "guard: a break comes next")
    yield Words(NO_PRACTICE, "quiet", "progress with no practice")
    yield Words(PAUSED, "quiet", "paused by hand")
    catalogue = load_catalogue()
    titles = [routine.title for routine in catalogue.routines] + [catalogue.today.get("title", "Today's practice")]
    titles += ["Free practice", *(script.title for script in catalogue.breaks)]  # a drill chosen, a break alone
    for title in titles:
        yield Words(DONE.format(title=title), "body", "summary: a plan done")
