"""Timed command scripts for ``run --script``: lines like ``2.0 select``, times from the start.

    # comments and blank lines are ignored
    1.5 select        # a command (next, previous, select, back, pause, break, end, screen)
    4.0 shot          # no command: just a screenshot
    6.0 hold select   # a long press is just its command: pause (select), end (back), screen (break)

Times are seconds since the mirror started and must not go backwards.  An optional third word
names the screenshot (``3.0 next drill-list``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from appliance.errors import ConfigError
from appliance.messages import Command

SHOT = "shot"
HOLDS = {"select": Command.PAUSE, "back": Command.END, "break": Command.SCREEN}


@dataclass(frozen=True)
class Step:
    at: float  # seconds after start
    command: Command | None  # None: only a screenshot
    name: str  # for the screenshot's file name
    line: int


def parse_script(text: str, *, source: str = "script") -> list[Step]:
    steps: list[Step] = []
    names = ", ".join(command.value for command in Command)
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        where = f"{source} line {number} ({raw.strip()!r})"
        try:
            at = float(words[0])
        except ValueError:
            raise ConfigError(
                f"{where}: {words[0]!r} is not a time", hint="start each line with seconds, e.g. 2.0"
            ) from None
        if at < 0 or (steps and at < steps[-1].at):
            raise ConfigError(f"{where}: times must be 0 or more and in order", hint="sort the lines by time")
        if len(words) < 2:
            raise ConfigError(f"{where}: no command", hint=f"add one of: {names}, {SHOT}")
        word, rest = words[1].lower(), words[2:]
        if word == "hold":
            if not rest or rest[0].lower() not in HOLDS:
                raise ConfigError(f"{where}: hold what?", hint=f"hold {' | hold '.join(HOLDS)}")
            command, word, rest = HOLDS[rest[0].lower()], f"hold-{rest[0].lower()}", rest[1:]
        elif word == SHOT:
            command = None
        else:
            try:
                command = Command(word)
            except ValueError:
                raise ConfigError(f"{where}: unknown command {word!r}", hint=f"use one of: {names}, {SHOT}") from None
        if len(rest) > 1:
            raise ConfigError(f"{where}: too many words", hint="TIME COMMAND [SCREENSHOT-NAME]")
        steps.append(Step(at, command, rest[0] if rest else word, number))
    if not steps:
        raise ConfigError(f"{source} has no steps", hint="add lines like `2.0 select`")
    return steps


def load_script(path: Path) -> list[Step]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read the script {path}: {error}", hint="check the path given as --script") from None
    return parse_script(text, source=str(path))


def shot_name(index: int, step: Step, screen: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in step.name)
    return f"{index:02d}-{safe}-{screen}.png"
