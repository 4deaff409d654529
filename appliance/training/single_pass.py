"""Turn an expression model exported with mirror averaging in its graph into a one-pass model.

    python -m appliance.training.single_pass OLD.tflite NEW.tflite

Models exported before 2026-11-29 (the one shipped then included) ran the face and its mirror
image through the network as a batch of two, averaged the logits and ended in a softmax.  The
runtime now does the mirror averaging itself (``classifier.ExpressionClassifier``), so the live
mirror can spread the two passes over two consecutive frames and pay for one a frame.  This
cuts the old graph down to what one pass computes: the flip and the batch of two are taken out
in front, the averaging and the softmax behind, and the model's output is the int8 logits of the
face it is given.  Every weight and quantisation parameter is kept byte for byte, so the logits
are the ones the old graph averaged.  Needs TensorFlow (the ``train`` extra) for the schema.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def single_pass(model: bytes) -> bytes:
    """The one-pass, logits-out form of a mirror-averaged expression model's flatbuffer."""
    import flatbuffers
    from tensorflow.lite.python import schema_py_generated as schema

    try:
        tree = schema.ModelT.InitFromObj(schema.Model.GetRootAs(model, 0))
        graph = tree.subgraphs[0]
    except Exception:  # flatbuffers raises whatever the garbage it walks into gives
        raise ValueError("not a TFLite model") from None
    ops = graph.operators

    def kind(op) -> int:
        code = tree.operatorCodes[op.opcodeIndex]
        return max(code.builtinCode, code.deprecatedBuiltinCode)

    codes = schema.BuiltinOperator
    if len(ops) < 4 or kind(ops[0]) != codes.REVERSE_V2 or kind(ops[1]) != codes.CONCATENATION:
        raise ValueError("not a mirror-averaged expression model: it does not start by flipping its input")
    dense = [i for i, op in enumerate(ops) if kind(op) == codes.FULLY_CONNECTED]
    if not dense or [kind(op) for op in ops[dense[-1] + 1 :]] != [codes.RESHAPE, codes.MEAN, codes.SOFTMAX]:
        raise ValueError("not a mirror-averaged expression model: it does not end by averaging two passes")
    both = ops[1].outputs[0]  # the face and its mirror image, a batch of two
    first = ops[2]
    first.inputs = [graph.inputs[0] if index == both else index for index in first.inputs]
    graph.operators = ops[2 : dense[-1] + 1]
    graph.outputs = [ops[dense[-1]].outputs[0]]
    for signature in tree.signatureDefs or []:
        signature.outputs[0].tensorIndex = graph.outputs[0]
        signature.outputs[0].name = b"logits"
    builder = flatbuffers.Builder(len(model))
    builder.Finish(tree.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m appliance.training.single_pass OLD.tflite NEW.tflite", file=sys.stderr)
        return 2
    source, target = Path(args[0]), Path(args[1])
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        converted = single_pass(source.read_bytes())
    except OSError as error:
        print(f"error: cannot read {source}: {error.strerror}", file=sys.stderr)
        return 1
    except ValueError as error:
        print(f"error: {source}: {error}", file=sys.stderr)
        return 1
    target.write_bytes(converted)
    print(f"wrote {target} ({len(converted):,} bytes): one pass, int8 logits out")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
