"""A person's examples in their history: stored, read back by reading, trimmed, replaced, cleared, small."""

from __future__ import annotations

import numpy as np
import pytest

from appliance.coach.events import ExampleKept
from appliance.history import HistoryStore
from appliance.history.examples import clear_examples, example_counts, read_examples
from appliance.vision.classifier import EXPRESSIONS
from appliance.vision.examples import MOST_EXAMPLES, reading_identity
from appliance.vision.reading import head

IDENTITY = reading_identity(head())


def example(label: str, value: float, *, at: float = 1_750_000_000.0, reading: str = IDENTITY, replaces=False):
    return ExampleKept(label, tuple([value] * 39), reading, label, 80, replaces, 0.0, at)


def test_examples_are_stored_and_read_back_by_reading(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record_all([example("anger", 1.5), example("fear", 2.0, at=1_750_000_001.0)])
        store.record(example("anger", 9.0, reading="g2-somethingelse"))  # another reading's: kept, not used
        examples = read_examples(store.connection, IDENTITY)
        assert examples.counts == {"anger": 1, "fear": 1}
        assert examples.by_label["anger"][0] == pytest.approx([1.5] * 39)
        assert example_counts(store.connection) == {"anger": 2, "fear": 1}
        assert example_counts(store.connection, IDENTITY) == {"anger": 1, "fear": 1}


def test_the_newest_replace_the_oldest_and_a_taught_one_replaces_them_all(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record_all([example("anger", float(i), at=1_750_000_000.0 + i) for i in range(MOST_EXAMPLES + 3)])
        rows = read_examples(store.connection, IDENTITY).by_label["anger"]
        assert len(rows) == MOST_EXAMPLES and rows[0][0] == 3.0 and rows[-1][0] == MOST_EXAMPLES + 2
        store.record(example("anger", 7.5, at=1_760_000_000.0, replaces=True))  # redone in the teach routine
        store.record(example("fear", 2.0))
        assert read_examples(store.connection, IDENTITY).counts == {"anger": 1, "fear": 1}
        assert clear_examples(store.connection) == 2
        assert not read_examples(store.connection, IDENTITY)


def test_a_row_that_does_not_read_is_passed_over(tmp_path):
    with HistoryStore(tmp_path / "h.sqlite3") as store:
        store.record(example("anger", 1.5))
        store.connection.execute(
            "INSERT INTO expression_examples (created_at, day, label, reading, vector) VALUES (1, '', 'joy', ?, ?)",
            (IDENTITY, b"\x00" * 156),
        )
        store.connection.execute(
            "INSERT INTO expression_examples (created_at, day, label, reading, vector) VALUES (1, '', 'fear', ?, ?)",
            (IDENTITY, b"\x00" * 7),
        )
        assert read_examples(store.connection, IDENTITY).counts == {"anger": 1}


def test_twenty_examples_of_every_expression_take_under_100_kb(tmp_path):
    path = tmp_path / "h.sqlite3"
    HistoryStore(path).close()
    empty = path.stat().st_size
    rng = np.random.default_rng(0)
    with HistoryStore(path) as store:
        for label in EXPRESSIONS:
            if label != "neutral":
                for i in range(MOST_EXAMPLES):
                    store.record(ExampleKept(label, tuple(rng.normal(size=39).round(4)), IDENTITY, label, 80,
                                             False, 0.0, 1_750_000_000.0 + i))  # fmt: skip
    grown = path.stat().st_size - empty
    assert 0 < grown < 100_000, grown


def test_each_expressions_best_example_is_the_one_with_the_highest_match(tmp_path):
    from appliance.history.examples import best_examples

    with HistoryStore(tmp_path / "h.sqlite3") as store:
        for value, match, at in ((1.0, 70, 1), (2.0, 90, 2), (3.0, 80, 3), (4.0, 90, 4)):
            store.record(ExampleKept("anger", (value,) * 39, IDENTITY, "anger", match, False, 0.0, 1.75e9 + at))
        store.record(ExampleKept("fear", (5.0,) * 39, "g1-old", "fear", 99, False, 0.0, 1.75e9))  # another reading
        best = best_examples(store.connection, IDENTITY)
        assert list(best) == ["anger"] and best["anger"][1] == 90 and best["anger"][0][0] == 4.0  # newest of equals
