"""The list of people on disk: add, rename, remove, the last one used, and the upgrade from one history."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from appliance.coach.events import SessionStarted
from appliance.errors import StorageError
from appliance.history import HistoryStore
from appliance.paths import data_dir
from appliance.profiles import GUEST, MOST, ProfileRegistry, clean_name
from appliance.ui.text import GLASS_CHARS


def test_a_first_start_makes_person_1_and_remembers_it(tmp_path):
    registry = ProfileRegistry(tmp_path)
    assert [p.name for p in registry.choices] == ["Person 1", "Guest"]
    assert registry.current.id == "p1" and (tmp_path / "profiles" / "p1").is_dir()
    saved = json.loads((tmp_path / "profiles.json").read_text())
    assert saved == {"people": [{"id": "p1", "name": "Person 1"}], "last_used": "p1"}
    assert stat.S_IMODE((tmp_path / "profiles.json").stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".profiles-*"))  # no temporary file left behind


def test_people_are_added_renamed_chosen_and_kept_across_restarts(tmp_path):
    registry = ProfileRegistry(tmp_path)
    anna = registry.add("  anna   maria  ")
    assert anna.name == "anna maria" and anna.id == "p2"
    assert registry.add().name == "Person 2"  # the first free friendly default
    registry.rename("p1", "Ben")
    registry.choose(anna.id)
    again = ProfileRegistry(tmp_path)
    assert [p.name for p in again.people] == ["Ben", "anna maria", "Person 2"]
    assert again.current == anna
    assert again.find("ANNA MARIA") == anna and again.find("p1").name == "Ben" and again.find("nobody") is None
    assert again.find("guest").id == GUEST


def test_two_people_never_share_a_name_and_no_one_is_called_guest(tmp_path):
    registry = ProfileRegistry(tmp_path)
    assert registry.add("Person 1").name == "Person 1 2"
    assert registry.add("guest").name == "guest 2"
    with pytest.raises(ValueError, match="at least one letter"):
        clean_name("   ")


def test_at_most_six_people(tmp_path):
    registry = ProfileRegistry(tmp_path)
    for _ in range(MOST - 1):
        registry.add()
    assert registry.is_full and len(registry.people) == MOST
    with pytest.raises(ValueError, match="at most 6"):
        registry.add("One more")


def test_removal_deletes_the_folder_and_picks_someone_else(tmp_path):
    registry = ProfileRegistry(tmp_path)
    ben = registry.add("Ben")
    with HistoryStore(registry.history_path(ben)) as store:
        store.record(SessionStarted(1, "morning", "Morning routine", 0.0, 1.0e9))
    registry.choose(ben.id)
    registry.remove(ben.id)
    assert not registry.folder(ben).exists()
    assert registry.current.id == "p1"
    assert [p.name for p in ProfileRegistry(tmp_path).people] == ["Person 1"]
    assert registry.add().id == "p2"  # a number is used again only once its folder is gone


def test_the_upgrade_moves_the_single_history_and_settings_into_person_1(tmp_path):
    with HistoryStore(tmp_path / "history.sqlite3") as store:
        store.record(SessionStarted(1, "morning", "Morning routine", 0.0, 1.0e9))
    (tmp_path / "preferences.json").write_text('{"coach.difficulty": {"value": "hard", "config": "normal"}}')
    registry = ProfileRegistry(tmp_path)
    person = registry.current
    assert person.name == "Person 1"
    assert not (tmp_path / "history.sqlite3").exists() and not (tmp_path / "preferences.json").exists()
    with HistoryStore(registry.history_path(person)) as store:
        assert len(store.rows("sessions")) == 1  # nothing lost
    assert "hard" in registry.preferences_path(person).read_text()


def test_an_upgrade_cut_short_is_finished_at_the_next_start(tmp_path):
    """Files moved but profiles.json not yet written: the folder is found again, the rest moved in."""
    (tmp_path / "profiles" / "p1").mkdir(parents=True)
    (tmp_path / "profiles" / "p1" / "history.sqlite3").write_bytes(b"moved already")
    (tmp_path / "preferences.json").write_text("{}")
    registry = ProfileRegistry(tmp_path)
    assert [p.id for p in registry.people] == ["p1"]
    assert (tmp_path / "profiles" / "p1" / "history.sqlite3").read_bytes() == b"moved already"
    assert (tmp_path / "profiles" / "p1" / "preferences.json").exists()


TRUNCATED = '{"people":[{"id":"p1","name":"Anna"},{"id":"p2","name":"Ben"}],"last_used":"p2"'  # cut short


def anna_and_ben(root):
    registry = ProfileRegistry(root)
    registry.rename("p1", "Anna")
    registry.add("Ben")
    return registry


def kept_aside(root):
    """The damaged lists moved aside, as {name: text}."""
    return {path.name: path.read_bytes().decode(errors="replace") for path in root.glob("profiles.json.corrupt-*")}


def test_a_damaged_list_finds_the_folders_again_and_keeps_the_damaged_file(tmp_path):
    anna_and_ben(tmp_path)
    (tmp_path / "profiles.json").write_text("{not json")
    again = ProfileRegistry(tmp_path)
    assert [p.id for p in again.people] == ["p1", "p2"]  # no name can be read: people and their practice are kept
    assert list(kept_aside(tmp_path).values()) == ["{not json"]  # kept, never overwritten
    assert again.warning == "The list of people was damaged: 2 names lost"  # renamed in settings
    assert len(again.warning) <= GLASS_CHARS


def test_names_kept_aside_come_back_when_the_new_list_could_not_be_written(tmp_path, monkeypatch):
    anna_and_ben(tmp_path)
    (tmp_path / "profiles.json").write_text(TRUNCATED)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("appliance.profiles.write_text", disk_full)
        with pytest.raises(StorageError):  # the mirror runs without profiles this time, and says so
            ProfileRegistry(tmp_path)
    assert not (tmp_path / "profiles.json").exists() and kept_aside(tmp_path)
    again = ProfileRegistry(tmp_path)  # the next start, with room again
    assert [p.name for p in again.people] == ["Anna", "Ben"] and again.current.name == "Ben"


def test_a_list_cut_short_gives_back_every_name_and_the_last_one_used(tmp_path, caplog):
    anna_and_ben(tmp_path)
    (tmp_path / "profiles.json").write_text(TRUNCATED)
    again = ProfileRegistry(tmp_path)
    assert [p.name for p in again.people] == ["Anna", "Ben"] and again.current.name == "Ben"
    assert [p.name for p in ProfileRegistry(tmp_path).people] == ["Anna", "Ben"]  # and so written again
    assert list(kept_aside(tmp_path).values()) == [TRUNCATED]
    assert again.warning == "The list of people was damaged: all found"
    assert len(again.warning) <= GLASS_CHARS  # the parser's words and the file's name are in the log
    assert "Expecting ',' delimiter" in caplog.text and "profiles.json.corrupt-" in caplog.text


@pytest.mark.parametrize("text", ["[]", '{"people": "Anna"}', "\udcff"], ids=["a list", "no people", "not UTF-8"])
def test_a_list_that_is_not_a_table_of_people_is_damage_too(tmp_path, text):
    anna_and_ben(tmp_path)
    (tmp_path / "profiles.json").write_bytes(text.encode("utf-8", errors="surrogateescape"))
    again = ProfileRegistry(tmp_path)
    assert [p.id for p in again.people] == ["p1", "p2"] and len(kept_aside(tmp_path)) == 1


def test_a_list_that_cannot_be_read_is_never_rewritten(tmp_path, monkeypatch):
    anna_and_ben(tmp_path)
    before = (tmp_path / "profiles.json").read_bytes()
    read_bytes = Path.read_bytes

    def refused(path):
        if path.name == "profiles.json":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refused)
    with pytest.raises(StorageError, match="cannot be read \\(EACCES \\(Permission denied\\)\\)") as error:
        ProfileRegistry(tmp_path)
    assert "nothing was changed" in error.value.hint
    looking = ProfileRegistry(tmp_path, read_only=True)  # a command that only looks finds the folders
    assert [p.id for p in looking.people] == ["p1", "p2"] and "Person 1 (p1), Person 2 (p2)" in looking.warning
    monkeypatch.undo()
    assert (tmp_path / "profiles.json").read_bytes() == before and not kept_aside(tmp_path)


def test_reading_only_a_damaged_list_finds_the_people_and_changes_nothing(tmp_path):
    anna_and_ben(tmp_path)
    (tmp_path / "profiles.json").write_text(TRUNCATED)
    looking = ProfileRegistry(tmp_path, read_only=True)
    assert [p.name for p in looking.people] == ["Anna", "Ben"] and looking.last_person.name == "Ben"
    assert "is damaged" in looking.warning and "nothing was changed" in looking.warning
    assert (tmp_path / "profiles.json").read_text() == TRUNCATED and not kept_aside(tmp_path)


def test_reading_only_moves_and_writes_nothing(tmp_path):
    (tmp_path / "history.sqlite3").write_bytes(b"old")
    registry = ProfileRegistry(tmp_path, read_only=True)
    assert registry.people == [] and registry.current.id == GUEST
    assert (tmp_path / "history.sqlite3").exists() and not (tmp_path / "profiles.json").exists()


def test_the_default_root_is_the_data_directory():
    assert ProfileRegistry().index_path == data_dir() / "profiles.json"


def test_the_last_person_skips_a_guest_and_the_doctor_checks_everyones_history(tmp_path, monkeypatch):
    from appliance.doctor.system import check_storage

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    root = tmp_path / "appliance"
    assert "no people yet" in check_storage(root).detail  # before the first start with profiles
    registry = ProfileRegistry()
    ben = registry.add("Ben")
    registry.choose(ben.id)
    registry.choose(GUEST)
    assert registry.last_person == ben == ProfileRegistry(read_only=True).last_person  # a guest after Ben
    assert "Ben: no history yet" in check_storage(root).detail
    registry.remove(ben.id)
    assert registry.last_person.id == "p1"


def test_a_restart_comes_back_to_the_last_person_never_to_the_guest(tmp_path):
    registry = ProfileRegistry(tmp_path)
    ben = registry.add("Ben")
    registry.choose(ben.id)
    registry.choose(GUEST)
    assert registry.current.id == GUEST  # until the mirror restarts
    assert '"guest"' not in (tmp_path / "profiles.json").read_text()
    again = ProfileRegistry(tmp_path)
    assert again.current == ben == again.last_person


@pytest.mark.parametrize(("saved", "practising"), [({"last_person": "p2"}, "Ben"), ({}, "Person 1")])
def test_a_guest_remembered_by_an_older_version_is_not_brought_back(tmp_path, saved, practising):
    ProfileRegistry(tmp_path).add("Ben")
    older = {"people": [{"id": "p1", "name": "Person 1"}, {"id": "p2", "name": "Ben"}], "last_used": GUEST}
    (tmp_path / "profiles.json").write_text(json.dumps(older | saved))
    assert ProfileRegistry(tmp_path).current.name == practising


def test_who_practises_is_chosen_even_when_the_disk_refuses_to_remember_it(tmp_path, monkeypatch, caplog):
    anna_and_ben(tmp_path)
    registry = ProfileRegistry(tmp_path)
    anna = registry.find("Anna")
    registry.choose(registry.find("Ben").id)

    def read_only(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr("appliance.profiles.write_text", read_only)
    assert registry.choose(anna.id) == anna  # practice goes on: their history says what is wrong
    assert "EROFS" in caplog.text and str(registry.index_path) in caplog.text


def test_the_data_folder_and_the_profiles_folder_are_private_from_the_first_start(tmp_path):
    import os

    os.umask(0o022)
    registry = ProfileRegistry(tmp_path / "data")
    folders = [tmp_path / "data", tmp_path / "data" / "profiles", registry.folder(registry.current)]
    assert [stat.S_IMODE(folder.stat().st_mode) for folder in folders] == [0o700] * 3
    assert stat.S_IMODE(registry.index_path.stat().st_mode) == 0o600
