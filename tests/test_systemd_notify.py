"""sd_notify messages arrive on a datagram socket of the test's own, as systemd would receive them."""

import os
import socket

import pytest

from appliance.systemd_notify import SystemdNotifier


@pytest.fixture
def listener(tmp_path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = str(tmp_path / "notify")
    sock.bind(path)
    sock.settimeout(2)
    yield path, sock
    sock.close()


def test_ready_watchdog_status_and_stopping_reach_the_socket(listener):
    path, sock = listener
    notifier = SystemdNotifier(path, watchdog_usec=20_000_000)
    assert notifier.ready("showing the mirror")
    assert sock.recv(4096) == b"READY=1\nSTATUS=showing the mirror"
    assert notifier.watchdog()
    assert sock.recv(4096) == b"WATCHDOG=1"
    assert notifier.status("No camera picture:\nthe cable")  # one line per field
    assert sock.recv(4096) == b"STATUS=No camera picture: the cable"
    assert notifier.stopping()
    assert sock.recv(4096) == b"STOPPING=1"
    assert notifier.watchdog_interval == 10.0
    notifier.close()


def test_an_abstract_socket_name_starting_with_at_works():
    name = f"appliance-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    sock.settimeout(2)
    try:
        notifier = SystemdNotifier.from_environment({"NOTIFY_SOCKET": "@" + name})
        assert notifier.ready()
        assert sock.recv(4096) == b"READY=1"
    finally:
        sock.close()


def test_without_notify_socket_everything_is_a_quiet_no_op():
    notifier = SystemdNotifier.from_environment({"WATCHDOG_USEC": "20000000"})
    assert not notifier.enabled and notifier.watchdog_interval == 0
    assert not notifier.ready() and not notifier.watchdog()


def test_the_watchdog_is_ours_only_when_watchdog_pid_is_this_process(listener):
    path, _ = listener
    mine = {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "8000000", "WATCHDOG_PID": str(os.getpid())}
    assert SystemdNotifier.from_environment(mine).watchdog_interval == 4.0
    other = {**mine, "WATCHDOG_PID": "1"}
    assert SystemdNotifier.from_environment(other).watchdog_interval == 0


def test_a_socket_that_is_gone_is_logged_once_and_never_raises(tmp_path, caplog):
    notifier = SystemdNotifier(str(tmp_path / "nobody-listens"))
    assert not notifier.watchdog() and not notifier.watchdog()
    assert caplog.text.count("could not notify systemd") == 1


def test_the_test_freeze_is_off_unless_its_variable_names_a_file():
    from appliance.systemd_notify import TestFreeze

    assert TestFreeze.from_environment({}) is None
    assert TestFreeze.from_environment({"APPLIANCE_TEST_FREEZE_FILE": ""}) is None


def test_the_test_freeze_hangs_once_its_file_appears_and_removes_it(tmp_path):
    from appliance.systemd_notify import TestFreeze

    hung = []
    trigger = tmp_path / "freeze"
    freeze = TestFreeze.from_environment({"APPLIANCE_TEST_FREEZE_FILE": str(trigger)})
    freeze._hang = lambda: hung.append(True)
    freeze.check(1.0)
    assert hung == []  # no file: the loop goes on
    trigger.touch()
    freeze.check(1.0)
    assert hung == [True] and not trigger.exists()
