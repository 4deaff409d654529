"""The one face preprocessing path, shared by training and the runtime.

Every face the expression model sees, in training or live, goes through
:func:`crop_face` (a square, levelled, antialiased crop at the model's input
size) and :func:`normalize_face` (contrast standardisation).  Training imports
these same functions for its augmentation, so the two can never drift apart.

Numpy and Pillow: no OpenCV, no TensorFlow.
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

SAMPLINGS = ("bilinear", "box")
"""How a crop's pixels are taken from the frame: "bilinear", each sample interpolated between
its four neighbours; "box", nearest samples on a grid at least twice as fine, each crop pixel the
mean of its block.  Pillow's affine transform has a fast path for nearest sampling and none for
bilinear, so "box" takes a third to a half of the time.  The live mirror uses "box"
(``pipeline.LIVE_SAMPLING``, measured there); still photos, read once, and training keep
"bilinear"."""

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
    reduce: int = 1,
    sampling: str = "bilinear",
) -> np.ndarray:
    """Cut a ``size`` x ``size`` uint8 crop out of a grey image.

    ``center`` (x, y) and ``side`` are in source pixels (pixel i spans
    [i, i+1)); ``angle`` in radians is the direction in the source that
    becomes the crop's horizontal axis, so passing the angle of the line
    between the eyes levels them.  Outside the image the edge pixels repeat.
    Downscaling supersamples and averages, so small crops of large frames do
    not alias; ``reduce`` > 1 box-averages the source by that factor first
    (fewer samples for a large face, see align.align_face).  ``sampling`` is one of SAMPLINGS.
    """
    if side <= 0:
        raise ValueError(f"crop side must be positive, got {side}")
    factor = max(1, math.ceil(side / reduce / size - 1e-6))
    # size * factor samples a side, each factor x factor block's mean (rounded) one pixel of the crop
    matrix = square_affine(center, side, angle, size)
    return sample_square(gray, matrix, size, reduce=reduce, **sampling_options(sampling, average=factor))


def sampling_options(sampling: str, *, average: int = 1) -> dict:
    """``sample_square``'s options for one of SAMPLINGS, ``average`` samples a side per crop pixel
    at least (box sampling takes two or more)."""
    if sampling not in SAMPLINGS:
        raise ValueError(f"sampling must be one of {SAMPLINGS}, got {sampling!r}")
    if sampling == "box":
        return {"resample": "nearest", "average": max(2, average)}
    return {"average": average}


def square_affine(center: tuple[float, float], side: float, angle: float, size: int) -> np.ndarray:
    """(2, 3) matrix taking the pixels (x, y, 1) of a ``size`` x ``size`` crop to source pixels: the
    square ``side`` wide around ``center``, its x axis along ``angle`` (radians)."""
    cos_a, sin_a = math.cos(angle), math.sin(angle)
    k = side / size
    cx, cy = center
    # crop (x, y) -> offset from the crop centre, rotated, scaled, moved to the square's centre
    return np.array(
        [
            [k * cos_a, -k * sin_a, cx - k * (cos_a - sin_a) * size / 2],
            [k * sin_a, k * cos_a, cy - k * (sin_a + cos_a) * size / 2],
        ]
    )


def sample_square(
    image: np.ndarray, matrix: np.ndarray, size: int, *, reduce: int = 1, resample: str = "bilinear", average: int = 1
) -> np.ndarray:
    """``size`` x ``size`` samples (bilinear unless ``resample`` says otherwise) of an HxW or
    HxWxC uint8 image at the crop pixels' centres mapped by ``matrix`` (``square_affine``), the
    edge pixels repeated outside the image (as MediaPipe crops, BORDER_REPLICATE).

    ``reduce`` > 1 box-averages the source by that whole factor first, on a grid fixed to the
    image, so a square far larger than the crop does not alias (bilinear sampling does not
    average).  ``resample="nearest"`` takes the pixel under each point instead; with ``average``
    > 1 the square is sampled at that many times its resolution and each output pixel is the
    rounded mean of its ``average`` x ``average`` block.

    Pillow does the sampling (its affine transform, pixel centres at i + 0.5 both sides): about
    three times faster than the same bilinear sampling in numpy.
    """
    from PIL import Image

    height, width = image.shape[:2]
    corners = np.array([[0, 0], [size, 0], [0, size], [size, size]], dtype=np.float64) @ matrix[:, :2].T
    corners += matrix[:, 2]
    # The region the samples read (a pixel of margin for bilinear's neighbours), its origin on the
    # reduction's grid; where it reaches past the image, the edge pixels are repeated into it.
    x0 = (math.floor(corners[:, 0].min()) - 2) // reduce * reduce
    y0 = (math.floor(corners[:, 1].min()) - 2) // reduce * reduce
    x1, y1 = math.ceil(corners[:, 0].max()) + 2, math.ceil(corners[:, 1].max()) + 2
    x1 += -(x1 - x0) % reduce
    y1 += -(y1 - y0) % reduce
    region = image[max(y0, 0) : max(min(y1, height), 0), max(x0, 0) : max(min(x1, width), 0)]
    if region.shape[0] < y1 - y0 or region.shape[1] < x1 - x0:
        rows = np.clip(np.arange(y0, y1), 0, height - 1)
        cols = np.clip(np.arange(x0, x1), 0, width - 1)
        region = image[rows[:, np.newaxis], cols]
    picture = Image.fromarray(np.ascontiguousarray(region))
    matrix = matrix.copy()
    matrix[:, 2] -= (x0, y0)
    if reduce > 1:
        picture = picture.reduce(reduce)
        matrix /= reduce
    if average > 1:  # the fine grid's pixel (x, y) is the output grid's (x / average, y / average)
        matrix[:, :2] /= average
    filters = {"bilinear": Image.BILINEAR, "nearest": Image.NEAREST}
    fine = size * average
    picture = picture.transform((fine, fine), Image.AFFINE, tuple(matrix.ravel()), resample=filters[resample])
    return np.asarray(picture.reduce(average) if average > 1 else picture)


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
