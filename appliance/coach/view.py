"""What the UI renders right now: one immutable ``View`` built by the coach.

The UI never asks the coach anything else.  Every field has a default so the
view can grow compatibly; sub-views are ``None`` when their screen is not up.
Scores are ints 0-100; progress values are floats 0-1; times are seconds.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Screen(enum.StrEnum):
    HOME = "home"  # the main menu
    CHOOSE = "choose"  # a list to pick from: drills or breaks (``View.title`` says which)
    PREPARE = "prepare"  # countdown before a drill
    DRILL = "drill"  # performing: live match, hold, tip
    RESULT = "result"  # the attempt's figures
    BREAK = "break"  # a relaxation break
    PAUSED = "paused"  # anything paused; ``paused_screen`` says what resumes
    SUMMARY = "summary"  # the session has ended
    PROGRESS = "progress"  # streaks and trends from history
    CALIBRATE = "calibrate"  # "relax for a few seconds": the personal neutral face


class NoticeKind(enum.StrEnum):
    NONE = ""
    INFO = "info"
    GUARD = "guard"  # the overexertion guard stepped in
    WARNING = "warning"  # something went wrong the user should know (e.g. history reset)


@dataclass(frozen=True)
class MenuItem:
    key: str  # e.g. "morning", "today", "drills", "breaks", "progress", or a drill / break id
    title: str
    detail: str = ""  # one line under the title (a cue, a duration)


@dataclass(frozen=True)
class DrillView:
    drill_id: str
    title: str
    kind: str  # "expression" | "headshot" | "feature" | "roleplay"
    cue: str  # how to make it (for a role-play: the current step's cue)
    targets: tuple[str, ...] = ()  # model labels the target asks for, strongest first (feature names for features)
    target_text: str = ""  # plain words: the drill's aim ("brows up, the rest still") or "happiness"
    why: str = ""  # one line on why this drill matters
    step_index: int = 0  # role-play: the current step, 0-based
    step_count: int = 1
    step_cues: tuple[str, ...] = ()  # role-play: all the steps' cues


@dataclass(frozen=True)
class LiveView:
    """The perform screen's live figures."""

    match: int = 0  # 0-100: how close the face is to the target now
    threshold: int = 0  # the match that counts as "met"
    is_met: bool = False
    hold_progress: float = 0.0  # 0-1 of the continuous hold (role-play: of the current step)
    held_s: float = 0.0
    hold_required_s: float = 0.0
    best_match: int = 0
    tip: str = ""  # what to correct, chosen from what the camera sees
    has_face: bool = False
    no_face_message: str = ""  # why the hold is paused, when no face is seen
    expression: str = ""  # the dominant label now ("" without a face)
    intensity: float = 0.0  # 0-1: how far from neutral the face is
    probabilities: tuple[tuple[str, float], ...] = ()  # smoothed, by label, in model order
    feature: str = ""  # feature targets: the target feature ("" for other targets)
    amplitude: float | None = None  # that feature's value now, 0-1 (the meter shows it against full_at)
    full_at: float = 0.0  # the amplitude that counts as full
    isolation: float | None = None  # 0-1: 1 while the other features stay calm
    neutral_hint: str = ""  # e.g. features read against an average face: calibrate in settings
    peak_frame_at: float | None = None  # the frame timestamp of the best match so far (the shell keeps that frame)


@dataclass(frozen=True)
class StepResult:
    cue: str
    score: int


@dataclass(frozen=True)
class ResultView:
    drill_id: str
    title: str
    score: int  # 0-100, see appliance/coach/scoring.py for the formula
    best_match: int  # 0-100
    time_to_best_s: float | None  # from the start of perform to the best match (None: no face seen)
    time_to_target_s: float | None  # to the first moment the target was met (None: never)
    held_s: float
    hold_required_s: float
    outcome: str  # "completed" | "missed" | "cut_short" | "skipped"
    reason: str = ""  # why it ended, in words (e.g. the guard's reason)
    tip: str = ""  # one thing to try next time
    steps: tuple[StepResult, ...] = ()  # role-play: per-step scores
    is_last: bool = False  # the last drill of the routine
    isolation: int | None = None  # feature drills: mean isolation 0-100 while trying (None: not read)
    example: str = ""  # expression drills: whether the peak was kept as the person's example, in words


@dataclass(frozen=True)
class BreakView:
    break_id: str
    title: str
    kind: str  # "breathing" | "relaxation" | "visualization"
    phase: str  # e.g. "Breathe in", "Jaw"
    words: str  # what to do now
    phase_progress: float = 0.0  # 0-1 through the current phase
    progress: float = 0.0  # 0-1 through the whole break
    breath: str = ""  # "inhale" | "hold" | "exhale" | "" (not a breathing phase)
    breath_level: float | None = None  # 0-1 lung fill for a breathing circle; None outside breathing
    seconds_left: float = 0.0  # in the whole break
    cycle: int = 0  # 1-based breathing cycle (0 when not cyclic)
    cycles: int = 0
    relaxed: bool | None = None  # the camera's verdict; None when no face is seen
    relaxed_message: str = ""
    forced: bool = False  # the guard called this break
    reason: str = ""  # why the guard called it


@dataclass(frozen=True)
class CalibrationView:
    phase: str  # "ready" | "collecting" | "saved" | "refused"
    words: str  # what to do now, or why it was refused
    seconds_left: float = 0.0  # collecting
    progress: float = 0.0  # 0-1 of the collection
    first_time: bool = False  # offered before a first practice (else from settings)


@dataclass(frozen=True)
class RangeView:
    """One feature's range of motion: its best amplitude (0-1) held for a moment, by day and week."""

    feature: str
    title: str
    recent_best: float | None  # best of the last 7 days (None: not practised lately)
    weeks: tuple[float | None, ...] = ()  # best per week, oldest first, this week last (None: no data)
    direction: str = "flat"  # this week against the weeks before: "up" | "down" | "flat"
    days: int = 0  # days with a record


@dataclass(frozen=True)
class TrendView:
    label: str  # drill id or model label
    title: str
    recent: int  # mean score of the recent attempts, 0-100
    previous: int | None  # mean of the attempts before those (None: not enough yet)
    attempts: int
    direction: str = "flat"  # "up" | "down" | "flat"


@dataclass(frozen=True)
class SeriesView:
    """One named series over days for a line chart: a drill's daily mean score, or a feature's range of motion."""

    label: str  # drill id or feature name
    title: str
    points: tuple[tuple[str, float], ...] = ()  # (ISO day, value), oldest first; days without practice are absent
    unit: str = "%"  # "%" for scores 0-100; anything else is scaled to its own largest value


@dataclass(frozen=True)
class ProgressView:
    streak_days: int = 0
    best_streak_days: int = 0
    sessions: int = 0
    attempts: int = 0
    practiced_today: bool = False
    minutes_today: float = 0.0
    trends: tuple[TrendView, ...] = ()
    message: str = ""  # e.g. "No practice yet: start with the morning routine."
    ranges: tuple[RangeView, ...] = ()  # range of motion per feature (features with records only)
    neutral_day: str = ""  # when the personal neutral face was taken ("" : an average face is used)
    today: str = ""  # the ISO day the figures are as of ("": the UI's own date)
    practice_days: tuple[str, ...] = ()  # ISO days with any practice in the calendar's weeks
    week_minutes: tuple[tuple[str, float], ...] = ()  # the last 7 days as (ISO day, minutes), oldest first
    series: tuple[SeriesView, ...] = ()  # line charts over the calendar's weeks, most practised first
    series_index: int = 0  # the chart picked with next / previous


@dataclass(frozen=True)
class SummaryView:
    drills_done: int = 0
    average_score: int = 0
    best_title: str = ""
    best_score: int = 0
    breaks: int = 0  # run to their end
    minutes: float = 0.0
    reason: str = ""  # why the session ended
    message: str = ""
    completed: bool = False  # the plan ran to its end (else it was ended early: by hand, or the cap)


@dataclass(frozen=True)
class View:
    screen: Screen = Screen.HOME
    title: str = ""  # the screen's headline
    menu: tuple[MenuItem, ...] = ()  # HOME and CHOOSE
    menu_index: int = 0
    drill: DrillView | None = None  # PREPARE, DRILL, RESULT (and PAUSED over them)
    live: LiveView | None = None  # DRILL
    result: ResultView | None = None  # RESULT
    relaxation: BreakView | None = None  # BREAK
    progress: ProgressView | None = None  # PROGRESS
    summary: SummaryView | None = None  # SUMMARY
    calibration: CalibrationView | None = None  # CALIBRATE
    countdown_s: float | None = None  # PREPARE: seconds until perform starts
    timer_s: float | None = None  # seconds left in the current phase (perform limit, result, break)
    paused_screen: Screen | None = None  # PAUSED: the screen that resumes
    notice: str = ""  # a banner: guard messages, warnings
    notice_kind: NoticeKind = NoticeKind.NONE
    session_active: bool = False
    session_elapsed_s: float = 0.0  # active practice time (pauses excluded)
    session_cap_s: float = 0.0
    routine_title: str = ""  # e.g. "Morning routine"
    routine_position: int = 0  # 1-based place of the current item in the routine
    routine_length: int = 0
    buttons: str = ""  # what the buttons do now, e.g. "select: start · next: skip"
    paused_reason: str = ""  # PAUSED: "Paused." or why the coach paused by itself (no one at the mirror)
    profile: str = ""  # who practises ("": the mirror has no profiles)
