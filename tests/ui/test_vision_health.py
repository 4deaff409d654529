"""VisionLink.is_healthy: the watchdog's question, 'does vision deliver frames or say why not?'."""

import time
from types import SimpleNamespace

from appliance.camera.picamera import CameraBroken, CameraWedged
from appliance.config import Config
from appliance.ui.vision_link import HEARTBEAT_LIMIT_S, VisionLink


def link_with(**worker_state) -> VisionLink:
    link = VisionLink(Config(source="demo"))
    state = {"heartbeat": time.monotonic(), "source_failure": None, "stalls_in_a_row": 0}
    link.worker = SimpleNamespace(**{**state, **worker_state})
    return link


def test_a_running_worker_is_healthy_and_a_silent_one_is_not():
    assert link_with().is_healthy()
    assert not link_with(heartbeat=time.monotonic() - HEARTBEAT_LIMIT_S - 1).is_healthy()


def test_a_reported_failure_is_healthy_unless_only_a_new_process_can_fix_it():
    assert link_with(source_failure=CameraBroken("numpy does not match")).is_healthy()  # a restart loop would not help
    assert not link_with(source_failure=CameraWedged("did not stop")).is_healthy()


def test_repeated_hung_reads_ask_for_a_new_process():
    assert link_with(stalls_in_a_row=1).is_healthy()
    assert not link_with(stalls_in_a_row=2).is_healthy()


def test_before_vision_starts_it_is_healthy():
    assert VisionLink(Config(source="demo")).is_healthy()
