"""The command lines' argument types: out-of-range and non-numbers are refused with the range."""

import argparse

import pytest

from appliance.arguments import count, frame_size, number


def test_a_count_takes_whole_numbers_in_its_range():
    check = count(1, 1_000)
    assert check("1") == 1 and check("1000") == 1000
    for text, said in (
        ("0", "0 is out of range (1 to 1,000)"),
        ("1001", "out of range"),
        ("2.5", "not a whole number"),
    ):
        with pytest.raises(argparse.ArgumentTypeError, match=said.replace("(", r"\(").replace(")", r"\)")):
            check(text)


def test_a_number_takes_finite_values_in_its_range():
    check = number(0.1, 60)
    assert check("0.1") == pytest.approx(0.1) and check("60") == 60.0
    for text in ("0", "61", "nan", "inf", "-inf", "soon"):
        with pytest.raises(argparse.ArgumentTypeError):
            check(text)


def test_the_benchmarks_refuse_a_nonsense_count_before_running(capsys):
    from appliance.display import bench

    with pytest.raises(SystemExit) as stopped:
        bench.main(["--trials", "-1"])
    assert stopped.value.code == 2 and "--trials: -1 is out of range (1 to 1,000)" in capsys.readouterr().err


def test_a_frame_size_is_width_x_height_of_sensible_sides():
    assert frame_size("640x480") == (640, 480) and frame_size(" 1920X1080 ") == (1920, 1080)
    for text, said in (("640", "not WxH"), ("axb", "not WxH"), ("10x10", "out of range"), ("5000x480", "out of range")):
        with pytest.raises(argparse.ArgumentTypeError, match=said):
            frame_size(text)
