from appliance.coach.notices import Notices
from appliance.coach.view import NoticeKind

WARNING, GUARD, INFO = NoticeKind.WARNING, NoticeKind.GUARD, NoticeKind.INFO


def test_a_notice_shows_for_its_time_then_goes():
    notices = Notices()
    notices.post("History was reset.", WARNING, 6.0, now=10.0)
    notices.advance(15.9)
    assert notices.message == "History was reset." and notices.kind is WARNING
    notices.advance(16.0)
    assert notices.message == "" and notices.kind is NoticeKind.NONE


def test_a_warning_covered_by_a_newer_notice_shows_again_for_the_time_it_had_left():
    notices = Notices()
    notices.post("The practice history was damaged.", WARNING, 60.0, now=0.0)
    notices.post("A setting in config.toml is not used.", WARNING, 60.0, now=20.0)
    assert notices.message == "A setting in config.toml is not used."
    notices.advance(79.9)
    assert notices.message == "A setting in config.toml is not used."
    notices.advance(80.0)
    assert notices.message == "The practice history was damaged."  # 40 s of its 60 were left
    notices.advance(119.9)
    assert notices.message == "The practice history was damaged."
    notices.advance(120.0)
    assert notices.message == ""


def test_notices_posted_before_the_clock_runs_count_from_its_first_moment():
    notices = Notices()
    notices.post("The practice history was damaged.", WARNING, 60.0, now=None)
    notices.post("A setting in config.toml is not used.", WARNING, 60.0, now=None)
    notices.advance(1000.0)
    assert notices.message == "A setting in config.toml is not used."
    notices.advance(1060.0)
    assert notices.message == "The practice history was damaged."
    notices.advance(1119.0)
    assert notices.message == "The practice history was damaged."


def test_guard_messages_and_information_are_not_brought_back_once_covered():
    notices = Notices()
    notices.post("2 drills in a row: a break comes next.", GUARD, 6.0, now=0.0)
    notices.post("Saved.", INFO, 6.0, now=1.0)
    notices.post("No camera picture.", WARNING, 60.0, now=2.0)
    notices.advance(62.0)
    assert notices.message == ""


def test_withdrawing_the_notice_that_shows_brings_the_one_waiting_behind_it():
    notices = Notices()
    notices.post("The practice history was damaged.", WARNING, 60.0, now=0.0)
    notices.post("No camera picture: retrying.", WARNING, 24 * 3600.0, now=5.0)
    notices.withdraw("No camera picture: retrying.", now=30.0)
    assert notices.message == "The practice history was damaged."
    notices.advance(84.9)
    assert notices.message == "The practice history was damaged."  # its 55 s left count from 30 s
    notices.advance(85.0)
    assert notices.message == ""


def test_withdrawing_a_waiting_notice_leaves_the_one_that_shows():
    notices = Notices()
    notices.post("No camera picture: retrying.", WARNING, 24 * 3600.0, now=0.0)
    notices.post("The practice history was damaged.", WARNING, 60.0, now=1.0)
    notices.withdraw("No camera picture: retrying.", now=2.0)
    assert notices.message == "The practice history was damaged."
    notices.advance(61.0)
    assert notices.message == ""


def test_the_same_message_again_restarts_its_time_and_is_not_queued_twice():
    notices = Notices()
    notices.post("History was reset.", WARNING, 6.0, now=0.0)
    notices.post("History was reset.", WARNING, 6.0, now=5.0)
    notices.advance(10.9)
    assert notices.message == "History was reset."
    notices.advance(11.0)
    assert notices.message == ""


def test_an_empty_message_clears_the_banner_and_the_next_warning_shows():
    notices = Notices()
    notices.post("The practice history was damaged.", WARNING, 60.0, now=0.0)
    notices.post("Saved.", WARNING, 6.0, now=1.0)
    notices.post("", NoticeKind.NONE, 0.0, now=2.0)
    assert notices.message == "The practice history was damaged."
