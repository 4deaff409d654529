"""``drills``: the catalogue of drills, breaks and routines (``--json`` for machines)."""

from __future__ import annotations

import json

from appliance.coach.catalogue import Catalogue, Drill, load_catalogue
from appliance.coach.settings import CoachSettings

SECTIONS = {
    "expression": "Expressions",
    "headshot": "Headshot looks",
    "feature": "Single features",
    "roleplay": "Role-plays",
    "consistency": "Your own expressions, as at your best",
}


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "drills",
        help="list the drills, relaxation breaks and routines",
        description="List what the mirror can coach: each drill (its cue and target), the relaxation breaks"
        " with their length, and the routines with their items.",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=run)


def run(args) -> int:
    catalogue = load_catalogue()
    print(json.dumps(as_dict(catalogue), indent=2) if args.json else as_text(catalogue))
    return 0


def _target(target) -> dict:
    return target.as_data()


def _drill(drill: Drill) -> dict:
    record = {"id": drill.id, "kind": drill.kind, "title": drill.title, "cue": drill.cue, "why": drill.why}
    if drill.target is not None:
        defaults = CoachSettings()  # what the coach uses when the drill does not say
        record.update(target=_target(drill.target), hold_s=drill.hold_s or defaults.hold_s,
                      threshold=drill.threshold or defaults.match_threshold)  # fmt: skip
    if drill.steps:
        record["steps"] = [{"cue": s.cue, "seconds": s.seconds, "target": _target(s.target)} for s in drill.steps]
    return record


def as_dict(catalogue: Catalogue) -> dict:
    return {
        "drills": [_drill(drill) for drill in catalogue.drills],
        "breaks": [
            {
                "id": b.id,
                "kind": b.kind,
                "title": b.title,
                "about": b.about,
                "cycles": b.cycles,
                "duration_s": b.duration_s,
                "phases": [
                    {"name": p.name, "seconds": p.seconds, "breath": p.breath, "words": p.words} for p in b.phases
                ],
            }
            for b in catalogue.breaks
        ],  # fmt: skip
        "routines": [{"id": r.id, "title": r.title, "items": list(r.items)} for r in catalogue.routines],
    }


def as_text(catalogue: Catalogue) -> str:
    lines: list[str] = []
    for kind, heading in SECTIONS.items():
        lines.append(heading)
        for drill in (d for d in catalogue.drills if d.kind == kind):
            lines.append(f"  {drill.id:<24}{drill.title}")
            lines.append(f"  {'':<24}{drill.cue}")
            if drill.target is not None:
                lines.append(f"  {'':<24}target: {drill.target.describe()}")
            for number, step in enumerate(drill.steps, 1):
                lines.append(f"  {'':<24}{number}. {step.cue} ({step.seconds:g} s): {step.target.describe()}")
        lines.append("")
    lines.append("Relaxation breaks")
    for script in catalogue.breaks:
        lines.append(f"  {script.id:<24}{script.title} ({round(script.duration_s)} s)")
        lines.append(f"  {'':<24}{script.about}")
    lines.append("")
    lines.append("Routines")
    for routine in catalogue.routines:
        lines.append(f"  {routine.id:<24}{routine.title}")
        lines.append(f"  {'':<24}{' -> '.join(item.partition(':')[2] for item in routine.items)}")
    return "\n".join(lines)
