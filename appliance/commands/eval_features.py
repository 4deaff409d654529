"""``eval-features``: does ``smile`` see each London smile against the same person's neutral face?

The London set (../shared/datasets/london, evaluation only) has each of 102 people neutral and
smiling.  For each person the neutral photo's geometry is their personal neutral; the smile's
features are read relative to it.  Printed: the share of smiles whose ``smile`` reaches
``features.SMILE_THRESHOLD`` (the smile's definition, weights and scale are chosen on FER+
alone; the first definition's figures here were seen before the second was made, so the
second's are not blind: docs/features.md), overall and for every gender and ethnic group,
and the mean and 95th percentile of the other features.  A photo in which no face or no
landmarks are found counts as a missed smile.

Any folder in the London set's layout can be measured the same way (``--data``; labels.csv read
by ``photo_labels``): a team's own people, whose smiles are the data on which to decide where a
smile begins, which the London set cannot be without losing its worth as an evaluation.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from appliance import arguments
from appliance.errors import ApplianceError
from appliance.evaluation import share_interval_figures
from appliance.reading_eval import LONDON_DIR, MIN_GROUP, london_rows
from appliance.vision.features import FEATURES, SMILE_THRESHOLD, features_from

GROUP_TARGET, OVERALL_TARGET = 0.90, 0.95


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "eval-features", help="smile feature on the London set, each smile against the same person's neutral"
    )
    parser.add_argument(
        "--data",
        default=str(LONDON_DIR),
        help="the London set's folder, or any in its layout: labels.csv (file, label, subject; gender and "
        "ethnicity give groups) and the photos, each person neutral and smiling",
    )
    # A feature is 0-1, and at 0 every face would count as smiling.
    parser.add_argument(
        "--threshold", type=arguments.number(0.01, 1.0), default=SMILE_THRESHOLD, help=argparse_threshold_help()
    )
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.set_defaults(func=run)


def argparse_threshold_help() -> str:
    return f"smile counts as made at this value (default {SMILE_THRESHOLD}, features.SMILE_THRESHOLD)"


def read_people(folder: Path) -> list[dict]:
    """One dict per person: subject, gender, ethnicity, and the paths of their neutral and smile."""
    labels = folder / "labels.csv"
    if not labels.is_file():
        raise ApplianceError(
            f"the London set is not at {folder} (no labels.csv)",
            hint="pass --data with the path of shared/datasets/london",
        )
    return london_rows(folder)


SWEEP = (0.1, 0.15, 0.2, 0.25, 0.3)
"""Thresholds the report also gives the share at: where a smile begins is a decision to make on
one's own people's photos (``--data``), not on the London set."""


def share(group: list[dict], threshold: float) -> dict:
    """How many of ``group``'s smiles reach ``threshold`` (an unread face counts as missed)."""
    made = sum(1 for r in group if r["features"] is not None and r["features"]["smile"] >= threshold)
    return {
        "people": len(group),
        "smiles_seen": made,
        "share": round(made / len(group), 4) if group else None,
        "interval_95": share_interval_figures(made, len(group)),
    }


def summarise(rows: list[dict], threshold: float) -> dict:
    """Figures from rows of {subject, gender, ethnicity, features (dict, or None when unread)}."""
    groups: dict[str, dict[str, list]] = {"gender": defaultdict(list), "ethnicity": defaultdict(list)}
    for row in rows:
        for key in groups:
            if row[key] is not None:  # not given in labels.csv
                groups[key][row[key]].append(row)
    large = [(f"{key} {name}", members) for key, g in groups.items() for name, members in sorted(g.items())]
    large = [(name, members) for name, members in large if len(members) >= MIN_GROUP]
    read = [r["features"] for r in rows if r["features"] is not None]
    others = {}
    for name in FEATURES:
        if name != "smile" and read:
            values = np.array([f[name] for f in read])
            others[name] = {"mean": round(float(values.mean()), 4), "p95": round(float(np.percentile(values, 95)), 4)}
    by_group = {
        key: {name: share(members, threshold) for name, members in sorted(g.items())} for key, g in groups.items()
    }
    overall = share(rows, threshold)
    sweep = {}
    for level in SWEEP:
        everyone = share(rows, level)
        lowest = min(
            ({"group": name, **share(members, level)} for name, members in large),
            key=lambda s: s["share"],
            default=None,
        )
        sweep[str(level)] = {"smiles_seen": everyone["smiles_seen"], "share": everyone["share"], "lowest_group": lowest}
    checked = [s for g in by_group.values() for s in g.values() if s["people"] >= MIN_GROUP]
    return {
        "threshold": threshold,
        "people": len(rows),
        "unread": len(rows) - len(read),
        "overall": overall,
        "groups": by_group,
        "smile": _spread([f["smile"] for f in read]),
        "at_thresholds": sweep,  # the same smiles at other thresholds, and the group of 9+ that fares worst
        "other_features": others,
        "targets_met": {
            f"overall >= {OVERALL_TARGET}": bool(overall["share"] is not None and overall["share"] >= OVERALL_TARGET),
            # None: no group that large, so nothing to judge (not "met")
            f"every group of {MIN_GROUP}+ people >= {GROUP_TARGET}": all(s["share"] >= GROUP_TARGET for s in checked)
            if checked
            else None,
        },
    }


def _spread(values: list[float]) -> dict:
    if not values:
        return {}
    p5, p50 = np.percentile(values, [5, 50])
    return {"p5": round(float(p5), 4), "median": round(float(p50), 4)}


def run(args) -> int:
    from appliance.commands.classify import Reader

    people = read_people(Path(args.data))
    reader = Reader(expression=False)
    rows = []
    for person in people:
        try:
            neutral = reader.geometry(str(person["neutral"]))
            features = features_from(reader.geometry(str(person["happiness"])), neutral)
        except ApplianceError:
            features = None
        rows.append({**{k: person[k] for k in ("subject", "gender", "ethnicity")}, "features": features})
    result = {"data": str(args.data), **summarise(rows, args.threshold)}
    print(json.dumps(result, indent=1) if args.json else format_report(result))
    return 0


def _interval(share: dict) -> str:
    low, high = share["interval_95"]
    return f" (95% interval {low:.0%}-{high:.0%})"


def format_report(result: dict) -> str:
    overall = result["overall"]
    lines = [
        f"{result['data']}: {result['people']} people, each smile against the same person's neutral "
        f"(smile >= {result['threshold']}); {result['unread']} without a readable face",
        f"  overall: {overall['smiles_seen']}/{overall['people']} = {overall['share']:.1%}{_interval(overall)}",
    ]
    for key, groups in result["groups"].items():
        for name, s in groups.items():
            mark = "" if s["people"] >= MIN_GROUP else "  (fewer than 9 people: no target)"
            lines.append(f"  {key} {name}: {s['smiles_seen']}/{s['people']} = {s['share']:.1%}{_interval(s)}{mark}")
    if result["smile"]:
        lines.append(f"  smile value: median {result['smile']['median']}, 5th percentile {result['smile']['p5']}")
    lines.append("  at other thresholds (where a smile begins is for your own people's photos to decide):")
    for level, at in result["at_thresholds"].items():
        worst = at["lowest_group"]
        tail = f"; lowest group of 9+: {worst['group']} {worst['share']:.0%}" if worst else ""
        lines.append(f"    smile >= {level}: {at['smiles_seen']}/{result['people']} = {at['share']:.1%}{tail}")
    lines.append("\nthe other features on the smiles (0 = the person's neutral):")
    for name, figures in result["other_features"].items():
        lines.append(f"  {name:<20} mean {figures['mean']:.3f}   p95 {figures['p95']:.3f}")
    verdicts = (
        f"{target}: {'no such group' if met is None else 'met' if met else 'NOT met'}"
        for target, met in result["targets_met"].items()
    )
    lines.append("\ntargets: " + ", ".join(verdicts))
    return "\n".join(lines)
