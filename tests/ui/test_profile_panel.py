"""Adding, renaming and removing people with the four buttons on the settings screen."""

from __future__ import annotations

from appliance.coach.coach import Coach
from appliance.config import parse_config
from appliance.messages import Command
from appliance.profiles import ProfileRegistry
from appliance.ui.profile_link import ProfileLink
from appliance.ui.profile_panel import ProfilePanel
from appliance.ui.settings_panel import SettingsPanel


def settings(tmp_path) -> SettingsPanel:
    link = ProfileLink(ProfileRegistry(tmp_path), Coach())
    link.start()
    return SettingsPanel(parse_config({}), "demo", is_open=True, people=ProfilePanel(link))


def go_to(panel: SettingsPanel, key: str) -> None:
    for _ in range(len(panel.rows())):
        if panel.rows()[panel.shown_index].key == key:
            return
        panel.handle(Command.NEXT)
    raise AssertionError(f"no row {key}: {[row.key for row in panel.rows()]}")


def press(panel: SettingsPanel, *commands: Command) -> None:
    for command in commands:
        panel.handle(command)


def who(panel: SettingsPanel):
    return next(row for row in panel.rows() if row.key == "who")


def test_the_people_rows_follow_the_persons_own_choices(tmp_path):
    panel = settings(tmp_path)
    keys = [row.key for row in panel.rows()]
    assert keys.index("who") == 0 or keys[keys.index("who") - 1] == "voice"
    assert keys[keys.index("who") :][:4] == ["who", "rename", "add", "remove"]
    assert who(panel).title == "Practising: Person 1"


def test_add_a_person_with_a_friendly_default_name(tmp_path):
    panel = settings(tmp_path)
    go_to(panel, "add")
    assert panel.handle(Command.SELECT) == "people"
    assert [row.title for row in panel.rows()][:2] == ["Spell a name", "Person 2"]
    press(panel, Command.NEXT, Command.SELECT)
    assert not panel.people.is_busy and panel.rows()[panel.index].key == "who"
    assert who(panel).title == "Practising: Person 2"
    assert who(panel).detail == "Person 2 added and practising now"
    assert [p.name for p in ProfileRegistry(tmp_path).people] == ["Person 1", "Person 2"]


def test_spell_a_name_letter_by_letter(tmp_path):
    panel = settings(tmp_path)
    go_to(panel, "rename")
    press(panel, Command.SELECT, Command.SELECT)  # rename, then "Spell a name"
    assert panel.buttons.startswith("NEXT: letter (hold: back)")
    press(panel, Command.SELECT)  # A
    press(panel, *[Command.NEXT] * 13, Command.SELECT)  # n
    press(panel, Command.SELECT, Command.SELECT)  # n, n
    press(panel, Command.BACK)  # delete the last n
    press(panel, Command.PREVIOUS, *[Command.NEXT] * 1, Command.BREAK)  # hold NEXT, NEXT, BREAK: m
    press(panel, Command.SELECT)
    assert panel.rows()[0].title == "Name: Annm[m]"
    press(panel, Command.BACK, *[Command.NEXT] * 17, Command.SELECT)  # delete m; from m on past - ' and space to a
    assert panel.rows()[0].title == "Name: Anna[a]"
    assert panel.handle(Command.PAUSE) == "people"  # a long SELECT: done
    assert who(panel).title == "Practising: Anna"
    assert ProfileRegistry(tmp_path).current.name == "Anna"


def test_a_long_back_leaves_the_name_as_it_was(tmp_path):
    panel = settings(tmp_path)
    go_to(panel, "rename")
    press(panel, Command.SELECT, Command.SELECT, Command.SELECT, Command.END)
    assert not panel.people.is_busy and who(panel).title == "Practising: Person 1"
    go_to(panel, "rename")
    press(panel, Command.SELECT, Command.SELECT, Command.PAUSE)  # done on an empty name: nothing to keep yet
    assert panel.people.is_busy
    press(panel, Command.BACK)  # BACK on an empty name leaves too
    assert not panel.people.is_busy


def test_removal_asks_first_and_keep_is_where_the_cursor_starts(tmp_path):
    panel = settings(tmp_path)
    go_to(panel, "add")
    press(panel, Command.SELECT, Command.NEXT, Command.SELECT)  # Person 2, practising now
    folder = tmp_path / "profiles" / "p2"
    assert folder.is_dir()
    go_to(panel, "remove")
    press(panel, Command.SELECT)
    assert [row.key for row in panel.rows()] == ["keep", "delete"] and panel.shown_index == 0
    press(panel, Command.SELECT)  # keep
    assert folder.is_dir() and who(panel).detail == "Person 2 kept"
    go_to(panel, "remove")
    press(panel, Command.SELECT, Command.BACK)  # back: kept as well
    assert folder.is_dir()
    go_to(panel, "remove")
    press(panel, Command.SELECT, Command.NEXT, Command.SELECT)
    assert not folder.exists()
    assert who(panel).title == "Practising: Person 1"
    assert who(panel).detail == "Person 2 and their practice deleted"


def test_the_guest_can_be_neither_renamed_nor_removed_and_a_full_mirror_adds_no_one(tmp_path):
    panel = settings(tmp_path)
    for _ in range(5):
        panel.people.people.add()
    assert "add" not in [row.key for row in panel.rows()]
    panel.people.people.switch("guest")
    assert {"rename", "remove", "add"}.isdisjoint(row.key for row in panel.rows())


def test_a_problem_on_disk_is_said_on_the_row_and_nothing_is_lost(tmp_path, monkeypatch):
    panel = settings(tmp_path)
    go_to(panel, "rename")
    from appliance.errors import StorageError

    def fail(*_args):
        raise StorageError("disk full", hint="free some space")

    monkeypatch.setattr(panel.people.people.registry, "rename", fail)
    assert panel.handle(Command.SELECT) == "people"
    press(panel, Command.NEXT, Command.SELECT)
    assert who(panel).detail == "not done: disk full"
    assert ProfileRegistry(tmp_path).current.name == "Person 1"


def test_the_letters_the_font_draws_alike_are_said_in_words():
    from appliance.ui.profile_panel import LETTERS, NameEditor

    editor = NameEditor()
    details = {}
    for _ in LETTERS:
        details[editor.candidate] = editor.rows()[0].detail.split(" · ")[0]
        editor.handle(Command.NEXT)
    assert details["I"] == "letter: I (capital i)" and details[" "] == "letter: space"
    editor.text = "A"  # after the first letter of a word, letters are small
    editor.letter = LETTERS.index("L")
    assert editor.rows()[0].detail.startswith("letter: l (small L)")
    assert details["A"] == "letter: A"
