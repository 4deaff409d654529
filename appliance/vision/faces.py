"""Face detection with BlazeFace short-range (MediaPipe's face_detection_short_range.tflite).

The model reads a 128x128 RGB image in [-1, 1] and gives, for each of 896 fixed
anchors, a score logit and 16 numbers: a box (x, y, w, h) and six keypoints,
as offsets in 128ths of the input.  The post-processing here repeats, in numpy,
what MediaPipe's face_detection_short_range graph does: SSD anchors, decoding,
a sigmoid with clipping, weighted non-maximum suppression and letterbox removal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from appliance.errors import FrameError, ModelError
from appliance.paths import MODELS_DIR
from appliance.vision.litert import load_interpreter, timed_invoke

DEFAULT_DETECTOR = MODELS_DIR / "face_detection_short_range.tflite"

INPUT_SIZE = 128
KEYPOINTS = ("right_eye", "left_eye", "nose", "mouth", "right_ear", "left_ear")  # the person's right/left
MIN_SCORE = 0.5  # the graph's min_score_thresh
NMS_THRESHOLD = 0.3  # the graph's min_suppression_threshold (IoU)
SCORE_CLIP = 100.0  # score_clipping_thresh
STRIDES = (8, 16, 16, 16)  # one per SSD layer; layers with equal strides share a grid
ANCHORS_PER_LAYER = 2  # aspect ratio 1.0 plus the interpolated scale


@dataclass(frozen=True)
class Face:
    """One detected face in frame pixels: box (x, y, w, h), score in [0, 1], keypoints (6, 2) as x, y."""

    box: tuple[float, float, float, float]
    score: float
    keypoints: np.ndarray

    @property
    def right_eye(self) -> np.ndarray:
        return self.keypoints[0]

    @property
    def left_eye(self) -> np.ndarray:
        return self.keypoints[1]

    @property
    def center(self) -> tuple[float, float]:
        x, y, w, h = self.box
        return x + w / 2, y + h / 2

    @property
    def area(self) -> float:
        return self.box[2] * self.box[3]

    def int_box(self) -> tuple[int, int, int, int]:
        return tuple(int(round(v)) for v in self.box)


def ssd_anchors(input_size: int = INPUT_SIZE, strides=STRIDES) -> np.ndarray:
    """Anchor centres (n, 2) as x, y in [0, 1], in the order SsdAnchorsCalculator makes them.

    Fixed anchor size: every anchor is 1 x 1, so only centres matter.  Consecutive
    layers of the same stride are merged into one grid with their anchors
    interleaved per cell (row by row, then column, then anchor).
    """
    anchors = []
    layer = 0
    while layer < len(strides):
        stride = strides[layer]
        per_cell = 0
        while layer < len(strides) and strides[layer] == stride:
            per_cell += ANCHORS_PER_LAYER
            layer += 1
        cells = -(-input_size // stride)  # ceil
        centers = (np.arange(cells, dtype=np.float32) + 0.5) / cells
        ys, xs = np.meshgrid(centers, centers, indexing="ij")
        grid = np.stack([xs.ravel(), ys.ravel()], axis=1)
        anchors.append(np.repeat(grid, per_cell, axis=0))
    return np.concatenate(anchors).astype(np.float32)


def decode(raw_boxes: np.ndarray, raw_scores: np.ndarray, anchors: np.ndarray, *, min_score: float = MIN_SCORE):
    """Boxes (n, 4) as xmin, ymin, xmax, ymax, keypoints (n, 6, 2) and scores (n,), in [0, 1] input units.

    Only anchors scoring at least ``min_score`` are kept.
    """
    scores = 1.0 / (1.0 + np.exp(-np.clip(raw_scores.reshape(-1).astype(np.float64), -SCORE_CLIP, SCORE_CLIP)))
    keep = np.flatnonzero(scores >= min_score)
    raw = raw_boxes.reshape(-1, 16)[keep] / INPUT_SIZE
    centers = anchors[keep]
    box_center = raw[:, 0:2] + centers
    half = raw[:, 2:4] / 2
    boxes = np.concatenate([box_center - half, box_center + half], axis=1)
    keypoints = raw[:, 4:16].reshape(-1, len(KEYPOINTS), 2) + centers[:, np.newaxis, :]
    return boxes, keypoints, scores[keep]


def weighted_nms(boxes: np.ndarray, keypoints: np.ndarray, scores: np.ndarray, *, threshold: float = NMS_THRESHOLD):
    """MediaPipe's weighted NMS: each cluster (IoU > threshold with the best remaining box)
    becomes the score-weighted mean of its boxes and keypoints, with the best one's score.
    """
    order = np.argsort(-scores, kind="stable")
    boxes, keypoints, scores = boxes[order], keypoints[order], scores[order]
    areas = np.maximum(boxes[:, 2] - boxes[:, 0], 0) * np.maximum(boxes[:, 3] - boxes[:, 1], 0)
    remaining = np.arange(len(scores))
    results = []
    while remaining.size:
        best = remaining[0]
        rest = boxes[remaining]
        inter_w = np.maximum(np.minimum(rest[:, 2], boxes[best, 2]) - np.maximum(rest[:, 0], boxes[best, 0]), 0)
        inter_h = np.maximum(np.minimum(rest[:, 3], boxes[best, 3]) - np.maximum(rest[:, 1], boxes[best, 1]), 0)
        inter = inter_w * inter_h
        union = areas[remaining] + areas[best] - inter
        iou = np.where(union > 0, inter / np.where(union > 0, union, 1), 0)
        cluster = remaining[iou > threshold]
        if cluster.size == 0:  # a degenerate box overlaps nothing, not even itself
            cluster = remaining[:1]
        weights = scores[cluster] / scores[cluster].sum()
        box = (boxes[cluster] * weights[:, np.newaxis]).sum(axis=0)
        points = (keypoints[cluster] * weights[:, np.newaxis, np.newaxis]).sum(axis=0)
        results.append((box, points, float(scores[best])))
        remaining = remaining[~np.isin(remaining, cluster)]
    return results


@dataclass(frozen=True)
class Letterbox:
    """How a frame was fitted into the square input: scale and padding, in input pixels."""

    scale_x: float
    scale_y: float
    pad_x: int
    pad_y: int

    def to_frame(self, points: np.ndarray) -> np.ndarray:
        """Map (..., 2) points in [0, 1] input units back to frame pixels."""
        pixels = points * INPUT_SIZE - np.array([self.pad_x, self.pad_y], dtype=np.float32)
        return pixels / np.array([self.scale_x, self.scale_y], dtype=np.float32)


def letterbox(image: np.ndarray, out: np.ndarray | None = None) -> tuple[np.ndarray, Letterbox]:
    """Fit an HxW grey or HxWx3 RGB uint8 image into (1, 128, 128, 3) float32 in [-1, 1], keeping its
    aspect ratio and padding with black (-1), as MediaPipe's ImageToTensor does."""
    from PIL import Image

    height, width = image.shape[:2]
    fit = INPUT_SIZE / max(width, height)
    new_w, new_h = max(1, round(width * fit)), max(1, round(height * fit))
    pad_x, pad_y = (INPUT_SIZE - new_w) // 2, (INPUT_SIZE - new_h) // 2
    # reducing_gap: a box reduction by a whole factor first, then bilinear; 2x faster, same detections
    resized = Image.fromarray(image).resize((new_w, new_h), Image.BILINEAR, reducing_gap=2.0)
    resized = np.asarray(resized, dtype=np.float32)
    if out is None:
        out = np.empty((1, INPUT_SIZE, INPUT_SIZE, 3), dtype=np.float32)
    out.fill(-1.0)
    region = out[0, pad_y : pad_y + new_h, pad_x : pad_x + new_w]
    region[...] = (resized if resized.ndim == 3 else resized[:, :, np.newaxis]) * (2 / 255) - 1
    return out, Letterbox(new_w / width, new_h / height, pad_x, pad_y)


class FaceDetector:
    """BlazeFace short-range on frames of any size.  Build once; not thread-safe (one per thread)."""

    def __init__(
        self,
        model_path: Path | str = DEFAULT_DETECTOR,
        *,
        num_threads: int = 1,
        min_score: float = MIN_SCORE,
        nms_threshold: float = NMS_THRESHOLD,
    ) -> None:
        self.model_path = Path(model_path)
        self.min_score, self.nms_threshold = min_score, nms_threshold
        self._interpreter = load_interpreter(self.model_path, num_threads=num_threads, what="face detector")
        self.invoke_ms = 0.0  # how long the last run of the model took (bench splits a frame with it)
        (inp,) = self._interpreter.get_input_details()
        outputs = {d["name"]: d for d in self._interpreter.get_output_details()}
        if tuple(inp["shape"]) != (1, INPUT_SIZE, INPUT_SIZE, 3) or set(outputs) != {"regressors", "classificators"}:
            raise ModelError(
                f"{self.model_path} is not BlazeFace short-range "
                f"(input {tuple(inp['shape'])}, outputs {sorted(outputs)})",
                hint="run python models/extract_face_models.py",
            )
        self._input_index = inp["index"]
        self._boxes_index = outputs["regressors"]["index"]
        self._scores_index = outputs["classificators"]["index"]
        self._anchors = ssd_anchors()
        self._tensor = np.empty((1, INPUT_SIZE, INPUT_SIZE, 3), dtype=np.float32)

    def detect(self, image: np.ndarray) -> list[Face]:
        """Faces in an HxW grey or HxWx3 RGB uint8 frame, best score first."""
        if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim not in (2, 3):
            got = f"{image.dtype} {image.shape}" if isinstance(image, np.ndarray) else type(image).__name__
            raise FrameError(f"a frame must be HxW or HxWx3 uint8, got {got}")
        if image.ndim == 3:
            if image.shape[2] not in (3, 4):
                raise FrameError(f"a colour frame must have 3 or 4 channels, got shape {image.shape}")
            image = np.ascontiguousarray(image[:, :, :3])
        if min(image.shape[:2]) < 2:
            raise FrameError(f"a frame of shape {image.shape} is too small")
        tensor, fit = letterbox(image, self._tensor)
        self._interpreter.set_tensor(self._input_index, tensor)
        self.invoke_ms = timed_invoke(self._interpreter)
        raw_boxes = self._interpreter.get_tensor(self._boxes_index)[0]
        raw_scores = self._interpreter.get_tensor(self._scores_index)[0]
        boxes, keypoints, scores = decode(raw_boxes, raw_scores, self._anchors, min_score=self.min_score)
        faces = []
        for box, points, score in weighted_nms(boxes, keypoints, scores, threshold=self.nms_threshold):
            corners = fit.to_frame(box.reshape(2, 2))
            (x0, y0), (x1, y1) = corners
            faces.append(Face((float(x0), float(y0), float(x1 - x0), float(y1 - y0)), score, fit.to_frame(points)))
        return faces
