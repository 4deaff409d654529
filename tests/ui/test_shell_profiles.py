"""Profiles in the running shell: chosen on home with the buttons, added on the settings screen."""

from __future__ import annotations

import time

import pytest
from ui_helpers import IdleVision, settle, shown, wait_until

from appliance.coach.coach import Coach
from appliance.coach.events import NeutralCalibrated, SessionStarted
from appliance.config import Config
from appliance.history import HistoryStore
from appliance.messages import Command
from appliance.profiles import ProfileRegistry
from appliance.ui.profile_link import GuestHistory, ProfileLink
from appliance.vision.features import POPULATION_NEUTRAL

FACE = tuple(sorted({**POPULATION_NEUTRAL, "brow_gap": 0.41}.items()))  # a resting face vision can use


class FakeVision(IdleVision):
    def __init__(self) -> None:
        self.neutrals: list[tuple[dict | None, str]] = []

    def set_neutral(self, geometry, *, kind="personal", appearance=None) -> None:
        self.neutrals.append((dict(geometry) if geometry is not None else None, kind))


@pytest.fixture
def rig(window, tmp_path):
    from appliance.ui.shell import MirrorShell

    coach, vision = Coach(), FakeVision()
    registry = ProfileRegistry(tmp_path)
    registry.add("Ben")
    profiles = ProfileLink(registry, coach, vision=vision)
    profiles.start()
    shell = MirrorShell(Config(), coach=coach, vision=vision, profiles=profiles, use_gpio=False)
    with shown(window, shell):
        settle(0.2)
        yield shell, profiles, vision
    profiles.close()


def choose_next_person(shell) -> None:
    rows = shell.view.menu
    for _ in range((len(rows) - 1 - shell.view.menu_index) % len(rows)):
        shell.command(Command.NEXT)
    assert shell.view.menu[shell.view.menu_index].key == "profile"
    shell.command(Command.SELECT)


def test_select_on_home_switches_the_history_the_face_and_the_title(rig, tmp_path):
    shell, profiles, vision = rig
    assert profiles.current.name == "Person 1" and shell.view.profile == "Person 1"
    shell.coach._emit(NeutralCalibrated(FACE, 40, 0.0, 0.0, 1.0, time.time()))  # Person 1 calibrates
    shell._tick(0)
    choose_next_person(shell)
    assert profiles.current.name == "Ben" and shell.history is profiles.history
    assert shell.view.profile == "Ben" and vision.neutrals[-1] == (None, "population")
    assert shell.app.mirror.manager.current == "home"
    assert shell.app.mirror.manager.current_screen.person == "Ben"  # "Good morning, Ben"
    shell.coach._emit(SessionStarted(1, "morning", "Morning routine", 0.0, time.time()))
    shell._tick(0)
    choose_next_person(shell)  # on to the guest
    assert isinstance(shell.history, GuestHistory)
    choose_next_person(shell)  # round to Person 1: their own face again, read on the writer thread
    assert wait_until(lambda: vision.neutrals[-1] == (dict(FACE), "personal"))
    assert shell.coach.neutral_day
    profiles.close()
    with HistoryStore(tmp_path / "profiles" / "p2" / "history.sqlite3") as store:
        assert len(store.rows("sessions")) == 1 and store.rows("neutral_faces") == []
    with HistoryStore(tmp_path / "profiles" / "p1" / "history.sqlite3") as store:
        assert len(store.rows("sessions")) == 0 and len(store.rows("neutral_faces")) == 1


def test_a_person_added_on_the_settings_screen_practises_at_once(rig):
    shell, profiles, _vision = rig
    shell.command(Command.BACK)  # home: settings
    screen = shell.app.mirror.manager.current_screen
    assert any(row.title == "Practising: Person 1" for row in screen.rows)
    add = next(i for i, row in enumerate(screen.rows) if row.key == "add")
    for _ in range(add):
        shell.command(Command.NEXT)
    shell.command(Command.SELECT)
    assert shell.app.mirror.manager.current_screen.rows[1].title == "Person 2"
    assert shell.app.mirror.manager.current_screen.heading == "A name for the new person"
    shell.command(Command.NEXT)
    shell.command(Command.SELECT)
    screen = shell.app.mirror.manager.current_screen
    assert screen.rows[screen.index].title == "Practising: Person 2"
    assert profiles.current.name == "Person 2" and shell.history is profiles.history
    shell.command(Command.BACK)  # leave settings: home shows the new person
    assert shell.view.profile == "Person 2"


def test_settings_opened_again_as_the_guest_highlights_a_row_that_is_there(rig):
    """The guest has no rename and remove rows: settings left on its last row and opened again as the
    guest showed "14 of 12" with no row lit, and the next NEXT jumped to row 3."""
    shell, profiles, _vision = rig
    shell.command(Command.BACK)  # home: settings
    screen = shell.app.mirror.manager.current_screen
    for _ in range(len(screen.rows) - 1):  # down to the last row, "Settings file"
        shell.command(Command.NEXT)
    assert screen.rows[screen.index].key == "file"
    shell.command(Command.BACK)  # back home
    choose_next_person(shell)  # Ben
    choose_next_person(shell)  # the guest
    assert profiles.current.is_guest
    shell.command(Command.BACK)  # settings again
    screen = shell.app.mirror.manager.current_screen
    assert screen.index < len(screen.rows) and screen.rows[screen.index].key == "file"  # the same row, lit
    shell.command(Command.NEXT)
    assert screen.index == 0  # from the last row NEXT wraps to the first
