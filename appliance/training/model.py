"""The expression network: a small VGG-style CNN sized for int8 on a Pi (< 1 MB)."""

from __future__ import annotations

import keras
from keras import layers

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
