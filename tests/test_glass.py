"""Every message the glass can show fits in two lines, at the default window and the Pi's portrait panel.

The words come from the catalogue of appliance/glass.py (each module registers what it writes for
the glass, the JSON catalogue's drills, breaks and tips included), measured with the font and sizes
the screens use (appliance/ui/glass_fit.py).  A person at a mirror reads a line or two at a glance.
"""

from __future__ import annotations

import pytest

from appliance.glass import MODULES, every_message
from appliance.ui.glass_fit import MOST_LINES, SLOTS, WINDOWS, line_count
from appliance.ui.text import glass


@pytest.fixture(scope="module")
def messages():
    return every_message()


def test_every_message_fits_in_two_lines(messages):
    too_long = []
    for module, words in messages:
        lines = {name: line_count(words.text, words.slot, size) for name, size in WINDOWS.items()}
        if max(lines.values()) > MOST_LINES:
            too_long.append(f"{module} ({words.what or words.slot}): {lines} {words.text!r}")
    assert not too_long, f"{len(too_long)} messages take more than {MOST_LINES} lines:\n" + "\n".join(too_long)


def test_no_notice_is_cut_off(messages):
    """The banner keeps a notice's first GLASS_CHARS characters (text.glass): a longer one ended in "…"."""
    cut = [words.text for _module, words in messages if words.slot == "notice" and glass(words.text) != words.text]
    assert not cut, cut


def test_the_catalogue_covers_every_module_that_writes_for_the_glass(messages):
    registered = {module for module, _words in messages}
    assert registered == set(MODULES)  # a module named in MODULES that registers nothing is a mistake
    assert all(words.slot in SLOTS for _module, words in messages)
    assert len(messages) > 300  # the JSON catalogue alone has some 200
