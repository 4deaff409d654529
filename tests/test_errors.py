"""Developer tools (python -m appliance.vision.reading_fit, ...) say what they cannot use, as the commands do."""

import importlib.util
import subprocess
import sys

import pytest

from appliance.errors import ModelError, run_tool


def test_a_tool_says_an_appliance_error_with_what_to_do_and_exits_2(capsys):
    def fails():
        raise ModelError("the model file m.tflite does not exist", hint="pass --model PATH.tflite")

    assert run_tool(fails) == 2
    said = capsys.readouterr().err
    assert said == "error: the model file m.tflite does not exist\n  what to do: pass --model PATH.tflite\n"


def test_a_tool_says_which_path_it_could_not_use(tmp_path, capsys):
    missing = tmp_path / "no" / "figure.png"
    assert run_tool(lambda: missing.write_bytes(b"")) == 2
    assert capsys.readouterr().err == f"error: {missing}: No such file or directory\n"


def test_a_tool_that_succeeds_returns_its_own_status():
    assert run_tool(lambda: None) == 0 and run_tool(lambda: 3) == 3


@pytest.mark.parametrize("tool", ["appliance.vision.reading_fit", "appliance.vision.calibrate_framing"])
def test_each_fitting_tool_without_the_data_set_names_it_instead_of_a_traceback(tool, tmp_path, capsys, monkeypatch):
    import importlib

    missing = str(tmp_path / "ferplus48.npz")
    monkeypatch.setattr("sys.argv", [tool, "--data", missing])
    assert run_tool(importlib.import_module(tool).main) == 2
    said = capsys.readouterr().err
    assert said.startswith(f"error: the FER+ data set is not at {missing}") and "Traceback" not in said


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="training needs the train extra")
def test_training_without_the_data_set_names_it_instead_of_a_traceback(tmp_path):
    # In a process of its own: TensorFlow must never share a process with the tests' Kivy windows.
    missing = tmp_path / "ferplus48.npz"
    command = [sys.executable, "-m", "appliance.training", "--out", str(tmp_path), "--data", str(missing)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2
    assert f"error: the FER+ data set is not at {missing}" in result.stderr and "Traceback" not in result.stderr
