"""python -m appliance run: the mirror itself.

python -m appliance run                       # the Pi camera (else the demo face); fullscreen on a Pi
python -m appliance run --source demo --windowed
python -m appliance run --script steps.txt --screenshots docs/screenshots   # timed commands, then exit
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from appliance.camera.factory import SOURCES_HELP, source_argument
from appliance.config import TABLES, load_config_for_mirror
from appliance.glass import Words, words_for_the_glass

log = logging.getLogger("appliance.run")


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("run", help="run the mirror", description=__doc__, formatter_class=_Raw)
    parser.add_argument("--source", type=source_argument, help=f"where frames come from: {SOURCES_HELP}")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--windowed", dest="fullscreen", action="store_const", const=False, help="run in a window")
    mode.add_argument("--fullscreen", dest="fullscreen", action="store_const", const=True, help="run fullscreen")
    parser.add_argument("--preview", action="store_const", const=True, help="show a small camera picture")
    parser.add_argument("--config", type=Path, help="settings file (default: ~/.config/appliance/config.toml)")
    parser.add_argument("--model", type=Path, help="expression model (default: models/expression_int8.tflite)")
    parser.add_argument("--script", type=Path, help="timed commands, lines like `2.0 select`; exits at the end")
    parser.add_argument("--screenshots", type=Path, help="with --script: save a screenshot after each step here")
    parser.add_argument("--size", default="540x960", help="window size WxH when windowed (default 540x960)")
    parser.add_argument("--no-gpio", action="store_true", help="keyboard only, even on a Pi")
    parser.add_argument("--verbose", action="store_true", help="log more")
    parser.set_defaults(func=run)


class _Raw(argparse.RawDescriptionHelpFormatter):
    pass


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    config, left_out = load_config_for_mirror(args.config)
    config = config.with_overrides(source=args.source, fullscreen=args.fullscreen, preview=args.preview)
    for problem in left_out:
        log.error("the mirror starts %s: %s", left_out_words(problem.setting), problem.describe())
    steps = None
    if args.script is not None:
        from appliance.ui.script import load_script

        steps = load_script(args.script)
        if args.screenshots is not None:
            screenshot_folder(args.screenshots)
    elif args.screenshots is not None:
        from appliance.errors import ConfigError

        raise ConfigError("--screenshots needs --script", hint="give the timed steps with --script FILE")
    from appliance.preferences import Preferences

    preferences = Preferences(config)  # what was chosen on the mirror's settings screen
    coach = _build_coach(config, preferences.difficulty)
    if left_out:
        from appliance.coach.notices import START_UP_NOTICE_S
        from appliance.coach.view import NoticeKind

        coach.notify(left_out_notice(left_out, config.path), NoticeKind.WARNING, seconds=START_UP_NOTICE_S)
    preferences.when_changed.append(lambda chosen: coach.set_difficulty(chosen.difficulty))

    from appliance.ui.kivy_setup import configure_kivy

    configure_kivy(
        fullscreen=config.is_fullscreen,
        size=_size(args.size),
        rotation=config.display.rotation,
        log_level="info" if args.verbose else "warning",
    )
    from appliance.camera_facing import CameraFacing
    from appliance.display.power import choose_power
    from appliance.ui.shell import MirrorShell
    from appliance.ui.sound_link import open_sound
    from appliance.ui.vision_link import VisionLink

    vision = VisionLink(config, model_path=args.model)
    camera_facing = CameraFacing(config.camera)  # the device's, not a person's: the shell gives it to vision
    profiles, history = _open_profiles(coach, preferences, vision)
    shell = MirrorShell(
        config,
        coach=coach,
        vision=vision,
        history=history,
        profiles=profiles,
        use_gpio=not args.no_gpio,
        power=lambda overlay: choose_power(config.presence.power, overlay=overlay),
        preferences=preferences,
        camera_facing=camera_facing,
    )
    shell.listeners.append(vision.follow)  # the demo face acts on what the glass asks
    sound = open_sound(preferences)
    shell.listeners.append(sound.cues.update)
    shell.when_started(lambda: shell.later(1.0, sound.sink.preload))  # after the mirror shows
    if steps is not None:
        from appliance.ui.scripted import ScriptRunner

        runner = ScriptRunner(shell, steps, args.screenshots)
        shell.when_started(lambda: runner.start())
    log.info("mirror starting: source %s, %s", config.source, "fullscreen" if config.is_fullscreen else "windowed")
    shell.run()
    sound.close()
    preferences.wait()
    if profiles is not None:
        profiles.close()
    elif history is not None and hasattr(history, "close"):
        history.close()
    return 0


def screenshot_folder(folder: Path) -> None:
    """Make ``folder`` for the screenshots and its (empty) steps.jsonl, before any window opens; a
    folder that cannot be written (read-only, a file in its place) is said, with what to do."""
    from appliance.errors import ConfigError

    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "steps.jsonl").write_text("")
    except (FileExistsError, NotADirectoryError):
        raise ConfigError(
            f"--screenshots {folder}: a file is in the way, not a folder",
            hint="give a folder (new or existing) for the screenshots",
        ) from None
    except OSError as error:
        raise ConfigError(
            f"--screenshots {folder}: cannot write there ({error.strerror or error})",
            hint="give a folder you can write to, e.g. --screenshots /tmp/shots",
        ) from None


def left_out_notice(left_out, path: Path | None) -> str:
    """The glass's one line on the settings the mirror started without (the log has each in full)."""
    name = path.name if path is not None else "config.toml"
    settings = [problem.setting for problem in left_out if problem.setting]
    if len(settings) < len(left_out):  # the file itself could not be used
        return f"{name} could not be used: the mirror uses its default settings (see the log)"
    if len(settings) == 1 and settings[0] in TABLES:
        return f"{name}: [{settings[0]}] is not usable; using its defaults (see the log)"
    if len(settings) == 1:
        return f"{name}: {settings[0]} is not usable; using its default (see the log)"
    return f"{name}: {len(settings)} settings are not usable; using their defaults (see the log)"


def left_out_words(setting: str) -> str:
    """How the log says what the mirror starts without: a setting, a table, or the whole file."""
    if not setting:
        return "on its default settings"
    return f"without [{setting}]" if setting in TABLES else f"without the setting {setting}"


def _build_coach(config, difficulty: str):
    from appliance.coach.coach import Coach
    from appliance.coach.settings import CoachSettings

    return Coach(CoachSettings.from_mapping({**config.coach, "difficulty": difficulty}))


def _open_profiles(coach, preferences, vision):
    """The people and the last one's history.  Without them (an unwritable data folder, say) nothing is
    saved and the mirror says so: a history opened beside the profiles would be stranded at the next start."""
    from appliance.coach.notices import START_UP_NOTICE_S
    from appliance.coach.view import NoticeKind
    from appliance.ui.profile_link import open_profiles

    profiles, warning = open_profiles(coach, preferences, vision=vision)
    if warning:
        coach.notify(warning, NoticeKind.WARNING, seconds=START_UP_NOTICE_S)
    return profiles, profiles.history if profiles is not None else None


def _size(text: str) -> tuple[int, int]:
    from appliance.errors import ConfigError

    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ConfigError(f"--size {text!r} is not WxH", hint="e.g. --size 540x960") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise ConfigError(f"--size {text!r} is out of range", hint="use 200 to 8000 pixels a side")
    return width, height


@words_for_the_glass
def _glass_words():
    """The start-up notice on settings left out, for each case, with the longest setting names."""
    from appliance.errors import ConfigError

    path = Path("/etc/appliance/config.toml")
    cases = [[""], ["presence"], ["camera.facing_pitch_deg"], ["camera.fps", "sound.volume", "buttons.led"] * 33]
    for settings in cases:
        notice = left_out_notice([ConfigError("x", setting=setting) for setting in settings], path)
        yield Words(notice, "notice", "settings left out at start-up")
