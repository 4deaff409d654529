"""The history benchmark command builds a history and prints its figures."""

import json

import pytest

from appliance.history.bench import main


def test_the_benchmark_prints_summary_and_record_times(tmp_path, capsys):
    assert main(["--sessions", "30", "--attempts", "3", "--repeat", "2", "--json", "--db", str(tmp_path / "h.db")]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["sessions"], figures["attempts"]) == (30, 90)
    assert figures["summary_ms"]["n"] == 2 and figures["record_ms"]["median"] > 0


@pytest.mark.parametrize("value", ["0", "x", "-3"])
def test_a_bad_session_count_is_a_usage_error(value, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--sessions", value])
    assert exit_.value.code == 2 and "--sessions" in capsys.readouterr().err
