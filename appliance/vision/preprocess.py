"""The one face preprocessing path, shared by training and the runtime.

Every face the expression model sees, in training or live, goes through
:func:`crop_face` (a square, levelled, antialiased crop at the model's input
size) and :func:`normalize_face` (contrast standardisation).  Training imports
these same functions for its augmentation, so the two can never drift apart.

Pure numpy: no OpenCV, no TensorFlow.
"""

from __future__ import annotations

import math

import numpy as np

from appliance.errors import FrameError

FACE_SIZE = 48
"""Side of the square grayscale crop the expression model reads (FER2013's)."""

NORM_STD = 48.0
"""Standard deviation of a normalised crop, in grey levels (mean 128)."""

MIN_STD = 8.0
"""Below this a crop is nearly flat: stretch it no further than this would."""

# ITU-R BT.601 luma, the weights Pillow's convert("L") uses, so a file read
# with Pillow and a camera frame converted here give the same grey.
_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def to_gray(image: np.ndarray) -> np.ndarray:
    """Return an HxW uint8 grey image from grey, RGB or RGBA pixels.

    Raises :class:`FrameError` for anything else, saying what it got.
    """
    if not isinstance(image, np.ndarray):
        raise FrameError(f"a frame must be a numpy array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise FrameError(f"a frame must hold uint8 pixels, got {image.dtype}")
    if image.ndim == 2:
        gray = image
    elif image.ndim == 3 and image.shape[2] == 1:
        gray = image[:, :, 0]
    elif image.ndim == 3 and image.shape[2] in (3, 4):
        gray = np.rint(image[:, :, :3] @ _LUMA).astype(np.uint8)
    else:
        raise FrameError(f"a frame must be HxW grey, HxWx3 RGB or HxWx4 RGBA, got shape {image.shape}")
    if gray.shape[0] < 2 or gray.shape[1] < 2:
        raise FrameError(f"a frame of {gray.shape[1]}x{gray.shape[0]} pixels is too small")
    return gray


def crop_face(
    gray: np.ndarray,
    *,
    center: tuple[float, float],
    side: float,
    angle: float = 0.0,
    size: int = FACE_SIZE,
) -> np.ndarray:
    """Cut a ``size`` x ``size`` uint8 crop out of a grey image.

    ``center`` (x, y) and ``side`` are in source pixels (pixel i spans
    [i, i+1)); ``angle`` in radians is the direction in the source that
    becomes the crop's horizontal axis, so passing the angle of the line
    between the eyes levels them.  Outside the image the edge pixels repeat.
    Downscaling supersamples and averages, so small crops of large frames do
    not alias.
    """
    if side <= 0:
        raise ValueError(f"crop side must be positive, got {side}")
    factor = max(1, math.ceil(side / size - 1e-6))
    n = size * factor
    offsets = ((np.arange(n, dtype=np.float32) + 0.5) / n - 0.5) * np.float32(side)
    u = offsets[np.newaxis, :]
    v = offsets[:, np.newaxis]
    cos_a, sin_a = np.float32(math.cos(angle)), np.float32(math.sin(angle))
    # Continuous source coordinates, shifted so integer values are pixel centres.
    x = center[0] - 0.5 + cos_a * u - sin_a * v
    y = center[1] - 0.5 + sin_a * u + cos_a * v
    out = _bilinear(gray, x, y)
    if factor > 1:
        out = out.reshape(size, factor, size, factor).mean(axis=(1, 3))
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _bilinear(gray: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    h, w = gray.shape
    x = np.clip(x, 0, w - 1)
    y = np.clip(y, 0, h - 1)
    x0 = np.minimum(x.astype(np.int32), w - 2)
    y0 = np.minimum(y.astype(np.int32), h - 2)
    fx = x - x0
    fy = y - y0
    src = gray.astype(np.float32)
    top = src[y0, x0] * (1 - fx) + src[y0, x0 + 1] * fx
    bottom = src[y0 + 1, x0] * (1 - fx) + src[y0 + 1, x0 + 1] * fx
    return top * (1 - fy) + bottom * fy


def center_square(width: int, height: int) -> tuple[tuple[float, float], float]:
    """The largest centred square of a ``width`` x ``height`` image: (center, side)."""
    return (width / 2.0, height / 2.0), float(min(width, height))


def normalize_face(crop: np.ndarray) -> np.ndarray:
    """Standardise a face crop's contrast: mean 128, spread ``NORM_STD``, uint8.

    Lighting at a mirror varies far more than in the training photos; this
    removes overall brightness and contrast, and keeps the result in uint8 so
    the int8 model's input (scale 1, zero point -128) represents it exactly.
    """
    pixels = crop.astype(np.float32)
    spread = max(float(pixels.std()), MIN_STD)
    out = (pixels - float(pixels.mean())) * (NORM_STD / spread) + 128.0
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)
