"""A person's examples of their own expressions in their history (table ``expression_examples``, schema v6).

Each person has a history file of their own, so their examples go with it when the person is removed;
the guest has none.  Each expression keeps its newest ``MOST_EXAMPLES``: an older pose is replaced
by practice, and one taught in the teach routine replaces all the earlier ones at once.
"""

from __future__ import annotations

import logging
import sqlite3

import numpy as np

from appliance.coach.events import ExampleKept
from appliance.vision.classifier import EXPRESSIONS
from appliance.vision.examples import MOST_EXAMPLES, PersonalExamples

log = logging.getLogger(__name__)
VECTOR_TYPE = "<f4"  # 39 numbers in 156 bytes: twenty of every expression take about 30 KB with the rows


def write_example(connection: sqlite3.Connection, event: ExampleKept, day: str) -> None:
    """Store one example, inside the caller's transaction, and drop what it replaces."""
    if event.replaces_earlier:
        connection.execute("DELETE FROM expression_examples WHERE label = ?", (event.label,))
    connection.execute(
        "INSERT INTO expression_examples (created_at, day, label, reading, vector, drill_id, best_match)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (event.wall_time, day, event.label, event.reading, np.asarray(event.vector, VECTOR_TYPE).tobytes(),
         event.drill_id, event.best_match),
    )  # fmt: skip
    connection.execute(  # the newest MOST_EXAMPLES of this expression and reading stay
        "DELETE FROM expression_examples WHERE label = ? AND reading = ? AND id NOT IN (SELECT id FROM"
        " expression_examples WHERE label = ? AND reading = ? ORDER BY created_at DESC, id DESC LIMIT ?)",
        (event.label, event.reading, event.label, event.reading, MOST_EXAMPLES),
    )


def read_examples(connection: sqlite3.Connection, identity: str) -> PersonalExamples:
    """The examples made by reading ``identity``, oldest first; rows of another reading, an unknown label
    or the wrong length are passed over (and left in the table)."""
    rows = connection.execute(
        "SELECT label, vector FROM expression_examples WHERE reading = ? ORDER BY created_at, id", (identity,)
    ).fetchall()
    usable, widths = [], {}
    for label, blob in rows:
        if label not in EXPRESSIONS or label == "neutral" or not isinstance(blob, bytes) or len(blob) % 4:
            continue
        vector = np.frombuffer(blob, dtype=VECTOR_TYPE).astype(np.float64)
        if np.all(np.isfinite(vector)):
            widths[len(vector)] = widths.get(len(vector), 0) + 1
            usable.append((label, vector))
    if len(widths) > 1:  # cannot happen from one reading; keep the commonest length rather than fail
        width = max(widths, key=widths.get)
        log.warning("examples of %d lengths under one reading: those of length %d are used", len(widths), width)
        usable = [(label, vector) for label, vector in usable if len(vector) == width]
    return PersonalExamples.from_rows(identity, usable)


def best_examples(connection: sqlite3.Connection, identity: str) -> dict[str, tuple[tuple[float, ...], int]]:
    """Each expression's example from the attempt with the highest match (the newest of equals), with
    that match: what a consistency drill compares the face with."""
    rows = connection.execute(
        "SELECT label, vector, best_match FROM expression_examples WHERE reading = ?"
        " ORDER BY best_match, created_at, id",
        (identity,),
    )
    best = {}
    for label, blob, match in rows:  # the last of each label is its best
        if label in EXPRESSIONS and label != "neutral" and isinstance(blob, bytes) and len(blob) % 4 == 0:
            vector = np.frombuffer(blob, dtype=VECTOR_TYPE).astype(np.float64)
            if np.all(np.isfinite(vector)):
                best[label] = (tuple(vector.tolist()), int(match))
    return best


def example_counts(connection: sqlite3.Connection, identity: str | None = None) -> dict[str, int]:
    """How many examples each expression has (of reading ``identity``; None: of any reading)."""
    where, values = ("WHERE reading = ?", (identity,)) if identity else ("", ())
    rows = connection.execute(f"SELECT label, COUNT(*) FROM expression_examples {where} GROUP BY label", values)
    counts = dict(rows.fetchall())
    return {label: counts[label] for label in EXPRESSIONS if label in counts}


def clear_examples(connection: sqlite3.Connection) -> int:
    """Forget every example (settings: "clear"); how many there were."""
    cursor = connection.execute("DELETE FROM expression_examples")
    return cursor.rowcount
