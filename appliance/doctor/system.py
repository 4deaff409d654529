"""Checks of the installation: config, models, storage, clock."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from appliance.config import Config, default_path, load_config_for_mirror
from appliance.display.power import Runner, run_command
from appliance.doctor import Check
from appliance.errors import ConfigError
from appliance.vision.litert import SUMS, expected_checksums, file_sha256

MIN_FREE_MB = 100  # the history grows by kilobytes a day; below this the card is nearly full
SANE_YEAR = 2025  # a Pi without a real-time clock and no network can start in 1970


def check_config(path: Path | None) -> tuple[Check, Config]:
    """The settings file (given, or the default one) and whether it validates; the config the mirror
    would start with (``load_config_for_mirror``: without what it cannot use), for the other checks."""
    shown = path if path is not None else default_path()
    try:
        config, left_out = load_config_for_mirror(path)
    except ConfigError as error:
        return Check("config", False, error.describe().replace("\n  ", "; ")), Config()
    if left_out:
        said = " | ".join(problem.describe().replace("\n  ", "; ") for problem in left_out)
        return Check("config", False, f"the mirror starts without what it cannot use: {said}"), config
    if path is None and not shown.exists():
        return Check("config", True, f"no file at {shown}: the defaults"), config
    return Check("config", True, f"{shown} is valid"), config


def check_models(folder: Path, *, load: Callable[[Path], object] | None = None, model: Path | None = None) -> Check:
    """Every model listed in ``folder/SHA256SUMS`` is there, has its checksum and loads; and ``model``
    (one's own, given with --model) loads, checked against a SHA256SUMS beside it or said unchecked."""
    if load is None:
        from appliance.vision.litert import load_interpreter

        load = load_interpreter
    sums = folder / SUMS
    if not sums.is_file():
        return Check("models", False, f"no {SUMS} beside the models in {folder}; reinstall the appliance")
    problems, names = [], []
    for name, expected in expected_checksums(folder).items():
        names.append(name)
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing")
            continue
        if file_sha256(path) != expected:
            problems.append(f"{name} does not match its checksum (damaged or replaced)")
            continue
        try:
            load(path)
        except Exception as error:  # a ModelError, or no TFLite runtime
            problems.append(f"{name} does not load: {str(error).splitlines()[0]}")
    own, own_problem = _own_model(model, load) if model is not None else ("", "")
    if problems:
        return Check("models", False, "; ".join([*problems, own_problem]).rstrip("; ") + "; reinstall the appliance")
    if own_problem:
        return Check("models", False, own_problem)
    if not names:
        return Check("models", False, f"{sums} lists no models")
    shipped = f"{len(names)} models in {folder}, checksums match, all load: {', '.join(names)}"
    return Check("models", True, f"{own}; {shipped}" if own else shipped)


def _own_model(model: Path, load: Callable[[Path], object]) -> tuple[str, str]:
    """What the doctor says of a --model file: (the fact, "") when it loads, ("", the problem) otherwise."""
    from appliance.vision.litert import UNCHECKED

    if not model.is_file():
        return "", f"{model} (--model) does not exist"
    expected = expected_checksums(model.parent).get(model.name)
    if expected is not None and file_sha256(model) != expected:
        return "", f"{model} (--model) does not match its checksum in {model.parent / SUMS} (damaged or replaced)"
    try:
        load(model)
    except Exception as error:  # a ModelError, or no TFLite runtime
        return "", f"{model} (--model) does not load: {str(error).splitlines()[0]}"
    if expected is None:
        return f"{model} (--model) is not in a {SUMS}: {UNCHECKED}", ""
    return f"{model} (--model): checksum matches, loads", ""


def check_storage(root: Path, *, min_free_mb: int = MIN_FREE_MB) -> Check:
    """The data directory ``root`` can keep the practice, with room to spare, and every person's history
    opens and is intact (read only: the doctor moves and creates nothing)."""
    problem = _folder_problem(root, hint="move that file away, or set XDG_DATA_HOME to a folder")
    if problem:
        return Check("storage", False, problem)
    free_mb = shutil.disk_usage(_nearest_existing(root)).free / 1e6
    where = f"{root}, {free_mb:,.0f} MB free"
    if free_mb < min_free_mb:
        return Check("storage", False, f"{where}: under {min_free_mb} MB, free some space")
    from appliance.profiles import ProfileRegistry

    registry = ProfileRegistry(root, read_only=True)
    if not registry.people and not registry.warning:
        return _before_profiles(root, where)
    problems = [_index_problem(registry.index_path)] if registry.warning else []
    facts = []
    for person in registry.people:
        state, problem = _person_state(registry.folder(person), registry.history_path(person))
        facts.append(f"{person.name}: {state}")
        if problem:
            problems.append(f"{person.name} ({person.id}): {problem}")
    counted = f"{len(registry.people)} {'person' if len(registry.people) == 1 else 'people'}"
    if problems:
        return Check("storage", False, f"{where}, {counted}; " + "; ".join(problems))
    return Check("storage", True, f"{where}, {counted}: " + ", ".join(facts))


def _before_profiles(root: Path, where: str) -> Check:
    """No list of people yet: the mirror has not started with profiles.  Its single history, if there
    is one, becomes the first person's at the next start; it must be sound to be moved over."""
    from appliance.history.store import FILE_NAME

    single = root / FILE_NAME
    if not single.exists():
        return Check("storage", True, f"{where}, no people yet (the first start makes Person 1)")
    problem = _history_problem(single)
    if problem:
        return Check("storage", False, f"{where}; the history from before profiles {single}: {problem}")
    return Check("storage", True, f"{where}, no people yet; {single} integrity ok (becomes Person 1's)")


def _index_problem(index: Path) -> str:
    """What is wrong with the list of people (profiles.json), the registry having found it unusable."""
    try:
        index.read_bytes()
    except OSError as error:
        return (f"the list of people {index} cannot be read ({error.strerror or error}): make it a file the user"
                " running the mirror can read and write")  # fmt: skip
    return (f"the list of people {index} is damaged: the mirror finds everyone again by their folders at its next"
            " start; check their names on the mirror then")  # fmt: skip


def _person_state(folder: Path, history: Path) -> tuple[str, str]:
    """(what a person's storage is like, what is wrong with it: "" if nothing)."""
    problem = _folder_problem(folder, hint="move that file away")
    if problem:
        return "", problem
    if not history.exists():
        return "no history yet", ""
    problem = _history_problem(history)
    return ("", problem) if problem else ("integrity ok", "")


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _folder_problem(folder: Path, *, hint: str) -> str:
    """Why ``folder`` cannot be made or written in by this user; "" when it can.  A file where a folder
    (or one of its parents) should be is not writable as a folder, whatever its permissions say."""
    existing = _nearest_existing(folder)
    if not existing.is_dir():
        return f"{existing} is a file, not a folder, so {folder} cannot be made there: {hint}"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{existing} is not writable by this user: make it belong to the user running the mirror"
    return ""


def _history_problem(path: Path) -> str:
    """Why the practice history ``path`` cannot be used by the mirror; "" when it opens and is intact."""
    from appliance.errors import StorageError
    from appliance.history.store import HistoryStore

    if not path.is_file():
        return f"{path} is not a file: move it away"
    if not os.access(path, os.R_OK | os.W_OK):
        return f"{path} is not readable and writable by this user: make it belong to the user running the mirror"
    try:
        with HistoryStore(path, read_only=True) as store:
            verdict = store.connection.execute("PRAGMA integrity_check").fetchone()[0]
    except StorageError as error:
        return error.describe().replace("\n  ", "; ")
    except sqlite3.Error as error:
        verdict = str(error)
    if verdict != "ok":
        return (f"{path}: the integrity check says {verdict!r}; the mirror keeps it aside and copies what it can"
                " still read into a fresh one")  # fmt: skip
    return ""


def check_clock(*, now: Callable[[], float] = time.time, runner: Runner = run_command) -> Check:
    """The wall clock is plausible (history days depend on it); NTP sync as timedatectl reports it."""
    moment = datetime.fromtimestamp(now(), UTC)
    ran = runner(["timedatectl", "show", "--property=NTPSynchronized", "--value"], 5.0)
    sync = {"yes": "NTP synchronised", "no": "not NTP synchronised (offline is fine)"}.get(
        ran.stdout.strip() if ran.ok else "", "NTP state unknown (no timedatectl)"
    )
    detail = f"{moment:%Y-%m-%d %H:%M} UTC, {sync}"
    if moment.year < SANE_YEAR:
        return Check("clock", False, f"{detail}: the date is wrong; set it (sudo date -s ...) or connect once")
    return Check("clock", True, detail)
