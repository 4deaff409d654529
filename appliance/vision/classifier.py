"""The expression model at run time: one interpreter, probabilities by label.

The model reads one face and gives its logits; the reading averages the logits of the face and
its mirror image (an expression reads the same mirrored, and the mirror may or may not flip the
camera image) and turns them into probabilities.  A still photo is read twice, once each way
(:meth:`ExpressionClassifier.probability_vector`).  The live mirror reads each frame once, the
face and its mirror image in turn, and pairs each frame with the one before
(:class:`MirrorAlternation`): the same average for half the model's time.
"""

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

SOFTMAX_QUANTIZATION = (1 / 256, -128)
"""What TFLite requires of an int8 softmax's output: a model that ends in one gives probabilities
(the mirror-averaged graphs exported before 2026-11-29), not the logits this runtime averages."""

PAIR_GAP = 0.1
"""Seconds.  A live frame's single pass is averaged with the last frame's (the face's mirror
image, or the face) when that one is at most this old: 10 frames a second or more, where the
older half of a reading lags by 50 ms at most.  Paired further apart it acts as extra smoothing
(on the demo clip read at 7.5 frames a second the top expression changed on 1 frame in 5); so
slower than that each frame is read both ways, at the old cost, and no less well."""


class ExpressionClassifier:
    """Reads the expression on a face crop with the int8 (or float) TFLite model.

    Build it once and call :meth:`probabilities` per face; the interpreter is
    not rebuilt per call.  Not thread-safe: give each thread its own.  The model must give the
    logits of the one face it reads (``python -m appliance.training`` exports that; older models
    ending in a softmax are refused with the command that converts them).
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
                f"one logit for each of {', '.join(EXPRESSIONS)}"
            )
        if self._output["dtype"] == np.int8 and _is_softmax_quantization(self._output["quantization"]):
            raise ModelError(
                f"{self.model_path} ends in a softmax (an expression model exported before 2026-11-29): "
                "this version averages the face and its mirror image itself and needs the model's logits",
                hint=f"convert it: python -m appliance.training.single_pass {self.model_path} NEW.tflite "
                "(needs the train extra), then use NEW.tflite",
            )

    @property
    def is_quantized(self) -> bool:
        return self._input["dtype"] == np.int8

    def probabilities(self, crop: np.ndarray) -> dict[str, float]:
        """Probabilities by label for a 48x48 uint8 grey face crop (see preprocess.crop_face)."""
        return dict(zip(EXPRESSIONS, self.probability_vector(crop).tolist(), strict=True))

    def probability_vector(self, crop: np.ndarray) -> np.ndarray:
        """Like :meth:`probabilities`, as a float32 vector in EXPRESSIONS order: the face read
        twice, as it is and mirrored, and the two readings' logits averaged."""
        as_is, mirrored = self.both_ways(crop)
        return softmax((as_is + mirrored) / 2)

    def both_ways(self, crop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Two passes: the logits of ``crop`` and of its mirror image (``invoke_ms``: both runs)."""
        pixels = self._pixels(crop)
        as_is = self._logits(pixels)
        first_ms = self.invoke_ms
        mirrored = self._logits(pixels[:, ::-1])
        self.invoke_ms += first_ms
        return as_is, mirrored

    def logit_vector(self, crop: np.ndarray, *, mirrored: bool = False) -> np.ndarray:
        """One pass of the model: the float32 logits of ``crop`` (48x48 uint8 grey), or of its
        mirror image with ``mirrored``."""
        pixels = self._pixels(crop)
        return self._logits(pixels[:, ::-1] if mirrored else pixels)

    def _pixels(self, crop: np.ndarray) -> np.ndarray:
        if not isinstance(crop, np.ndarray) or crop.shape != (FACE_SIZE, FACE_SIZE) or crop.dtype != np.uint8:
            got = f"{crop.dtype} {crop.shape}" if isinstance(crop, np.ndarray) else type(crop).__name__
            raise FrameError(f"a face crop must be uint8 ({FACE_SIZE}, {FACE_SIZE}), got {got}")
        return normalize_face(crop)

    def _logits(self, pixels: np.ndarray) -> np.ndarray:
        tensor = np.ascontiguousarray(self._quantize(pixels))[np.newaxis, :, :, np.newaxis]  # a mirror image is a view
        self._interpreter.set_tensor(self._input["index"], tensor)
        self.invoke_ms = timed_invoke(self._interpreter)
        raw = self._interpreter.get_tensor(self._output["index"])[0]
        if self._output["dtype"] == np.float32:
            return raw.astype(np.float32)
        scale, zero_point = self._output["quantization"]
        return (raw.astype(np.float32) - zero_point) * np.float32(scale)

    def _quantize(self, pixels: np.ndarray) -> np.ndarray:
        """The model's input tensor's values for a normalised uint8 crop."""
        if self._input["dtype"] == np.float32:
            return pixels.astype(np.float32)
        scale, zero_point = self._input["quantization"]
        if scale == 1.0 and zero_point == -128:  # the shipped model: p - 128 exactly, the top bit flipped
            return (pixels ^ np.uint8(128)).view(np.int8)
        return np.clip(np.rint(pixels / scale + zero_point), -128, 127).astype(np.int8)


class MirrorAlternation:
    """The live mirror's reading at one pass of the model a frame.

    Frames are read as they are and mirrored in turn; each frame's logits are averaged with the
    previous frame's, which read the other way, when that frame is at most ``pair_gap`` seconds
    old: the stills' mirror averaging, spread over two consecutive frames.  Without such a frame
    (the first of a face, or after a pause) this one is read both ways.  ``reset()`` when the face
    changes.  ``invoke_ms`` is the model's time for the last reading, both passes when it ran two.
    """

    def __init__(self, classifier: ExpressionClassifier, *, pair_gap: float = PAIR_GAP) -> None:
        self.classifier, self.pair_gap = classifier, pair_gap
        self.invoke_ms = 0.0
        self._last: tuple[float, bool, np.ndarray] | None = None  # timestamp, mirrored, logits

    def probability_vector(self, crop: np.ndarray, timestamp: float) -> np.ndarray:
        """The reading of ``crop``, taken at ``timestamp`` (seconds, rising)."""
        last = self._last
        if last is not None and 0 <= timestamp - last[0] <= self.pair_gap:
            mirrored = not last[1]
            logits = self.classifier.logit_vector(crop, mirrored=mirrored)
            self.invoke_ms = self.classifier.invoke_ms
            self._last = (timestamp, mirrored, logits)
            return softmax((logits + last[2]) / 2)
        logits, mirror_image = self.classifier.both_ways(crop)
        self.invoke_ms = self.classifier.invoke_ms
        self._last = (timestamp, True, mirror_image)
        return softmax((logits + mirror_image) / 2)

    def reset(self) -> None:
        self._last = None


def softmax(logits: np.ndarray) -> np.ndarray:
    """Probabilities summing to 1 from logits, in the logits' own float type (the model's float32
    logits give float32; the reading's float64 log-evidence stays float64)."""
    exp = np.exp(logits - np.max(logits))
    return exp / exp.sum()


def _is_softmax_quantization(quantization) -> bool:
    scale, zero_point = quantization
    return abs(scale - SOFTMAX_QUANTIZATION[0]) < 1e-9 and zero_point == SOFTMAX_QUANTIZATION[1]
