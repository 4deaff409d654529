"""The settings row that shows a person's examples and clears them after a confirm."""

from appliance.config import parse_config
from appliance.messages import Command
from appliance.ui.settings_panel import CLEAR_EXAMPLES, TEACH, SettingsPanel


def at_examples(examples) -> SettingsPanel:
    panel = SettingsPanel(parse_config({}), "demo", is_open=True, examples=examples)
    while panel.rows()[panel.index].key != "examples":
        panel.handle(Command.NEXT)
    return panel


def test_the_row_shows_how_many_each_expression_has_and_clears_only_after_a_confirm():
    panel = at_examples({"anger": 2, "fear": 1})
    row = panel.rows()[panel.index]
    assert row.title == "Your expressions: 3 kept" and row.detail.startswith("anger 2, fear 1")
    assert panel.handle(Command.SELECT) is None  # asks first
    assert panel.rows()[panel.index].title == "Clear your 3 examples? SELECT: yes · BACK: no"
    assert panel.handle(Command.BACK) is None and panel.is_open  # "no": nothing cleared, still in settings
    assert panel.rows()[panel.index].title == "Your expressions: 3 kept"
    panel.handle(Command.SELECT)
    assert panel.handle(Command.SELECT) == CLEAR_EXAMPLES


def test_with_none_kept_select_starts_teaching_them():
    panel = at_examples({})
    assert panel.rows()[panel.index].title == "Your expressions: none kept"
    assert panel.handle(Command.SELECT) == TEACH and not panel.is_open and not panel.confirming_examples


def test_the_guest_has_no_examples_row():
    panel = SettingsPanel(parse_config({}), "demo", is_open=True)
    assert "examples" not in [row.key for row in panel.rows()]


class ExamplesHistory:
    """A person's history as the shell sees it: their examples, and "clear them"."""

    def __init__(self) -> None:
        from appliance.vision.examples import PersonalExamples

        self.examples = PersonalExamples.from_rows("toy", [("anger", [3.0, 0.0]), ("fear", [0.0, 3.0])])
        self.cleared = 0

    def clear_examples(self) -> None:
        from appliance.vision.examples import PersonalExamples

        self.cleared += 1
        self.examples = PersonalExamples("toy")

    def record(self, events) -> None:
        pass

    def latest_neutral(self):
        return None

    def close(self) -> None:
        pass


def test_clearing_in_settings_reaches_the_persons_history_and_the_row_says_none_kept(window):
    from gpiozero.pins.mock import MockFactory
    from ui_helpers import settle, shown

    from appliance.coach.coach import Coach
    from appliance.config import ButtonSettings, Config
    from appliance.ui.shell import MirrorShell

    history = ExamplesHistory()
    shell = MirrorShell(
        Config(buttons=ButtonSettings(hold_time=0.3)), coach=Coach(), history=history, pin_factory=MockFactory()
    )
    with shown(window, shell):
        settle(0.2)
        shell.command(Command.BACK)  # settings
        while shell.panel.rows()[shell.panel.index].key != "examples":
            shell.command(Command.NEXT)
        assert shell.panel.rows()[shell.panel.index].title == "Your expressions: 2 kept"
        shell.command(Command.SELECT)
        assert history.cleared == 0  # asked first
        shell.command(Command.SELECT)
        assert history.cleared == 1
        assert shell.panel.rows()[shell.panel.index].title == "Your expressions: none kept"
        shell.command(Command.SELECT)  # none kept: SELECT teaches them
        assert shell.coach.session is not None and shell.coach.session.plan.id == "teach"
