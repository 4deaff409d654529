"""The settings screen's people rows, and the small screens behind them (pure: no Kivy).

    Settings > Add a person      -> pick a name: "Person 2" ... or "Spell a name" -> the letter editor
    Settings > Rename Anna       -> the same choice of names
    Settings > Remove Anna       -> "Keep Anna" (first, so a stray SELECT deletes nothing) / "Delete ..."

The letter editor works with the four buttons: NEXT the next letter, a long NEXT (or BREAK) the one
before, SELECT adds it, BACK deletes the last (on an empty name: cancel), a long SELECT is done and a
long BACK cancels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from appliance.coach.view import MenuItem
from appliance.glass import Words, words_for_the_glass
from appliance.messages import Command
from appliance.profiles import DEFAULT_NAMES, MOST, NAME_LENGTH

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ-' "
# Letters the glass's font draws alike, and the space, said in words where the letter is named.
SPELLED = {" ": "space", "l": "l (small L)", "I": "I (capital i)"}
EDITOR_BUTTONS = "NEXT: letter (hold: back) · SELECT: add · BACK: delete · hold SELECT: done · hold BACK: cancel"
CHOICE_BUTTONS = "NEXT: move (hold: back) · SELECT: choose · BACK: cancel"


@dataclass
class NameEditor:
    text: str = ""
    letter: int = 0  # index into LETTERS

    @property
    def candidate(self) -> str:
        """The letter SELECT would add: capital at the start of a word, small after."""
        char = LETTERS[self.letter]
        return char if not self.text or self.text[-1] in " -" else char.lower()

    def handle(self, command: Command) -> str | None:
        """ "done", "cancel" or None (still editing)."""
        if command is Command.NEXT:
            self.letter = (self.letter + 1) % len(LETTERS)
        elif command in (Command.PREVIOUS, Command.BREAK):  # a long NEXT, or BREAK
            self.letter = (self.letter - 1) % len(LETTERS)
        elif command is Command.SELECT and len(self.text) < NAME_LENGTH:
            if not (self.candidate == " " and (not self.text or self.text.endswith(" "))):
                self.text += self.candidate
        elif command is Command.BACK:
            if not self.text:
                return "cancel"
            self.text = self.text[:-1]
        elif command is Command.PAUSE:  # a long SELECT
            return "done" if self.text.strip() else None
        elif command is Command.END:  # a long BACK
            return "cancel"
        return None

    def rows(self) -> list[MenuItem]:
        shown = SPELLED.get(self.candidate, self.candidate)
        counted = f"letter: {shown} · {len(self.text)} of {NAME_LENGTH}"
        return [
            MenuItem("name", f"Name: {self.text}[{self.candidate}]", counted),
            MenuItem("help", "Hold SELECT when the name is done", "hold BACK to leave it as it was"),
        ]


@dataclass
class ProfilePanel:
    """``people`` is the shell's ProfileLink (add, rename, remove, current, registry)."""

    people: object
    mode: str = ""  # "" (the settings list), "name", "spell", "remove"
    purpose: str = ""  # "add" or "rename", while picking a name
    index: int = 0
    editor: NameEditor = field(default_factory=NameEditor)
    message: str = ""  # what just happened, shown on the first row

    @property
    def is_busy(self) -> bool:
        return bool(self.mode)

    @property
    def heading(self) -> str:
        name = self.people.current.name
        if self.mode == "remove":
            return f"Remove {name}?"
        verb = "A name for the new person" if self.purpose == "add" else f"A new name for {name}"
        return f"{verb}: spell it" if self.mode == "spell" else verb

    @property
    def buttons(self) -> str:
        return EDITOR_BUTTONS if self.mode == "spell" else CHOICE_BUTTONS

    def settings_rows(self) -> list[MenuItem]:
        current, registry = self.people.current, self.people.registry
        count, name = len(registry.people), current.name
        rows = [MenuItem("who", f"Practising: {name}", self.message or "choose the person on the home screen")]
        if not current.is_guest:
            rows.append(MenuItem("rename", f"Rename {name}", "a name from the list, or spelt letter by letter"))
        if count < MOST:
            rows.append(MenuItem("add", "Add a person", f"{count} of {MOST} · own history, resting face, settings"))
        if not current.is_guest:
            rows.append(MenuItem("remove", f"Remove {name}", "deletes their history, resting face and settings"))
        return rows

    def open(self, key: str) -> bool:
        """SELECT on one of the settings rows; False if the row is not a people row."""
        if key in ("add", "rename"):
            self.mode, self.purpose, self.index = "name", key, 0
        elif key == "remove":
            self.mode, self.index = "remove", 0
        else:
            return key == "who"
        self.message = ""
        return True

    def rows(self) -> list[MenuItem]:
        if self.mode == "spell":
            return self.editor.rows()
        if self.mode == "remove":
            name = self.people.current.name
            return [
                MenuItem("keep", f"Keep {name}", "BACK: the same"),
                MenuItem(
                    "delete",
                    f"Delete {name} and all their practice",
                    "their history, streak, resting face and"
                    " settings are deleted from this mirror; this cannot be undone",
                ),  # fmt: skip
            ]
        taken = {p.name.casefold() for p in self.people.registry.people}
        names = [MenuItem(f"use:{n}", n, "SELECT: this name") for n in DEFAULT_NAMES if n.casefold() not in taken]
        return [MenuItem("spell", "Spell a name", "letter by letter with the buttons"), *names]

    def handle(self, command: Command) -> str | None:
        """A command while busy; "done" when back on the settings list."""
        if self.mode == "spell":
            verdict = self.editor.handle(command)
            if verdict == "done":
                return self._name_chosen(self.editor.text)
            if verdict == "cancel":
                return self.leave("")
            return None
        count = len(self.rows())
        if command is Command.NEXT:
            self.index = (self.index + 1) % count
        elif command is Command.PREVIOUS:
            self.index = (self.index - 1) % count
        elif command in (Command.BACK, Command.END):
            return self.leave("")
        elif command is Command.SELECT:
            return self._select(self.rows()[self.index].key)
        return None

    def _select(self, key: str) -> str | None:
        if key == "keep":
            return self.leave(f"{self.people.current.name} kept")
        if key == "delete":
            name = self.people.current.name
            self.people.remove(self.people.current.id)
            return self.leave(f"{name} and their practice deleted")
        if key == "spell":
            self.mode, self.editor = "spell", NameEditor()
            return None
        return self._name_chosen(key.removeprefix("use:"))

    def _name_chosen(self, name: str) -> str:
        if self.purpose == "add":
            profile = self.people.add(name)
            return self.leave(f"{profile.name} added and practising now")
        profile = self.people.rename(self.people.current.id, name)
        return self.leave(f"renamed {profile.name}")

    def leave(self, message: str) -> str:
        self.mode, self.purpose, self.index, self.message = "", "", 0, message
        return "done"


@words_for_the_glass
def _glass_words():
    """The people screens' rows, headings and buttons, for the longest name a person can have."""
    from types import SimpleNamespace

    name = "W" * NAME_LENGTH  # the widest letter, as long as a name may be
    person = SimpleNamespace(name=name, is_guest=False, id="p6")
    others = [SimpleNamespace(name=f"Person {n}") for n in range(1, MOST)]
    people = SimpleNamespace(current=person, registry=SimpleNamespace(people=[*others[:-1], person]))
    panel = ProfilePanel(people, message=f"{name} added and practising now")
    rows = panel.settings_rows()
    for mode, purpose in (("name", "add"), ("name", "rename"), ("remove", ""), ("spell", "rename")):
        panel.mode, panel.purpose, panel.editor = mode, purpose, NameEditor(name[:-1])
        yield Words(panel.heading, "quiet", f"people: {mode} heading")
        yield Words(panel.buttons, "footer", f"people: {mode} buttons")
        rows += panel.rows()
    for row in rows:
        yield Words(row.title, "settings", f"people: {row.key}")
        yield Words(row.detail, "settings_detail", f"people: {row.key}")
    for message in (f"{name} kept", f"{name} and their practice deleted", f"renamed {name}"):
        yield Words(message, "settings_detail", "people: what was done")
