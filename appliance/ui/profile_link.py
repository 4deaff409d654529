"""The shell's handle on who is practising: one profile's history, resting face and settings at a time.

    home: SELECT on "Practising: Anna" -> coach.take_profile_request() -> ProfileLink.switch
        -> the old history closed (its writer thread stores what is queued, then closes the file)
        -> its preferences (difficulty, sound) applied through Preferences.use
        -> the new one opened as at start-up (HistoryLink: its writer thread opens and reads it and
           posts the progress and the resting face to the main thread; vision has the population's
           face until then).  Whatever the old person's thread posted after the switch is dropped.

The guest gets ``GuestHistory``: events are dropped, nothing is opened or written, and a resting
face calibrated as a guest is used for that visit only.  The coach stays pure: it only gets the
names (``set_profiles``) and says which one was chosen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from appliance.coach.view import ProgressView
from appliance.errors import ApplianceError
from appliance.history import HistoryStore
from appliance.profiles import GUEST, Profile, ProfileRegistry
from appliance.storage_faults import glass_of
from appliance.ui.history_link import HistoryLink, clock_post, give_neutral_to, open_history

log = logging.getLogger(__name__)
GUEST_MESSAGE = "Practising as a guest: nothing is kept."
TAKES_FOLDER = "takes"  # a person's best takes, inside their own folder


class GuestHistory:
    """A history that keeps nothing: the guest's events are dropped, never written anywhere."""

    def __init__(self, coach) -> None:
        self.coach = coach
        self.dropped = 0  # events not kept (tests)
        self.refresh()

    def record(self, events) -> None:
        self.dropped += len(events)

    def refresh(self) -> None:
        self.coach.set_history(ProgressView(message=GUEST_MESSAGE, today=self.coach.today().isoformat()), {})

    def latest_neutral(self):
        return None

    def close(self) -> None:
        pass


class ProfileLink:
    def __init__(
        self,
        registry: ProfileRegistry,
        coach,
        preferences=None,
        *,
        vision=None,
        opener: Callable = open_history,
        post: Callable | None = None,
    ) -> None:
        """``post(action)`` runs an action on the main thread (Kivy's Clock by default, resolved at the
        first switch, after Kivy is configured); the history's writer thread hands its results through it."""
        self.registry, self.coach, self.preferences, self.vision = registry, coach, preferences, vision
        self._open, self._post = opener, post
        self._generation = 0  # counts switches: results from a person's history after a switch are dropped
        self.history = None  # a HistoryLink, a GuestHistory, or None when the history could not be opened
        self.profile: Profile | None = None
        self.takes = None  # the best takes' writer (a TakeWriter), when takes are kept or on disk

    # ------------------------------------------------------------------ who
    @property
    def names(self) -> list[str]:
        return [profile.name for profile in self.registry.choices]

    @property
    def current(self) -> Profile:
        return self.profile or self.registry.current

    def takes_root(self, profile: Profile | None = None) -> Path | None:
        """Where a person's best takes go: their own folder's takes/ (None for the guest: none kept)."""
        folder = self.registry.folder(profile or self.current)
        return None if folder is None else folder / TAKES_FOLDER

    def start(self) -> str:
        """Open the last-used profile (before the mirror shows); a warning to show, or ""."""
        return self.switch(self.registry.current.id)

    # ------------------------------------------------------------------ switching
    def switch(self, profile_id: str) -> str:
        """Make ``profile_id`` the one practising; a warning to show ("" when all is well).
        Only from home (the shell asks then): a session's events belong to whoever started it."""
        profile = self.registry.choose(profile_id)
        self._generation += 1  # what the last person's writer thread still posts is theirs: dropped
        if self.history is not None:
            self.history.close()  # their queued events are stored first, then the file is closed
            self.history = None
        if self.preferences is not None:
            self.preferences.use(self.registry.preferences_path(profile))
        self.coach.set_personal_neutral(None)  # until this person's own is read
        self.coach.set_best_examples({})  # and their own examples
        # Nor the last person's figures: their minutes today would cap this person's practice (the
        # cap is for the day) until this one's history is read and posted.
        self.coach.set_history(ProgressView(today=self.coach.today().isoformat()), {})
        warning = ""
        if profile.is_guest:
            self.history = GuestHistory(self.coach)
        else:
            path = self.registry.history_path(profile)
            post = self._post_for(self._generation)
            # At start-up wait for the file to open (a problem is said before the mirror shows); at a
            # switch do not: the writer thread opens it, and says so on the mirror if it cannot.
            opener = self._open if self.profile is None else _open_without_waiting
            self.history, warning = opener(self.coach, partial(HistoryStore, path), post=post)
        if self.vision is not None:  # the population's face until this person's own arrives (if they have one)
            self.vision.set_neutral(None, kind="population")
            if hasattr(self.vision, "set_examples"):  # nor the last person's examples: none for the guest
                self.vision.set_examples(None)
        give_neutral_to(self.history, self.vision)
        if self.takes is not None:
            self.takes.use(self.takes_root(profile))
        self.profile = profile
        self._tell_coach()
        log.info("practising: %s (%s)", profile.name, profile.id)
        return warning

    def _post_for(self, generation: int) -> Callable:
        if self._post is None:
            self._post = clock_post()
        post = self._post

        def if_still_current(action) -> None:
            post(lambda: action() if generation == self._generation else None)

        return if_still_current

    def switch_to_index(self, index: int) -> str:
        """The person at ``index`` in the home screen's list."""
        return self.switch(self.registry.choices[index].id)

    # ------------------------------------------------------------------ settings
    def add(self, name: str = "") -> Profile:
        """A new person, who practises from now on (their history starts empty)."""
        profile = self.registry.add(name)
        self.switch(profile.id)
        return profile

    def rename(self, profile_id: str, name: str) -> Profile:
        profile = self.registry.rename(profile_id, name)
        if self.current.id == profile_id:
            self.profile = profile
        self._tell_coach()
        return profile

    def remove(self, profile_id: str) -> None:
        """Delete a person and everything kept for them; if it was the one practising, the next
        person (or the guest) practises from now on.  Their files are closed before they go."""
        if profile_id == GUEST:
            raise ValueError("the guest keeps nothing and cannot be removed")
        if self.current.id == profile_id:
            others = [p for p in self.registry.people if p.id != profile_id]
            self.switch(others[0].id if others else GUEST)
        self.registry.remove(profile_id)
        self._tell_coach()

    def close(self) -> None:
        if self.history is not None:
            self.history.close()
            self.history = None

    def _tell_coach(self) -> None:
        choices = self.registry.choices
        index = next((i for i, p in enumerate(choices) if p.id == self.current.id), len(choices) - 1)
        self.coach.set_profiles([p.name for p in choices], index)


def _open_without_waiting(coach, open_store, **options) -> tuple[HistoryLink, str]:
    return HistoryLink(coach, open_store, **options), ""


def open_profiles(coach, preferences=None, *, vision=None, root=None, post=None) -> tuple[ProfileLink | None, str]:
    """The profiles and the last-used one's history; a warning to show.  If the list of people cannot be
    read or written the mirror still runs, on the single history it had before (the caller's fallback)."""
    try:
        registry = ProfileRegistry(root)
        link = ProfileLink(registry, coach, preferences, vision=vision, post=post)
        warning = link.start()
    except ApplianceError as error:
        log.error("%s", error.describe())
        line = glass_of(error)
        coach.set_history(ProgressView(message=line, today=coach.today().isoformat()), {})  # not "no practice yet"
        return None, line
    return link, registry.warning or warning
