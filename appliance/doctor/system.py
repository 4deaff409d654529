"""Checks of the installation: config, models, storage, clock."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from appliance.config import Config, default_path, load_config
from appliance.display.power import Runner, run_command
from appliance.doctor import Check
from appliance.errors import ConfigError
from appliance.vision.litert import SUMS, expected_checksums, file_sha256

MIN_FREE_MB = 100  # the history grows by kilobytes a day; below this the card is nearly full
SANE_YEAR = 2025  # a Pi without a real-time clock and no network can start in 1970


def check_config(path: Path | None) -> tuple[Check, Config]:
    """The settings file (given, or the default one) and whether it validates; the config to use."""
    shown = path if path is not None else default_path()
    try:
        config = load_config(path)
    except ConfigError as error:
        return Check("config", False, error.describe().replace("\n  ", "; ")), Config()
    if path is None and not shown.exists():
        return Check("config", True, f"no file at {shown}: the defaults"), config
    return Check("config", True, f"{shown} is valid"), config


def check_models(folder: Path, *, load: Callable[[Path], object] | None = None) -> Check:
    """Every model listed in ``folder/SHA256SUMS`` is there, has its checksum and loads."""
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
    if problems:
        return Check("models", False, "; ".join(problems) + "; reinstall the appliance")
    if not names:
        return Check("models", False, f"{sums} lists no models")
    return Check("models", True, f"{len(names)} models in {folder}, checksums match, all load: {', '.join(names)}")


def check_storage(path: Path, *, min_free_mb: int = MIN_FREE_MB) -> Check:
    """The history's folder is writable with room to spare, and the database (if any) is intact."""
    folder = path.parent
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not os.access(existing, os.W_OK):
        return Check("storage", False, f"{existing} is not writable by this user: the history cannot be kept")
    free_mb = shutil.disk_usage(existing).free / 1e6
    facts = [str(path), f"{free_mb:,.0f} MB free"]
    if free_mb < min_free_mb:
        return Check("storage", False, f"{', '.join(facts)}: under {min_free_mb} MB, free some space")
    if not path.exists():
        return Check("storage", True, ", ".join(facts) + ", no history yet (made by the first session)")
    if not os.access(path, os.R_OK | os.W_OK):
        return Check("storage", False, f"{path} is not readable and writable by this user")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error as error:
        verdict = str(error)
    if verdict != "ok":
        return Check("storage", False, f"{path}: integrity check says {verdict!r}; the mirror moves it aside")
    return Check("storage", True, ", ".join(facts) + ", integrity ok")


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
