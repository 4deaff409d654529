"""A person's own expressions as examples: kept from their practice, and the reading that uses them.

An example is the reading's inputs at an attempt's peak less those of the typical resting face
(``departure``): for a calibrated person, how far their face had moved from their own rest,
appearance and geometry alike, in the head's own space.  39 numbers, never a picture.

The reading with examples (``personal_reading``) mixes the head's probabilities with a vote of
the person's nearest examples (a soft nearest-example rule: each expression's nearest example, by
how much nearer it is than the others, and by how many the person has), with their resting face
itself (the origin) as their neutral.  The vote's share of the reading follows how close the nearest
example is: far from every example, or with none, it is the head's reading exactly.  Figures behind
the constants: docs/examples.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from appliance.vision.classifier import EXPRESSIONS, softmax
from appliance.vision.features import GEOMETRY_VERSION

CLEAR_DEPARTURE = 1.2
"""An example's least distance from rest.  A London neutral photo photographed again reads at most
1.08 from itself (99th percentile 1.04, 102 people); 99% of their smiles read beyond 1.30."""

BANDWIDTH = 2.4  # twice CLEAR_DEPARTURE: the nearest example that far away still gives the vote 0.61 of its share
MOST_WEIGHT = 0.9  # the vote's share of the reading when a face sits on a well-known example
COUNT_PRIOR = 1 / 3  # an expression with n examples is trusted n / (n + COUNT_PRIOR): one counts 0.75
SHARPNESS = 0.5  # the vote's scale, in units of the nearest distance: an example 1.2 times as far counts 0.41
"""Chosen, not fitted (no posed faces here): a face exactly on its single example of an expression is
read two thirds by the vote (0.9 x 0.75), so it reads as that expression even where the head was sure
of another; on an expression practised twenty times, nine tenths.  The vote depends on the ratio of
distances, not their size (the nearest-example rule, softened), so a face twice as far from rest as
from its example reads as that example however large both are.  ``eval-posed --examples K`` measures
the result on a posed set."""
VOTE_FLOOR = 0.1 * CLEAR_DEPARTURE  # a face on an example: the vote's scale never falls below this
MOST_EXAMPLES = 20  # per expression; the newest replace the oldest, so a bad pose is soon outvoted


def reading_identity(head) -> str:
    """Which reading examples belong to: the geometry's version and a digest of the head's numbers.
    Examples read by another reading are not in the same space, so they are never mixed in."""
    digest = hashlib.sha256()
    for part in (head.weights, head.bias, head.personal[0], head.typical_appearance, head.typical_geometry):
        digest.update(np.ascontiguousarray(part, dtype="<f8").tobytes())
    return f"g{GEOMETRY_VERSION}-{digest.hexdigest()[:12]}"


def rest_inputs(head) -> np.ndarray:
    """The inputs of the typical resting face: where a calibrated person's rest reads."""
    return np.concatenate([head.typical_appearance, np.zeros(len(head.keys))])


def departure(inputs, head) -> np.ndarray | None:
    """A calibrated face's departure from its own rest (the inputs less the typical rest's), or None
    when the inputs lack the geometry (a face whose landmarks were not read)."""
    values = np.asarray(inputs, dtype=np.float64)
    rest = rest_inputs(head)
    return values - rest if values.shape == rest.shape else None


def is_clear(vector) -> bool:
    """Whether a departure left rest beyond what a still face jitters by."""
    return bool(np.linalg.norm(np.asarray(vector, dtype=np.float64)) >= CLEAR_DEPARTURE)


@dataclass(frozen=True)
class PersonalExamples:
    """Each expression's examples as rows of departures, in one reading's space (``identity``)."""

    identity: str
    by_label: Mapping[str, np.ndarray] = field(default_factory=dict)  # label -> (n, d)

    @classmethod
    def from_rows(cls, identity: str, rows) -> PersonalExamples:
        """From (label, vector) pairs; the newest MOST_EXAMPLES of each label are kept (rows oldest first)."""
        grouped: dict[str, list] = {}
        for label, vector in rows:
            if label not in EXPRESSIONS or label == "neutral":
                raise ValueError(f"an example's label must be an expression other than neutral, got {label!r}")
            grouped.setdefault(label, []).append(np.asarray(vector, dtype=np.float64))
        by_label = {label: np.vstack(vectors[-MOST_EXAMPLES:]) for label, vectors in grouped.items()}
        widths = {array.shape[1] for array in by_label.values()}
        if len(widths) > 1:
            raise ValueError(f"examples of one reading must all have one length, got {sorted(widths)}")
        return cls(identity, by_label)

    def rows(self) -> list[tuple[str, tuple[float, ...]]]:
        """The (label, vector) pairs ``from_rows`` takes, oldest first within each expression."""
        return [(label, tuple(row)) for label, rows in self.by_label.items() for row in rows]

    @property
    def counts(self) -> dict[str, int]:
        return {label: len(self.by_label[label]) for label in EXPRESSIONS if label in self.by_label}

    def __bool__(self) -> bool:
        return bool(self.by_label)


def example_vote(vector: np.ndarray, examples: PersonalExamples) -> tuple[np.ndarray, float]:
    """The examples' probabilities (EXPRESSIONS order) for a departure, and their share of the reading.

    d_e is each expression's nearest example's distance (neutral's: the resting face's, the origin,
    one example), trust_e = n_e / (n_e + COUNT_PRIOR).  The vote is trust_e * exp(-d_e^2 / 2 s^2),
    normalised, with s = SHARPNESS * the least d; its share is MOST_WEIGHT * trust * closeness of the
    nearest (``closeness``), so a face far from everything the person has shown keeps the head's reading."""
    squared = np.full(len(EXPRESSIONS), np.inf)
    trust = np.zeros(len(EXPRESSIONS))
    for label, rows in examples.by_label.items():
        index = EXPRESSIONS.index(label)
        squared[index] = float(np.min(np.sum((rows - vector) ** 2, axis=1)))
        trust[index] = len(rows) / (len(rows) + COUNT_PRIOR)
    neutral = EXPRESSIONS.index("neutral")
    squared[neutral], trust[neutral] = float(vector @ vector), 1 / (1 + COUNT_PRIOR)
    nearest = int(np.argmin(squared))
    scale = 2 * max(SHARPNESS**2 * squared[nearest], VOTE_FLOOR**2)
    support = trust * np.exp(-(squared - squared[nearest]) / scale)  # the nearest's own factor cancels
    vote = support / support.sum()
    return vote, MOST_WEIGHT * float(trust[nearest]) * _closeness(float(squared[nearest]))


def personal_reading(logits, vector, examples: PersonalExamples | None) -> np.ndarray:
    """Probabilities (EXPRESSIONS order): the head's ``logits`` read with the person's examples.

    ``vector`` is the frame's departure (``departure``; None without landmarks).  With no examples,
    or no departure to compare, it is ``softmax(logits)`` exactly: the reading everyone else gets."""
    plain = softmax(np.asarray(logits, dtype=np.float64))
    if not examples or vector is None:
        return plain
    vote, share = example_vote(np.asarray(vector, dtype=np.float64), examples)
    return (1.0 - share) * plain + share * vote


def closeness(vector, example) -> float:
    """0-1: how close a departure is to one example (1: the same face), on the vote's own scale."""
    difference = np.asarray(vector, dtype=np.float64) - np.asarray(example, dtype=np.float64)
    return _closeness(float(difference @ difference))


def _closeness(squared_distance: float) -> float:
    return float(np.exp(-squared_distance / (2 * BANDWIDTH**2)))


def synthetic_examples(head, per_expression: int, *, seed: int = 0) -> PersonalExamples:
    """``per_expression`` made-up examples of each expression but neutral, clear of rest (for ``bench``:
    what a person who has practised a lot costs a frame; the numbers mean nothing)."""
    rng = np.random.default_rng(seed)
    width = len(rest_inputs(head))
    rows = []
    for label in EXPRESSIONS:
        if label != "neutral":
            for _ in range(per_expression):
                vector = rng.normal(size=width)
                rows.append((label, vector / np.linalg.norm(vector) * rng.uniform(2, 6) * CLEAR_DEPARTURE))
    return PersonalExamples.from_rows(reading_identity(head), rows)
