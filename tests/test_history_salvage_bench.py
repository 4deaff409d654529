"""The salvage benchmark damages a built history each way and prints the share of rows that came back."""

import json

from appliance.history.salvage_bench import main


def test_the_salvage_benchmark_prints_rows_back_beside_what_the_intact_pages_held(capsys):
    assert main(["--days", "12", "--trials", "2", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["history"]["sessions"] > 5
    for damage in ("header (100 bytes)", "first page"):
        assert figures[damage]["rows_back"] == 1.0
    for damage in ("5 random pages", "cut to 90%", "cut to 50%"):
        assert 0 <= figures[damage]["rows_back"] <= figures[damage]["on_intact_pages"] <= 1
    assert figures["5 random pages"]["trials"] == 2


def test_the_benchmark_leaves_logging_as_it_found_it(caplog):
    import logging

    main(["--days", "3", "--trials", "1", "--json"])
    logging.getLogger("appliance").warning("still heard")
    assert "still heard" in caplog.text
