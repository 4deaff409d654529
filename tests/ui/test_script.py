"""Timed command scripts for ``run --script``."""

from __future__ import annotations

import pytest

from appliance.errors import ConfigError
from appliance.messages import Command
from appliance.ui.script import parse_script, shot_name


def test_lines_become_timed_steps():
    steps = parse_script("# warm up\n\n1.0 shot home\n2 select\n2.5 hold back   # end\n3.0 NEXT list\n")
    assert [(s.at, s.command, s.name) for s in steps] == [
        (1.0, None, "home"),
        (2.0, Command.SELECT, "select"),
        (2.5, Command.END, "hold-back"),
        (3.0, Command.NEXT, "list"),
    ]
    assert shot_name(4, steps[3], "choose") == "04-list-choose.png"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("soon select", ["line 1", "'soon' is not a time"]),
        ("2.0 jump", ["unknown command 'jump'", "select"]),
        ("2.0 select\n1.0 next", ["line 2", "in order"]),
        ("2.0", ["no command"]),
        ("2.0 hold next", ["hold what"]),
        ("2.0 next a b", ["too many words"]),
        ("# nothing\n", ["no steps"]),
    ],
)
def test_bad_scripts_say_which_line_and_why(text, words):
    with pytest.raises(ConfigError) as caught:
        parse_script(text)
    for word in words:
        assert word in caught.value.describe()
