"""Load a TFLite model once, with errors a user can act on."""

from __future__ import annotations

from pathlib import Path

from appliance.errors import ModelError


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


def load_interpreter(path: Path | str, *, num_threads: int = 1, what: str = "model"):
    """Build and allocate an interpreter for ``path``; raise ModelError if it cannot be used."""
    path = Path(path)
    hint = f"reinstall the appliance, or point to a good {what} file"
    if not path.is_file():
        raise ModelError(f"the {what} file {path} does not exist", hint=hint)
    if path.stat().st_size < 64:
        raise ModelError(f"the {what} file {path} is empty or truncated", hint=hint)
    with path.open("rb") as handle:
        header = handle.read(8)
    if header[4:8] != b"TFL3":
        raise ModelError(f"{path} is not a TFLite model (no TFL3 identifier)", hint=hint)
    interpreter_class = _interpreter_class()
    try:
        interpreter = interpreter_class(model_path=str(path), num_threads=num_threads)
        interpreter.allocate_tensors()
    except (ValueError, RuntimeError) as error:
        raise ModelError(f"{path} is damaged or truncated: {error}", hint=hint) from None
    return interpreter
