"""Plans: the morning routine, today's practice (weaker expressions more often), a free run of drills."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from appliance.coach.catalogue import Catalogue
from appliance.coach.settings import CoachSettings
from appliance.errors import ConfigError

RECENT = 5  # attempts per drill that count as "recent"
UNPRACTISED_SCORE = 50.0  # a drill never tried weighs like a middling one, so it turns up


@dataclass(frozen=True)
class Plan:
    id: str  # "morning", "today", "drills", "break:ID", or a routine id
    title: str
    items: tuple[str, ...]  # "drill:ID" | "break:ID"

    @property
    def drill_count(self) -> int:
        return sum(item.startswith("drill:") for item in self.items)


def check_settings_ids(catalogue: Catalogue, settings: CoachSettings) -> None:
    """The breaks and the morning routine the settings name exist in the catalogue: a ConfigError naming
    the setting now (at start-up, and in ``config check``), not mid-session."""
    named = [("forced_break", f"break:{settings.forced_break}"), ("quick_break", f"break:{settings.quick_break}")]
    named += [("morning_routine", item) for item in settings.morning_routine]
    for name, item in named:
        try:
            catalogue.check_item(item)
        except ConfigError as error:
            value = item if name == "morning_routine" else item.partition(":")[2]
            hint = f"{error}: {error.hint}"
            raise ConfigError(f"the coach setting {name}={value!r} is not usable", hint=hint, setting=name) from None


def routine_plan(catalogue: Catalogue, routine_id: str, settings: CoachSettings) -> Plan:
    """A routine from the catalogue; the morning routine can be replaced in the settings."""
    routine = catalogue.routine(routine_id)
    items = settings.morning_routine if routine_id == "morning" and settings.morning_routine else routine.items
    for item in items:
        catalogue.check_item(item)
    return Plan(routine.id, routine.title, tuple(items))


def drill_weight(scores: Sequence[float]) -> float:
    """How often a drill should come up: 1 for a mastered one (100), 6 for one that scores 0."""
    recent = list(scores)[-RECENT:]
    mean = sum(recent) / len(recent) if recent else UNPRACTISED_SCORE
    return 1.0 + (100.0 - max(0.0, min(100.0, mean))) / 20.0


def todays_plan(
    catalogue: Catalogue, settings: CoachSettings, scores: Mapping[str, Sequence[float]], day: date
) -> Plan:
    """Today's practice: a warm-up, ``today_count`` drills drawn by weight, a cool-down.

    ``scores`` are each drill's past scores, oldest first.  The draw is weighted
    sampling without replacement (Efraimidis-Spirakis keys) seeded by the date,
    so the same day and history always give the same plan.
    """
    spec = catalogue.today
    kinds = tuple(spec.get("pool", ("expression", "headshot", "feature")))
    pool = [drill.id for drill in catalogue.drills if drill.kind in kinds]
    rng = random.Random(f"today:{day.isoformat()}")
    keys = {drill_id: rng.random() ** (1.0 / drill_weight(scores.get(drill_id, ()))) for drill_id in pool}
    chosen = sorted(pool, key=lambda drill_id: -keys[drill_id])[: settings.today_count]
    chosen.sort(key=lambda drill_id: drill_weight(scores.get(drill_id, ())))  # easier first, hardest last
    items = [spec["warm_up"]] if spec.get("warm_up") else []
    items += [f"drill:{drill_id}" for drill_id in chosen]
    items += [spec["cool_down"]] if spec.get("cool_down") else []
    return Plan("today", spec.get("title", "Today's practice"), tuple(items))


def free_plan(catalogue: Catalogue, first_drill: str) -> Plan:
    """Every drill in catalogue order, starting from the one chosen."""
    ids = [drill.id for drill in catalogue.drills]
    start = ids.index(catalogue.drill(first_drill).id)
    return Plan("drills", "Free practice", tuple(f"drill:{drill_id}" for drill_id in ids[start:] + ids[:start]))


def break_plan(catalogue: Catalogue, break_id: str) -> Plan:
    script = catalogue.break_script(break_id)
    return Plan(f"break:{script.id}", script.title, (f"break:{script.id}",))
