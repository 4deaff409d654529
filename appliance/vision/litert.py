"""Load a TFLite model once, with errors a user can act on."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

from appliance.errors import ModelError

SUMS = "SHA256SUMS"  # beside the models, in sha256sum's format: "<hex>  <name>" a line
log = logging.getLogger(__name__)
_said_unchecked: set[Path] = set()  # each unlisted model is said once a run, not at every load


def _interpreter_class():
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        try:
            from tflite_runtime.interpreter import Interpreter
        except ImportError:
            raise ModelError(
                "no TFLite runtime is installed",
                hint="pip install ai-edge-litert (or tflite-runtime with numpy < 2)",
            ) from None
    return Interpreter


CHATTER = (b"INFO: Created TensorFlow Lite XNNPACK delegate",)  # the runtime's C++ side, on every load


@contextlib.contextmanager
def _without_runtime_chatter():
    """Keep the runtime's INFO lines off stderr: its C++ code writes to fd 2 directly, past Python's
    logging and TF_CPP_MIN_LOG_LEVEL.  Whatever else it writes there is passed on, not lost."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real fd 2 (an embedded interpreter): nothing to keep quiet
        yield
        return
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            kept = [line for line in caught.read().splitlines(keepends=True) if not line.startswith(CHATTER)]
            if kept:
                os.write(2, b"".join(kept))


def load_interpreter(path: Path | str, *, num_threads: int = 1, what: str = "model"):
    """Build and allocate an interpreter for ``path``; raise ModelError if it cannot be used."""
    path = check_model_file(path, what=what)
    hint = f"reinstall the appliance, or point to a good {what} file"
    interpreter_class = _interpreter_class()
    try:
        with _without_runtime_chatter():
            interpreter = interpreter_class(model_path=str(path), num_threads=num_threads)
            interpreter.allocate_tensors()
    except (ValueError, RuntimeError) as error:
        raise ModelError(f"{path} is damaged or truncated: {error}", hint=hint) from None
    return interpreter


def check_model_file(path: Path | str, *, what: str = "model") -> Path:
    """``path`` as a Path if it holds a TFLite model that matches its checksum; ModelError otherwise."""
    path = Path(path)
    hint = f"reinstall the appliance, or point to a good {what} file"
    if not path.is_file():
        raise ModelError(f"the {what} file {path} does not exist", hint=hint)
    if path.stat().st_size < 64:
        raise ModelError(f"the {what} file {path} is empty or truncated", hint=hint)
    verify_checksum(path, what=what)
    with path.open("rb") as handle:
        header = handle.read(8)
    if header[4:8] != b"TFL3":
        raise ModelError(f"{path} is not a TFLite model (no TFL3 identifier)", hint=hint)
    return path


def timed_invoke(interpreter) -> float:
    """Run ``interpreter``; the milliseconds it took (the model's own share of a frame, for bench)."""
    began = time.perf_counter()
    interpreter.invoke()
    return (time.perf_counter() - began) * 1000


def expected_checksums(folder: Path) -> dict[str, str]:
    """File name -> SHA-256 from ``folder/SHA256SUMS`` ({} when there is none)."""
    try:
        text = (folder / SUMS).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    sums = {}
    for line in text.splitlines():
        digest, _, name = line.strip().partition(" ")
        if digest and name:
            sums[name.strip().lstrip("*")] = digest.lower()
    return sums


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


UNCHECKED = (
    f"unchecked (a damaged file still loads and reads faces wrongly; list it in a {SUMS} beside it"
    " with sha256sum to have it checked)"
)


def verify_checksum(path: Path, *, what: str = "model") -> None:
    """A model listed in the SHA256SUMS beside it must match it byte for byte: a flipped bit in a
    model still loads and reads faces wrongly.  A model not listed (your own --model) cannot be
    checked: the log says so, once."""
    expected = expected_checksums(path.parent).get(path.name)
    if expected is None:
        if path.resolve() not in _said_unchecked:
            _said_unchecked.add(path.resolve())
            log.warning("the %s %s is not in a %s: %s", what, path, SUMS, UNCHECKED)
        return
    if file_sha256(path) != expected:
        raise ModelError(
            f"the {what} file {path.name} is damaged: it does not match its checksum in {path.parent / SUMS}",
            hint=f"reinstall the appliance to restore {path.name}; if you replaced it on purpose, "
            f"update {SUMS} (cd {path.parent} && sha256sum *.tflite > {SUMS})",
        )
