"""The expression network: a small VGG-style CNN sized for int8 on a Pi (< 1 MB)."""

from __future__ import annotations

import keras
from keras import layers, ops

from appliance.vision.classifier import EXPRESSIONS
from appliance.vision.preprocess import FACE_SIZE

WIDTHS = (32, 64, 128, 192)
REPEATS = (1, 2, 2, 2)  # one conv at full resolution keeps the per-frame cost down


def build_model(*, widths=WIDTHS, repeats=REPEATS, dropout: float = 0.3) -> keras.Model:
    """Logits over EXPRESSIONS for a normalised crop given as float grey levels 0..255."""
    inputs = keras.Input((FACE_SIZE, FACE_SIZE, 1), name="face")
    x = layers.Rescaling(1 / 127.5, offset=-1.0)(inputs)
    for stage, (width, repeat) in enumerate(zip(widths, repeats, strict=True)):
        for i in range(repeat):
            x = layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"conv{stage}_{i}")(x)
            x = layers.BatchNormalization(name=f"bn{stage}_{i}")(x)
            x = layers.ReLU()(x)
        x = layers.MaxPooling2D()(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(dropout)(x)
    logits = layers.Dense(len(EXPRESSIONS), name="logits")(x)
    return keras.Model(inputs, logits, name="expression_cnn")


def flip_averaged(logits_model: keras.Model) -> keras.Model:
    """Logits averaged over the face and its mirror image.

    An expression reads the same mirrored (a one-sided smirk is contempt on either
    side), and the mirror may or may not flip the camera image.  Both copies go
    through the network as one batch of two, so the weights are stored once.
    """
    inputs = keras.Input(logits_model.input.shape[1:], name="face")
    both = ops.concatenate([inputs, ops.flip(inputs, axis=2)], axis=0)
    logits = logits_model(both)
    averaged = ops.mean(ops.reshape(logits, (2, -1, len(EXPRESSIONS))), axis=0)
    return keras.Model(inputs, averaged, name="expression_cnn_flip_averaged")


def with_softmax(logits_model: keras.Model) -> keras.Model:
    """The exported model: probabilities, the runtime's contract."""
    probs = layers.Softmax(name="probabilities")(logits_model.output)
    return keras.Model(logits_model.input, probs, name="expression_probabilities")
