"""Keras model to TFLite: float32, or full-integer int8 in and out."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def export_tflite(model, path: Path, *, representative: np.ndarray | None = None) -> Path:
    """Write ``model`` as TFLite; with ``representative`` inputs, int8 throughout."""
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if representative is not None:

        def samples():
            for row in representative:
                yield [row[np.newaxis].astype(np.float32)]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = samples
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    path.write_bytes(converter.convert())
    return path
