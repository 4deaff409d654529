"""Building the ``View`` (and the attempt figures) from the coach's state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.coach.attempt import Attempt
from appliance.coach.breaks import BreakPosition, position
from appliance.coach.events import AttemptFinished
from appliance.coach.scoring import dominant, intensity, probabilities_in_order
from appliance.coach.session import BreakRun, Session
from appliance.coach.tips import TipContext, choose_tip
from appliance.coach.view import (
    BreakView,
    DrillView,
    LiveView,
    MenuItem,
    ResultView,
    Screen,
    StepResult,
    SummaryView,
    View,
)

if TYPE_CHECKING:
    from appliance.coach.coach import Coach

NO_FACE = "I can't see your face: step in front of the mirror. The hold is paused."
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
    Screen.PROGRESS: "BACK: home",
}


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
        MenuItem("today", today.title, "More of what needs work: " + ", ".join(picks)),
        MenuItem("drills", "Choose a drill", "Expressions, headshot looks, single features, role-plays"),
        MenuItem("breaks", "Relaxation break", "Breathing, face relaxation, a calm place"),
    ]
    for routine in catalogue.routines:
        if routine.id != "morning":
            drills = sum(item.startswith("drill:") for item in routine.items)
            items.append(MenuItem(routine.id, routine.title, f"{drills} drills with relaxation before and after"))
    items.append(MenuItem("progress", "Your progress", "Streak and trends"))
    return tuple(items)


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
    )
    if session is not None:
        fields.update(routine_title=session.plan.title, routine_position=_position(coach, session))
        fields.update(routine_length=len(session.plan.items))
    if screen in (Screen.HOME, Screen.CHOOSE):
        titles = {"home": "Expression mirror", "drills": "Choose a drill", "breaks": "Choose a break"}
        fields.update(title=titles[coach.menu_key], menu=menu_items(coach), menu_index=coach.menu_index)
    elif screen is Screen.PROGRESS:
        fields.update(title="Your progress", progress=coach.progress)
    elif screen is Screen.SUMMARY:
        fields.update(title="Session complete", summary=coach.summary)
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
    elif screen is Screen.BREAK:
        rest = coach.rest
        fields.update(title=rest.script.title, relaxation=_break_view(coach, rest))
        fields.update(timer_s=max(0.0, rest.script.duration_s - rest.elapsed_s))
    return View(**fields)


def _drill_view(drill, attempt: Attempt | None) -> DrillView:
    target = attempt.target if attempt is not None else (drill.target or drill.steps[0].target)
    return DrillView(
        drill_id=drill.id,
        title=drill.title,
        kind=drill.kind,
        cue=attempt.cue if attempt is not None else drill.cue,
        targets=target.labels,
        target_text=target.describe(),
        why=drill.why,
        step_index=attempt.step_index if attempt is not None else 0,
        step_count=max(1, len(drill.steps)),
        step_cues=tuple(step.cue for step in drill.steps),
    )


def _presence(coach: Coach) -> LiveView:
    face = coach.has_face()
    return LiveView(
        has_face=face, no_face_message="" if face else (coach.vision_problem or "Step in front of the mirror.")
    )


def _live_view(coach: Coach, attempt: Attempt) -> LiveView:
    face = coach.has_face()
    smoothed = attempt.smoothed if face else {}
    target_label = attempt.target.labels[0] if attempt.target.labels else ""
    context = TipContext(attempt.drill.id, attempt.drill.kind, target_label, smoothed, coach.earlier_smoothed(),
                         attempt.match, attempt.met)  # fmt: skip
    return LiveView(
        match=round(attempt.match) if face else 0,
        threshold=attempt.threshold,
        is_met=attempt.met and face,
        hold_progress=attempt.hold_progress,
        held_s=attempt.held_s,
        hold_required_s=attempt.hold_required_s,
        best_match=round(attempt.best_match),
        tip=choose_tip(coach.catalogue.tips, context) if face else "",
        has_face=face,
        no_face_message="" if face else (coach.vision_problem or NO_FACE),
        expression=dominant(smoothed),
        intensity=intensity(smoothed),
        probabilities=probabilities_in_order(smoothed),
    )


def _break_view(coach: Coach, rest: BreakRun) -> BreakView:
    at = break_position(rest)
    relaxed = rest.relaxed if coach.has_face() and at.phase.check else None
    if relaxed is None:
        message = "" if not at.phase.check else "I can't see your face; just keep breathing."
    elif relaxed:
        message = "Your face looks relaxed."
    else:
        message = f"Let it soften: your face still shows {rest.label or 'some tension'}."
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
        label = attempt.target.labels[0] if attempt.target.labels else ""
        context = TipContext(attempt.drill.id, attempt.drill.kind, label, attempt.smoothed, {}, attempt.match, False)
        tip = choose_tip(coach.catalogue.tips, context)
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
    )


def summary_view(session: Session, reason: str) -> SummaryView:
    scores = [score for _, score in session.scores]
    best = max(session.scores, key=lambda pair: pair[1], default=("", 0))
    message = "See you tomorrow: a little every day beats a lot once." if scores else "Come back whenever you're ready."
    return SummaryView(
        drills_done=len(scores),
        average_score=round(sum(scores) / len(scores)) if scores else 0,
        best_title=best[0],
        best_score=best[1],
        breaks=session.breaks,
        minutes=round(session.active_s / 60, 1),
        reason=reason,
        message=message,
    )
