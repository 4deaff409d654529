"""Crash safety: a writer killed with SIGKILL mid-write, many times; the database stays valid and keeps every commit."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from appliance.history import HistoryStore

PROJECT = Path(__file__).resolve().parents[1]
WRITER = """
import sys
from appliance.coach.events import AttemptFinished, BreakFinished, SessionStarted
from appliance.history import HistoryStore

path, run = sys.argv[1], int(sys.argv[2])
store = HistoryStore(path)
store.record(SessionStarted(1, "morning", "Morning routine", 0.0, 1.75e9 + run))
print("started", flush=True)
i = 0
while True:
    store.record(AttemptFinished(1, "happiness", "expression", ("happiness",), "completed", i % 101, 90, 3.0, 3.0,
                                 1.0, 0.5, 4.0, f"{run}-{i}", 0.0, 1.75e9 + run + i))
    if i % 7 == 0:
        store.record(BreakFinished(1, "box_breathing", False, "", True, 64.0, 30.0, 0.0, 1.75e9 + run + i))
    print(i, flush=True)  # only after the commit: everything printed must survive
    i += 1
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_writer_killed_many_times_loses_nothing_it_committed(tmp_path):
    path = tmp_path / "history.sqlite3"
    rng = random.Random(4)
    committed: list[str] = []
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    for run in range(25):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(run)], stdout=subprocess.PIPE,
                                  text=True, env=env)  # fmt: skip
        assert writer.stdout.readline().strip() == "started"
        wanted, last = rng.randint(1, 40), None
        for _ in range(wanted):
            last = writer.stdout.readline().strip()
        os.kill(writer.pid, signal.SIGKILL)  # mid-write: the writer never stops between transactions
        writer.wait(timeout=10)
        assert writer.returncode == -signal.SIGKILL
        committed += [f"{run}-{i}" for i in range(int(last) + 1)]

    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    connection.close()
    with HistoryStore(path) as store:
        assert store.warning == ""
        stored = {row["reason"] for row in store.rows("attempts")}
        assert set(committed) <= stored
        assert len(store.rows("sessions")) == 25
