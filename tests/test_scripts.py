"""scripts/_venv.sh: pip runs only when the venv is new or pyproject.toml changed (a mirror boots offline)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
FAKE_PYTHON = """#!/bin/sh
# A venv python that logs what it is asked and answers as told by the test.
echo "$*" >> "$(dirname "$0")/../calls.log"
case "$*" in
    *"pip install"*) exit "$(cat "$(dirname "$0")/../pip_rc")" ;;
    *"import appliance"*) exit "$(cat "$(dirname "$0")/../import_rc")" ;;
esac
exit 0
"""


@pytest.fixture
def project(tmp_path):
    if shutil.which("sha256sum") is None:
        pytest.skip("sha256sum is not installed")
    (tmp_path / "scripts").mkdir()
    shutil.copy(SCRIPTS / "_venv.sh", tmp_path / "scripts")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").write_text(FAKE_PYTHON)
    (bin_dir / "python").chmod(0o755)
    return tmp_path


def start(project, *, pip_rc=0, import_rc=0):
    """Source _venv.sh and install as scripts/mirror does; the pip calls made and the result."""
    venv = project / ".venv"
    (venv / "pip_rc").write_text(str(pip_rc))
    (venv / "import_rc").write_text(str(import_rc))
    (venv / "calls.log").write_text("")
    env = {**os.environ, "VENV": ".venv"}
    result = subprocess.run(
        ["bash", "-c", 'source scripts/_venv.sh; install_appliance ""; echo started'],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    pip_calls = [line for line in (venv / "calls.log").read_text().splitlines() if "pip install" in line]
    return pip_calls, result


def test_pip_runs_once_then_never_again_until_pyproject_changes(project):
    calls, result = start(project)
    assert len(calls) == 1 and "-e ." in calls[0] and result.stdout.strip() == "started"
    calls, result = start(project, pip_rc=1)  # offline now: no pip at all, so nothing fails
    assert calls == [] and result.returncode == 0 and result.stderr == ""
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\nversion = '2'\n")
    calls, _ = start(project)
    assert len(calls) == 1


def test_offline_update_starts_the_older_install_and_says_so(project):
    start(project)
    (project / "pyproject.toml").write_text("[project]\nname = 'changed'\n")
    calls, result = start(project, pip_rc=1)
    assert len(calls) == 1 and result.stdout.strip() == "started"
    assert "failed (no network?)" in result.stderr and "starting with the install already in" in result.stderr
    calls, _ = start(project, pip_rc=0)  # online again: the update is finished
    assert len(calls) == 1


def test_offline_first_install_is_a_clear_error(project):
    calls, result = start(project, pip_rc=1, import_rc=1)
    assert len(calls) == 1 and result.returncode == 2 and "started" not in result.stdout
    assert "could not be installed" in result.stderr and "what to do:" in result.stderr


def start_with(project, extras, **answers):
    venv = project / ".venv"
    (venv / "pip_rc").write_text(str(answers.get("pip_rc", 0)))
    (venv / "import_rc").write_text("0")
    (venv / "calls.log").write_text("")
    subprocess.run(
        ["bash", "-c", f'source scripts/_venv.sh; install_appliance "{extras}"'],
        cwd=project,
        env={**os.environ, "VENV": ".venv"},
        check=True,
        capture_output=True,
    )
    return [line for line in (venv / "calls.log").read_text().splitlines() if "pip install" in line]


def test_the_test_install_covers_the_mirror_and_each_extras_set_is_remembered(project):
    assert len(start_with(project, "[dev,train]")) == 1
    assert start_with(project, "", pip_rc=1) == []  # scripts/mirror after scripts/test: offline is fine
    assert start_with(project, "[dev,train]") == []
    assert len(start_with(project, "[webcam]")) == 1
    assert start_with(project, "[dev,train]") == [] and start_with(project, "[webcam]") == []


def test_the_appliance_is_installed_once_and_setuptools_is_kept_quiet(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    calls = tmp_path / "calls"
    stub = venv / "bin" / "python"  # stands in for the venv's python: notes how pip was called
    stub.write_text(f'#!/bin/sh\necho "$PYTHONWARNINGS | $*" >> {calls}\n')
    stub.chmod(0o755)
    command = 'source scripts/_venv.sh && install_appliance "" && install_appliance ""'
    env = {**os.environ, "VENV": str(venv), "PYTHON": sys.executable}
    done = subprocess.run(["bash", "-c", command], cwd=SCRIPTS.parent, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    (line,) = calls.read_text().splitlines()  # the second call found nothing changed
    assert line.startswith("ignore:Editable installation | -m pip install --quiet")


def test_classify_keeps_the_runtimes_info_line_off_stderr(tmp_path):
    import numpy as np
    from PIL import Image

    image = tmp_path / "face.png"
    Image.fromarray(np.random.default_rng(1).integers(0, 256, (48, 48), dtype=np.uint8)).save(image)
    env = {key: value for key, value in os.environ.items() if key != "TF_CPP_MIN_LOG_LEVEL"}
    command = [sys.executable, "-m", "appliance", "classify", "--face-crop", str(image)]
    done = subprocess.run(command, cwd=SCRIPTS.parent, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and '"faces"' in done.stdout
