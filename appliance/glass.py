"""The catalogue of every message the glass can show, so one test can measure them all.

A module that writes words for the glass registers a function that lists them, next to where
they are written, with the widest values its placeholders can take:

    from appliance.glass import Words, words_for_the_glass

    @words_for_the_glass
    def _glass_words():
        yield Words(NOT_SAVED, "notice")
        yield Words(TOO_FAR.format(width=63, least=64), "body", "calibration refusal, too far")

and is named in ``MODULES`` below.  ``every_message()`` imports them all and gathers their words;
tests/test_glass_words.py measures each in its slot (appliance/ui/glass_fit.py) at the default
window and the Pi's portrait panel, and fails on more than two lines: a paragraph cannot come back
unnoticed.  Details a person may want go to the README or ``doctor``, never to the glass.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

MODULES = (
    "appliance.coach.attempt",
    "appliance.coach.calibration",
    "appliance.coach.catalogue",
    "appliance.coach.coach",
    "appliance.coach.consistency_target",
    "appliance.coach.examples",
    "appliance.coach.commands",
    "appliance.coach.flow",
    "appliance.coach.guard",
    "appliance.coach.render",
    "appliance.camera.factory",
    "appliance.commands.run",
    "appliance.storage_faults",
    "appliance.ui.profile_panel",
    "appliance.ui.settings_panel",
    "appliance.ui.shell",
    "appliance.ui.text",
)
"""Every module that registers words; a module that adds words for the glass adds itself here."""


@dataclass(frozen=True)
class Words:
    text: str
    slot: str  # where it shows: a key of appliance.ui.glass_fit.SLOTS ("notice", "body", "footer", ...)
    what: str = ""  # what it is, for a failure's message ("calibration refusal, too far")


_providers: list[Callable[[], Iterable[Words]]] = []


def words_for_the_glass(provider: Callable[[], Iterable[Words]]) -> Callable[[], Iterable[Words]]:
    """Register ``provider`` (a decorator): it lists words its module can put on the glass."""
    _providers.append(provider)
    return provider


def every_message() -> list[tuple[str, Words]]:
    """(module, words) for every registered message, each module in ``MODULES`` imported first."""
    for name in MODULES:
        importlib.import_module(name)
    found = []
    for provider in _providers:
        found.extend((provider.__module__, words) for words in provider())
    return found
