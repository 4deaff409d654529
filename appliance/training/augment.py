"""Augmentation that imitates what a mirror camera and a face detector produce.

The detector's box wobbles (shift, scale, a small roll left by eye levelling),
bathroom light is uneven (gamma, brightness, contrast, a gradient across the
face), the Pi camera is soft and noisy (blur, noise), and a mirror flips
left and right.  Geometry goes through preprocess.crop_face and the result
through preprocess.normalize_face: the very functions the runtime uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from appliance.vision.preprocess import FACE_SIZE, crop_face, normalize_face


@dataclass(frozen=True)
class Augmentation:
    max_rotation_deg: float = 12.0
    max_shift: float = 0.07  # fraction of the crop side
    scale_range: tuple[float, float] = (0.88, 1.12)  # > 1 zooms in
    gamma_range: tuple[float, float] = (0.65, 1.5)
    contrast_range: tuple[float, float] = (0.6, 1.3)
    max_brightness: float = 35.0
    max_gradient: float = 0.3  # light falling off across the face, fraction of the mean
    blur_probability: float = 0.3
    blur_sigma_range: tuple[float, float] = (0.4, 1.1)
    noise_probability: float = 0.5
    max_noise_sigma: float = 7.0


def augment_face(image: np.ndarray, rng: np.random.Generator, settings: Augmentation = Augmentation()) -> np.ndarray:
    """One randomly altered copy of a 48x48 uint8 face, before normalisation."""
    s = settings
    pixels = image.astype(np.float32) / 255.0
    pixels = pixels ** rng.uniform(*s.gamma_range)
    pixels = (pixels - 0.5) * rng.uniform(*s.contrast_range) + 0.5 + rng.uniform(-1, 1) * s.max_brightness / 255.0
    direction = rng.uniform(0, 2 * math.pi)
    ramp = np.linspace(-0.5, 0.5, FACE_SIZE, dtype=np.float32)
    gradient = math.cos(direction) * ramp[np.newaxis, :] + math.sin(direction) * ramp[:, np.newaxis]
    pixels = pixels * (1.0 + rng.uniform(0, s.max_gradient) * gradient)
    source = np.clip(np.rint(pixels * 255.0), 0, 255).astype(np.uint8)

    h, w = image.shape
    side = min(h, w) / rng.uniform(*s.scale_range)
    shift = rng.uniform(-s.max_shift, s.max_shift, size=2) * side
    crop = crop_face(
        source,
        center=(w / 2 + shift[0], h / 2 + shift[1]),
        side=side,
        angle=math.radians(rng.uniform(-s.max_rotation_deg, s.max_rotation_deg)),
    ).astype(np.float32)
    if rng.random() < 0.5:
        crop = crop[:, ::-1]
    if rng.random() < s.blur_probability:
        crop = gaussian_blur(crop, rng.uniform(*s.blur_sigma_range))
    if rng.random() < s.noise_probability:
        crop = crop + rng.normal(0.0, rng.uniform(0, s.max_noise_sigma), crop.shape)
    return np.clip(np.rint(crop), 0, 255).astype(np.uint8)


def gaussian_blur(pixels: np.ndarray, sigma: float) -> np.ndarray:
    """Separable Gaussian blur with edge padding."""
    radius = max(1, int(math.ceil(2.5 * sigma)))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps /= taps.sum()
    padded = np.pad(pixels, radius, mode="edge")
    rows = sum(t * padded[:, i : i + pixels.shape[1]] for i, t in enumerate(taps))
    return sum(t * rows[i : i + pixels.shape[0], :] for i, t in enumerate(taps))


def augmented_batch(
    images: np.ndarray, rng: np.random.Generator, settings: Augmentation = Augmentation()
) -> np.ndarray:
    """Augment and normalise each image: uint8 [n, 48, 48]."""
    return np.stack([normalize_face(augment_face(image, rng, settings)) for image in images])


def normalized_batch(images: np.ndarray) -> np.ndarray:
    """Normalise each image without altering it, as the runtime does: uint8 [n, 48, 48]."""
    return np.stack([normalize_face(image) for image in images])
