"""The mirror's reading of an expression: a linear head learned from data, relative to the person's own resting face.

What the mirror measures of a face (the expression model's log-probabilities and the mesh's
geometry) goes through a linear map and a softmax.  A person who has calibrated is read in the
same space the map was learned in: their measurements are moved by how far their resting face
departs from the typical resting face of the training data, so their own resting face reads as
a typical one; and, since their face's own shape no longer hides in each departure, with each
input weighed by how reliable it then is (``reading_fit``, step 4).  The maps and the typical
resting face are fitted by ``reading_fit`` and stored with their provenance in
``reading_head.json``; this module only reads that file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from appliance.vision.classifier import EXPRESSIONS, softmax
from appliance.vision.features import GEOMETRY

HEAD_FILE = Path(__file__).with_name("reading_head.json")
FLOOR_PROBABILITY = 1 / 256  # below it a probability is not measured: the int8 logits' step makes it noise


@dataclass(frozen=True)
class RestingFace:
    """A person's resting face as the mirror measured it: the model's probabilities (EXPRESSIONS
    order) and the geometry dict, either of which may be unknown (None)."""

    appearance: np.ndarray | None = None
    geometry: Mapping[str, float] | None = None


@dataclass(frozen=True)
class ReadingHead:
    """``softmax(weights @ inputs + bias)``; the inputs are the appearance's centred log-probabilities,
    then the geometry less the typical resting face's, over its spread (``inputs``)."""

    weights: np.ndarray  # (8, 8 + len(keys))
    bias: np.ndarray  # (8,)
    appearance_weights: np.ndarray  # (8, 8): the head for a face whose landmarks were not read
    appearance_bias: np.ndarray
    personal: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # the same four against one's own rest
    typical_appearance: np.ndarray  # (8,) centred log-probabilities of a typical resting face
    typical_geometry: np.ndarray  # (len(keys),)
    spread: np.ndarray  # (len(keys),)
    keys: tuple[str, ...]
    info: dict

    @classmethod
    def load(cls, path: Path | str = HEAD_FILE) -> ReadingHead:
        return cls.from_data(json.loads(Path(path).read_text(encoding="utf-8")), source=str(path))

    @classmethod
    def from_data(cls, data: Mapping, *, source: str = "the reading's parameters") -> ReadingHead:
        if tuple(data["expressions"]) != EXPRESSIONS:
            raise ValueError(f"{source} reads {data['expressions']}, not {list(EXPRESSIONS)}")
        keys = tuple(data["geometry"]["keys"])
        if not set(keys) <= set(GEOMETRY):
            unknown = sorted(set(keys) - set(GEOMETRY))
            raise ValueError(f"{source} reads measurements this build does not make: {unknown}")

        def arrays(name: str) -> tuple[np.ndarray, np.ndarray]:
            return np.asarray(data[name]["weights"], np.float64), np.asarray(data[name]["bias"], np.float64)

        (weights, bias), (look, look_bias) = arrays("head"), arrays("appearance_only")
        return cls(
            weights=weights,
            bias=bias,
            appearance_weights=look,
            appearance_bias=look_bias,
            personal=(*arrays("personal_head"), *arrays("personal_appearance_only")),
            typical_appearance=np.asarray(data["appearance"]["typical_rest"], dtype=np.float64),
            typical_geometry=np.asarray(data["geometry"]["typical_rest"], dtype=np.float64),
            spread=np.asarray(data["geometry"]["spread"], dtype=np.float64),
            keys=keys,
            info={key: value for key, value in data.items() if key in ("fitted", "figures", "reliability")},
        )

    def appearance_inputs(self, appearance, resting=None) -> np.ndarray:
        """Centred log-probabilities; with the resting face's, moved by how far it departs from the typical."""
        centred = centred_log(appearance)
        if resting is None:
            return centred
        return centred - centred_log(resting) + self.typical_appearance

    def geometry_inputs(self, geometry: Mapping[str, float], resting: Mapping[str, float] | None = None) -> np.ndarray:
        """The geometry's departure from a resting face (the person's own, else the typical), over its spread."""
        values = np.array([float(geometry[key]) for key in self.keys])
        rest = self.typical_geometry if resting is None else np.array([float(resting[key]) for key in self.keys])
        return (values - rest) / self.spread

    def inputs(self, appearance, geometry=None, resting: RestingFace | None = None) -> np.ndarray:
        """What the head reads of a face, relative to ``resting`` (the typical resting face when None).

        The appearance part alone when the geometry is unknown: the head then reads that part only.
        """
        rest = resting or RestingFace()
        look = self.appearance_inputs(appearance, rest.appearance)
        if not geometry:
            return look
        return np.concatenate([look, self.geometry_inputs(geometry, rest.geometry)])

    def logits(self, inputs: np.ndarray, *, personal: bool = False) -> np.ndarray:
        """The head's logits for ``inputs``; ``personal``: they are relative to the person's own resting face."""
        weights, bias, look, look_bias = (
            self.personal if personal else (self.weights, self.bias, self.appearance_weights, self.appearance_bias)
        )
        if len(inputs) == len(EXPRESSIONS):
            return look @ inputs + look_bias
        return weights @ inputs + bias

    def read(self, appearance, geometry=None, resting: RestingFace | None = None) -> np.ndarray:
        """Probabilities in EXPRESSIONS order (float32, sum 1)."""
        inputs = self.inputs(appearance, geometry, resting)
        return softmax(self.logits(inputs, personal=resting is not None)).astype(np.float32)


def centred_log(probabilities) -> np.ndarray:
    """Log-probabilities floored at FLOOR_PROBABILITY, less their mean: the logits up to a constant."""
    p = np.asarray(probabilities, dtype=np.float64)
    logs = np.log(np.maximum(p / max(float(p.sum()), 1e-12), FLOOR_PROBABILITY))
    return logs - logs.mean()


def resting_face(appearance=None, geometry: Mapping[str, float] | None = None) -> RestingFace | None:
    """A RestingFace from what is known of it (None when nothing is); the probabilities are normalised."""
    look = None
    if appearance is not None:
        look = np.asarray(appearance, dtype=np.float64)
        if look.shape != (len(EXPRESSIONS),) or not np.all(np.isfinite(look)) or look.sum() <= 0:
            raise ValueError("a resting face's appearance must be probabilities in EXPRESSIONS order")
        look = look / look.sum()
    shape = dict(geometry) if geometry else None
    if shape is not None and not all(key in shape and math.isfinite(float(shape[key])) for key in GEOMETRY):
        raise ValueError("a resting face's geometry must hold every key of features.GEOMETRY")
    return None if look is None and shape is None else RestingFace(look, shape)


_HEAD: ReadingHead | None = None


def head() -> ReadingHead:
    """The shipped head, read once."""
    global _HEAD
    if _HEAD is None:
        _HEAD = ReadingHead.load()
    return _HEAD


def read(appearance, geometry: Mapping[str, float] | None = None, *, resting: RestingFace | None = None) -> np.ndarray:
    """The mirror's reading (EXPRESSIONS order, sums to 1) of the model's probabilities and the face's
    geometry (None: its landmarks were not read), relative to the person's resting face when known."""
    return head().read(appearance, geometry, resting)
