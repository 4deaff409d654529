"""The settings screen's rows and what the buttons do on it (pure: no Kivy)."""

from __future__ import annotations

from dataclasses import dataclass

from appliance.camera_facing import CameraFacing
from appliance.coach.difficulty import DIFFICULTIES, next_level
from appliance.coach.view import MenuItem
from appliance.config import Config, default_path
from appliance.errors import ApplianceError
from appliance.glass import Words, words_for_the_glass
from appliance.messages import Command
from appliance.preferences import Preferences
from appliance.ui.profile_panel import ProfilePanel

VOLUMES = (10, 25, 50, 75, 100)  # SELECT on the volume row steps through these (then wraps)

BUTTONS = "NEXT: move (hold: back) · SELECT: change · BACK: leave"
TAKES_GONE = "the pictures are removed from this mirror for good"
FORGET_ANGLE = "forget_camera_angle"  # handle's outcome: the shell forgets the camera's angle set on the mirror
CLEAR_EXAMPLES = "clear_examples"  # handle's outcome: the person confirmed forgetting their examples
TEACH = "teach"  # handle's outcome: the teach routine is to start (the panel closes)
EXAMPLES_GONE = "the mirror reads you as it reads everyone until you practise again"


@dataclass
class SettingsPanel:
    config: Config
    source_name: str
    preview: bool = False
    index: int = 0
    is_open: bool = False
    neutral_day: str = ""  # when the personal neutral face was taken ("" : an average face is used)
    preferences: Preferences | None = None  # the choices kept across restarts; None: nothing to change here
    takes: object | None = None  # best takes (a TakeWriter: ``count``); None: no takes row
    takes_on: bool = False  # [capture] best_takes: new takes are being kept
    confirming: bool = False  # SELECT on the takes row asked "delete all?"; the next SELECT deletes
    camera_facing: CameraFacing | None = None  # the camera's angle (read only: the shell forgets it); None: no row

    people: ProfilePanel | None = None  # adding, renaming, removing people; None: no profiles
    examples: dict[str, int] | None = None  # the person's examples by expression; None: no row (the guest)
    confirming_examples: bool = False  # SELECT on the examples row asked "clear?"; the next SELECT clears
    left_on: str = ""  # the key of the row the panel was left on: opened again, it is lit again

    def open(self) -> None:
        """Open on the row it was left on; its place may have moved (the guest has no rename or remove
        rows), and a row no longer there gives the nearest one that is."""
        self.is_open = True
        rows = self.rows()
        keys = [row.key for row in rows]
        self.index = keys.index(self.left_on) if self.left_on in keys else min(self.index, len(rows) - 1)

    def rows(self) -> list[MenuItem]:
        if self.people is not None and self.people.is_busy:  # a name being chosen, a removal confirmed
            return self.people.rows()
        people = self.people.settings_rows() if self.people is not None else []
        # the person's own choices first, as before
        return self._choice_rows() + people + self._takes_rows() + self._examples_rows() + self._info_rows()

    @property
    def shown_index(self) -> int:
        return self.people.index if self.people is not None and self.people.is_busy else self.index

    @property
    def heading(self) -> str:
        return self.people.heading if self.people is not None and self.people.is_busy else ""

    @property
    def buttons(self) -> str:
        return self.people.buttons if self.people is not None and self.people.is_busy else BUTTONS

    def _takes_rows(self) -> list[MenuItem]:
        if self.takes is None:
            return []
        count = self.takes.count
        if self.confirming:
            return [MenuItem("takes", f"Delete all {count} best takes? SELECT: yes · BACK: no", TAKES_GONE)]
        state = "on" if self.takes_on else "off"
        detail = "SELECT: delete all takes" if count else "headshot looks at their peak, kept on this mirror only"
        return [MenuItem("takes", f"Best takes: {state} · {count} kept", detail)]

    def _examples_rows(self) -> list[MenuItem]:
        if self.examples is None:
            return []
        total = sum(self.examples.values())
        if self.confirming_examples:
            return [MenuItem("examples", f"Clear your {total} examples? SELECT: yes · BACK: no", EXAMPLES_GONE)]
        if not total:
            return [MenuItem("examples", "Your expressions: none kept", "SELECT: teach the mirror your expressions")]
        kept = ", ".join(f"{label} {count}" for label, count in self.examples.items())
        return [MenuItem("examples", f"Your expressions: {total} kept", f"{kept} · SELECT: clear them")]

    def _choice_rows(self) -> list[MenuItem]:
        prefs = self.preferences
        if prefs is None:
            return []
        level, sound = prefs.difficulty, prefs.sound
        quiet = f"silent {sound.quiet_from}-{sound.quiet_until}" if sound.quiet_from else "no quiet hours"
        if not prefs.voice_engine:
            voice = MenuItem("voice", "Spoken cues: no speech engine", "install espeak-ng for spoken break cues")
        else:
            voice = MenuItem("voice", f"Spoken cues: {_on(sound.voice)}", "the break's words, for closed eyes")
        return [
            MenuItem("difficulty", f"Difficulty: {level}", DIFFICULTIES[level].about),
            MenuItem("sound", f"Sound: {_on(sound.enabled)}", f"tones for breaks and results · {quiet}"),
            MenuItem("volume", f"Volume: {sound.volume}%", "SELECT: louder, then back to quiet"),
            voice,
        ]

    def _info_rows(self) -> list[MenuItem]:
        pins = self.config.buttons.pins
        wiring = " · ".join(f"{name} GPIO{pin}" for name, pin in pins.items())
        led = f"LED GPIO{self.config.buttons.led}" if self.config.buttons.led is not None else "no LED"
        return [
            MenuItem(
                "preview", f"Camera preview: {'on' if self.preview else 'off'}", "a small picture to find your place"
            ),
            MenuItem("source", f"Camera: {self.source_name}", "--source, or source in config.toml"),
            *self._angle_rows(),
            MenuItem(
                "neutral",
                "Recalibrate my resting face" if self.neutral_day else "Calibrate my resting face",
                f"taken {self.neutral_day}: features read against your own face"
                if self.neutral_day
                else "features read against an average face until you do",
            ),
            MenuItem("buttons", f"Long press: {self.config.buttons.hold_time:.1f} s", f"{wiring} · {led}"),
            MenuItem("file", "Settings file", str(self.config.path or default_path())),
        ]

    def _angle_rows(self) -> list[MenuItem]:
        store = self.camera_facing
        if store is None:
            return []
        if store.is_chosen:
            detail = "set on the mirror · SELECT: forget it"
        elif any(round(angle) for angle in store.facing):
            detail = "from config.toml"
        else:
            detail = "calibration sets it when you face the mirror"
        return [MenuItem("camera_angle", f"Camera angle: {angle_words(*store.facing)}", detail)]

    def handle(self, command: Command) -> str | None:
        """Apply a command; returns "close" when the panel is left, "preview" when it toggled,
        "calibrate" when the resting face is to be (re)calibrated (the panel closes), "delete_takes"
        when the person confirmed deleting every best take, "forget_camera_angle" when the camera's angle
        set on the mirror is to be forgotten (only while one is in use), "people" when the people changed
        or one of their screens opened or closed."""
        if self.confirming:
            self.confirming = False
            if command is Command.SELECT:
                return "delete_takes"
            if command in (Command.BACK, Command.END):
                return None  # "no": the panel stays open
        if self.confirming_examples:
            self.confirming_examples = False
            if command is Command.SELECT:
                return CLEAR_EXAMPLES
            if command in (Command.BACK, Command.END):
                return None  # "no": the panel stays open
        if self.people is not None and (self.people.is_busy or command is Command.SELECT):
            outcome = self._people(command)
            if outcome is not None:
                return outcome
        count = len(self.rows())
        if command is Command.NEXT:
            self.index = (self.index + 1) % count
        elif command is Command.PREVIOUS:
            self.index = (self.index - 1) % count
        elif command is Command.SELECT and self.rows()[self.index].key == "preview":
            self.preview = not self.preview
            if self.preferences is not None:  # kept across restarts, as the rows above it are
                self.preferences.choose("display.preview", self.preview)
            return "preview"
        elif command is Command.SELECT and self.rows()[self.index].key == "takes":
            self.confirming = bool(self.takes.count)
            return None
        elif command is Command.SELECT and self.rows()[self.index].key == "examples":
            if not sum(self.examples.values()):
                self.is_open = False
                return TEACH
            self.confirming_examples = True
            return None
        elif command is Command.SELECT and self.rows()[self.index].key == "neutral":
            self.is_open = False
            return "calibrate"
        elif command is Command.SELECT and self.rows()[self.index].key == "camera_angle":
            return FORGET_ANGLE if self.camera_facing.is_chosen else None
        elif command is Command.SELECT and self.preferences is not None:
            return self._choose(self.rows()[self.index].key, self.preferences)
        elif command in (Command.BACK, Command.END):
            self.is_open, self.left_on = False, self.rows()[self.index].key
            return "close"
        return None

    def _people(self, command: Command) -> str | None:
        people = self.people
        try:
            if people.is_busy:
                if people.handle(command) == "done":
                    self._to_who()  # the "Practising" row, which says what was done
                return "people"
            return "people" if people.open(self.rows()[self.index].key) else None
        except (ApplianceError, ValueError) as error:  # a full disk, a full list: said on the row, nothing lost
            people.leave(f"not done: {error}")
            self._to_who()
            return "people"

    def _to_who(self) -> None:
        self.index = next(i for i, row in enumerate(self.rows()) if row.key == "who")

    def _choose(self, key: str, prefs: Preferences) -> str | None:
        """SELECT on a choice row: the next value, kept across restarts."""
        sound = prefs.sound
        if key == "difficulty":
            prefs.choose("coach.difficulty", next_level(prefs.difficulty))
        elif key == "sound":
            prefs.choose("sound.enabled", not sound.enabled)
        elif key == "volume":
            prefs.choose("sound.volume", next((v for v in VOLUMES if v > sound.volume), VOLUMES[0]))
        elif key == "voice" and prefs.voice_engine:
            prefs.choose("sound.voice", not sound.voice)
        else:
            return None
        return key


def angle_words(yaw: float, pitch: float) -> str:
    """Where the camera sees a head facing the mirror from, in whole degrees ("straight on" at 0, 0).

    The facing is the turn the camera reads of that head (calibration's words: yaw positive "turned to
    your left", pitch negative "tipped down"), so the camera sits the other way: to your right, above.
    """
    across = f"{round(abs(yaw))}° from your {'right' if yaw > 0 else 'left'}" if round(yaw) else ""
    up_down = f"{round(abs(pitch))}° from {'below' if pitch > 0 else 'above'}" if round(pitch) else ""
    sides = [side for side in (across, up_down) if side]
    return f"sees you {' and '.join(sides)}" if sides else "straight on"


def _on(flag: bool) -> str:
    return "on" if flag else "off"


@words_for_the_glass
def _glass_words():
    """Every settings row at its widest: pins of two digits, a long settings path, a camera angle both ways."""
    from pathlib import Path
    from types import SimpleNamespace

    from appliance.config import ButtonSettings, Config

    config = Config(
        path=Path("/home/expression-mirror/.config/appliance/config.toml"),
        buttons=ButtonSettings(pins={"next": 17, "select": 27, "back": 22, "break": 23}, led=24, hold_time=0.8),
    )
    prefs = SimpleNamespace(difficulty="normal", voice_engine="/usr/bin/espeak-ng",
                            sound=SimpleNamespace(enabled=True, volume=100, voice=True,
                                                  quiet_from="21:00", quiet_until="07:00"))  # fmt: skip
    facing = SimpleNamespace(is_chosen=True, facing=(-45.0, -45.0))
    takes = SimpleNamespace(count=999)
    panel = SettingsPanel(config, "webcam:10", preferences=prefs, takes=takes, takes_on=True,
                          camera_facing=facing, neutral_day="2026-12-31")  # fmt: skip
    rows = panel.rows()
    panel.confirming = True
    rows += panel._takes_rows()
    prefs.voice_engine = ""
    rows += panel._choice_rows()
    for level in DIFFICULTIES:
        prefs.difficulty = level
        rows += panel._choice_rows()[:1]
    panel.examples = dict.fromkeys(("happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt"), 20)
    rows += panel._examples_rows()
    panel.confirming_examples = True
    rows += panel._examples_rows()
    panel.examples = {}
    rows += panel._examples_rows()
    for row in rows:
        yield Words(row.title, "settings", f"settings: {row.key}")
        yield Words(row.detail, "settings_detail", f"settings: {row.key}")
    yield Words(BUTTONS, "footer", "settings buttons")
