"""The 468-point face mesh (MediaPipe's face_landmark.tflite), MediaPipe face-mesh style.

The model reads a 192x192 RGB crop of a rotated square region of interest (ROI) and gives
1404 numbers (468 points x, y, z in input pixels; z is depth at the scale of x, smaller is
nearer the camera) and one face-presence logit.  The input is colour in [0, 1], the range
MediaPipe's current face_landmark graph gives it (its first graphs fed [-1, 1]: on the fixture
photos the two put the points within 0.8 pixel of each other and both give logits above 25, so
the model is not sensitive to it; ``python -m appliance.vision.landmarks IMAGE`` compares them).
The model is sensitive to the face's contrast, though, so the face's own range is stretched to
[0, 1] first (``input_range``).

The ROI comes from the detector for the first frame (box centre, the eye keypoints for the
rotation, 1.5x the box's longer side, as face_detection_front_detection_to_roi does), then
from the last frame's landmarks (1.5x their extent, turned by the eye line, after
face_landmark_landmarks_to_roi), so the detector runs again only when tracking is lost.  MediaPipe
takes the points' extent along the image's axes and then turns the square; here it is measured
along and across the eye line, which fits a tilted head more tightly (on the tilted fixture faces
the two differ by up to 1.9% in side and 3.8 pixels in centre).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from appliance.errors import FrameError, ModelError, run_tool
from appliance.paths import MODELS_DIR
from appliance.vision.faces import Face
from appliance.vision.litert import load_interpreter, timed_invoke
from appliance.vision.preprocess import sample_square, sampling_options, square_affine

DEFAULT_LANDMARK_MODEL = MODELS_DIR / "face_landmark.tflite"

INPUT_SIZE = 192
POINTS = 468
ROI_SCALE = 1.5  # both MediaPipe ROI graphs expand the face's extent by this much
MIN_PRESENCE = 0.5  # below this the ROI holds no face: hand back to the detector
MAX_OUTSIDE = 0.25  # more than this share of the points outside the frame: the face left it
# BlazeFace's box from the mesh, so the expression crop is framed as align.py calibrated it:
# measured on every third frame of the demo clip (46 frames with a detection, read with both),
# in units of the points' extent along the eye line: box side 1.170 (IQR 0.11), centre 0.038
# below the extent's centre (IQR 0.07), 0.035 along the eye line (IQR 0.08; taken as 0: a
# frontal face is symmetric).
BOX_PER_EXTENT = 1.17
BOX_SHIFT_DOWN = 0.038

# Mesh indices (the person's right is the image's left when they face the camera).
RIGHT_EYE_OUTER, RIGHT_EYE_INNER, LEFT_EYE_INNER, LEFT_EYE_OUTER = 33, 133, 362, 263
NOSE_TIP, MOUTH_CENTER, RIGHT_CHEEK, LEFT_CHEEK = 1, 13, 234, 454


# The framings a photo is read from besides its own (read_still): (shift along the eye line,
# shift across it, both in shares of the ROI's side; scale; turn in radians).  Small enough that
# every one is a framing tracking could give (frame-to-frame ROIs differ by about this much).
STILL_VIEWS = (
    (0.0, 0.0, 1.0, 0.0),
    (0.02, 0.02, 0.96, 0.05),
    (-0.02, -0.02, 1.04, -0.05),
    (0.02, -0.02, 1.04, 0.0),
    (-0.02, 0.02, 0.96, 0.0),
)


@lru_cache(maxsize=1)
def mirror_partners() -> np.ndarray:
    """For each mesh point, the point at its mirror position (the person's right eye's outer corner
    for the left's, a point on the midline for itself): the nearest point of the canonical face
    flipped left to right.  On the shipped face model this pairing is its own inverse."""
    from appliance.vision.features import CANONICAL

    flipped = CANONICAL * np.array([-1.0, 1.0, 1.0])
    distances = ((flipped[:, None, :] - CANONICAL[None, :, :]) ** 2).sum(axis=-1)
    return distances.argmin(axis=1)


@dataclass(frozen=True)
class Extent:
    """The points' extent along (u) and across (v) their eye line, whose angle is ``angle``: the frame
    both the next region of interest and the detector-like box are measured in."""

    angle: float
    u_min: float
    u_max: float
    v_min: float
    v_max: float

    @classmethod
    def of(cls, points: np.ndarray) -> Extent:
        dx, dy = points[LEFT_EYE_OUTER, :2] - points[RIGHT_EYE_OUTER, :2]
        angle = math.atan2(float(dy), float(dx))
        cos_a, sin_a = math.cos(angle), math.sin(angle)
        u = points[:, 0] * cos_a + points[:, 1] * sin_a  # along the eye line
        v = -points[:, 0] * sin_a + points[:, 1] * cos_a  # across it
        return cls(angle, float(u.min()), float(u.max()), float(v.min()), float(v.max()))

    def to_frame(self, u: float, v: float) -> tuple[float, float]:
        """A point given along and across the eye line, in frame pixels."""
        cos_a, sin_a = math.cos(self.angle), math.sin(self.angle)
        return u * cos_a - v * sin_a, u * sin_a + v * cos_a


@dataclass(frozen=True)
class Roi:
    """A rotated square in frame pixels: ``angle`` (radians) is the frame direction that becomes
    the crop's x axis (the line between the eyes, so the crop is levelled)."""

    center: tuple[float, float]
    side: float
    angle: float

    @classmethod
    def from_face(cls, face: Face, *, scale: float = ROI_SCALE) -> Roi:
        dx, dy = face.left_eye - face.right_eye
        x, y, w, h = face.box
        return cls((x + w / 2, y + h / 2), scale * max(w, h), math.atan2(float(dy), float(dx)))

    @classmethod
    def from_landmarks(cls, points: np.ndarray, *, scale: float = ROI_SCALE) -> Roi:
        """The square around the points' extent measured along and across their eye line."""
        return cls.from_extent(Extent.of(points), scale=scale)

    @classmethod
    def from_extent(cls, extent: Extent, *, scale: float = ROI_SCALE) -> Roi:
        center = extent.to_frame((extent.u_min + extent.u_max) / 2, (extent.v_min + extent.v_max) / 2)
        side = scale * max(extent.u_max - extent.u_min, extent.v_max - extent.v_min)
        return cls(center, side, extent.angle)

    def moved(self, *, shift_u: float = 0.0, shift_v: float = 0.0, scale: float = 1.0, turn: float = 0.0) -> Roi:
        """This ROI shifted along and across its own axes (in shares of its side), scaled and
        turned by ``turn`` radians."""
        cos_a, sin_a = math.cos(self.angle), math.sin(self.angle)
        du, dv = shift_u * self.side, shift_v * self.side
        center = (self.center[0] + du * cos_a - dv * sin_a, self.center[1] + du * sin_a + dv * cos_a)
        return Roi(center, self.side * scale, self.angle + turn)

    def affine(self, size: int = INPUT_SIZE) -> np.ndarray:
        """(2, 3) matrix taking crop pixels (x, y, 1) to frame pixels."""
        return square_affine(self.center, self.side, self.angle, size)

    def to_frame(self, points: np.ndarray, size: int = INPUT_SIZE) -> np.ndarray:
        """(n, 3) points in crop pixels to frame pixels; z is scaled like x."""
        matrix = self.affine(size)
        out = np.empty_like(points, dtype=np.float32)
        out[:, :2] = points[:, :2] @ matrix[:, :2].T + matrix[:, 2]
        out[:, 2] = points[:, 2] * (self.side / size)
        return out


def crop_roi(image: np.ndarray, roi: Roi, size: int = INPUT_SIZE, *, sampling: str = "bilinear") -> np.ndarray:
    """The ROI as a ``size`` x ``size`` x 3 uint8 crop, edges repeated outside the frame
    (``sampling``: one of preprocess.SAMPLINGS).

    Neither sampling averages more than a crop pixel's own footprint, so a ROI more than twice
    the crop's size is first box-reduced by a whole factor (no aliasing on close faces).

    "box" against "bilinear", measured on the fixture photos brought to ROIs of 130, 200 and 300
    pixels, each read from 20 slightly moved framings: the mesh's points move by 0.03-0.14 of an
    input pixel between the two (no bias: at most 0.013), and their spread over the framings grows
    by at most 7% at 130 pixels (a crop enlarged 1.5x, where box sampling is blockier) and not at
    all at 300.  "box" takes about half the time.
    """
    pixels = image[:, :, :3] if image.ndim == 3 else image
    options = sampling_options(sampling)
    crop = sample_square(pixels, roi.affine(size), size, reduce=max(1, int(roi.side // (2 * size))), **options)
    return crop if crop.ndim == 3 else np.repeat(crop[:, :, np.newaxis], 3, axis=2)


@dataclass(frozen=True)
class Mesh:
    """One reading of the face mesh: (468, 3) float32 frame pixels and the presence in [0, 1]."""

    points: np.ndarray
    presence: float
    roi: Roi

    @cached_property
    def extent(self) -> Extent:
        """The points' extent along and across their eye line, measured once for the box and the next ROI."""
        return Extent.of(self.points)

    def outside_share(self, frame_size: tuple[int, int]) -> float:
        width, height = frame_size
        x, y = self.points[:, 0], self.points[:, 1]
        if x.min() >= 0 and y.min() >= 0 and x.max() < width and y.max() < height:
            return 0.0  # the usual case, four reductions instead of a test of every point
        return float(np.mean((x < 0) | (y < 0) | (x >= width) | (y >= height)))

    def next_roi(self) -> Roi:
        """Where tracking reads the face in the next frame: ``Roi.from_landmarks`` of these points."""
        return Roi.from_extent(self.extent)

    def face(self) -> Face:
        """A detector-like Face from the mesh: BlazeFace's box as the detector would give it
        (measured, see BOX_PER_EXTENT), the eyes' centres and four more keypoints."""
        extent = self.extent
        length = extent.u_max - extent.u_min
        cx, cy = extent.to_frame(
            (extent.u_max + extent.u_min) / 2, (extent.v_max + extent.v_min) / 2 + BOX_SHIFT_DOWN * length
        )
        side = BOX_PER_EXTENT * length
        eyes = self.points[_EYE_CORNERS, :2].reshape(2, 2, 2).mean(axis=1)
        keypoints = np.concatenate([eyes, self.points[_OTHER_KEYPOINTS, :2]]).astype(np.float32)
        box = (float(cx - side / 2), float(cy - side / 2), side, side)
        return Face(box, self.presence, keypoints)


# Face's keypoints from the mesh: each eye's centre (the mean of its two corners), then the nose
# tip, the mouth's centre and the two cheeks.
_EYE_CORNERS = [RIGHT_EYE_OUTER, RIGHT_EYE_INNER, LEFT_EYE_OUTER, LEFT_EYE_INNER]
_OTHER_KEYPOINTS = [NOSE_TIP, MOUTH_CENTER, RIGHT_CHEEK, LEFT_CHEEK]


# The face's share of a mesh crop: its central half (the ROI is 1.5x the face's extent), sampled
# every other pixel; and the range below which a crop is left as it is (a blank or black frame).
_FACE_SPAN = slice(INPUT_SIZE // 4, 3 * INPUT_SIZE // 4, 2)
CONTRAST_PERCENTILES = (1.0, 99.0)
MIN_INPUT_RANGE = 16.0


def input_range(crop: np.ndarray) -> tuple[float, float]:
    """The values that become 0 and 1 of the mesh's input: the 1st and 99th percentiles of the face.

    Why: the mesh reads a dim or low-contrast face as if it moved less.  On the demo clip with its
    contrast cut to 0.35 (a backlit face, a dim bathroom in the morning) the movements from the
    population neutral shrank to 0.71-0.92 of the same frames' (smile 0.88, jaw drop 0.71); the
    face stretched to full contrast reads them at 0.99-1.03 (docs/features.md).  A crop with
    almost no range (blank, black) is left as it is rather than amplifying its noise."""
    face = crop[_FACE_SPAN, _FACE_SPAN]
    low, high = (float(v) for v in np.percentile(face, CONTRAST_PERCENTILES))
    if high - low < MIN_INPUT_RANGE:
        return 0.0, 255.0
    return low, high


class FaceMesh:
    """The landmark model on a ROI of a frame.  Build once; not thread-safe (one per thread)."""

    def __init__(
        self, model_path: Path | str = DEFAULT_LANDMARK_MODEL, *, num_threads: int = 1, full_contrast: bool = True
    ) -> None:
        self.model_path = Path(model_path)
        self.full_contrast = full_contrast  # see input_range
        self._interpreter = load_interpreter(self.model_path, num_threads=num_threads, what="face landmark model")
        self.invoke_ms = 0.0  # how long the last run of the model took (bench splits a frame with it)
        (inp,) = self._interpreter.get_input_details()
        outputs = sorted(self._interpreter.get_output_details(), key=lambda d: -int(np.prod(d["shape"])))
        sizes = [int(np.prod(d["shape"])) for d in outputs]
        if tuple(inp["shape"]) != (1, INPUT_SIZE, INPUT_SIZE, 3) or sizes != [POINTS * 3, 1]:
            raise ModelError(
                f"{self.model_path} is not MediaPipe's 468-point face landmark model "
                f"(input {tuple(inp['shape'])}, output sizes {sizes})",
                hint="run python models/extract_face_models.py",
            )
        self._input_index = inp["index"]
        self._points_index, self._presence_index = outputs[0]["index"], outputs[1]["index"]
        self._tensor = np.empty((1, INPUT_SIZE, INPUT_SIZE, 3), dtype=np.float32)

    def run(self, crop: np.ndarray, *, zero_center: bool = False) -> tuple[np.ndarray, float]:
        """(468, 3) points in crop pixels and the presence, for a 192x192x3 uint8 crop."""
        if zero_center:  # only for checking the input range (see the module's docstring)
            np.multiply(crop, 2 / 255, out=self._tensor[0], casting="unsafe")
            self._tensor -= 1
        else:
            low, high = input_range(crop) if self.full_contrast else (0.0, 255.0)
            np.subtract(crop, low, out=self._tensor[0], casting="unsafe")
            self._tensor *= 1 / (high - low)
            np.clip(self._tensor, 0.0, 1.0, out=self._tensor)
        self._interpreter.set_tensor(self._input_index, self._tensor)
        self.invoke_ms = timed_invoke(self._interpreter)
        points = self._interpreter.get_tensor(self._points_index).reshape(POINTS, 3)
        logit = float(self._interpreter.get_tensor(self._presence_index).reshape(()))
        return points, 1.0 / (1.0 + math.exp(-max(min(logit, 60.0), -60.0)))

    def read(self, image: np.ndarray, roi: Roi, *, sampling: str = "bilinear") -> Mesh:
        """The mesh in ``roi`` of an HxW grey or HxWx3 RGB uint8 frame, in frame pixels
        (``sampling``: how the crop is taken, see crop_roi)."""
        if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim not in (2, 3):
            got = f"{image.dtype} {image.shape}" if isinstance(image, np.ndarray) else type(image).__name__
            raise FrameError(f"a frame must be HxW or HxWx3 uint8, got {got}")
        points, presence = self.run(crop_roi(image, roi, sampling=sampling))
        return Mesh(roi.to_frame(points), presence, roi)

    def read_mirrored(self, image: np.ndarray, roi: Roi) -> Mesh:
        """The mesh read from the ROI's crop flipped left to right, then flipped back (each point
        takes its mirror partner's reading, ``mirror_partners``): the model's errors on a face and on
        its mirror image are not the same, so the two readings together cancel part of them."""
        return self._mirrored(crop_roi(image, roi), roi)

    def _mirrored(self, crop: np.ndarray, roi: Roi) -> Mesh:
        points, presence = self.run(np.ascontiguousarray(crop[:, ::-1]))
        points = points[mirror_partners()]
        points[:, 0] = INPUT_SIZE - points[:, 0]  # the crop's pixels span [0, 192): x -> 192 - x
        return Mesh(roi.to_frame(points), presence, roi)

    def read_still(self, image: np.ndarray, face: Face, *, views: int = len(STILL_VIEWS)) -> Mesh:
        """A photo: the ROI from the detection, then from those landmarks (a tighter, levelled ROI,
        as two frames of tracking would), then ``views`` slightly moved copies of that ROI, each read
        as it is and mirrored; the per-coordinate median of those readings.

        Why: one reading is off by about half a pixel of the 192-pixel input (mostly at the mouth
        corners, where a subtle smile moves by one), and a live mirror evens that out over frames
        (``GeometrySmoother``).  A photo has one frame, so it is read from several framings instead.
        ``views=0`` gives the single second reading."""
        first = self.read(image, Roi.from_face(face))
        if first.presence < MIN_PRESENCE:
            return first
        roi = Roi.from_landmarks(first.points)
        second = self.read(image, roi)
        if second.presence < MIN_PRESENCE:
            return first
        if views <= 0:
            return second
        readings = [second]
        for shift_u, shift_v, scale, turn in STILL_VIEWS[:views]:
            moved = roi.moved(shift_u=shift_u, shift_v=shift_v, scale=scale, turn=turn)
            crop = crop_roi(image, moved)  # once for both readings of this framing
            if moved != roi:
                points, presence = self.run(crop)
                readings.append(Mesh(moved.to_frame(points), presence, moved))
            readings.append(self._mirrored(crop, moved))
        kept = [r for r in readings if r.presence >= MIN_PRESENCE]
        points = np.median(np.stack([r.points for r in kept]), axis=0).astype(np.float32)
        return Mesh(points, float(np.median([r.presence for r in kept])), roi)

    def read_crop(self, image: np.ndarray) -> Mesh:
        """A photo that is already a face crop (framed like FER's, brows to chin): the ROI is its
        centred square widened as the detector's ROI would be, then refined from the landmarks."""
        first = self.read(image, _crop_roi_of(image))
        if first.presence < MIN_PRESENCE:
            return first
        second = self.read(image, Roi.from_landmarks(first.points))
        return second if second.presence >= MIN_PRESENCE else first


CROP_TO_ROI = ROI_SCALE / 1.2  # a FER-framed face crop is 1.2x BlazeFace's box (align.FRAMING_SIDE)


def _crop_roi_of(image: np.ndarray) -> Roi:
    height, width = image.shape[:2]
    return Roi((width / 2, height / 2), CROP_TO_ROI * min(width, height), 0.0)


def _main() -> int:  # python -m appliance.vision.landmarks IMAGE...: the input-range check
    import argparse

    from appliance.vision.faces import FaceDetector
    from appliance.vision.images import read_image

    parser = argparse.ArgumentParser(description="The face mesh's presence with its input in [0, 1] and in [-1, 1].")
    parser.add_argument("images", nargs="+", help="photos with a face")
    detector = FaceDetector()
    mesh = FaceMesh(full_contrast=False)  # the two ranges compared as they are, without input_range's stretch
    for path in parser.parse_args().images:
        pixels = read_image(path)
        for face in detector.detect(pixels)[:1]:
            crop = crop_roi(pixels, Roi.from_face(face))
            _, unit = mesh.run(crop)
            _, centred = mesh.run(crop, zero_center=True)
            print(f"{path}: presence {unit:.4f} with input in [0, 1], {centred:.4f} in [-1, 1]")
    return 0


if __name__ == "__main__":
    raise SystemExit(run_tool(_main))
