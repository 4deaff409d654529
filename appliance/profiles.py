"""The people who practise at the mirror: up to six profiles and a guest.

Each profile keeps its things in its own folder under the data directory::

    $XDG_DATA_HOME/appliance/profiles.json              names, order, the last one used
    $XDG_DATA_HOME/appliance/profiles/<id>/history.sqlite3   history, streak, resting face
    $XDG_DATA_HOME/appliance/profiles/<id>/preferences.json  difficulty, sound

One folder per person means removing a person is removing a folder, and one person's damaged
history never touches another's.  ``profiles.json`` is written atomically (write, fsync, rename;
0600).  The guest (id ``guest``) has no folder: nothing of a guest's practice is kept.

Upgrading from a mirror without profiles: the single history (and the settings chosen on the
mirror) are moved into the first profile, "Person 1".  Files are moved, never copied and
deleted, and profiles.json is written last: a power cut in the middle leaves the files either
where they were (moved again at the next start) or in the profile's folder (found there again).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from appliance.atomic import aside_path, write_text
from appliance.errors import StorageError, storage_cause
from appliance.history.store import FILE_NAME as HISTORY_FILE
from appliance.paths import data_dir
from appliance.preferences import FILE_NAME as PREFERENCES_FILE
from appliance.storage_faults import fault_of, os_words, people_damaged, storage_error

log = logging.getLogger(__name__)
INDEX_FILE = "profiles.json"
FOLDER = "profiles"
MOST = 6
NAME_LENGTH = 12
GUEST = "guest"
GUEST_NAME = "Guest"
DEFAULT_NAMES = tuple(f"Person {n}" for n in range(1, MOST + 1))
_ID = re.compile(r"^p[0-9]{1,3}$")
SALVAGE_BYTES = 64 * 1024  # a list of six people is well under 1 KiB: anything longer is not worth scanning


@dataclass(frozen=True)
class Profile:
    id: str
    name: str

    @property
    def is_guest(self) -> bool:
        return self.id == GUEST


GUEST_PROFILE = Profile(GUEST, GUEST_NAME)


def clean_name(name: str) -> str:
    """A name as shown: single spaces, at most NAME_LENGTH characters; ValueError if nothing is left."""
    text = " ".join(str(name).split())[:NAME_LENGTH].strip()
    if not text:
        raise ValueError("a name needs at least one letter")
    return text


class ProfileRegistry:
    """The list of profiles on disk.  Not thread-safe: the shell uses it from the main thread."""

    def __init__(self, root: Path | None = None, *, read_only: bool = False) -> None:
        """``read_only``: for commands that only look (``history --profile``): nothing is moved or written;
        before the first start with profiles there are no people (the old single history is where it was)."""
        self.root = Path(root) if root is not None else data_dir()
        self.read_only = read_only
        self.people: list[Profile] = []
        self.last_used = ""
        self._last_person = ""  # the last one chosen who is not the guest
        self.warning = ""  # something the user should know (an unreadable profiles.json)
        self._load()

    # ------------------------------------------------------------------ where
    @property
    def index_path(self) -> Path:
        return self.root / INDEX_FILE

    def folder(self, profile: Profile | str) -> Path | None:
        """A profile's folder (None for the guest: nothing is kept)."""
        profile_id = profile.id if isinstance(profile, Profile) else profile
        return None if profile_id == GUEST else self.root / FOLDER / profile_id

    def history_path(self, profile: Profile | str) -> Path | None:
        folder = self.folder(profile)
        return None if folder is None else folder / HISTORY_FILE

    def preferences_path(self, profile: Profile | str) -> Path | None:
        folder = self.folder(profile)
        return None if folder is None else folder / PREFERENCES_FILE

    # ------------------------------------------------------------------ reading
    @property
    def choices(self) -> list[Profile]:
        """Everyone who can be chosen on the home screen: the people, then the guest."""
        return [*self.people, GUEST_PROFILE]

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.people]

    @property
    def current(self) -> Profile:
        """The profile used last (the first person if that one is gone; the guest only if chosen)."""
        if self.last_used == GUEST:
            return GUEST_PROFILE
        first = self.people[0] if self.people else GUEST_PROFILE
        return next((p for p in self.people if p.id == self.last_used), first)

    @property
    def last_person(self) -> Profile | None:
        """The person who practised last, not counting a guest after them (None: no one yet)."""
        first = self.people[0] if self.people else None
        return next((p for p in self.people if p.id in (self.last_used, self._last_person)), first)

    def find(self, name_or_id: str) -> Profile | None:
        """A profile by its id or its name (any case); the guest by "guest"."""
        wanted = " ".join(name_or_id.split()).casefold()
        return next((p for p in self.choices if wanted in (p.id.casefold(), p.name.casefold())), None)

    @property
    def is_full(self) -> bool:
        return len(self.people) >= MOST

    def free_default_name(self) -> str:
        taken = {p.name.casefold() for p in self.people}
        return next((name for name in DEFAULT_NAMES if name.casefold() not in taken), DEFAULT_NAMES[-1])

    # ------------------------------------------------------------------ changing
    def add(self, name: str = "") -> Profile:
        """A new person (a free default name if none is given), with an empty folder."""
        if self.is_full:
            raise ValueError(f"the mirror keeps at most {MOST} people; remove one first")
        name = self._unused(clean_name(name or self.free_default_name()))
        numbers = {int(p.id[1:]) for p in self.people} | self._folder_numbers()
        profile = Profile(f"p{next(n for n in range(1, 1000) if n not in numbers)}", name)
        self._make_folder(profile)
        self.people.append(profile)
        self._save()
        return profile

    def rename(self, profile_id: str, name: str) -> Profile:
        index = self._index(profile_id)
        renamed = Profile(profile_id, self._unused(clean_name(name), ignore=profile_id))
        self.people[index] = renamed
        self._save()
        return renamed

    def remove(self, profile_id: str) -> None:
        """Forget a person and delete their folder: history, resting face, settings."""
        index = self._index(profile_id)
        folder = self.folder(profile_id)
        del self.people[index]
        if self.last_used == profile_id:
            self.last_used = self.people[0].id if self.people else GUEST
        self._save()  # first: a folder left by a failed delete is never shown as a person again
        try:
            shutil.rmtree(folder)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise storage_error("could not delete", folder, error, hint="delete that folder by hand") from None

    def choose(self, profile_id: str) -> Profile:
        """Make ``profile_id`` the one practising; a person is remembered across restarts, the guest
        never is: after a power cut whoever comes next would practise as the guest, and nothing of
        theirs would be kept unless they noticed.  A restart comes back to the last person."""
        if profile_id != GUEST:
            self._index(profile_id)
        if profile_id != self.last_used:
            self.last_used = profile_id
            if profile_id != GUEST:  # choosing the guest changes nothing on disk
                self._last_person = profile_id
                self._remember()
        return self.current

    def _remember(self) -> None:
        """Save who practises now.  If the disk refuses (full, read-only) they practise all the same: their
        history says on the glass what is wrong; a restart only comes back to whoever was saved last."""
        try:
            self._save()
        except StorageError as error:
            log.error("%s", error.describe())

    # ------------------------------------------------------------------ disk
    def _index(self, profile_id: str) -> int:
        for index, profile in enumerate(self.people):
            if profile.id == profile_id:
                return index
        raise ValueError(f"no profile {profile_id!r}")

    def _unused(self, name: str, ignore: str = "") -> str:
        """``name``, or ``name 2`` etc. when someone else has it: two people never share a name."""
        taken = {p.name.casefold() for p in self.people if p.id != ignore} | {GUEST_NAME.casefold()}
        candidate, n = name, 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f" {n}"
            candidate = name[: NAME_LENGTH - len(suffix)].rstrip() + suffix
        return candidate

    def _folder_numbers(self) -> set[int]:
        base = self.root / FOLDER
        return {int(p.name[1:]) for p in base.iterdir() if _ID.match(p.name)} if base.is_dir() else set()

    def _make_folder(self, profile: Profile) -> None:
        folder = self.folder(profile)
        try:
            for level in (self.root, folder.parent, folder):  # each 0700: parents=True would make them 0755
                if not level.is_dir():
                    level.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as error:
            raise storage_error("cannot create the folder", folder, error, folder=_existing(folder.parent)) from None

    def _load(self) -> None:
        try:
            raw = self.index_path.read_bytes()
        except FileNotFoundError:
            return None if self.read_only else self._first_start(*self._names_kept_aside())
        except OSError as error:  # not damage (permissions, a failing card): the file is left exactly as it is
            return self._unreadable(error)
        try:
            data = _parse_index(raw)
        except ValueError as error:
            return self._damaged(raw, error)
        for entry in data["people"]:
            if isinstance(entry, dict) and _ID.match(str(entry.get("id", ""))) and len(self.people) < MOST:
                try:
                    self.people.append(Profile(entry["id"], clean_name(entry.get("name", ""))))
                except ValueError:
                    self.people.append(Profile(entry["id"], self.free_default_name()))
        self.last_used = str(data.get("last_used", ""))
        if self.last_used == GUEST:  # remembered by older versions: a restart comes back to the person before
            self.last_used = str(data.get("last_person", ""))
        self._last_person = self.last_used

    def _names_kept_aside(self) -> tuple[dict[str, str], str]:
        """The names (and the last person) a damaged list moved aside still holds.  If the new list could
        not be written after it was moved aside (a full disk: the likely cause of the damage), there is
        no profiles.json at the next start, and the newest list kept aside still knows everyone's name."""
        kept = sorted(self.index_path.parent.glob(f"{INDEX_FILE}.corrupt-*"))
        try:
            return _salvage(kept[-1].read_bytes()) if kept else ({}, "")
        except OSError:
            return {}, ""

    def _unreadable(self, error: OSError) -> None:
        """profiles.json is there but cannot be read: never rewritten (that would lose everyone's names).
        The mirror stops using profiles and says why; a command that only looks finds the folders."""
        what = f"the list of people {self.index_path} cannot be read ({os_words(error)})"
        if not self.read_only:
            hint = storage_cause(error)[1] or "check the file's permissions"
            raise StorageError(what, hint=f"{hint}; nothing was changed", fault=fault_of(error)) from None
        self._adopt_folders({})
        self.warning = f"{what}; nothing was changed. {self._found_in_folders()}"

    def _damaged(self, raw: bytes, error: ValueError) -> None:
        """profiles.json does not read as a list of people: it is moved aside (kept, never deleted), and
        everyone is found again by their folders, with every name that can still be read in it."""
        names, last_used = _salvage(raw)
        if self.read_only:
            self._adopt_folders(names)
            self.last_used = last_used
            kept = "nothing was changed (the mirror keeps it aside when it next starts)"
            found = self._found_in_folders()
            self.warning = f"the list of people {self.index_path} is damaged ({error}); {kept}. {found}"
            return
        moved = self._move_aside()
        self._first_start(names, last_used)
        unnamed = sum(names.get(p.id) != p.name for p in self.people)
        log.error("the list of people %s was damaged (%s): moved aside to %s. %s",
                  self.index_path, error, moved, self._found_in_folders())  # fmt: skip
        self.warning = people_damaged(unnamed)  # the glass's line; the details are in the log

    def _found_in_folders(self) -> str:
        found = ", ".join(f"{p.name} ({p.id})" for p in self.people) or "no one"
        return f"People found by their folders: {found}."

    def _move_aside(self) -> Path:
        """The damaged profiles.json renamed beside itself (the history's way: kept, never deleted)."""
        target = aside_path(self.index_path)
        try:
            self.index_path.replace(target)
        except OSError as error:
            what, hint = "could not move aside the damaged list of people", "move it away by hand, then start again"
            raise storage_error(what, self.index_path, error, hint=hint) from None
        return target

    def _adopt_folders(self, names: dict[str, str]) -> None:
        """A person for each profile folder on disk, named as in ``names`` (by id) or else by their
        folder's number where that name is free (p2 is "Person 2", as when they were added)."""
        ids = [f"p{number}" for number in sorted(self._folder_numbers())[:MOST]]
        for profile_id in ids:  # the names that were read first, so that no default takes one
            if profile_id in names:
                self.people.append(Profile(profile_id, self._unused(names[profile_id])))
        for profile_id in ids:
            if profile_id not in names:
                self.people.append(Profile(profile_id, self._numbered_name(int(profile_id[1:]))))
        self.people.sort(key=lambda profile: ids.index(profile.id))

    def _numbered_name(self, number: int) -> str:
        taken = {p.name.casefold() for p in self.people}
        numbered = DEFAULT_NAMES[number - 1] if number <= MOST else ""
        return numbered if numbered and numbered.casefold() not in taken else self.free_default_name()

    def _first_start(self, names: dict[str, str] | None = None, last_used: str = "") -> None:
        """No profiles.json (or a damaged one moved aside): adopt profile folders already on disk (named
        from ``names`` where known), move an old single history into the first profile, and make sure
        there is at least one person; ``last_used`` practises first if they are among them."""
        self._adopt_folders(names or {})
        legacy = [self.root / HISTORY_FILE, self.root / PREFERENCES_FILE]
        if any(path.exists() for path in legacy) or not self.people:
            first = self.people[0] if self.people else Profile("p1", DEFAULT_NAMES[0])
            self._make_folder(first)
            self._move_in(first)
            if first not in self.people:
                self.people.insert(0, first)
        self.last_used = last_used if any(p.id == last_used for p in self.people) else self.people[0].id
        self._save()

    def _move_in(self, profile: Profile) -> None:
        """The mirror's history from before profiles (and its -wal/-shm) and saved choices into ``profile``."""
        folder = self.folder(profile)
        for name in (HISTORY_FILE, f"{HISTORY_FILE}-wal", f"{HISTORY_FILE}-shm", PREFERENCES_FILE):
            source, target = self.root / name, folder / name
            if not source.exists():
                continue
            if target.exists():  # never over a profile's own file: leave the old one where it is, and say so
                log.error("not moving %s into %s: the profile already has one", source, folder)
                continue
            try:
                source.replace(target)
            except OSError as error:
                hint = "check the data directory's permissions; nothing was lost"
                raise storage_error(f"could not move into {folder}", source, error, hint=hint) from None
            log.info("moved %s into the profile %r (%s)", source, profile.name, folder)

    def _save(self) -> None:
        if self.read_only:
            raise StorageError("the list of people was opened only to read", hint="this is a bug: please report it")
        remembered = self.last_person  # never the guest: see choose
        data = {
            "people": [{"id": p.id, "name": p.name} for p in self.people],
            "last_used": remembered.id if remembered else "",
        }
        try:
            write_text(self.index_path, json.dumps(data, indent=1), prefix=".profiles-")
        except OSError as error:
            raise storage_error("could not save the list of people in", self.index_path, error) from None


def _existing(folder: Path) -> Path:
    """The nearest folder up from ``folder`` that is there: where to look for why one cannot be made."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _parse_index(raw: bytes) -> dict:
    """profiles.json's table; ValueError when it is not one (damage: not UTF-8, not JSON, not a list of people)."""
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("people", []), list):
        raise ValueError("not a list of people")
    return data | {"people": data.get("people", [])}


def _salvage(raw: bytes) -> tuple[dict[str, str], str]:
    """What can still be read in a damaged profiles.json: {id: name} of every whole entry, and the last
    one used.  A file cut short (a full disk, a card pulled) still holds most of its people."""
    text = raw[:SALVAGE_BYTES].decode("utf-8", errors="replace")
    decoder, names = json.JSONDecoder(), {}
    for start in (match.start() for match in re.finditer(r"\{", text)):
        try:
            entry, _end = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if isinstance(entry, dict) and _ID.match(str(entry.get("id", ""))) and isinstance(entry.get("name"), str):
            with contextlib.suppress(ValueError):  # a name with no letters: that person gets a default one
                names.setdefault(entry["id"], clean_name(entry["name"]))
    last = re.search(r'"last_used"\s*:\s*"(p[0-9]{1,3})"', text)
    return names, last.group(1) if last else ""
