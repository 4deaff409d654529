"""reading_fit's typical resting face: the faces every voter called neutral, their median reading."""

import numpy as np
import pytest

from appliance.vision.reading import FLOOR_PROBABILITY
from appliance.vision.reading_fit import typical_rest


def test_the_typical_resting_face_is_the_median_over_faces_every_voter_called_neutral():
    appearance = np.array(
        [
            [0.90, 0.02, 0.01, 0.03, 0.01, 0.01, 0.01, 0.01],  # all ten voters: neutral
            [0.80, 0.05, 0.02, 0.05, 0.02, 0.02, 0.02, 0.02],  # all ten voters: neutral
            [0.70, 0.02, 0.02, 0.20, 0.02, 0.02, 0.01, 0.01],  # all ten voters: neutral
            [0.40, 0.01, 0.01, 0.55, 0.01, 0.01, 0.00, 0.01],  # six for neutral, four for sadness: split
        ]
    )
    votes = np.zeros((4, 8))
    votes[:3, 0] = 1.0
    votes[3, 0], votes[3, 3] = 0.6, 0.4
    typical = typical_rest(appearance, votes)
    assert typical[0] == pytest.approx(np.log(0.80))  # the median of the three clear faces
    assert typical[3] == pytest.approx(np.log(0.05))  # the split, half-sad face takes no part
    assert typical[6] == pytest.approx(np.log(max(0.01, FLOOR_PROBABILITY)))


def test_without_a_face_every_voter_called_neutral_there_is_no_typical_resting_face():
    with pytest.raises(ValueError, match="resting face"):
        typical_rest(np.full((2, 8), 1 / 8), np.full((2, 8), 1 / 8))


def test_a_candidate_models_calibration_boosts_are_read_from_the_command_line():
    from appliance.vision.reading_fit import _boosts, training_prior

    assert _boosts("contempt=1.2, disgust=0.45") == {"contempt": 1.2, "disgust": 0.45}
    for bad in ("contempt", "contempt=high", "smirk=1.0"):
        with pytest.raises(Exception, match="expected label=number|unknown expressions"):
            _boosts(bad)

    class Split:  # two rows, one neutral and one contempt, their votes plain
        labels = np.array([0, 7])
        soft_labels = np.eye(8)[[0, 7]]

    plain, boosted = training_prior(Split(), {}), training_prior(Split(), {"contempt": 1.0})
    assert boosted[7] / boosted[0] == pytest.approx(np.e * plain[7] / plain[0])
