"""Best takes on disk: private files, at most N per look (the oldest go), deleted all at once, written on a thread."""

from __future__ import annotations

import os
import stat
import threading
from datetime import datetime, timedelta

import numpy as np
import pytest
from PIL import Image

from appliance.takes import TakeStore, TakeWriter, default_root, thumbnail


def picture(value: int, size=(40, 30)) -> np.ndarray:
    rgb = np.zeros((size[1], size[0], 3), np.uint8)
    rgb[..., 1] = value
    return rgb


def test_a_take_is_a_private_jpeg_of_the_frame(tmp_path):
    old = os.umask(0o000)  # even a permissive umask gives nobody else a look
    try:
        path = TakeStore(tmp_path / "takes").write("genuine_smile", picture(200), datetime(2026, 11, 29, 7, 30))
    finally:
        os.umask(old)
    assert path.parent == tmp_path / "takes" / "genuine_smile"
    assert path.name == "20261129-073000-000000.jpg"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "takes").stat().st_mode) == 0o700
    with Image.open(path) as image:
        assert image.format == "JPEG" and image.size == (40, 30)
        assert abs(np.asarray(image)[..., 1].mean() - 200) < 3
    assert not list(path.parent.glob(".*"))  # no temporary file left


def test_an_existing_folder_is_made_private(tmp_path):
    (tmp_path / "takes").mkdir(mode=0o755)
    TakeStore(tmp_path / "takes").write("serious_look", picture(1))
    assert stat.S_IMODE((tmp_path / "takes").stat().st_mode) == 0o700


def test_never_more_than_max_per_look_the_oldest_dropped(tmp_path):
    store = TakeStore(tmp_path, max_per_look=3)
    start = datetime(2026, 11, 29, 7, 0)
    for n in range(5):
        store.write("genuine_smile", picture(n * 50), start + timedelta(minutes=n))
    store.write("serious_look", picture(9), start)
    kept = store.takes("genuine_smile")
    assert [path.name[9:13] for path in kept] == ["0702", "0703", "0704"]  # the two oldest went
    assert len(store.takes("serious_look")) == 1 and store.count() == 4


def test_delete_all_removes_every_take(tmp_path):
    store = TakeStore(tmp_path / "takes")
    store.write("genuine_smile", picture(1))
    store.write("kindly_confident", picture(2))
    assert store.delete_all() == 2
    assert not (tmp_path / "takes").exists() and store.count() == 0
    assert store.delete_all() == 0  # nothing there: nothing to do


def test_a_look_id_cannot_reach_outside_the_folder(tmp_path):
    with pytest.raises(ValueError):
        TakeStore(tmp_path / "takes").write("../escape", picture(1))
    assert not list(tmp_path.rglob("*.jpg"))


def test_the_default_folder_is_in_the_data_directory(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_root() == tmp_path / "appliance" / "takes"


def test_the_thumbnail_is_small_and_contiguous():
    small = thumbnail(np.zeros((1440, 1920, 3), np.uint8)[:, :, ::-1])
    assert max(small.shape[:2]) <= 480 and small.flags.c_contiguous and small.shape[2] == 3


def test_the_writer_works_on_its_own_thread_and_counts(tmp_path):
    seen = []
    writer = TakeWriter(TakeStore(tmp_path, max_per_look=2))
    writer.when_saved = lambda take: seen.append((take.look, threading.current_thread().name, take.thumbnail.shape))
    for n in range(3):
        writer.save("genuine_smile", picture(n))
    assert writer.wait()
    assert writer.count == 2
    assert seen[0][:2] == ("genuine_smile", "best-takes") and seen[0][2] == (30, 40, 3)
    deleted = []
    writer.when_deleted = deleted.append
    writer.delete_all()
    assert writer.wait() and deleted == [2] and writer.count == 0
    writer.close()


def test_a_take_that_cannot_be_written_is_said_and_the_writer_goes_on(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    failures = []
    writer = TakeWriter(TakeStore(blocked / "takes"), when_failed=failures.append)
    writer.save("genuine_smile", picture(1))
    assert writer.wait()
    assert failures == ["The data folder is missing: the best take was not kept"]  # a file where its folder goes
    writer.store.root = tmp_path / "takes"
    writer.save("genuine_smile", picture(1))
    assert writer.wait() and writer.count == 1
    writer.close()
