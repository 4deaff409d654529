"""The embedded demo source: a real face on a fresh clone with no camera."""

from __future__ import annotations

from pathlib import Path

from appliance.camera.video import VideoFileSource

DEMO_CLIP = Path(__file__).resolve().parent / "demo" / "short_hamilton_clip.mp4"


def demo_source(*, realtime: bool = True, loop: bool = True) -> VideoFileSource:
    """The demo clip (public-domain White House footage, see demo/README.md), looping at 29.97 fps."""
    source = VideoFileSource(DEMO_CLIP, loop=loop, realtime=realtime, with_rgb=True)
    source.name = "demo"
    return source
