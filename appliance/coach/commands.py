"""What each button does on each screen (the SCREEN command never reaches here)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from appliance.coach.attempt import Outcome
from appliance.coach.view import NoticeKind, Screen
from appliance.glass import Words, words_for_the_glass
from appliance.messages import Command

if TYPE_CHECKING:
    from appliance.coach.coach import Coach

MENU_SCREENS = (Screen.HOME, Screen.CHOOSE)
ACTIVE_SCREENS = (Screen.PREPARE, Screen.DRILL, Screen.RESULT, Screen.BREAK)

FORCED_BREAK = "This break protects your face from overdoing it: {left} s to go."
ENDED = "You ended the session."
WENT_HOME = "You went back home."
SKIPPED = "You skipped this one."


def dispatch(coach: Coach, command: Command) -> None:
    if coach.paused:
        return _paused(coach, command)
    if coach.screen in MENU_SCREENS:
        return _menu(coach, command)
    if coach.screen is Screen.CALIBRATE:
        return _calibrate(coach, command)
    if coach.screen is Screen.PROGRESS and _turn_chart(coach, command):
        return None
    if coach.screen in (Screen.PROGRESS, Screen.SUMMARY):
        if command in (Command.SELECT, Command.BACK, Command.END, Command.NEXT):
            coach.screen, coach.menu_key = Screen.HOME, "home"
        return None
    if command is Command.PAUSE:
        coach.pause()
    elif command is Command.END:
        coach.end_session(ENDED)
    elif command is Command.BACK:
        coach.end_session(WENT_HOME, go_home=True)
    elif coach.screen is Screen.PREPARE:
        _prepare(coach, command)
    elif coach.screen is Screen.DRILL:
        _drill(coach, command)
    elif coach.screen is Screen.RESULT:
        _result(coach, command)
    elif coach.screen is Screen.BREAK:
        _break(coach, command)
    return None


def _turn_chart(coach: Coach, command: Command) -> bool:
    """Next / previous show another chart on the progress screen (with one chart or none, next goes home)."""
    count = len(coach.progress.series)
    if command not in (Command.NEXT, Command.PREVIOUS) or count < 2:
        return False
    coach.progress_index = (coach.progress_index + (1 if command is Command.NEXT else -1)) % count
    return True


def _paused(coach: Coach, command: Command) -> None:
    if command in (Command.PAUSE, Command.SELECT):
        coach.resume()
    elif command is Command.END:
        coach.end_session(ENDED)
    elif command is Command.BACK:
        coach.end_session(WENT_HOME, go_home=True)


def _menu(coach: Coach, command: Command) -> None:
    items = coach.menu_items()
    if command in (Command.NEXT, Command.PREVIOUS):
        step = 1 if command is Command.NEXT else -1
        coach.menu_index = (coach.menu_index + step) % len(items)
    elif command is Command.BACK or (command is Command.END and coach.screen is Screen.CHOOSE):
        coach.screen, coach.menu_key, coach.menu_index = Screen.HOME, "home", 0
    elif command is Command.BREAK:
        coach.start_plan(coach.plan_for(f"break:{coach.settings.quick_break}"))
    elif command is Command.SELECT:
        key = items[coach.menu_index].key
        if coach.menu_key == "home" and key in ("drills", "breaks"):
            coach.screen, coach.menu_key, coach.menu_index = Screen.CHOOSE, key, 0
        elif coach.menu_key == "home" and key == "profile":  # the shell switches history, face, settings
            coach.profile_wanted = (coach.profile_index + 1) % len(coach.profiles)
        elif coach.menu_key == "home" and key == "progress":
            coach.screen, coach.progress_index = Screen.PROGRESS, 0
        elif coach.menu_key == "breaks":
            coach.start_plan(coach.plan_for(f"break:{key}"))
        elif coach.menu_key == "drills":
            coach.start_plan(coach.plan_for(f"drill:{key}"))
        else:
            coach.start_plan(coach.plan_for(key))


def _calibrate(coach: Coach, command: Command) -> None:
    state = coach.calibration.state
    if command is Command.SELECT and state in ("ready", "refused"):
        coach.calibration.begin()
    elif command is Command.PAUSE and coach.calibration.offers_facing:  # hold SELECT: "I am facing the mirror"
        coach.choose_camera_facing()
    elif (command is Command.SELECT and state == "saved") or command is Command.NEXT:
        coach.finish_calibration()  # NEXT is "later": on to the practice it was offered before (or home)
    elif command in (Command.BACK, Command.END):
        coach.finish_calibration(go_on=False)


def _prepare(coach: Coach, command: Command) -> None:
    if command is Command.SELECT:
        coach.perform()
    elif command is Command.NEXT:
        coach.next_item()
    elif command is Command.PREVIOUS:
        coach.repeat_item(-1)
    elif command is Command.BREAK:
        coach.start_break(coach.settings.quick_break, resume="repeat")


def _drill(coach: Coach, command: Command) -> None:
    if command is Command.NEXT:  # skip: recorded, so history shows it, but never scored
        coach.attempt.finish(Outcome("skipped", SKIPPED))
        coach.finish_attempt()
        coach.next_item()
    elif command is Command.PREVIOUS:  # start this drill again from the countdown
        coach.repeat_item()
    elif command is Command.BREAK:
        coach.attempt = None
        coach.start_break(coach.settings.quick_break, resume="repeat")


def _result(coach: Coach, command: Command) -> None:
    if command in (Command.NEXT, Command.SELECT):
        coach.next_item()
    elif command is Command.PREVIOUS:  # try the same drill again
        coach.repeat_item()
    elif command is Command.BREAK:
        coach.start_break(coach.settings.quick_break, resume="advance")


def _break(coach: Coach, command: Command) -> None:
    rest = coach.rest
    if command in (Command.NEXT, Command.SELECT):
        if rest.forced:
            left = round(rest.script.duration_s - rest.elapsed_s)
            coach.notify(FORCED_BREAK.format(left=left), NoticeKind.GUARD)
        else:
            coach.finish_break(completed=False)
    elif command is Command.PREVIOUS:  # start the script again
        rest.elapsed_s, rest.relaxed_s = 0.0, 0.0


@words_for_the_glass
def _glass_words():
    yield Words(FORCED_BREAK.format(left=999), "notice", "a forced break, NEXT pressed")
    for words in (ENDED, WENT_HOME):
        yield Words(words, "body", "summary: why the session ended")
    yield Words(SKIPPED, "quiet", "result: why it ended")
