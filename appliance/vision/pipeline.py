"""One frame in, one Observation out: detect or track -> landmarks -> align -> classify -> read ->
smooth, and from the landmarks the head pose and the named features; the reading reads the
expression model's probabilities with the face's geometry (``reading.read``).

MediaPipe face-mesh style: BlazeFace finds the face once; then each frame's landmarks give the
next frame's region of interest, and the detector runs again only when the landmark model says
the face is gone (presence below MIN_PRESENCE) or the points leave the frame; it looks at once,
in that frame.  While no face can be followed, it looks every SEARCH_PERIOD seconds after finding
a face the mesh cannot read (someone turned away, likely to turn back) or while the FaceTracker
still waits for a person it missed (its patience is then counted in these runs, about a second),
every IDLE_SEARCH_PERIOD after finding nobody; its finding is held in between.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from appliance.camera.base import Frame
from appliance.errors import FrameError
from appliance.messages import Observation
from appliance.vision.align import align_face
from appliance.vision.classifier import DEFAULT_MODEL, EXPRESSIONS, ExpressionClassifier, MirrorAlternation
from appliance.vision.examples import PersonalExamples, departure, personal_reading, reading_identity
from appliance.vision.faces import DEFAULT_DETECTOR, Face, FaceDetector
from appliance.vision.features import features_from, is_geometry, measure
from appliance.vision.landmarks import DEFAULT_LANDMARK_MODEL, MAX_OUTSIDE, MIN_PRESENCE, FaceMesh, Mesh, Roi
from appliance.vision.reading import RestingFace, head, resting_face
from appliance.vision.smoothing import TIME_CONSTANT, GeometrySmoother, ProbabilitySmoother
from appliance.vision.tracking import FaceTracker

SEARCH_PERIOD = 0.25
"""Seconds to the next detector run after one that found a face the landmarks cannot follow (a
face turned too far for the mesh): the person is there and may turn back within the smoothing's
own time constant.  When tracking is lost the detector looks at once, in the same frame."""

IDLE_SEARCH_PERIOD = 0.5
"""Seconds to the next detector run after one that found nobody: someone stepping up to the
mirror is found within half a second (they take longer than that to settle in front of it), and
an empty mirror costs a detection twice a second, not 30 times."""

LIVE_SAMPLING = "box"
"""How the live mirror's crops are taken (preprocess.SAMPLINGS), for the landmarks and for the
expression model alike.  Stills keep bilinear.  Measured against bilinear: the mesh's crop takes
half the time, its points within a tenth of an input pixel (landmarks.crop_roi); the expression
crop takes a third of the time (0.20 against 0.64 ms on the demo clip's faces), and moves the
model's reading less than shifting the crop by half a pixel does (largest change in a
probability, median over the demo clip's 197 faces: 0.019 against 0.032; the top label unchanged
on 187 against 184; on the fixture photos at five sizes, 50 of 50 against 49 of 50)."""

STAGES = ("detect", "landmarks", "align", "classify", "features", "total", "models")
"""Latency keys; "detect" only on frames where the detector ran, the others on frames with a face;
"models" is the part of "total" the models' own runs took (bench tells them from our own work)."""


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

    The detector and the landmark model read the frame's colour pixels when the source gives
    them at the grey image's size (BlazeFace was trained on colour: on the demo clip it finds
    the face in 80% of frames from colour, 53% from grey), else the grey image.  The classifier
    always reads grey.  ``grey_only`` makes them ignore colour.  ``landmarks=False`` runs the
    detector on every frame and reads no landmarks (the pipeline before the face mesh).
    ``facing`` is the (yaw, pitch) the camera sees of a head facing the mirror: ``Observation.pose``
    is relative to the mirror (``facing_mirror``), so a camera above or beside it works too.

    ``counters`` count frames, detector runs, frames followed by the landmarks alone and times
    the face was lost.  :meth:`set_neutral` and :meth:`set_facing` may be called from any thread.
    """

    def __init__(
        self,
        *,
        model_path: Path | str = DEFAULT_MODEL,
        detector_path: Path | str = DEFAULT_DETECTOR,
        landmark_path: Path | str = DEFAULT_LANDMARK_MODEL,
        num_threads: int = 1,
        time_constant: float = TIME_CONSTANT,
        grey_only: bool = False,
        landmarks: bool = True,
        facing: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        self.num_threads, self.grey_only = num_threads, grey_only
        self.facing = (0.0, 0.0)  # the (yaw, pitch) of a head facing the mirror: set_facing
        self.set_facing(*facing)
        # The expression model first: it is the one a user points to, so a bad path is said at once.
        self.classifier = ExpressionClassifier(model_path, num_threads=num_threads)
        self.reader = MirrorAlternation(self.classifier)  # one pass of the expression model a frame
        self.detector = FaceDetector(detector_path, num_threads=num_threads)
        self.mesh = FaceMesh(landmark_path, num_threads=num_threads) if landmarks else None
        self.tracker = FaceTracker()
        self.smoother = ProbabilitySmoother(time_constant=time_constant)
        self.geometry_smoother = GeometrySmoother()
        self.last_faces: list = []  # every face the detector found in its last run, or the followed one
        self.counters = dict.fromkeys(("frames", "detector_runs", "tracked", "lost"), 0)
        self._roi: Roi | None = None  # where the landmarks say the face will be next: tracking
        self._search: tuple[float, Face | None] | None = None  # last detector run while not tracking: time, face
        # (geometry, kind, the resting face the reading is relative to or None), swapped whole
        self._neutral: tuple[Mapping[str, float] | None, str, RestingFace | None] = (None, "population", None)
        self._neutral_lock = threading.Lock()
        self._examples: PersonalExamples | None = None  # the person's own, read against their resting face

    @property
    def is_tracking(self) -> bool:
        """Whether the next frame's face comes from the landmarks rather than the detector."""
        return self._roi is not None

    def set_neutral(
        self, geometry: Mapping[str, float] | None, *, kind: str = "personal", appearance: Mapping | None = None
    ) -> None:
        """Measure features from this neutral face from the next frame on (None: the population's).

        ``geometry`` is a geometry dict (a median of ``Observation.geometry`` over calm frames);
        ``appearance``, optional, the expression model's reading of that face by label (a median
        of ``Observation.appearance`` over the same frames).  A personal neutral makes the
        reading relative to that resting face (``reading.RestingFace``).
        Safe from any thread: the pair is swapped whole.
        """
        if geometry is not None and not is_geometry(geometry):
            raise ValueError("a neutral face must be a geometry dict with every key of features.GEOMETRY")
        resting = None
        if geometry is not None:
            look = None
            if appearance:
                look = np.array([float(appearance.get(label, 0.0)) for label in EXPRESSIONS])
            try:
                resting = resting_face(look, geometry if kind == "personal" else None)
            except ValueError:
                raise ValueError("a neutral face's appearance must be probabilities by expression") from None
        pair = (None, "population", None) if geometry is None else (dict(geometry), kind, resting)
        with self._neutral_lock:
            self._neutral = pair

    def set_examples(self, examples: PersonalExamples | None) -> None:
        """Read a calibrated face with these examples of the person's own expressions from the next frame
        on (None: without).  Examples from another reading of the face are refused (ValueError).  Safe
        from any thread: the reference is swapped whole, and a frame reads it once."""
        if examples and examples.identity != reading_identity(head()):
            raise ValueError(f"these examples were read by reading {examples.identity}, not by this one")
        self._examples = examples or None

    def set_facing(self, yaw: float, pitch: float) -> None:
        """Read head poses against this (yaw, pitch) from the next frame on (the camera moved, or
        the person said on the mirror that they face it).  Safe from any thread: the tuple is
        swapped whole, and a frame reads it once."""
        facing = (float(yaw), float(pitch))
        if not all(math.isfinite(angle) for angle in facing):
            raise ValueError(f"the camera's facing must be finite degrees, got {facing}")
        self.facing = facing

    def observe(self, frame: Frame) -> Observation:
        """Read one frame; raises FrameError for a frame of the wrong shape or type."""
        gray = check_frame(frame)
        height, width = gray.shape
        start = time.perf_counter()
        rgb = None if self.grey_only else rgb_at_size(frame.rgb, gray.shape)
        use_rgb = rgb is not None
        self.counters["frames"] += 1
        latency: dict[str, float] = {}
        face, mesh = self._locate(rgb if use_rgb else gray, (width, height), latency, frame.timestamp)
        located = time.perf_counter()
        if face is None:
            self._forget_face()
            latency["total"] = (located - start) * 1000
            return Observation(timestamp=frame.timestamp, latency_ms=latency, frame_size=(width, height))
        if self.tracker.changed:
            self._forget_face()
        crop = align_face(gray, face, sampling=LIVE_SAMPLING)
        aligned = time.perf_counter()
        raw = self.reader.probability_vector(crop, frame.timestamp)
        classified = time.perf_counter()
        latency["models"] = latency.get("models", 0.0) + _invoke_ms(self.reader)
        measured = {}
        # The resting face applies with or without landmarks this frame: a frame the mesh cannot
        # follow must not read the same face on another scale.
        neutral, kind, resting = self._neutral
        if mesh is not None:
            geometry, pose = measure(mesh.points)
            pose = facing_mirror(pose, self.facing)
            geometry = self.geometry_smoother.update(geometry, frame.timestamp)
            measured = dict(
                landmarks=mesh.points,
                pose=pose,
                geometry=geometry,
                features=features_from(geometry, neutral),
                neutral=kind,
            )
        reader = head()
        inputs = reader.inputs(raw, measured.get("geometry"), resting)
        logits = reader.logits(inputs, personal=resting is not None)
        # The person's examples are departures from their own rest: only a personal resting face has one.
        examples = self._examples if kind == "personal" and resting is not None else None
        vector = departure(inputs, reader) if examples else None
        reading = personal_reading(logits, vector, examples).astype(np.float32)
        smoothed = self.smoother.update(reading, frame.timestamp)
        done = time.perf_counter()
        latency.update(align=(aligned - located) * 1000, classify=(classified - aligned) * 1000)
        if mesh is not None:
            latency["features"] = (done - classified) * 1000
        latency["total"] = (done - start) * 1000
        return Observation(
            timestamp=frame.timestamp,
            face_box=face.int_box(),
            score=face.score,
            probabilities=dict(zip(EXPRESSIONS, reading.tolist(), strict=True)),
            smoothed=dict(zip(EXPRESSIONS, smoothed.tolist(), strict=True)),
            latency_ms=latency,
            frame_size=(width, height),
            appearance=dict(zip(EXPRESSIONS, raw.tolist(), strict=True)),
            reading_inputs=tuple(inputs.tolist()),
            **measured,
        )

    def _locate(self, image: np.ndarray, frame_size, latency: dict, now: float) -> tuple[Face | None, Mesh | None]:
        """The face to read in this frame and its landmarks (None when they could not be read)."""
        if self.mesh is not None and self._roi is not None:
            began = time.perf_counter()
            mesh = self.mesh.read(image, self._roi, sampling=LIVE_SAMPLING)
            latency["landmarks"] = (time.perf_counter() - began) * 1000
            latency["models"] = _invoke_ms(self.mesh)
            if _holds_face(mesh, frame_size):
                face = mesh.face()
                self.tracker.follow(face)
                self.last_faces = [face]
                self._roi = mesh.next_roi()
                self.counters["tracked"] += 1
                return face, mesh
            self._roi = None  # lost: the detector looks again, in this same frame
            self._search = None
            self.counters["lost"] += 1
        # Someone is there, or was a moment ago (the tracker still waits for them): look again soon.
        someone = self._search is not None and (self._search[1] is not None or self.tracker.is_waiting)
        if (
            self.mesh is not None
            and self._search is not None
            and 0 <= now - self._search[0] < (SEARCH_PERIOD if someone else IDLE_SEARCH_PERIOD)
        ):
            self.tracker.changed = False
            return self._search[1], None  # between searches: what the last one found
        began = time.perf_counter()
        faces = self.last_faces = self.detector.detect(image)
        face = self.tracker.update(faces, frame_size)  # continuity first: a passer-by does not take over
        detected = time.perf_counter()
        latency["detect"] = (detected - began) * 1000
        latency["models"] = latency.get("models", 0.0) + _invoke_ms(self.detector)
        self.counters["detector_runs"] += 1
        if face is None or self.mesh is None:
            self._search = (now, face)
            return face, None
        mesh = self.mesh.read(image, Roi.from_face(face), sampling=LIVE_SAMPLING)
        latency["landmarks"] = latency.get("landmarks", 0.0) + (time.perf_counter() - detected) * 1000
        latency["models"] += _invoke_ms(self.mesh)
        if not _holds_face(mesh, frame_size):
            self._search = (now, face)
            return face, None  # a face the mesh cannot read (turned away): its expression is still read
        self._roi, self._search = mesh.next_roi(), None
        return face, mesh

    def reset(self) -> None:
        """Forget the followed face and its history (a new session, a restarted source)."""
        self.tracker.reset()
        self._forget_face()
        self._roi = self._search = None

    def _forget_face(self) -> None:
        """Start the face's history afresh: its smoothed reading and geometry, and the mirror pass
        a new face's first frame must not be paired with."""
        self.smoother.reset()
        self.geometry_smoother.reset()
        self.reader.reset()


def facing_mirror(pose: Mapping[str, float], facing: tuple[float, float]) -> dict[str, float]:
    """The head pose relative to looking straight into the mirror: the camera's view of it less
    ``facing``, the (yaw, pitch) the camera sees of a head that does (config [camera] facing_*_deg).
    Subtracting angles is exact for a turn or a nod alone and close enough for the few degrees
    of both together that the coach judges; the features do not use the pose."""
    return {"yaw": pose["yaw"] - facing[0], "pitch": pose["pitch"] - facing[1], "roll": pose["roll"]}


def _invoke_ms(model) -> float:
    """How long ``model``'s last run took (stand-ins for the models in tests have no such figure)."""
    return float(getattr(model, "invoke_ms", 0.0))


def _holds_face(mesh: Mesh, frame_size) -> bool:
    return mesh.presence >= MIN_PRESENCE and mesh.outside_share(frame_size) <= MAX_OUTSIDE


def rgb_at_size(rgb, shape: tuple[int, int]) -> np.ndarray | None:
    """A frame's colour pixels at the grey image's ``shape`` (HxW), or None when it has none that fit.

    Colour an integer multiple of that size (the Pi camera's larger main stream while best takes
    are on) is decimated to it, so the detector keeps its colour input.
    """
    if not isinstance(rgb, np.ndarray) or rgb.dtype != np.uint8 or rgb.ndim != 3:
        return None
    if rgb.shape[:2] == shape:
        return rgb
    step = rgb.shape[0] // shape[0]
    if step > 1 and rgb.shape[:2] == (shape[0] * step, shape[1] * step):
        return np.ascontiguousarray(rgb[::step, ::step])
    return None
