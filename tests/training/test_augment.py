"""Augmentation runs through the runtime's own preprocessing (numpy only, no TensorFlow)."""

import numpy as np

from appliance.training import augment
from appliance.training.augment import Augmentation, augment_face, augmented_batch, normalized_batch
from appliance.vision import preprocess

NO_CHANGE = Augmentation(
    max_rotation_deg=0,
    max_shift=0,
    scale_range=(1, 1),
    gamma_range=(1, 1),
    contrast_range=(1, 1),
    max_brightness=0,
    max_gradient=0,
    blur_probability=0,
    noise_probability=0,
)


def faces(n=4, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (n, 48, 48), dtype=np.uint8)


def test_training_uses_the_runtime_preprocessing_functions():
    assert augment.crop_face is preprocess.crop_face
    assert augment.normalize_face is preprocess.normalize_face


def test_without_changes_training_input_equals_runtime_input_up_to_mirror_flip():
    image = faces(1)[0]
    runtime = preprocess.normalize_face(preprocess.crop_face(image, center=(24, 24), side=48))
    for seed in range(6):
        trained = augmented_batch(image[np.newaxis], np.random.default_rng(seed), NO_CHANGE)[0]
        assert np.array_equal(trained, runtime) or np.array_equal(trained, runtime[:, ::-1])
    np.testing.assert_array_equal(normalized_batch(image[np.newaxis])[0], runtime)


def test_augmentation_is_seeded_and_varied():
    image = faces(1)[0]
    first = augment_face(image, np.random.default_rng(7))
    again = augment_face(image, np.random.default_rng(7))
    other = augment_face(image, np.random.default_rng(8))
    assert first.dtype == np.uint8 and first.shape == (48, 48)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_batches_are_normalised():
    batch = augmented_batch(faces(8), np.random.default_rng(1))
    assert batch.shape == (8, 48, 48)
    assert abs(batch.mean() - 128) < 3


def test_blur_keeps_the_mean_and_smooths():
    noise = faces(1)[0].astype(np.float32)
    blurred = augment.gaussian_blur(noise, 1.0)
    assert blurred.shape == noise.shape
    assert abs(blurred.mean() - noise.mean()) < 2
    assert blurred.std() < noise.std() / 2
