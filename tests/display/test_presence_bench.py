"""The presence benchmark runs end to end and prints its figures (the figures themselves go in the report)."""

from __future__ import annotations

import json

from appliance.display.bench import main


def test_the_benchmark_prints_its_figures(capsys):
    main(["--trials", "1", "--off-after", "0.3", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert set(result["display_on_after_face_s"]) == {"p50", "max"}
    assert result["display_off_after_off_after_s_s"]["p50"] >= 0 and "pass" in result
