"""The doctor's installation checks (config, models, storage, clock) on fakes and temporary folders."""

from __future__ import annotations

import hashlib
import os
import sqlite3

import pytest

from appliance.display.power import Ran
from appliance.doctor.system import check_clock, check_config, check_models, check_storage
from appliance.errors import ModelError
from appliance.paths import MODELS_DIR


def test_a_valid_settings_file_passes(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[presence]\noff_after_s = 120\n")
    check, config = check_config(path)
    assert check.ok and str(path) in check.detail and config.presence.off_after_s == 120


def test_a_bad_settings_file_names_the_key_and_the_defaults_are_used(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[display]\nrotation = 45\n")
    check, config = check_config(path)
    assert not check.ok and "display.rotation = 45" in check.detail and "0, 90, 180 or 270" in check.detail
    assert config.display.rotation == 0


def test_no_settings_file_means_the_defaults():
    check, _ = check_config(None)
    assert check.ok and "defaults" in check.detail


def models(tmp_path, **contents: bytes):
    for name, data in contents.items():
        (tmp_path / name).write_bytes(data)
    lines = [f"{hashlib.sha256(data).hexdigest()}  {name}" for name, data in contents.items()]
    (tmp_path / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    return tmp_path


def test_models_that_match_their_checksums_and_load_pass(tmp_path):
    loaded = []
    check = check_models(models(tmp_path, **{"a.tflite": b"one", "b.tflite": b"two"}), load=loaded.append)
    assert check.ok and "2 models" in check.detail and len(loaded) == 2


def test_a_damaged_missing_or_unloadable_model_fails(tmp_path):
    folder = models(tmp_path, **{"a.tflite": b"one", "b.tflite": b"two", "c.tflite": b"three"})
    (folder / "a.tflite").write_bytes(b"0ne")
    (folder / "b.tflite").unlink()

    def load(path):
        raise ModelError(f"{path.name} is damaged or truncated")

    check = check_models(folder, load=load)
    assert not check.ok
    for words in ("a.tflite does not match its checksum", "b.tflite is missing", "c.tflite does not load"):
        assert words in check.detail


def test_no_checksum_list_fails(tmp_path):
    assert "no SHA256SUMS" in check_models(tmp_path, load=lambda _: None).detail


def test_the_shipped_checksums_match_the_shipped_models():
    check = check_models(MODELS_DIR, load=lambda _: None)
    assert check.ok, check.detail
    assert {path.name for path in MODELS_DIR.glob("*.tflite")} <= set(check.detail.split(": ")[-1].split(", "))


def test_storage_without_history_yet(tmp_path):
    check = check_storage(tmp_path / "appliance" / "history.sqlite3")
    assert check.ok and "MB free" in check.detail and "no history yet" in check.detail


def test_storage_with_a_sound_and_a_damaged_database(tmp_path):
    path = tmp_path / "history.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(2000)])
    connection.close()
    assert check_storage(path).ok and "integrity ok" in check_storage(path).detail
    data = bytearray(path.read_bytes())
    data[4096 : 4096 + 16] = b"\xff" * 16  # the table's first page no longer says what it is
    path.write_bytes(bytes(data))
    check = check_storage(path)
    assert not check.ok and "integrity" in check.detail


def test_storage_that_is_nearly_full_fails(tmp_path):
    check = check_storage(tmp_path / "history.sqlite3", min_free_mb=10**12)
    assert not check.ok and "free some space" in check.detail


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_storage_that_is_not_writable_fails(tmp_path):
    tmp_path.chmod(0o500)
    try:
        assert "not writable" in check_storage(tmp_path / "history.sqlite3").detail
    finally:
        tmp_path.chmod(0o700)


def test_the_clock_in_1970_fails_and_ntp_is_reported():
    calls = []

    def runner(argv, timeout):
        calls.append(argv)
        return Ran(0, "yes\n")

    assert not check_clock(now=lambda: 0.0, runner=runner).ok
    check = check_clock(now=lambda: 1_780_000_000.0, runner=runner)
    assert check.ok and "2026" in check.detail and "NTP synchronised" in check.detail
    assert calls[0][:2] == ["timedatectl", "show"]
    unknown = check_clock(now=lambda: 1_780_000_000.0, runner=lambda argv, timeout: Ran(127, "", "not installed"))
    assert unknown.ok and "unknown" in unknown.detail
