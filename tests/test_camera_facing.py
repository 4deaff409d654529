"""The camera's angle chosen on the mirror survives a restart, until config.toml is changed for the same key."""

import json
import logging
import os
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

from appliance.camera_facing import CameraFacing, default_path
from appliance.config import parse_config
from appliance.paths import data_dir


def camera(**facing):
    return parse_config({"camera": facing}).camera


def test_a_chosen_facing_survives_a_restart(tmp_path):
    path = tmp_path / "camera.json"
    facing = CameraFacing(camera(), path)
    assert facing.facing == (0.0, 0.0)
    assert facing.choose(3.0, -17.0) == (3.0, -17.0) and facing.facing == (3.0, -17.0)
    facing.wait()
    assert CameraFacing(camera(), path).facing == (3.0, -17.0)
    assert json.loads(path.read_text())["facing_pitch_deg"] == {"value": -17.0, "config": 0.0}


def test_a_sum_of_angles_is_kept_to_a_hundredth_of_a_degree(tmp_path):
    # 20 + -16.46 is 3.5399999999999991 in floating point: the file says 3.54
    path = tmp_path / "camera.json"
    facing = CameraFacing(camera(facing_pitch_deg=20.0), path)
    assert facing.choose(-1.93, 20.0 + -16.46) == (-1.93, 3.54)
    facing.wait()
    assert '"value": 3.54' in path.read_text()


def test_a_choice_with_one_bad_angle_keeps_neither(tmp_path):
    facing = CameraFacing(camera(), tmp_path / "camera.json")
    facing.choose(-20.0, 10.0)
    with pytest.raises(ValueError, match="not an angle"):
        facing.choose(5.0, float("nan"))
    assert facing.facing == (-20.0, 10.0)  # the yaw was not kept alone


def test_without_a_choice_config_toml_says_it():
    assert CameraFacing(camera(facing_yaw_deg=4, facing_pitch_deg=-12)).facing == (4.0, -12.0)


def test_it_belongs_to_the_device_in_the_data_directory():
    assert default_path() == data_dir() / "camera.json"
    facing = CameraFacing(camera())
    facing.choose(0.0, -17.0)
    facing.wait()
    assert CameraFacing(camera()).facing == (0.0, -17.0)


def test_editing_config_toml_for_a_key_after_a_choice_makes_the_file_win(tmp_path):
    path = tmp_path / "camera.json"
    facing = CameraFacing(camera(facing_yaw_deg=2), path)
    facing.choose(5.0, -17.0)
    facing.wait()
    edited = camera(facing_yaw_deg=-6)  # the user edited the yaw in the file since
    assert CameraFacing(edited, path).facing == (-6.0, -17.0)  # the untouched pitch keeps its choice


def test_a_total_beyond_the_range_is_clamped_and_logged(tmp_path, caplog):
    facing = CameraFacing(camera(), tmp_path / "camera.json")
    with caplog.at_level(logging.WARNING):
        assert facing.choose(-50.5, 44.0) == (-45.0, 44.0)
    assert "facing_yaw_deg of -50.5 degrees is beyond -45 to 45" in caplog.text and "pitch" not in caplog.text
    facing.wait()
    assert CameraFacing(camera(), tmp_path / "camera.json").facing == (-45.0, 44.0)
    for wrong in (float("nan"), "down", True):
        with pytest.raises(ValueError):
            facing.choose(0.0, wrong)


@pytest.mark.parametrize(
    "damage",
    [
        "{not json",
        b"\xff\xfe",
        "[1, 2]",
        json.dumps({"facing_pitch_deg": {"value": 80.0, "config": 0.0}, "facing_yaw_deg": "left"}),
    ],
)
def test_a_damaged_file_is_logged_ignored_and_replaced_by_the_next_choice(tmp_path, caplog, damage):
    path = tmp_path / "camera.json"
    path.write_bytes(damage if isinstance(damage, bytes) else damage.encode())
    with caplog.at_level(logging.WARNING):
        facing = CameraFacing(camera(facing_pitch_deg=-10), path)
    assert facing.facing == (0.0, -10.0) and "ignoring the camera's saved" in caplog.text
    facing.choose(1.0, -17.0)
    facing.wait()
    assert json.loads(path.read_text())["facing_yaw_deg"] == {"value": 1.0, "config": 0.0}
    assert [p.name for p in tmp_path.iterdir()] == ["camera.json"]  # written atomically: no temporary file left


def recorded_renames(monkeypatch) -> list:
    """Each rename of a written temporary onto its file: (source name, target name, thread name)."""
    renamed = []
    real_replace = os.replace

    def replace(source, target):
        renamed.append((Path(source).name, Path(target).name, threading.current_thread().name))
        real_replace(source, target)

    monkeypatch.setattr("appliance.atomic.os.replace", replace)
    return renamed


def test_writes_happen_off_the_calling_thread_and_go_through_a_renamed_temporary(tmp_path, monkeypatch):
    renamed = recorded_renames(monkeypatch)
    facing = CameraFacing(camera(), tmp_path / "camera.json")
    facing.choose(0.0, -17.0)
    facing.wait()
    ((source, target, thread),) = renamed
    assert source.startswith(".camera-") and target == "camera.json" and thread == "camera-facing"


def test_a_folder_that_cannot_be_written_keeps_the_choice_until_restart(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("")
    facing = CameraFacing(camera(), blocked / "camera.json")
    with caplog.at_level(logging.ERROR):
        facing.choose(0.0, -17.0)
        facing.wait()
    assert facing.facing == (0.0, -17.0) and "could not keep the camera's angle" in caplog.text


def test_forgetting_brings_config_toml_back_and_a_restart_reads_it(tmp_path):
    path = tmp_path / "camera.json"
    facing = CameraFacing(camera(facing_yaw_deg=4, facing_pitch_deg=-12), path)
    assert not facing.is_chosen
    facing.choose(3.0, -17.0)
    facing.wait()
    assert facing.is_chosen and facing.facing == (3.0, -17.0)
    assert facing.forget() == (4.0, -12.0) and facing.facing == (4.0, -12.0) and not facing.is_chosen
    facing.wait()
    assert json.loads(path.read_text()) == {}
    assert [p.name for p in tmp_path.iterdir()] == ["camera.json"]  # no temporary file left
    again = CameraFacing(camera(facing_yaw_deg=4, facing_pitch_deg=-12), path)
    assert again.facing == (4.0, -12.0) and not again.is_chosen


def test_a_choice_after_a_forget_is_kept_again(tmp_path):
    path = tmp_path / "camera.json"
    facing = CameraFacing(camera(), path)
    facing.choose(3.0, -17.0)
    facing.forget()
    assert facing.choose(-2.0, 8.0) == (-2.0, 8.0) and facing.is_chosen
    facing.wait()
    assert CameraFacing(camera(), path).facing == (-2.0, 8.0)


def test_a_forget_is_written_off_the_calling_thread_through_a_renamed_temporary(tmp_path, monkeypatch):
    facing = CameraFacing(camera(), tmp_path / "camera.json")
    facing.choose(0.0, -17.0)
    facing.wait()
    renamed = recorded_renames(monkeypatch)
    facing.forget()
    facing.wait()
    ((source, target, thread),) = renamed
    assert source.startswith(".camera-") and target == "camera.json" and thread == "camera-facing"
    assert json.loads((tmp_path / "camera.json").read_text()) == {}


def test_wait_waits_for_every_write_not_only_the_last_one(tmp_path, monkeypatch):
    """A choice and a forget in quick succession: closing the mirror must not leave a write half done."""
    release = threading.Event()
    writers = []
    real_thread = threading.Thread

    class SlowFirstThread(real_thread):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self.slow = not writers  # the choice's writer gets to the file after the forget's
            writers.append(self)

        def run(self) -> None:
            if self.slow:
                release.wait(5)
            super().run()

    only_here = SimpleNamespace(Thread=SlowFirstThread, Lock=threading.Lock)  # not every thread in the process
    monkeypatch.setattr("appliance.atomic.threading", only_here)
    facing = CameraFacing(camera(), tmp_path / "camera.json")
    facing.choose(0.0, -17.0)
    facing.forget()
    threading.Timer(0.3, release.set).start()
    facing.wait()
    first, _forget = writers
    assert not first.is_alive()
    assert json.loads((tmp_path / "camera.json").read_text()) == {}
    assert [p.name for p in tmp_path.iterdir()] == ["camera.json"]
