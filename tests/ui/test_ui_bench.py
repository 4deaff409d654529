"""The UI benchmark's figures (the benchmark itself is a CLI, not a timed test)."""

from __future__ import annotations

import math

from appliance.ui.bench import _stats, percentile


def test_percentile_and_stats():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 51.0
    assert percentile(values, 0.95) == 95.0
    assert math.isnan(percentile([], 0.95))
    assert _stats(values) == {"n": 100, "median": 50.5, "p95": 95.0, "max": 100.0}
    assert _stats([]) == {"n": 0}
