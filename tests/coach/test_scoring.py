import pytest
from coach_fakes import face, no_face

from appliance.coach.scoring import attempt_score, dominant, intensity, is_relaxed, roleplay_score


def test_dominant_and_intensity():
    smoothed = face(neutral=0.3, surprise=0.6).smoothed
    assert dominant(smoothed) == "surprise"
    assert intensity(smoothed) == pytest.approx(0.7)
    assert dominant({}) == ""


def test_a_full_steady_hold_scores_its_match():
    assert attempt_score(best_match=80, hold_mean_match=80, held_s=3, required_s=3) == 80


def test_a_peak_without_a_hold_scores_half_the_peak():
    assert attempt_score(best_match=70, hold_mean_match=0, held_s=0, required_s=3) == 35


def test_a_partial_hold_counts_in_proportion():
    assert attempt_score(best_match=90, hold_mean_match=80, held_s=1.5, required_s=3) == 65


def test_roleplay_score_is_the_mean_of_steps():
    assert roleplay_score([100, 50, 60]) == 70
    assert roleplay_score([]) == 0


def test_relaxed_means_neutral_dominant_and_sure():
    assert is_relaxed(face(neutral=0.7), 0.5) is True
    assert is_relaxed(face(neutral=0.45, happiness=0.4), 0.5) is False
    assert is_relaxed(face(neutral=0.2, anger=0.7), 0.5) is False
    assert is_relaxed(no_face(), 0.5) is None
