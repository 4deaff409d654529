from coach_fakes import face

from appliance.coach.guard import Guard
from appliance.coach.settings import CoachSettings


def test_a_strong_expression_held_too_long_is_cut_short_with_a_reason():
    guard = Guard(CoachSettings(strong_hold_max_s=4.0, strong_level=0.85))
    strong = dict(face(anger=0.9).smoothed)
    assert all(guard.performed(1.0, strong) == "" for _ in range(4))
    reason = guard.performed(0.5, strong)
    assert "strong anger" in reason and "strains" in reason


def test_a_moderate_expression_or_a_pause_in_it_resets_the_strong_timer():
    guard = Guard(CoachSettings(strong_hold_max_s=4.0))
    strong, moderate = dict(face(fear=0.9).smoothed), dict(face(fear=0.6).smoothed)
    for _ in range(3):
        assert guard.performed(1.0, strong) == ""
    assert guard.performed(1.0, moderate) == ""
    assert all(guard.performed(1.0, strong) == "" for _ in range(4))


def test_no_face_counts_nothing():
    guard = Guard(CoachSettings())
    assert guard.performed(30.0, None) == ""
    assert guard.active_s == 0.0


def test_a_break_is_due_after_active_minutes_or_drills_in_a_row_and_a_break_resets_both():
    guard = Guard(CoachSettings(break_after_active_min=1.0, break_after_drills=3))
    working, calm = dict(face(neutral=0.5, sadness=0.5).smoothed), dict(face(neutral=0.9).smoothed)
    guard.performed(59.0, working)
    guard.performed(120.0, calm)  # a resting face is not effort
    assert guard.break_due() == ""
    guard.performed(1.0, working)
    assert "1 minute of expressions" in guard.break_due()
    guard.took_break()
    assert guard.break_due() == ""
    for _ in range(3):
        guard.finished_drill()
    assert guard.break_due().startswith("3 drills in a row")


def test_the_cap_warns_once_then_stops():
    guard = Guard(CoachSettings(session_cap_min=10.0, cap_warning_min=2.0))
    assert guard.cap_warning(7 * 60) == ""
    assert guard.cap_warning(8 * 60) == "2 minutes left: today's session ends soon."
    assert guard.cap_warning(9 * 60) == ""
    assert guard.cap_reached(9.9 * 60) == ""
    assert "10 minutes of practice is plenty" in guard.cap_reached(10 * 60)


def test_every_attempt_times_a_strong_face_afresh_and_only_done_drills_count_in_a_row():
    guard = Guard(CoachSettings(strong_hold_max_s=4.0, break_after_drills=2))
    strong = dict(face(anger=0.9).smoothed)
    guard.performed(3.0, strong)
    guard.finished_drill(skipped=True)
    assert guard.strong_s == 0.0 and guard.drills_in_a_row == 0
    assert guard.performed(3.0, strong) == ""
    guard.finished_drill()
    guard.finished_drill()
    assert "2 drills in a row" in guard.break_due()
