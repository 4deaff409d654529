"""Shared test set-up: Kivy headless, and the ../shared material some tests need."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Before anything imports Kivy: render offscreen with Mesa, no config/log files, no argv parsing.
for _name, _value in {
    "SDL_VIDEODRIVER": "offscreen",
    "KIVY_NO_ARGS": "1",
    "KIVY_NO_CONFIG": "1",
    "KIVY_NO_FILELOG": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}.items():
    os.environ.setdefault(_name, _value)

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
MODELS = PROJECT / "models"

requires_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason="../shared (data set and fixtures) is not present in this clone"
)


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared (data set and fixtures) is not present in this clone")
    return SHARED


@pytest.fixture
def labels_folder(tmp_path):
    """Makes folders in the layout eval-posed, eval-features and eval read: labels.csv of ``rows`` and
    placeholder files ``images/NAME`` for each of ``files`` (never decoded by the tests that use it)."""
    made = 0

    def make(rows: list[str], files=()) -> Path:
        nonlocal made
        made += 1
        folder = tmp_path / f"labelled{made}"
        (folder / "images").mkdir(parents=True)
        for name in files:
            (folder / "images" / name).write_bytes(b"not read in these tests")
        (folder / "labels.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        return folder

    return make


@pytest.fixture(autouse=True)
def _user_dirs(tmp_path_factory, monkeypatch):
    """Keep every test's history, settings and logs out of the real home directory."""
    home = tmp_path_factory.mktemp("home")
    for variable, folder in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(variable, str(home / folder))


@pytest.fixture(autouse=True)
def _tensorflow_stays_out_of_this_process():
    """TensorFlow and Kivy's windows crash a process they share (a segmentation fault, tests later):
    tests that need TensorFlow run it in a subprocess.  This names the test that imported it."""
    yield
    assert "tensorflow" not in sys.modules, "this test imported TensorFlow into the test process: use a subprocess"
