"""The set-up scripts: install once per pyproject.toml, quietly."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]


def test_the_appliance_is_installed_once_and_setuptools_is_kept_quiet(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    calls = tmp_path / "calls"
    stub = venv / "bin" / "python"  # stands in for the venv's python: notes how pip was called
    stub.write_text(f'#!/bin/sh\necho "$PYTHONWARNINGS | $*" >> {calls}\n')
    stub.chmod(0o755)
    command = 'source scripts/_venv.sh && install_appliance "" && install_appliance ""'
    env = {**os.environ, "VENV": str(venv), "PYTHON": sys.executable}
    done = subprocess.run(["bash", "-c", command], cwd=PROJECT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (line,) = calls.read_text().splitlines()  # the second call found nothing changed
    assert line.startswith("ignore:Editable installation | -m pip install --quiet")


def test_classify_keeps_the_runtimes_info_line_off_stderr(tmp_path):
    import numpy as np
    from PIL import Image

    image = tmp_path / "face.png"
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (48, 48), dtype=np.uint8)).save(image)
    env = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run([sys.executable, "-m", "appliance", "classify", "--face-crop", str(image)], cwd=PROJECT,
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and '"faces"' in done.stdout
