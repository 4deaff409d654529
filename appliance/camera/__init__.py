"""Frame sources: the Pi camera, a webcam, a video file, a folder of images, the embedded demo.

from appliance.camera import open_source
with open_source("demo") as source:
    frame = source.read()   # Frame(gray HxW uint8, timestamp, rgb or None, index)
"""

from appliance.camera.base import Backoff, EndOfStream, Frame, FrameSource
from appliance.camera.factory import SOURCES_HELP, open_source

__all__ = ["Backoff", "EndOfStream", "Frame", "FrameSource", "SOURCES_HELP", "open_source"]
