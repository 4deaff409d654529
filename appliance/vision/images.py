"""Image files to numpy pixels, with errors that say what was wrong."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from appliance.errors import ImageError

MAX_PIXELS = 64_000_000  # 64 megapixels (8000x8000): larger would need gigabytes to decode
SIXTEEN_BIT_GREY = ("I;16", "I;16L", "I;16B", "I;16N")  # 16-bit PNG and TIFF; "I" (32-bit) has no fixed range


def read_image(path: Path | str) -> np.ndarray:
    """Pixels of an image file: HxW grey or HxWx3 RGB uint8, upright per its EXIF tag."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not str(path).strip():  # Path("") is the current folder: say what was actually wrong
        raise ImageError("the image path is empty", hint="give the path of an image file")
    path = Path(path)
    try:
        with warnings.catch_warnings():  # Pillow warns past 89 megapixels; MAX_PIXELS below says it plainly
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)  # reads the header only: the size is known before decoding
        with image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageError(
                    f"{path} is {width}x{height} pixels, more than the {MAX_PIXELS // 1_000_000} megapixels"
                    " the appliance reads",
                    hint="shrink it first, e.g. to 4000 pixels on the long side",
                )
            image = ImageOps.exif_transpose(image)
            if image.mode in SIXTEEN_BIT_GREY:  # Pillow's convert("L") clips at 255: all but black turns white
                return _sixteen_to_eight(np.asarray(image))
            if image.mode in ("L", "LA", "I", "F", "1"):
                image = image.convert("L")
            elif image.mode != "RGB":
                image = image.convert("RGB")  # RGBA, palette, CMYK...: alpha is dropped
            return np.asarray(image, dtype=np.uint8).copy()
    except FileNotFoundError:
        raise ImageError(f"no such file: {path}") from None
    except IsADirectoryError:
        raise ImageError(f"{path} is a folder, not an image") from None
    except PermissionError:
        raise ImageError(f"no permission to read {path}") from None
    except Image.DecompressionBombError:  # Pillow's own limit, in the header of some formats
        raise ImageError(
            f"{path} is more than the {MAX_PIXELS // 1_000_000} megapixels the appliance reads",
            hint="shrink it first, e.g. to 4000 pixels on the long side",
        ) from None
    except MemoryError:
        raise ImageError(f"{path} is too large for the memory here", hint="shrink it first") from None
    except UnidentifiedImageError:
        raise ImageError(f"{path} is not an image Pillow can read (corrupt, or not an image)") from None
    except (OSError, ValueError, SyntaxError) as error:
        raise ImageError(f"{path} could not be decoded: {error}") from None


def _sixteen_to_eight(pixels: np.ndarray) -> np.ndarray:
    """16-bit grey to 8-bit: 0..65535 onto 0..255 (the full range stays the full range, as a viewer shows it)."""
    wide = np.clip(pixels.astype(np.int64), 0, 65535)
    return ((wide * 255 + 32767) // 65535).astype(np.uint8)
