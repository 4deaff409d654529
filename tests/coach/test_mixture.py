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


def test_each_label_fills_at_most_its_own_share_whatever_the_leniency():
    half_smile = MixtureTarget.from_data({"weights": {"happiness": 0.5, "neutral": 0.5}})
    # A face at rest fills the neutral half only: it does not pass 60 without a smile.
    assert half_smile.match(face(neutral=0.97, happiness=0.01), full_at=0.8) == pytest.approx(51.25)
    # A slight smile the model reads at 0.2 fills half of the smiling half (0.2 / 0.8 of 0.5).
    assert half_smile.match(face(neutral=0.78, happiness=0.2), full_at=0.8) == pytest.approx(75.0)
    assert half_smile.match(face(neutral=0.55, happiness=0.4), full_at=0.8) == pytest.approx(100.0)
    # A pure target keeps its leniency: 0.8 is a full match.
    assert MixtureTarget.from_data({"weights": {"neutral": 1}}).match(face(neutral=0.8), full_at=0.8) == 100.0


def test_no_face_cannot_be_judged():
    target = MixtureTarget.from_data({"weights": {"surprise": 1}})
    assert target.match(no_face(), full_at=0.8) is None
