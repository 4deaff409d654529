"""One frame in, one Observation out: detect -> follow -> align -> classify -> read -> smooth."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from appliance.camera.base import Frame
from appliance.errors import FrameError
from appliance.messages import Observation
from appliance.vision.align import align_face
from appliance.vision.classifier import DEFAULT_MODEL, EXPRESSIONS, ExpressionClassifier
from appliance.vision.faces import DEFAULT_DETECTOR, FaceDetector
from appliance.vision.reading import fused
from appliance.vision.smoothing import TIME_CONSTANT, ProbabilitySmoother
from appliance.vision.tracking import FaceTracker

STAGES = ("detect", "align", "classify", "total")


def check_frame(frame) -> np.ndarray:
    """The frame's grey pixels, or FrameError saying what is wrong with it."""
    if not isinstance(frame, Frame):
        raise FrameError(f"expected a Frame, got {type(frame).__name__}")
    gray = frame.gray
    if not isinstance(gray, np.ndarray) or gray.dtype != np.uint8 or gray.ndim != 2 or min(gray.shape) < 16:
        got = f"{gray.dtype} {gray.shape}" if isinstance(gray, np.ndarray) else type(gray).__name__
        raise FrameError(f"a frame's grey image must be HxW uint8 of at least 16x16, got {got}")
    return gray


class VisionPipeline:
    """The vision path for one thread; interpreters are built once, here.

    The detector reads the frame's colour pixels when the source gives them at the grey
    image's size (BlazeFace was trained on colour: on the demo clip it finds the face in 80% of
    frames from colour, 53% from grey), else the grey image.  The classifier always reads grey.
    ``grey_only`` makes the detector ignore colour.
    """

    def __init__(
        self,
        *,
        model_path: Path | str = DEFAULT_MODEL,
        detector_path: Path | str = DEFAULT_DETECTOR,
        num_threads: int = 1,
        time_constant: float = TIME_CONSTANT,
        grey_only: bool = False,
    ) -> None:
        self.num_threads, self.grey_only = num_threads, grey_only
        self.detector = FaceDetector(detector_path, num_threads=num_threads)
        self.classifier = ExpressionClassifier(model_path, num_threads=num_threads)
        self.tracker = FaceTracker()
        self.smoother = ProbabilitySmoother(time_constant=time_constant)
        self.last_faces: list = []  # every face found in the last frame, followed or not

    def observe(self, frame: Frame) -> Observation:
        """Read one frame; raises FrameError for a frame of the wrong shape or type."""
        gray = check_frame(frame)
        height, width = gray.shape
        start = time.perf_counter()
        rgb = frame.rgb
        use_rgb = (
            not self.grey_only and isinstance(rgb, np.ndarray) and rgb.dtype == np.uint8 and rgb.shape[:2] == gray.shape
        )
        faces = self.last_faces = self.detector.detect(rgb if use_rgb else gray)
        face = self.tracker.update(faces, (width, height))
        detected = time.perf_counter()
        latency = {"detect": (detected - start) * 1000}
        if face is None:
            self.smoother.reset()
            latency["total"] = latency["detect"]
            return Observation(timestamp=frame.timestamp, latency_ms=latency, frame_size=(width, height))
        if self.tracker.changed:
            self.smoother.reset()
        crop = align_face(gray, face)
        aligned = time.perf_counter()
        raw = self.classifier.probability_vector(crop)
        reading = fused(raw, None)  # the appearance judged on its own evidence, with the face's geometry
        smoothed = self.smoother.update(reading, frame.timestamp)
        done = time.perf_counter()
        latency.update(align=(aligned - detected) * 1000, classify=(done - aligned) * 1000, total=(done - start) * 1000)
        return Observation(
            timestamp=frame.timestamp,
            face_box=face.int_box(),
            score=face.score,
            probabilities=dict(zip(EXPRESSIONS, reading.tolist(), strict=True)),
            smoothed=dict(zip(EXPRESSIONS, smoothed.tolist(), strict=True)),
            appearance=dict(zip(EXPRESSIONS, raw.tolist(), strict=True)),
            latency_ms=latency,
            frame_size=(width, height),
        )

    def reset(self) -> None:
        """Forget the followed face and its history (a new session, a restarted source)."""
        self.tracker.reset()
        self.smoother.reset()
