import json
import logging
import os
import threading
import time

import pytest

from appliance.atomic import BackgroundWriter, read_table, write_text


def test_a_file_is_replaced_whole_and_no_temporary_is_left(tmp_path):
    path = tmp_path / "new" / "choices.json"  # its folder is made
    write_text(path, '{"a": 1}', prefix=".choices-")
    write_text(path, '{"a": 2}', prefix=".choices-")
    assert json.loads(path.read_text()) == {"a": 2}
    assert [p.name for p in path.parent.iterdir()] == ["choices.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "choices.json"
    path.write_text('{"a": 1}')

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("appliance.atomic.os.fsync", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_text(path, '{"a": 2}', prefix=".choices-")
    assert path.read_text() == '{"a": 1}' and [p.name for p in tmp_path.iterdir()] == ["choices.json"]


def test_the_temporary_is_private_to_the_mirror(tmp_path, monkeypatch):
    modes = []
    real_replace = os.replace
    monkeypatch.setattr(
        "appliance.atomic.os.replace", lambda s, t: modes.append(os.stat(s).st_mode & 0o777) or real_replace(s, t)
    )
    write_text(tmp_path / "choices.json", "{}", prefix=".choices-")
    assert modes == [0o600]


@pytest.mark.parametrize("content", ['{"a": ', "[1, 2]", b"\xff\xfe"])
def test_an_unreadable_or_wrong_table_reads_as_empty_and_says_so(tmp_path, caplog, content):
    path = tmp_path / "choices.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with caplog.at_level(logging.WARNING, logger="appliance.atomic"):
        assert read_table(path, what="the saved choices") == {}
    assert f"ignoring the saved choices in {path}" in caplog.text


def test_a_missing_table_reads_as_empty_quietly(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="appliance.atomic"):
        assert read_table(tmp_path / "none.json", what="x") == {}
    assert caplog.text == ""
    (tmp_path / "ok.json").write_text('{"b": [1]}')
    assert read_table(tmp_path / "ok.json", what="x") == {"b": [1]}


def test_saving_never_waits_for_a_write_under_way_and_the_last_text_wins(tmp_path, monkeypatch):
    from appliance import atomic

    started, release = threading.Event(), threading.Event()
    real_write = atomic.write_text

    def slow_write(path, text, *, prefix):
        started.set()
        release.wait(5)  # a slow SD card's fsync
        real_write(path, text, prefix=prefix)

    monkeypatch.setattr(atomic, "write_text", slow_write)
    writer = BackgroundWriter(prefix=".x-", thread_name="x", failure="could not write %s: %s")
    path = tmp_path / "x.json"
    writer.save(path, "1")
    assert started.wait(5)
    began = time.monotonic()
    writer.save(path, "2")  # the first write holds the disk: this must not wait for it
    writer.save(path, "3")
    assert time.monotonic() - began < 0.5
    release.set()
    writer.wait()
    assert path.read_text() == "3"


def test_a_failed_background_write_is_logged_and_the_next_one_tries_again(tmp_path, caplog):
    blocked = tmp_path / "file"
    blocked.write_text("")
    writer = BackgroundWriter(prefix=".x-", thread_name="x", failure="could not write %s: %s")
    with caplog.at_level(logging.ERROR, logger="appliance.atomic"):
        writer.save(blocked / "x.json", "1")
        writer.wait()
    assert "could not write" in caplog.text
    writer.save(tmp_path / "x.json", "2")
    writer.wait()
    assert (tmp_path / "x.json").read_text() == "2"
