"""Image files to numpy pixels, with errors that say what was wrong."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from appliance.errors import ImageError

MAX_PIXELS = 64_000_000  # 64 megapixels (8000x8000): larger would need gigabytes to decode


def read_image(path: Path | str) -> np.ndarray:
    """Pixels of an image file: HxW grey or HxWx3 RGB uint8, upright per its EXIF tag."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    try:
        with Image.open(path) as image:  # reads the header only: the size is known before decoding
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageError(
                    f"{path} is {width}x{height} pixels, more than the {MAX_PIXELS // 1_000_000} megapixels"
                    " the appliance reads",
                    hint="shrink it first, e.g. to 4000 pixels on the long side",
                )
            image = ImageOps.exif_transpose(image)
            if image.mode in ("L", "LA", "I", "I;16", "F", "1"):
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
