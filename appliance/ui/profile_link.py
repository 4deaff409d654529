"""The shell's handle on who is practising: one profile's history, resting face and settings at a time.

    home: SELECT on "Practising: Anna" -> coach.take_profile_request() -> ProfileLink.switch
        -> the old history closed, the new one opened (HistoryLink, as at start-up)
        -> its resting face to the coach and to vision (None: the population's)
        -> its preferences (difficulty, sound) applied through Preferences.use

The guest gets ``GuestHistory``: events are dropped, nothing is opened or written, and a resting
face calibrated as a guest is used for that visit only.  The coach stays pure: it only gets the
names (``set_profiles``) and says which one was chosen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from appliance.coach.view import ProgressView
from appliance.errors import ApplianceError
from appliance.history import HistoryStore
from appliance.profiles import GUEST, Profile, ProfileRegistry
from appliance.ui.history_link import open_history

log = logging.getLogger(__name__)
GUEST_MESSAGE = "Practising as a guest: nothing is kept."


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
    ) -> None:
        self.registry, self.coach, self.preferences, self.vision = registry, coach, preferences, vision
        self._open = opener
        self.history = None  # a HistoryLink, a GuestHistory, or None when the history could not be opened
        self.profile: Profile | None = None

    # ------------------------------------------------------------------ who
    @property
    def names(self) -> list[str]:
        return [profile.name for profile in self.registry.choices]

    @property
    def current(self) -> Profile:
        return self.profile or self.registry.current

    def start(self) -> str:
        """Open the last-used profile (before the mirror shows); a warning to show, or ""."""
        return self.switch(self.registry.current.id)

    # ------------------------------------------------------------------ switching
    def switch(self, profile_id: str) -> str:
        """Make ``profile_id`` the one practising; a warning to show ("" when all is well).
        Only from home (the shell asks then): a session's events belong to whoever started it."""
        profile = self.registry.choose(profile_id)
        if self.history is not None:
            self.history.close()
            self.history = None
        if self.preferences is not None:
            self.preferences.use(self.registry.preferences_path(profile))
        self.coach.set_personal_neutral(None)  # until this person's own is read
        warning = ""
        if profile.is_guest:
            self.history = GuestHistory(self.coach)
        else:
            path = self.registry.history_path(profile)
            self.history, warning = self._open(self.coach, partial(HistoryStore, path))
        latest = getattr(self.history, "latest_neutral", None)  # a link still opening its store may not know yet
        neutral = latest() if latest is not None else None
        if self.vision is not None:
            geometry = neutral.geometry if neutral is not None else None
            self.vision.set_neutral(geometry, kind="personal" if neutral is not None else "population")
        self.profile = profile
        self._tell_coach()
        log.info("practising: %s (%s)", profile.name, profile.id)
        return warning

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


def open_profiles(coach, preferences=None, *, vision=None, root=None) -> tuple[ProfileLink | None, str]:
    """The profiles and the last-used one's history; a warning to show.  If the list of people cannot be
    read or written the mirror still runs, on the single history it had before (the caller's fallback)."""
    try:
        registry = ProfileRegistry(root)
        link = ProfileLink(registry, coach, preferences, vision=vision)
        warning = link.start()
    except ApplianceError as error:
        log.error("%s", error.describe())
        return None, f"Profiles are not available, practice is not being saved: {error}"
    return link, registry.warning or warning
