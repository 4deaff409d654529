import numpy as np
import pytest

from appliance.evaluation import Metrics


def test_metrics_from_predictions():
    labels = np.array([0, 0, 0, 1, 1, 7])
    predicted = np.array([0, 0, 1, 1, 0, 7])
    metrics = Metrics.from_predictions(labels, predicted)
    assert metrics.confusion[0].tolist()[:2] == [2, 1]
    assert metrics.rows == 6 and metrics.accuracy == 4 / 6
    assert metrics.recall_of("neutral") == 2 / 3
    assert metrics.recall_of("contempt") == 1.0
    assert metrics.precision[1] == 0.5
    # classes with no rows do not drag the balanced accuracy down
    assert abs(metrics.balanced_accuracy - (2 / 3 + 1 / 2 + 1) / 3) < 1e-9
    table = metrics.to_markdown()
    assert "| contempt | 1.000 | 1.000 | 1 |" in table
    assert metrics.to_dict()["per_class"]["happiness"]["support"] == 2


def test_a_share_s_interval_is_wilson_s_and_stays_within_0_and_1():
    from appliance.evaluation import share_interval

    assert share_interval(91, 102) == pytest.approx((0.8171, 0.9387), abs=1e-4)
    assert share_interval(10, 13) == pytest.approx((0.4974, 0.9182), abs=1e-4)
    assert share_interval(0, 10)[0] == 0.0 and share_interval(10, 10)[1] == pytest.approx(1.0)
    assert share_interval(0, 0) == (0.0, 1.0)
