"""Who practises: each person's history, streak, resting face and settings apart; the guest keeps nothing."""

from __future__ import annotations

import time

from appliance.coach.coach import Coach
from appliance.coach.events import AttemptFinished, NeutralCalibrated, SessionEnded, SessionStarted
from appliance.config import Config
from appliance.history import HistoryStore
from appliance.messages import Command
from appliance.preferences import Preferences
from appliance.profiles import GUEST, ProfileRegistry
from appliance.ui.profile_link import GUEST_MESSAGE, ProfileLink, open_profiles
from appliance.vision.features import POPULATION_NEUTRAL

FACE = tuple(sorted({**POPULATION_NEUTRAL, "brow_gap": 0.41}.items()))  # a resting face vision can use


class FakeVision:
    def __init__(self) -> None:
        self.neutrals: list[tuple[dict | None, str]] = []
        self.appearances: list[dict | None] = []

    def set_neutral(self, geometry, *, kind="personal", appearance=None) -> None:
        self.neutrals.append((dict(geometry) if geometry is not None else None, kind))
        self.appearances.append(appearance)


def practice(score: int, wall: float | None = None) -> list:
    wall = wall or time.time()
    return [
        SessionStarted(1, "morning", "Morning routine", 0.0, wall),
        AttemptFinished(
            1,
            "happiness",
            "expression",
            ("happiness",),
            "completed",
            score,
            score,
            3.0,
            3.0,
            1.0,
            1.0,
            4.0,
            "",
            5.0,
            wall + 5,
        ),  # fmt: skip
        SessionEnded(1, "done", 60.0, 1, 0.0, wall + 60),
    ]


WAITING: list = []  # what the writer threads posted for the main thread, as Kivy's Clock would hold it


def now(action) -> None:
    """Hand an action to the "main thread": this test's, when ``settled`` runs what is waiting."""
    WAITING.append(action)


def link_in(root, **options) -> tuple[ProfileLink, Coach, FakeVision]:
    coach, vision = Coach(), FakeVision()
    link = ProfileLink(ProfileRegistry(root), coach, vision=vision, post=now, **options)
    link.start()
    settled(link)
    return link, coach, vision


def settled(link: ProfileLink) -> ProfileLink:
    """Until the person's history has stored what was recorded and posted its figures."""
    flush = getattr(link.history, "flush", None)
    if flush is not None:
        assert flush(10)
    while WAITING:
        WAITING.pop(0)()
    return link


def record(link: ProfileLink, events) -> None:
    link.history.record(events)
    settled(link)


def all_files(root) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def test_switching_keeps_each_persons_history_streak_and_face_apart(tmp_path):
    link, coach, vision = link_in(tmp_path)
    record(link, practice(90))
    resting = (("happiness", 0.1), ("neutral", 0.9))  # the model's reading of the resting face
    record(link, [NeutralCalibrated(FACE, 40, 1.0, 2.0, 0.0, time.time(), resting)])
    assert coach.progress.attempts == 1 and coach.progress.streak_days == 1
    ben = link.add("Ben")  # a new person practises at once, from nothing
    settled(link)
    assert link.current == ben and coach.profiles == ("Person 1", "Ben", "Guest") and coach.profile_index == 1
    assert coach.progress.attempts == 0 and coach.progress.streak_days == 0 and coach.neutral_day == ""
    assert vision.neutrals[-1] == (None, "population")
    record(link, practice(30))
    record(link, practice(35))
    assert coach.progress.attempts == 2
    link.switch("p1")
    assert coach.progress.attempts == 0 and not coach.has_scores  # not Ben's figures while Person 1's load
    settled(link)
    assert coach.progress.attempts == 1 and coach._scores == {"happiness": [90.0]}
    assert coach.neutral_day and vision.neutrals[-1] == (dict(FACE), "personal")
    assert vision.appearances[-1] == dict(resting)  # the fused reading judges against it too
    link.close()
    with HistoryStore(ProfileRegistry(tmp_path).history_path(ben)) as store:
        assert [row["score"] for row in store.rows("attempts")] == [30, 35]
        assert store.rows("neutral_faces") == []


def test_the_guest_writes_nothing_anywhere(tmp_path):
    link, coach, vision = link_in(tmp_path)
    link.switch(GUEST)
    before = all_files(tmp_path)
    record(link, practice(70))
    record(link, [NeutralCalibrated(FACE, 40, 1.0, 2.0, 0.0, time.time())])
    assert coach.progress.message == GUEST_MESSAGE and coach.progress.attempts == 0
    assert link.history.latest_neutral() is None and vision.neutrals[-1] == (None, "population")
    assert all_files(tmp_path) == before  # not a byte written while the guest practised
    link.switch("p1")
    with HistoryStore(link.registry.history_path("p1")) as store:
        assert store.rows("attempts") == []


def test_each_person_has_their_own_settings_and_the_guests_are_kept_nowhere(tmp_path):
    preferences = Preferences(Config(), path=tmp_path / "unused.json")
    difficulty = []
    preferences.when_changed.append(lambda chosen: difficulty.append(chosen.difficulty))
    link, coach, _vision = link_in(tmp_path, preferences=preferences)
    preferences.choose("coach.difficulty", "hard")
    link.add("Ben")
    assert preferences.difficulty == "normal"
    preferences.choose("sound.volume", 10)
    link.switch(GUEST)
    preferences.choose("coach.difficulty", "easy")
    link.switch("p1")
    assert (preferences.difficulty, preferences.sound.volume, difficulty[-1]) == ("hard", 50, "hard")
    link.switch("p2")
    assert (preferences.difficulty, preferences.sound.volume) == ("normal", 10)
    preferences.wait()
    assert not (tmp_path / "unused.json").exists()
    assert not any("easy" in path.read_text() for path in tmp_path.rglob("preferences.json"))


def test_removing_the_person_practising_deletes_their_data_and_moves_on(tmp_path):
    link, coach, _vision = link_in(tmp_path)
    ben = link.add("Ben")
    record(link, practice(50))
    folder = link.registry.folder(ben)
    assert (folder / "history.sqlite3").exists()
    link.remove(ben.id)
    assert not folder.exists()
    assert link.current.id == "p1" and coach.profiles == ("Person 1", "Guest")


def test_home_offers_the_people_and_select_asks_the_shell_to_switch(tmp_path):
    link, coach, _vision = link_in(tmp_path)
    link.add("Ben")
    link.switch("p1")
    items = coach.menu_items()
    assert items[0].key == "morning" and items[-1].key == "profile" and items[-1].title == "Practising: Person 1"
    assert coach.view.profile == "Person 1"
    for _ in range(len(items) - 1):
        coach.handle(Command.NEXT, 1.0)
    coach.handle(Command.SELECT, 1.0)
    assert coach.take_profile_request() == 1 and coach.take_profile_request() is None
    assert link.switch_to_index(1) == "" and link.current.name == "Ben"


def test_the_last_person_is_remembered_across_restarts(tmp_path):
    link, _coach, _vision = link_in(tmp_path)
    link.add("Ben")
    link.close()
    again, coach, _vision = link_in(tmp_path)
    assert again.current.name == "Ben" and coach.profile_index == 1


def test_after_a_restart_the_last_person_practises_not_the_guest(tmp_path):
    link, _coach, _vision = link_in(tmp_path)
    link.add("Ben")
    link.switch(GUEST)
    link.close()
    again, coach, _vision = link_in(tmp_path)  # a power cut, the mirror starts again
    assert again.current.name == "Ben" and coach.profile_index == 1
    record(again, practice(60))
    assert coach.progress.attempts == 1  # recorded as Ben's
    again.close()


def test_open_profiles_upgrades_an_existing_history_into_the_first_person(tmp_path):
    with HistoryStore(tmp_path / "history.sqlite3") as store:
        store.record_all(practice(80))
    coach = Coach()
    link, warning = open_profiles(coach, root=tmp_path, post=now)
    settled(link)
    assert warning == "" and link.current.name == "Person 1"
    assert coach.progress.attempts == 1  # the old practice, now Person 1's
    assert not (tmp_path / "history.sqlite3").exists()
    link.close()


def test_profiles_that_cannot_be_kept_are_said_and_the_mirror_goes_on(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    coach = Coach()
    link, warning = open_profiles(coach, root=blocked, post=now)
    assert link is None and warning == "The data folder is missing: practice is not being saved"  # not a folder
    assert coach.progress.message == warning  # the progress screen says why it is empty


def test_what_the_last_persons_history_posts_after_a_switch_is_dropped(tmp_path):
    """Switching fast (Anna, Ben, ...): Anna's figures and face, read on her writer thread and still
    waiting for the main thread, must never land on Ben."""
    registry = ProfileRegistry(tmp_path)
    with HistoryStore(registry.history_path("p1")) as store:
        store.record_all([*practice(90), NeutralCalibrated(FACE, 40, 1.0, 2.0, 0.0, time.time())])
    registry.add("Ben")
    registry.choose("p1")
    waiting, coach, vision = [], Coach(), FakeVision()
    link = ProfileLink(registry, coach, vision=vision, post=waiting.append)
    link.start()
    settled(link)
    link.switch("p2")
    settled(link)
    for action in waiting:  # the main thread gets round to them now, in the order they were posted
        action()
    assert coach.progress.attempts == 0 and coach.neutral_day == "" and coach._scores == {}
    assert vision.neutrals[-1] == (None, "population")
    waiting.clear()
    link.switch("p1")  # and back: her own figures and face arrive again
    settled(link)
    for action in waiting:
        action()
    assert coach.progress.attempts == 1 and coach.neutral_day and vision.neutrals[-1] == (dict(FACE), "personal")
    link.close()


def test_a_persons_history_that_cannot_be_opened_is_said_on_the_mirror_and_nothing_else_breaks(tmp_path):
    link, coach, _vision = link_in(tmp_path)
    ben = link.registry.add("Ben")
    (link.registry.history_path(ben)).mkdir()  # not a file SQLite can open
    assert link.switch(ben.id) == ""  # a switch does not wait for the file: the writer thread says it
    settled(link)
    assert "not being saved" in coach.notice
    record(link, practice(40))  # dropped, not an error
    link.switch("p1")
    settled(link)
    assert coach.progress.attempts == 0 and link.current.id == "p1"
    link.close()


def test_each_persons_best_takes_go_to_their_own_folder_and_the_guests_nowhere(tmp_path):
    import numpy as np

    from appliance.takes import TakeStore, TakeWriter

    link, coach, vision = link_in(tmp_path / "data")
    writer = TakeWriter(TakeStore(tmp_path / "elsewhere"))
    link.takes = writer
    writer.use(link.takes_root())  # as the shell does at start-up
    picture = np.full((30, 40, 3), 128, np.uint8)
    writer.save("genuine_smile", picture)
    assert writer.wait() and writer.count == 1
    first = link.current
    ben = link.add("Ben")
    writer.save("genuine_smile", picture)
    writer.save("serious_look", picture)
    assert writer.wait() and writer.count == 2
    guest = next(profile for profile in link.registry.choices if profile.is_guest)
    link.switch(guest.id)
    writer.save("genuine_smile", picture)
    assert writer.wait() and writer.count == 0  # a guest keeps nothing
    registry = link.registry
    assert len(list((registry.folder(first) / "takes").rglob("*.jpg"))) == 1
    assert len(list((registry.folder(ben) / "takes").rglob("*.jpg"))) == 2
    assert not (tmp_path / "elsewhere").exists()
    link.switch(ben.id)
    assert writer.wait() and writer.count == 2
    writer.close()
    link.close()


def test_open_profiles_with_a_damaged_list_says_so_briefly_and_ben_practises_on_his_own_history(tmp_path):
    link, _coach, _vision = link_in(tmp_path)
    link.rename("p1", "Anna")
    link.add("Ben")
    record(link, practice(80))
    link.close()
    (tmp_path / "profiles.json").write_text('{"people":[{"id":"p1","name":"Anna"},{"id":"p2","name":"Ben"}]')
    coach = Coach()
    again, warning = open_profiles(coach, root=tmp_path, post=now)
    settled(again)
    assert warning == "The list of people was damaged: all found"
    assert coach.profiles == ("Anna", "Ben", "Guest") and again.current.name == "Anna"
    again.switch("p2")
    settled(again)
    assert coach.progress.attempts == 1  # Ben's practice is still Ben's
    assert len(list(tmp_path.glob("profiles.json.corrupt-*"))) == 1
    again.close()
