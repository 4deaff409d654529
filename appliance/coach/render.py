"""Building the ``View`` (and the attempt figures) from the coach's state."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from appliance.coach.attempt import Attempt
from appliance.coach.breaks import BreakPosition, position
from appliance.coach.calibration import Calibration, pose_words
from appliance.coach.events import AttemptFinished
from appliance.coach.examples import TEACH_PLAN
from appliance.coach.features import lagging_side
from appliance.coach.scoring import dominant, intensity, probabilities_in_order
from appliance.coach.session import BreakRun, Session
from appliance.coach.tips import TipContext, choose_tip
from appliance.coach.view import (
    BreakView,
    CalibrationView,
    DrillView,
    LiveView,
    MenuItem,
    ResultView,
    Screen,
    StepResult,
    SummaryView,
    View,
)
from appliance.glass import Words, words_for_the_glass

if TYPE_CHECKING:
    from appliance.coach.coach import Coach

NO_FACE = "No face seen: the hold waits."  # the narrow column beside the hold ring
STEP_IN = "Step in front of the mirror."
# What to press, by button and press (see appliance.controls: a hold is a long press, 0.8 s).
BUTTONS = {
    Screen.HOME: "NEXT: choose (hold: back) · SELECT: start · BREAK: relax now",
    Screen.CHOOSE: "NEXT: choose (hold: back) · SELECT: start · BACK: home",
    Screen.PREPARE: "SELECT: start now · NEXT: skip · hold SELECT: pause · BREAK: relax",
    Screen.DRILL: "NEXT: skip · hold NEXT: restart · hold SELECT: pause · BREAK: relax",
    Screen.RESULT: "SELECT: next · hold NEXT: try again · BREAK: relax",
    Screen.BREAK: "NEXT: end the break · hold NEXT: restart it · hold SELECT: pause",
    Screen.PAUSED: "SELECT: resume · hold BACK: end the session",
    Screen.SUMMARY: "SELECT: home",
    Screen.PROGRESS: "NEXT: another chart (hold: back) · BACK: home",
    Screen.CALIBRATE: "SELECT: start · NEXT: later · BACK: home",
}
# The guard's break cannot be ended early (commands._break refuses NEXT): leaving is going home.
FORCED_BREAK_BUTTONS = "hold NEXT: restart it · hold SELECT: pause · BACK: home"
PROGRESS_BUTTONS_ONE_CHART = "BACK: home"  # one chart or none: nothing for NEXT to turn
CALIBRATE_BUTTONS = {
    "ready": "SELECT: start · NEXT: later · BACK: home",
    "collecting": "NEXT: skip for now · BACK: home",
    "saved": "SELECT: carry on",
    "refused": "SELECT: try again · NEXT: later · BACK: home",
    # A head that read turned: facing the mirror already, the camera sits above or beside it (the words say so).
    "turned": "SELECT: try again · hold SELECT: remember the camera angle · NEXT: later · BACK: home",
    "saved_turned": "SELECT: carry on · hold SELECT: remember the camera angle",
}
# Why it is asked (your movements read against your own face) is in the README, not on the glass.
CALIBRATE_WORDS = {
    "first": "Before your first practice: relax and look into the mirror for {s:g} seconds.",
    "again": "Before you practise: relax and look into the mirror for {s:g} seconds.",
    "ready": "Look straight into the mirror, face relaxed. Hold still for {s:g} seconds.",
    "collecting": "Relax and hold still, breathing normally...",
    "facing_chosen": "Camera angle saved. Relax and hold still, breathing normally...",
    "saved": "Saved: your features are now read against your own resting face.",
    # The footer offers "hold SELECT: remember the camera angle"; the README says what it does.
    "saved_turned": "Saved. Your head read {across} and {up_down}: facing the mirror?",
    "saved_facing": "Saved: your resting face, and the camera's angle too.",
}
CALIBRATE_NO_FACE = "I can't see your face: step in front of the mirror."
NEUTRAL_HINT = "Read against an average face: calibrate yours in settings."
# Beside the breathing circle, in its narrow column.
NEARLY_RELAXED = "Nearly there: soften a little more."
BREAK_NO_FACE = "I can't see your face; just keep breathing."
RELAXED = "Your face looks relaxed."
STILL_SHOWS = "Let it soften: your face still shows {label}."
SEE_YOU = "See you tomorrow: a little every day beats a lot once."
COME_BACK = "Come back whenever you're ready."
EXPRESSION_ONLY = "No landmarks here: this look is read from the expression alone."


def _position(coach: Coach, session) -> int:
    """Where the session is, from 1.  Free practice runs through every drill from the one picked, so
    it counts in the catalogue's order: picking the 2nd of 20 drills says "2 of 20", not "1 of 20"."""
    if session.plan.id != "drills":
        return session.index + 1
    ids = [drill.id for drill in coach.catalogue.drills]
    first = session.plan.items[0].partition(":")[2]
    start = ids.index(first) if first in ids else 0
    return (start + session.index) % len(session.plan.items) + 1


def menu_items(coach: Coach) -> tuple[MenuItem, ...]:
    catalogue = coach.catalogue
    if coach.menu_key == "drills":
        return tuple(MenuItem(d.id, d.title, d.cue) for d in catalogue.drills)
    if coach.menu_key == "breaks":
        return tuple(MenuItem(b.id, b.title, f"{round(b.duration_s)} s · {b.about}") for b in catalogue.breaks)
    morning = coach.plan_for("morning")
    today = coach.plan_for("today")
    picks = [catalogue.drill(item[6:]).title for item in today.items if item.startswith("drill:")]
    items = [
        MenuItem("morning", morning.title, f"{morning.drill_count} drills with relaxation before, between and after"),
        # Drawn by past scores: with none yet, there is nothing that "needs work" to speak of.
        MenuItem("today", today.title, today_detail(picks, has_scores=coach.has_scores)),
        MenuItem("drills", "Choose a drill", "Expressions, headshot looks, single features, role-plays"),
        MenuItem("breaks", "Relaxation break", "Breathing, face relaxation, a calm place"),
    ]
    for routine in catalogue.routines:
        if routine.id == TEACH_PLAN:  # learned from: the reading then knows this person's own faces
            items.append(MenuItem(routine.id, routine.title, "Each expression once, 3 s: the mirror learns yours"))
        elif routine.id != "morning":
            drills = sum(item.startswith("drill:") for item in routine.items)
            items.append(MenuItem(routine.id, routine.title, f"{drills} drills with relaxation before and after"))
    items.append(MenuItem("progress", "Your progress", "Streak and trends"))
    if len(coach.profiles) > 1:  # last: the first row stays the morning routine
        who = coach.profiles[coach.profile_index]
        others = len(coach.profiles) - 1
        items.append(MenuItem("profile", f"Practising: {who}", f"SELECT: the next person ({others} more) · "
                              "BACK, then settings: add, rename, remove"))  # fmt: skip
    return tuple(items)


TODAY_NAMED = 3  # drills named under "Today's practice"; four long titles took a third line


def today_detail(picks: list[str], *, has_scores: bool) -> str:
    """ "A mix to begin: Serious look, Genuine smile, Happiness, Jaw drop and 2 more"."""
    named = ", ".join(picks[:TODAY_NAMED]) + (
        f" and {len(picks) - TODAY_NAMED} more" if len(picks) > TODAY_NAMED else ""
    )
    return ("More of what needs work: " if has_scores else "A mix to begin: ") + named


def break_position(rest: BreakRun) -> BreakPosition:
    return position(rest.script, rest.elapsed_s)


def view(coach: Coach) -> View:
    session, screen = coach.session, coach.screen
    shown = Screen.PAUSED if coach.paused else screen
    fields = dict(
        screen=shown,
        paused_screen=screen if coach.paused else None,
        paused_reason=coach.paused_reason if coach.paused else "",
        notice=coach.notice,
        notice_kind=coach.notice_kind,
        session_active=session is not None,
        session_elapsed_s=session.active_s if session else 0.0,
        session_cap_s=coach.settings.session_cap_s,
        buttons=BUTTONS[shown],
        profile=coach.profiles[coach.profile_index] if coach.profiles else "",
    )
    if session is not None:
        fields.update(routine_title=session.plan.title, routine_position=_position(coach, session))
        fields.update(routine_length=len(session.plan.items))
    if screen in (Screen.HOME, Screen.CHOOSE):
        titles = {"home": "Expression mirror", "drills": "Choose a drill", "breaks": "Choose a break"}
        fields.update(title=titles[coach.menu_key], menu=menu_items(coach), menu_index=coach.menu_index)
    elif screen is Screen.PROGRESS:
        count = len(coach.progress.series)
        progress = replace(coach.progress, series_index=coach.progress_index % count) if count else coach.progress
        fields.update(title="Your progress", progress=progress)
        if count < 2:  # NEXT turns charts only with two or more (commands._turn_chart); else it goes home
            fields.update(buttons=PROGRESS_BUTTONS_ONE_CHART)
    elif screen is Screen.SUMMARY:
        title = "Session complete" if coach.summary.completed else "Session ended"  # left early: not "complete"
        fields.update(title=title, summary=coach.summary)
    elif screen is Screen.PREPARE:
        drill = coach.catalogue.drill(session.item.partition(":")[2])
        fields.update(title=f"Get ready: {drill.title}", countdown_s=max(0.0, coach.prepare_left))
        fields.update(drill=_drill_view(drill, None), live=_presence(coach))
    elif screen is Screen.DRILL:
        attempt = coach.attempt
        fields.update(title=attempt.drill.title, drill=_drill_view(attempt.drill, attempt))
        fields.update(live=_live_view(coach, attempt), timer_s=attempt.time_left_s)
    elif screen is Screen.RESULT:
        drill = coach.catalogue.drill(session.item.partition(":")[2])
        fields.update(title=f"{drill.title}: result", drill=_drill_view(drill, None), result=coach.result)
        fields.update(timer_s=max(0.0, coach.result_left) if coach.settings.result_s > 0 else None)
    elif screen is Screen.CALIBRATE:
        calibration = coach.calibration
        fields.update(title="Your resting face", calibration=calibration_view(calibration, coach.has_face()))
        fields.update(buttons=CALIBRATE_BUTTONS[_calibration_buttons(calibration)])
        fields.update(timer_s=calibration.seconds_left if calibration.state == "collecting" else None)
    elif screen is Screen.BREAK:
        rest = coach.rest
        fields.update(title=rest.script.title, relaxation=_break_view(coach, rest))
        if rest.forced and not coach.paused:
            fields.update(buttons=FORCED_BREAK_BUTTONS)
        fields.update(timer_s=max(0.0, rest.script.duration_s - rest.elapsed_s))
    return View(**fields)


def calibration_view(calibration: Calibration, has_face: bool) -> CalibrationView:
    state, seconds = calibration.state, calibration.limits.seconds
    if state == "refused":
        words = calibration.verdict.message
    elif state == "collecting" and not has_face:
        words = CALIBRATE_NO_FACE
    elif state == "saved" and calibration.offers_facing:
        across, up_down = pose_words(calibration.verdict.yaw, calibration.verdict.pitch)
        words = CALIBRATE_WORDS["saved_turned"].format(across=across, up_down=up_down)
    else:
        key = state
        if state == "ready" and calibration.first_time:
            key = "again" if calibration.practised else "first"
        elif state in ("collecting", "saved") and calibration.facing_chosen:
            key = {"collecting": "facing_chosen", "saved": "saved_facing"}[state]
        words = CALIBRATE_WORDS[key].format(s=seconds)
    return CalibrationView(state, words, calibration.seconds_left, calibration.progress, calibration.first_time)


def _calibration_buttons(calibration: Calibration) -> str:
    """CALIBRATE_BUTTONS' key: the state's, or the hold's offer after a head that read turned."""
    if calibration.offers_facing:
        return "turned" if calibration.state == "refused" else "saved_turned"
    return calibration.state


def _drill_view(drill, attempt: Attempt | None) -> DrillView:
    target = attempt.target if attempt is not None else (drill.target or drill.steps[0].target)
    return DrillView(
        drill_id=drill.id,
        title=drill.title,
        kind=drill.kind,
        cue=attempt.cue if attempt is not None else drill.cue,
        targets=target.labels,
        target_text=drill.aim or target.describe(),  # describe() is exact, for the catalogue listing
        why=drill.why,
        step_index=attempt.step_index if attempt is not None else 0,
        step_count=max(1, len(drill.steps)),
        step_cues=tuple(step.cue for step in drill.steps),
    )


def _presence(coach: Coach) -> LiveView:
    face = coach.has_face()
    return LiveView(has_face=face, no_face_message="" if face else (coach.vision_problem or STEP_IN))


def tip_context(coach: Coach, attempt: Attempt, smoothed, earlier) -> TipContext:
    target_label = attempt.target.labels[0] if attempt.target.labels else ""
    seen = attempt.last_observation
    features = dict(seen.features) if seen is not None else {}  # {} without landmarks; expressions' cues use them too
    side = lagging_side(seen.geometry, coach.neutral_geometry) if features else ""
    width = float(seen.face_box[2]) if seen is not None and seen.face_box is not None else 0.0
    return TipContext(attempt.drill.id, attempt.drill.kind, target_label, smoothed, earlier, attempt.match,
                      attempt.met, attempt.reading, features, side, width)  # fmt: skip


def _reading_note(coach: Coach, attempt: Attempt, face: bool) -> str:
    """What the features are read against, or that a look has no features to read."""
    seen = attempt.last_observation
    if not face or seen is None:
        return ""
    if attempt.reading is not None and seen.neutral == "population":
        return NEUTRAL_HINT
    if attempt.reading is None and not seen.features and getattr(attempt.target, "kind", "") == "look":
        return EXPRESSION_ONLY
    return ""


def _live_view(coach: Coach, attempt: Attempt) -> LiveView:
    face = coach.has_face()
    smoothed = attempt.smoothed if face else {}
    context = tip_context(coach, attempt, smoothed, coach.earlier_smoothed())
    reading = attempt.reading if face else None
    tip = attempt.unreadable or choose_tip(coach.catalogue.tips, context) if face else ""
    return LiveView(
        match=round(attempt.match) if face else 0,
        threshold=attempt.threshold,
        is_met=attempt.met and face,
        hold_progress=attempt.hold_progress,
        held_s=attempt.held_s,
        hold_required_s=attempt.hold_required_s,
        best_match=round(attempt.best_match),
        tip=tip,
        has_face=face,
        peak_frame_at=attempt.peak_frame_at,
        no_face_message="" if face else (coach.vision_problem or NO_FACE),
        expression=dominant(smoothed),
        intensity=intensity(smoothed),
        probabilities=probabilities_in_order(smoothed),
        feature=reading.feature if reading is not None else "",
        amplitude=round(reading.amplitude, 3) if reading is not None and reading.feature else None,
        full_at=reading.full_at if reading is not None else 0.0,
        isolation=round(reading.isolation, 3) if reading is not None else None,
        neutral_hint=_reading_note(coach, attempt, face),
    )


def _break_view(coach: Coach, rest: BreakRun) -> BreakView:
    at = break_position(rest)
    relaxed = rest.relaxed if coach.has_face() and at.phase.check else None
    if relaxed is None:
        message = "" if not at.phase.check else BREAK_NO_FACE
    elif relaxed:
        message = RELAXED
    elif rest.label:
        message = STILL_SHOWS.format(label=rest.label)
    else:
        message = NEARLY_RELAXED
    cyclic = rest.script.cycles > 1
    return BreakView(
        break_id=rest.script.id,
        title=rest.script.title,
        kind=rest.script.kind,
        phase=at.phase.name,
        words=at.phase.words,
        phase_progress=at.phase_progress,
        progress=at.progress,
        breath=at.phase.breath,
        breath_level=at.breath_level,
        seconds_left=at.seconds_left,
        cycle=at.cycle if cyclic else 0,
        cycles=rest.script.cycles if cyclic else 0,
        relaxed=relaxed,
        relaxed_message=message,
        forced=rest.forced,
        reason=rest.reason,
    )


def result_view(coach: Coach, attempt: Attempt) -> ResultView:
    outcome, session = attempt.outcome, coach.session
    tip = ""
    if outcome.kind != "completed" and attempt.smoothed:
        context = tip_context(coach, attempt, attempt.smoothed, {})
        tip = choose_tip(coach.catalogue.tips, replace(context, met=False))
    last = session.index + 1 >= len(session.plan.items) or bool(session.cap_reason)
    return ResultView(
        drill_id=attempt.drill.id,
        title=attempt.drill.title,
        score=attempt.score,
        best_match=round(attempt.best_match),
        time_to_best_s=attempt.time_to_best_s,
        time_to_target_s=attempt.time_to_target_s,
        held_s=max(attempt.held_s, attempt.longest_s),
        hold_required_s=attempt.hold_required_s,
        outcome=outcome.kind,
        reason=outcome.reason,
        tip=tip,
        steps=tuple(StepResult(cue, score) for cue, score in attempt.step_scores),
        is_last=last,
        isolation=attempt.isolation,
    )


def attempt_event(coach: Coach, attempt: Attempt) -> AttemptFinished:
    drill, outcome = attempt.drill, attempt.outcome
    return AttemptFinished(
        session=coach.session.number,
        drill_id=drill.id,
        kind=drill.kind,
        labels=drill.labels,
        outcome=outcome.kind,
        score=attempt.score,
        best_match=round(attempt.best_match),
        held_s=round(max(attempt.held_s, attempt.longest_s), 3),
        hold_required_s=attempt.hold_required_s,
        time_to_best_s=attempt.time_to_best_s,
        time_to_target_s=attempt.time_to_target_s,
        duration_s=round(attempt.elapsed_s, 3),
        reason=outcome.reason,
        at=coach.now,
        wall_time=coach._wall_clock(),
        isolation=attempt.isolation,
        amplitude=round(attempt.best_amplitude, 3) if attempt.best_amplitude is not None else None,
        feature_best=attempt.motion.bests(),
        peak_frame_at=attempt.peak_frame_at,
    )


def summary_view(session: Session, reason: str, *, completed: bool = False) -> SummaryView:
    scores = [score for _, score in session.scores]
    best = max(session.scores, key=lambda pair: pair[1], default=("", 0))
    message = SEE_YOU if scores else COME_BACK
    if session.cap_reason and reason == session.cap_reason:  # the guard ended it: say why, not a cheery goodbye
        message = reason
    return SummaryView(
        drills_done=len(scores),
        average_score=round(sum(scores) / len(scores)) if scores else 0,
        best_title=best[0],
        best_score=best[1],
        breaks=session.breaks,
        minutes=round(session.active_s / 60, 1),
        reason=reason,
        message=message,
        completed=completed,
    )


@words_for_the_glass
def _glass_words():
    from appliance.coach.calibration import CalibrationLimits, pose_words

    for screen, words in BUTTONS.items():
        yield Words(words, "footer", f"{screen} buttons")
    for state, words in {**CALIBRATE_BUTTONS, "forced break": FORCED_BREAK_BUTTONS}.items():
        yield Words(words, "footer", f"{state} buttons")
    turn = CalibrationLimits.max_turn_deg - 0.6  # saved while turned: within the limit, rounding to 11
    across, up_down = pose_words(-turn, -turn)
    for key, words in CALIBRATE_WORDS.items():
        yield Words(words.format(s=30, across=across, up_down=up_down), "body", f"calibration: {key}")
    yield Words(CALIBRATE_NO_FACE, "body", "calibration without a face")
    yield Words(STEP_IN, "body", "prepare without a face")
    yield Words(NO_FACE, "drill_column", "drill without a face")
    for words in (NEUTRAL_HINT, EXPRESSION_ONLY):
        yield Words(words, "quiet", "drill hint")
    from appliance.coach.scoring import EXPRESSIONS

    longest_label = max(EXPRESSIONS, key=len)
    for words in (NEARLY_RELAXED, BREAK_NO_FACE, RELAXED, STILL_SHOWS.format(label=longest_label)):
        yield Words(words, "break_column", "break: the camera's verdict")
    for words in (SEE_YOU, COME_BACK):
        yield Words(words, "body", "summary")
    from appliance.coach.coach import Coach
    from appliance.profiles import MOST, NAME_LENGTH

    coach = Coach()
    coach.set_profiles(["W" * NAME_LENGTH] * MOST + ["Guest"], MOST - 1)  # the most people, the longest names
    titles = sorted((drill.title for drill in coach.catalogue.drills if drill.kind != "roleplay"), key=len)
    for coach.menu_key, slot in (("home", "home_menu"), ("drills", "menu"), ("breaks", "menu")):
        for item in menu_items(coach):
            yield Words(item.title, slot, f"{coach.menu_key} menu: {item.key}")
            yield Words(item.detail, slot.replace("_menu", "") + "_detail", f"{coach.menu_key} menu: {item.key}")
    picks = titles[-6:][::-1]  # today's practice picks six drills at most: the six longest titles
    yield Words(today_detail(picks, has_scores=True), "home_detail", "home menu: today, the longest titles")
