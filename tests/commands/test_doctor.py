"""``doctor`` and ``config check`` on the command line: output, JSON and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from appliance import cli
from appliance.doctor import Check

PROJECT = Path(__file__).resolve().parents[2]


def test_config_check_says_ok(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text('source = "demo"\n[presence]\npower = "cec"\n')
    assert cli.main(["config", "check", str(path)]) == 0
    assert capsys.readouterr().out == f"ok: {path}\n"


def test_config_check_names_key_value_and_what_is_allowed(tmp_path, capsys):
    path = tmp_path / "config.toml"
    path.write_text('[presence]\npower = "hdmi"\n')
    assert cli.main(["config", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "presence.power = 'hdmi'" in err and '"cec"' in err and str(path) in err


@pytest.mark.parametrize(
    "coach",
    ['calibration_s = -1', 'hold_s = "abc"', 'difficulty = "insane"', 'hold_seconds = 3', 'forced_break = "nope"',
     'morning_routine = ["drill:nope"]'],
)  # fmt: skip
def test_config_check_refuses_a_coach_setting_in_the_words_run_logs_as_it_starts_without_it(tmp_path, capsys, coach):
    from appliance.config import load_config_for_mirror

    path = tmp_path / "config.toml"
    path.write_text(f"[coach]\n{coach}\n")
    assert cli.main(["config", "check", str(path)]) == 2
    checked = capsys.readouterr().err
    _, left_out = load_config_for_mirror(path)  # what run starts without; it logs each one's describe()
    assert [f"error: {problem.describe()}\n" for problem in left_out] == [checked]
    assert "coach setting" in checked and str(path) in checked


def test_config_check_names_every_bad_value_in_one_run(tmp_path, capsys):
    """Three mistakes took three runs (the mirror's log named all three)."""
    path = tmp_path / "config.toml"
    path.write_text('fullscreen = "maybe"\n[camera]\nfps = 900\n[sound]\nvolume = 300\n')
    assert cli.main(["config", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "fullscreen = 'maybe'" in err and "camera.fps = 900" in err and "volume=300" in err
    assert "3 settings" in err


def test_config_check_without_a_file_uses_the_defaults(capsys):
    assert cli.main(["config", "check"]) == 0
    assert "the defaults apply" in capsys.readouterr().out


def test_doctor_exit_status_and_json(monkeypatch, capsys):
    import appliance.doctor.checks as checks
    from appliance.config import Config

    results = [Check("camera", True, "fine"), Check("clock", True, "2026")]
    monkeypatch.setattr(checks, "run_checks", lambda path, model=None: (results, Config()))
    assert cli.main(["doctor", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [r.as_dict() for r in results]
    results.append(Check("gpio", False, "no GPIO"))
    assert cli.main(["doctor"]) == 1
    assert "FAIL  gpio          no GPIO" in capsys.readouterr().out


def test_doctor_on_this_machine_reports_every_check_as_json(tmp_path):
    blocker = tmp_path / "afile"  # the data directory cannot be made: the mirror keeps no practice
    blocker.write_text("")
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "XDG_DATA_HOME": str(blocker)}
    done = subprocess.run(
        [sys.executable, "-m", "appliance", "doctor", "--json"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    checks = json.loads(done.stdout)
    names = [check["name"] for check in checks]
    assert names == ["camera", "models", "display", "display power", "gpio", "config", "storage", "clock"]
    assert all(set(check) == {"name", "ok", "detail"} and check["detail"] for check in checks)
    storage = checks[names.index("storage")]
    assert not storage["ok"] and f"{blocker} is a file, not a folder" in storage["detail"]
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
