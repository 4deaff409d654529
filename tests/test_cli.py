import argparse

import pytest

from appliance import cli
from appliance.errors import ConfigError


def run_with(monkeypatch, func):
    parser = argparse.ArgumentParser()
    parser.set_defaults(func=func)
    monkeypatch.setattr(cli, "build_parser", lambda: parser)
    return cli.main([])


def test_an_unexpected_error_is_summarised_and_its_traceback_logged(monkeypatch, capsys):
    def explode(args):
        raise RuntimeError("boom")

    assert run_with(monkeypatch, explode) == 1
    err = capsys.readouterr().err
    assert "unexpected RuntimeError: boom" in err and "Traceback" not in err
    assert "RuntimeError: boom" in (cli.state_dir() / "crash.log").read_text()


def test_an_appliance_error_prints_what_was_wrong_and_what_to_do(monkeypatch, capsys):
    def refuse(args):
        raise ConfigError("fps must be 1 to 60, got 0", hint="fix fps in config.toml")

    assert run_with(monkeypatch, refuse) == 2
    assert capsys.readouterr().err == "error: fps must be 1 to 60, got 0\n  what to do: fix fps in config.toml\n"


def test_every_listed_command_that_exists_is_registered():
    parser = cli.build_parser()
    choices = parser._subparsers._group_actions[0].choices
    assert {"classify", "eval"} <= set(choices)


COMMAND_NAMES = sorted(cli.build_parser()._subparsers._group_actions[0].choices)


@pytest.mark.parametrize("command", [[name] for name in COMMAND_NAMES] + [["config", "check"]], ids=" ".join)
def test_an_option_a_command_does_not_know_is_refused_with_that_commands_usage(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main([*command, "--bogus"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: python -m appliance {' '.join(command)} "), err  # not the top level's usage


def test_the_drills_usage_names_the_unknown_option(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["drills", "--json", "--bogus"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "usage: python -m appliance drills [-h] [--json]" in err
    assert "python -m appliance drills: error: unrecognized arguments: --bogus" in err


def test_a_reader_that_leaves_early_gets_no_error_message(monkeypatch, capsys):
    import os

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader (e.g. `head`) has gone
    with os.fdopen(write_end, "w") as pipe:
        monkeypatch.setattr("sys.stdout", pipe)

        def talk(args):
            for _ in range(10_000):
                print("line", flush=True)

        assert run_with(monkeypatch, talk) == 1
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("command", ["run", "classify", "eval", "eval-posed", "drills", "history"])
def test_every_command_explains_itself_in_plain_text(command, capsys):
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    shown = capsys.readouterr().out
    description = shown.split("\n\n")[1]  # after the usage lines
    assert not description.lstrip().startswith(("-h", "options")) and len(description) > 40, shown
    assert "``" not in shown


def test_eval_without_the_data_set_says_what_it_needs_and_that_a_user_does_not(tmp_path, capsys):
    assert cli.main(["eval", "--data", str(tmp_path / "ferplus48.npz")]) != 0
    said = capsys.readouterr().err
    assert "ferplus48.npz" in said and "not shipped" in said and "a user of the mirror does not" in said
