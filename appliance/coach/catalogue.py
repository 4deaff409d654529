"""The catalogue: drills, breaks, tips and routines, loaded from the JSON files beside this module.

Everything the mirror says lives in data (``drills.json``, ``breaks.json``,
``tips.json``); this module only checks it and gives it types.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from appliance.coach.targets import Target, target_from_data
from appliance.errors import ConfigError
from appliance.glass import Words, words_for_the_glass

DRILL_KINDS = ("expression", "headshot", "feature", "roleplay", "consistency")
BREATHS = ("", "inhale", "hold", "exhale")


@dataclass(frozen=True)
class Step:
    cue: str
    seconds: float
    target: Target


@dataclass(frozen=True)
class Drill:
    id: str
    kind: str
    title: str
    cue: str
    why: str
    target: Target | None  # None for a role-play: its steps carry targets
    hold_s: float | None = None  # None: the settings' default
    threshold: int | None = None
    steps: tuple[Step, ...] = ()
    aim: str = ""  # the target in a few plain words for the mirror ("brows up, the rest still"); "" : describe()

    @property
    def labels(self) -> tuple[str, ...]:
        if self.target is not None:
            return self.target.labels
        return tuple(dict.fromkeys(label for step in self.steps for label in step.target.labels))


@dataclass(frozen=True)
class Phase:
    name: str
    seconds: float
    words: str
    breath: str = ""  # "inhale" | "hold" | "exhale" | ""
    check: bool = True  # whether the camera checks for a relaxed face here (not while tensing)


@dataclass(frozen=True)
class BreakScript:
    id: str
    kind: str
    title: str
    about: str
    phases: tuple[Phase, ...]
    cycles: int = 1

    @property
    def cycle_s(self) -> float:
        return sum(phase.seconds for phase in self.phases)

    @property
    def duration_s(self) -> float:
        return self.cycle_s * self.cycles


@dataclass(frozen=True)
class Tip:
    text: str
    when: Mapping  # the conditions, see tips.json's comment and tips.py


@dataclass(frozen=True)
class Routine:
    id: str
    title: str
    items: tuple[str, ...]  # "drill:ID" or "break:ID"


@dataclass(frozen=True)
class Catalogue:
    drills: tuple[Drill, ...]
    breaks: tuple[BreakScript, ...]
    tips: tuple[Tip, ...]
    routines: tuple[Routine, ...]
    today: Mapping  # title, warm_up, cool_down, pool (drill kinds)

    def drill(self, drill_id: str) -> Drill:
        return _find(self.drills, drill_id, "drill")

    def break_script(self, break_id: str) -> BreakScript:
        return _find(self.breaks, break_id, "break")

    def routine(self, routine_id: str) -> Routine:
        return _find(self.routines, routine_id, "routine")

    def check_item(self, item: str) -> None:
        kind, _, item_id = item.partition(":")
        if kind == "drill":
            self.drill(item_id)
        elif kind == "break":
            self.break_script(item_id)
        else:
            raise ConfigError(f"unknown routine item {item!r}", hint='write "drill:ID" or "break:ID"')


def _find(items, item_id: str, what: str):
    for item in items:
        if item.id == item_id:
            return item
    known = ", ".join(item.id for item in items)
    raise ConfigError(f"there is no {what} called {item_id!r}", hint=f"choose one of: {known}")


def _drill(data: Mapping) -> Drill:
    if data.get("kind") not in DRILL_KINDS:
        raise ConfigError(f"drill {data.get('id')!r} has kind {data.get('kind')!r}", hint=f"use one of {DRILL_KINDS}")
    steps = tuple(Step(s["cue"], float(s["seconds"]), target_from_data(s["target"])) for s in data.get("steps", ()))
    if data["kind"] == "roleplay" and not steps:
        raise ConfigError(f"role-play {data['id']!r} has no steps", hint="give it a list of timed cues")
    if any(step.seconds <= 0 for step in steps):
        raise ConfigError(f"role-play {data['id']!r} has a step without time", hint="give every step seconds > 0")
    target = target_from_data(data["target"]) if "target" in data else None
    if target is None and not steps:
        raise ConfigError(f"drill {data['id']!r} has no target", hint="give it a target")
    hold = data.get("hold_s")
    threshold = data.get("threshold")
    # "note", for whoever tunes the catalogue (how the target is read and why its numbers), is never shown.
    return Drill(
        data["id"], data["kind"], data["title"], data["cue"], data.get("why", ""), target,
        float(hold) if hold is not None else None, int(threshold) if threshold is not None else None, steps,
        data.get("aim", ""),
    )  # fmt: skip


def _break(data: Mapping) -> BreakScript:
    phases = []
    for phase in data["phases"]:
        if phase.get("breath", "") not in BREATHS or float(phase["seconds"]) <= 0:
            raise ConfigError(f"break {data['id']!r} has a bad phase {phase}", hint=f"breath is one of {BREATHS}")
        phases.append(Phase(phase["name"], float(phase["seconds"]), phase["words"], phase.get("breath", ""),
                            bool(phase.get("check", True))))  # fmt: skip
    if not phases or int(data.get("cycles", 1)) < 1:
        raise ConfigError(f"break {data['id']!r} has no phases or cycles", hint="give it phases and cycles >= 1")
    return BreakScript(data["id"], data["kind"], data["title"], data.get("about", ""), tuple(phases),
                       int(data.get("cycles", 1)))  # fmt: skip


def _read(name: str) -> dict:
    return json.loads(resources.files("appliance.coach").joinpath(name).read_text(encoding="utf-8"))


def build_catalogue(drills: Mapping, breaks: Mapping, tips: Mapping) -> Catalogue:
    try:
        catalogue = Catalogue(
            drills=tuple(_drill(d) for d in drills["drills"]),
            breaks=tuple(_break(b) for b in breaks["breaks"]),
            tips=tuple(Tip(t["text"], {k: v for k, v in t.items() if k != "text"}) for t in tips["tips"]),
            routines=tuple(Routine(r["id"], r["title"], tuple(r["items"])) for r in drills.get("routines", ())),
            today=drills.get("today", {}),
        )
    except (KeyError, TypeError, ValueError) as error:
        hint = "fix or reinstall the catalogue"
        raise ConfigError(f"the drill catalogue is malformed: {error!r}", hint=hint) from None
    today = [catalogue.today[key] for key in ("warm_up", "cool_down") if key in catalogue.today]
    for item in [item for routine in catalogue.routines for item in routine.items] + today:
        catalogue.check_item(item)
    return catalogue


@cache
def load_catalogue() -> Catalogue:
    """The catalogue shipped with the appliance."""
    return build_catalogue(_read("drills.json"), _read("breaks.json"), _read("tips.json"))


@words_for_the_glass
def _glass_words():
    """Every word of the shipped catalogue, where the screens show it; a tip's {placeholders} take the
    longest words they can say."""
    from appliance.coach.features import PARTS, title

    catalogue = load_catalogue()
    for drill in catalogue.drills:
        target = drill.target or drill.steps[0].target
        yield Words(drill.title, "headline", f"{drill.id}: title")
        yield Words(drill.title, "menu", f"{drill.id}: title in the list")
        yield Words(drill.cue, "body", f"{drill.id}: cue")
        yield Words(drill.cue, "menu_detail", f"{drill.id}: cue under its title in the list")
        yield Words(drill.why, "quiet", f"{drill.id}: why")
        yield Words(f"target: {drill.aim or target.describe()}", "quiet", f"{drill.id}: target")
        for number, step in enumerate(drill.steps, 1):
            yield Words(step.cue, "body", f"{drill.id}: step {number}")
    for script in catalogue.breaks:
        yield Words(script.title, "menu", f"{script.id}: title")
        yield Words(script.about, "menu_detail", f"{script.id}: about")
        for phase in script.phases:
            yield Words(phase.name, "headline", f"{script.id}: {phase.name}")
            yield Words(phase.words, "body", f"{script.id}: {phase.name}")
    longest = max((title(feature) for feature in PARTS), key=len)
    part = max(PARTS.values(), key=len)
    widest = {"part": part, "loud_part": part, "against_part": part,
              "loud": longest, "missing": longest, "corner": "The right corner"}  # fmt: skip
    for tip in catalogue.tips:
        yield Words(tip.text.format_map(widest), "body", "tip")
