"""The expression model at run time: one interpreter, probabilities by label."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from appliance.errors import FrameError, ModelError
from appliance.paths import MODELS_DIR
from appliance.vision.litert import load_interpreter, timed_invoke
from appliance.vision.preprocess import FACE_SIZE, normalize_face

EXPRESSIONS = (
    "neutral",
    "happiness",
    "surprise",
    "sadness",
    "anger",
    "disgust",
    "fear",
    "contempt",
)
"""The model's output contract: these labels, in this order."""

DEFAULT_MODEL = MODELS_DIR / "expression_int8.tflite"


class ExpressionClassifier:
    """Reads the expression on a face crop with the int8 (or float) TFLite model.

    Build it once and call :meth:`probabilities` per face; the interpreter is
    not rebuilt per call.  Not thread-safe: give each thread its own.
    """

    def __init__(self, model_path: Path | str = DEFAULT_MODEL, *, num_threads: int = 1) -> None:
        self.model_path = Path(model_path)
        self._interpreter = load_interpreter(self.model_path, num_threads=num_threads, what="expression model")
        self.invoke_ms = 0.0  # how long the last run of the model took (bench splits a frame with it)
        inputs = self._interpreter.get_input_details()
        outputs = self._interpreter.get_output_details()
        if len(inputs) != 1 or len(outputs) != 1:
            raise ModelError(f"{self.model_path} has {len(inputs)} inputs and {len(outputs)} outputs, expected 1 and 1")
        self._input, self._output = inputs[0], outputs[0]
        shape = tuple(int(d) for d in self._input["shape"])
        if shape != (1, FACE_SIZE, FACE_SIZE, 1):
            raise ModelError(
                f"{self.model_path} takes input {shape}, expected (1, {FACE_SIZE}, {FACE_SIZE}, 1)",
                hint="use a model trained by python -m appliance.training",
            )
        if self._input["dtype"] not in (np.int8, np.float32):
            raise ModelError(
                f"{self.model_path} takes {np.dtype(self._input['dtype'])} input, expected int8 or float32"
            )
        if tuple(int(d) for d in self._output["shape"]) != (1, len(EXPRESSIONS)):
            raise ModelError(
                f"{self.model_path} gives output {tuple(self._output['shape'])}, expected (1, {len(EXPRESSIONS)}): "
                f"one probability for each of {', '.join(EXPRESSIONS)}"
            )

    @property
    def is_quantized(self) -> bool:
        return self._input["dtype"] == np.int8

    def probabilities(self, crop: np.ndarray) -> dict[str, float]:
        """Probabilities by label for a 48x48 uint8 grey face crop (see preprocess.crop_face)."""
        return dict(zip(EXPRESSIONS, self.probability_vector(crop).tolist(), strict=True))

    def probability_vector(self, crop: np.ndarray) -> np.ndarray:
        """Like :meth:`probabilities`, as a float32 vector in EXPRESSIONS order."""
        if not isinstance(crop, np.ndarray) or crop.shape != (FACE_SIZE, FACE_SIZE) or crop.dtype != np.uint8:
            got = f"{crop.dtype} {crop.shape}" if isinstance(crop, np.ndarray) else type(crop).__name__
            raise FrameError(f"a face crop must be uint8 ({FACE_SIZE}, {FACE_SIZE}), got {got}")
        pixels = normalize_face(crop).astype(np.float32)
        self._interpreter.set_tensor(self._input["index"], self._quantize(pixels)[np.newaxis, :, :, np.newaxis])
        self.invoke_ms = timed_invoke(self._interpreter)
        raw = self._interpreter.get_tensor(self._output["index"])[0]
        if self._output["dtype"] == np.float32:
            probs = raw.astype(np.float32)
        else:
            scale, zero_point = self._output["quantization"]
            probs = (raw.astype(np.float32) - zero_point) * scale
        total = float(probs.sum())
        return probs / total if total > 0 else np.full(len(EXPRESSIONS), 1 / len(EXPRESSIONS), np.float32)

    def _quantize(self, pixels: np.ndarray) -> np.ndarray:
        if self._input["dtype"] == np.float32:
            return pixels
        scale, zero_point = self._input["quantization"]
        return np.clip(np.rint(pixels / scale + zero_point), -128, 127).astype(np.int8)
