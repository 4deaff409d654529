import pytest
from coach_fakes import face, no_face

from appliance.coach.mixture import MixtureTarget


def test_a_mixture_is_the_overlap_with_the_target():
    target = MixtureTarget.from_data({"weights": {"happiness": 1, "neutral": 1}})
    assert target.labels == ("neutral", "happiness")  # ties in the model's order
    assert target.describe() == "neutral 50% + happiness 50%"
    # 0.5 of neutral and 0.3 of happiness fit inside the target; the anger does not
    assert target.match(face(neutral=0.5, happiness=0.3, anger=0.2), full_at=1.0) == pytest.approx(80.0)
    assert target.match(face(happiness=1.0), full_at=1.0) == pytest.approx(50.0)


def test_no_face_cannot_be_judged():
    target = MixtureTarget.from_data({"weights": {"surprise": 1}})
    assert target.match(no_face(), full_at=0.8) is None
