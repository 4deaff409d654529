"""The doctor's installation checks (config, models, storage, clock) on fakes and temporary folders."""

from __future__ import annotations

import hashlib
import os
import sqlite3

from appliance.display.power import Ran
from appliance.doctor.system import check_clock, check_config, check_models, check_storage
from appliance.errors import ModelError
from appliance.history.store import HistoryStore
from appliance.paths import MODELS_DIR
from appliance.profiles import ProfileRegistry


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


def test_every_bad_setting_is_named_and_the_others_are_checked_as_the_mirror_would_use_them(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[display]\nrotation = 90\n[camera]\nfps = 0\n[presence]\npower = "hdmi"\n')
    check, config = check_config(path)
    assert not check.ok and "camera.fps = 0" in check.detail and "presence.power = 'hdmi'" in check.detail
    assert config.display.rotation == 90  # the display check sees the turn the mirror will use


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


def test_a_model_of_ones_own_given_with_model_is_said_to_be_unchecked(tmp_path):
    (tmp_path / "shipped").mkdir()
    folder = models(tmp_path / "shipped", **{"a.tflite": b"one"})
    own = tmp_path / "mine.tflite"
    own.write_bytes(b"mine")
    loaded = []
    check = check_models(folder, load=loaded.append, model=own)
    assert check.ok and loaded == [folder / "a.tflite", own]
    assert f"{own} (--model) is not in a SHA256SUMS: unchecked" in check.detail
    listed = check_models(folder, load=loaded.append, model=folder / "a.tflite")
    assert "unchecked" not in listed.detail and "--model" in listed.detail  # listed beside it: checked
    (folder / "a.tflite").write_bytes(b"0ne")
    assert not check_models(tmp_path / "shipped", load=lambda _: None, model=folder / "a.tflite").ok


def test_the_shipped_checksums_match_the_shipped_models():
    check = check_models(MODELS_DIR, load=lambda _: None)
    assert check.ok, check.detail
    assert {path.name for path in MODELS_DIR.glob("*.tflite")} <= set(check.detail.split(": ")[-1].split(", "))


def people(root, *names):
    """A data directory with these people (the first is made by the first start), as the mirror leaves it."""
    registry = ProfileRegistry(root)
    for name in names[1:]:
        registry.add(name)
    return registry


def filled_history(path):
    """A practice history with something in it (big enough to damage one page of)."""
    HistoryStore(path).close()
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE filler (x)")
        connection.executemany("INSERT INTO filler VALUES (?)", [(n,) for n in range(2000)])
    connection.close()
    return path


def damage(path):
    data = bytearray(path.read_bytes())
    data[-4096 : -4096 + 16] = b"\xff" * 16  # a page no longer says what it is
    path.write_bytes(bytes(data))


def test_storage_without_people_yet(tmp_path):
    check = check_storage(tmp_path / "appliance")
    assert check.ok and "MB free" in check.detail and "no people yet" in check.detail
    assert not (tmp_path / "appliance").exists()  # looking made nothing


def test_storage_checks_every_persons_history(tmp_path):
    registry = people(tmp_path, "Person 1", "Ana")
    filled_history(registry.history_path(registry.people[0]))
    check = check_storage(tmp_path)
    assert check.ok and "2 people" in check.detail
    assert "Person 1: integrity ok" in check.detail and "Ana: no history yet" in check.detail


def test_storage_fails_for_a_damaged_history_that_is_not_the_last_persons(tmp_path):
    registry = people(tmp_path, "Person 1", "Ana")
    damage(filled_history(registry.history_path(registry.people[0])))
    filled_history(registry.history_path(registry.people[1]))
    registry.choose(registry.people[1].id)  # Ana practised last: Person 1's history is still checked
    check = check_storage(tmp_path)
    assert not check.ok and "2 people" in check.detail
    assert "Person 1 (p1)" in check.detail and "damaged" in check.detail and "Ana" not in check.detail


def test_storage_under_a_file_fails_and_says_what_to_do(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("")
    check = check_storage(blocker / "appliance")
    assert not check.ok and f"{blocker} is a file, not a folder" in check.detail
    assert "XDG_DATA_HOME" in check.detail


def test_a_file_where_a_persons_folder_should_be_fails(tmp_path):
    registry = people(tmp_path, "Person 1")
    folder = registry.folder(registry.people[0])
    folder.rmdir()
    folder.write_text("")
    check = check_storage(tmp_path)
    assert not check.ok and "Person 1 (p1)" in check.detail and "is a file, not a folder" in check.detail


def test_a_damaged_history_from_before_profiles_fails(tmp_path):
    path = tmp_path / "history.sqlite3"
    filled_history(path)
    assert check_storage(tmp_path).ok
    damage(path)
    check = check_storage(tmp_path)
    assert not check.ok and "before profiles" in check.detail


def test_storage_that_is_nearly_full_fails(tmp_path):
    check = check_storage(tmp_path, min_free_mb=10**12)
    assert not check.ok and "free some space" in check.detail


def test_storage_that_is_not_writable_fails(tmp_path, monkeypatch):
    real_access = os.access

    def access(path, mode):  # as for a user other than the folder's owner (root may write anywhere)
        return not (mode & os.W_OK and os.fspath(path) == os.fspath(tmp_path)) and real_access(path, mode)

    monkeypatch.setattr(os, "access", access)
    check = check_storage(tmp_path / "appliance")
    assert not check.ok and f"{tmp_path} is not writable" in check.detail


def test_a_damaged_or_unreadable_list_of_people_fails(tmp_path):
    people(tmp_path, "Person 1")
    index = tmp_path / "profiles.json"
    index.write_text("{not json")
    check = check_storage(tmp_path)
    assert not check.ok and f"{index} is damaged" in check.detail and "by their folders" in check.detail
    index.unlink()
    index.mkdir()  # cannot be read, whoever runs the doctor
    check = check_storage(tmp_path)
    assert not check.ok and f"{index} cannot be read" in check.detail


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
