"""The face mesh: ROIs, crops, the model on photos, and detect-once-then-track in the pipeline."""

import math
from pathlib import Path

import numpy as np
import pytest

from appliance.camera import Frame
from appliance.errors import ModelError
from appliance.vision.faces import Face, FaceDetector
from appliance.vision.features import FEATURES, POSE, SCALES, measure, movements
from appliance.vision.images import read_image
from appliance.vision.landmarks import (
    INPUT_SIZE,
    MIN_PRESENCE,
    STILL_VIEWS,
    FaceMesh,
    Mesh,
    Roi,
    crop_roi,
    input_range,
    mirror_partners,
)
from appliance.vision.pipeline import VisionPipeline

SHARED = Path(__file__).resolve().parents[3] / "shared"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared (fixtures/data) is not present in this clone")


def face_at(cx, cy, side=100.0, angle=0.0) -> Face:
    half = side * 0.2
    eyes = [
        (cx - half * math.cos(angle), cy - half * math.sin(angle)),
        (cx + half * math.cos(angle), cy + half * math.sin(angle)),
    ]
    keypoints = np.array(eyes + [(cx, cy)] * 4, dtype=np.float32)
    return Face((cx - side / 2, cy - side / 2, side, side), 0.9, keypoints)


def test_the_roi_from_a_detection_is_centred_levelled_and_1_5x_the_box():
    roi = Roi.from_face(face_at(200, 150, 80, angle=0.3))
    assert (
        roi.center == pytest.approx((200, 150))
        and roi.side == pytest.approx(120)
        and roi.angle == pytest.approx(0.3, abs=1e-6)
    )


def test_crop_pixels_map_back_to_frame_pixels():
    roi = Roi((300.0, 200.0), 150.0, math.radians(30))
    corners = roi.to_frame(np.array([[0, 0, 0], [INPUT_SIZE / 2, INPUT_SIZE / 2, 10], [INPUT_SIZE, 0, 0]], float))
    assert corners[1] == pytest.approx([300, 200, 10 * 150 / INPUT_SIZE], abs=1e-3)
    assert np.linalg.norm(corners[2, :2] - corners[0, :2]) == pytest.approx(150, abs=1e-3)
    direction = corners[2, :2] - corners[0, :2]
    assert math.atan2(direction[1], direction[0]) == pytest.approx(math.radians(30), abs=1e-6)


def test_the_roi_from_landmarks_is_built_along_their_eye_line():
    rng = np.random.default_rng(1)
    points = np.zeros((468, 3))
    points[:, :2] = rng.uniform(-50, 50, (468, 2))
    points[33, :2], points[263, :2] = (-40, 0), (40, 0)
    angle = math.radians(20)
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    turned = points.copy()
    turned[:, :2] = points[:, :2] @ rotation.T + (320, 240)
    roi = Roi.from_landmarks(turned)
    assert roi.angle == pytest.approx(angle)
    flat = Roi.from_landmarks(points)
    assert roi.side == pytest.approx(flat.side)
    assert np.array(roi.center) == pytest.approx(rotation @ np.array(flat.center) + (320, 240))


def test_tracking_reads_the_next_roi_and_the_box_from_one_measured_extent():
    rng = np.random.default_rng(2)
    points = rng.uniform(100, 300, (468, 3)).astype(np.float32)
    points[33, :2], points[263, :2] = (150, 180), (250, 200)  # a tilted eye line
    mesh = Mesh(points, 0.9, Roi((200.0, 200.0), 300.0, 0.0))
    expected = Roi.from_landmarks(points)
    assert mesh.next_roi().angle == pytest.approx(expected.angle)
    assert mesh.next_roi().side == pytest.approx(expected.side) and mesh.next_roi().center == pytest.approx(
        expected.center
    )
    # The detector-like box: 1.17x the points' extent along the eye line.
    angle = math.atan2(20, 100)
    along = points[:, 0] * math.cos(angle) + points[:, 1] * math.sin(angle)
    assert mesh.face().box[2] == pytest.approx(1.17 * (along.max() - along.min()), rel=1e-5)
    assert mesh.face().keypoints[0] == pytest.approx((points[33, :2] + points[133, :2]) / 2)


@pytest.mark.parametrize("shift", [(0, 0), (-250, 0), (0, 260), (500, 0), (0, -400)])
def test_the_share_of_points_outside_the_frame_counts_every_point(shift):
    points = np.zeros((468, 3), np.float32)
    points[:, 0] = np.linspace(10, 630, 468) + shift[0]
    points[:, 1] = np.linspace(20, 470, 468)[::-1] + shift[1]
    mesh = Mesh(points, 0.9, Roi((320.0, 240.0), 300.0, 0.0))
    x, y = points[:, 0], points[:, 1]
    counted = np.mean((x < 0) | (y < 0) | (x >= 640) | (y >= 480))
    assert mesh.outside_share((640, 480)) == pytest.approx(counted)
    assert (counted > 0) == (shift != (0, 0))


def test_a_crop_samples_the_rotated_square_and_repeats_edges_outside():
    image = np.zeros((200, 300, 3), np.uint8)
    image[:, 150:] = 255  # left half black, right half white
    crop = crop_roi(image, Roi((150.0, 100.0), 100.0, 0.0))
    assert crop.shape == (INPUT_SIZE, INPUT_SIZE, 3)
    assert crop[:, :80].max() == 0 and crop[:, 112:].min() == 255
    upside_down = crop_roi(image, Roi((150.0, 100.0), 100.0, math.pi))
    assert upside_down[:, :80].min() == 255 and upside_down[:, 112:].max() == 0
    past_the_edge = crop_roi(image, Roi((290.0, 100.0), 300.0, 0.0))  # mostly beyond the right edge
    assert past_the_edge[:, 120:].min() == 255
    grey = crop_roi(image[:, :, 0], Roi((150.0, 100.0), 100.0, 0.0))
    assert grey.shape == (INPUT_SIZE, INPUT_SIZE, 3)


def test_box_sampling_gives_the_same_crop_as_bilinear_to_a_grey_level_or_two():
    # A smooth, rotated pattern: both samplings interpolate it; box means two by two nearest samples.
    y, x = np.mgrid[0:240, 0:320].astype(np.float32)
    image = np.stack([128 + 100 * np.sin(x / 9 + y / 17), 128 + 90 * np.cos(y / 11), x * 0.7], axis=-1)
    image = image.astype(np.uint8)
    for roi in (Roi((160.0, 120.0), 150.0, 0.2), Roi((100.0, 130.0), 230.0, -0.1), Roi((300.0, 20.0), 420.0, 0.0)):
        bilinear = crop_roi(image, roi).astype(int)
        box = crop_roi(image, roi, sampling="box").astype(int)
        assert box.shape == bilinear.shape == (INPUT_SIZE, INPUT_SIZE, 3)
        assert np.abs(box - bilinear).mean() < 1.5 and np.abs(box - bilinear).max() < 16
    grey = crop_roi(image[:, :, 0], Roi((160.0, 120.0), 150.0, 0.2), sampling="box")
    assert grey.shape == (INPUT_SIZE, INPUT_SIZE, 3)


def test_box_sampling_averages_each_pixel_quarter_points():
    # A 2-pixel checkerboard crop at twice the frame's resolution: each crop pixel covers half a
    # frame pixel, so box sampling gives each frame pixel back; a crop at the frame's resolution
    # (one frame pixel per crop pixel, its quarter points inside it) gives each pixel back too.
    image = np.zeros((8, 8), np.uint8)
    image[::2, ::2] = image[1::2, 1::2] = 200
    same = crop_roi(image, Roi((4.0, 4.0), 8.0, 0.0), size=8, sampling="box")[:, :, 0]
    assert (same == image).all()
    halved = crop_roi(image, Roi((4.0, 4.0), 8.0, 0.0), size=4, sampling="box")[:, :, 0]
    assert (halved == 100).all()  # each crop pixel spans two by two frame pixels: their mean


def test_an_unknown_sampling_is_refused():
    with pytest.raises(ValueError, match="sampling"):
        crop_roi(np.zeros((10, 10), np.uint8), Roi((5.0, 5.0), 8.0, 0.0), sampling="cubic")


def test_a_model_of_the_wrong_kind_is_refused():
    from appliance.vision.faces import DEFAULT_DETECTOR

    with pytest.raises(ModelError, match="468-point"):
        FaceMesh(DEFAULT_DETECTOR)


@pytest.fixture(scope="module")
def mesh():
    return FaceMesh()


@needs_shared
def test_the_mesh_lies_on_the_photographed_face(mesh):
    pixels = read_image(SHARED / "fixtures" / "photos" / "obama.jpg")
    (face,) = FaceDetector().detect(pixels)
    reading = mesh.read_still(pixels, face)
    assert reading.presence > 0.9 and reading.points.shape == (468, 3) and reading.points.dtype == np.float32
    x, y, w, h = face.box
    inside = (reading.points[:, 0] > x - 0.3 * w) & (reading.points[:, 0] < x + 1.3 * w)
    assert inside.mean() > 0.99
    # The eyes' keypoints from the mesh and from the detector agree to a tenth of the box.
    from_mesh = reading.face()
    assert np.abs(from_mesh.keypoints[:2] - face.keypoints[:2]).max() < 0.1 * w
    assert from_mesh.box[2] == pytest.approx(w, rel=0.15)


def test_mirror_partners_pair_each_side_with_the_other_and_keep_the_midline():
    partners = mirror_partners()
    assert (partners[partners] == np.arange(468)).all()  # its own inverse
    assert partners[33] == 263 and partners[133] == 362 and partners[61] == 291 and partners[70] == 300
    assert all(partners[i] == i for i in (0, 1, 13, 14, 17, 152))


def test_a_moved_roi_shifts_along_its_own_axes_scales_and_turns():
    roi = Roi((100.0, 100.0), 200.0, math.pi / 2)  # eye line pointing down the frame
    moved = roi.moved(shift_u=0.1, scale=1.1, turn=0.05)
    assert moved.center == pytest.approx((100.0, 120.0))  # 0.1 of the side along the eye line: down
    assert moved.side == pytest.approx(220.0) and moved.angle == pytest.approx(math.pi / 2 + 0.05)
    assert roi.moved(shift_v=0.1).center == pytest.approx((80.0, 100.0))  # across it


def symmetric_face_in_crop() -> np.ndarray:
    """A face exactly symmetric about the crop's vertical midline, in crop pixels."""
    from appliance.vision.features import CANONICAL

    partners = mirror_partners()
    flipped = CANONICAL[partners] * np.array([-1.0, 1.0, 1.0])
    face = (CANONICAL + flipped) / 2
    return (face * np.array([70.0, 70.0, 70.0]) + np.array([96.0, 100.0, 0.0])).astype(np.float32)


def test_a_mirrored_reading_cancels_a_left_right_bias_of_the_model(mesh, monkeypatch):
    # A model that reads every point one input pixel to the right of where it is: the plain
    # reading is off by +1, the mirrored one by -1, and a still photo's median by neither.
    truth = symmetric_face_in_crop()
    monkeypatch.setattr(mesh, "run", lambda crop, **_: (truth + np.array([1.0, 0.0, 0.0], np.float32), 0.99))
    roi = Roi((96.0, 96.0), 192.0, 0.0)  # crop pixels are frame pixels
    image = np.zeros((192, 192, 3), np.uint8)
    assert mesh.read(image, roi).points[:, 0] - truth[:, 0] == pytest.approx(np.ones(468), abs=1e-4)
    assert mesh.read_mirrored(image, roi).points[:, 0] - truth[:, 0] == pytest.approx(-np.ones(468), abs=1e-4)
    monkeypatch.setattr(Roi, "from_face", classmethod(lambda cls, face: roi))
    monkeypatch.setattr(Roi, "from_landmarks", classmethod(lambda cls, points: roi))
    still = mesh.read_still(image, face_at(96, 96), views=1)  # the levelled ROI, as it is and mirrored
    np.testing.assert_allclose(still.points, truth, atol=1e-4)
    assert mesh.read_still(image, face_at(96, 96), views=0).points[0, 0] == pytest.approx(truth[0, 0] + 1)


@needs_shared
def test_a_photo_read_from_several_framings_stays_on_the_face(mesh):
    pixels = read_image(SHARED / "fixtures" / "photos" / "obama.jpg")
    (face,) = FaceDetector().detect(pixels)
    single, several = mesh.read_still(pixels, face, views=0), mesh.read_still(pixels, face)
    assert len(STILL_VIEWS) >= 3 and several.presence > 0.9
    # The readings differ by well under a pixel of the mesh's 192-pixel input, but they do differ.
    pixel = single.roi.side / INPUT_SIZE
    difference = np.abs(several.points[:, :2] - single.points[:, :2])
    assert np.median(difference) < 1.0 * pixel and difference.max() > 0.01 * pixel


def test_the_face_s_own_range_becomes_the_mesh_s_whole_input_range():
    rng = np.random.default_rng(3)
    crop = np.full((INPUT_SIZE, INPUT_SIZE, 3), 250, np.uint8)  # a bright wall around the face
    crop[48:144, 48:144] = rng.integers(100, 141, (96, 96, 3))  # a flat, grey face: 100..140
    low, high = input_range(crop)
    assert 100 <= low < 102 and 138 < high <= 140  # the wall does not count
    full = rng.integers(0, 256, (INPUT_SIZE, INPUT_SIZE, 3)).astype(np.uint8)
    assert input_range(full)[0] < 4 and input_range(full)[1] > 251  # a face at full contrast stays as it is


def test_a_crop_with_almost_no_range_is_left_as_it_is():
    crop = np.full((INPUT_SIZE, INPUT_SIZE, 3), 30, np.uint8)
    crop[::7, ::5] = 36  # a black frame with a little noise: not stretched into a pattern
    assert input_range(crop) == (0.0, 255.0)


@needs_shared
def test_a_face_in_low_contrast_reads_as_the_same_face(mesh):
    # The neutral face is calibrated in one light and practised in another: a face with its
    # contrast cut to a third (a dim or backlit bathroom) must not read as a moved face.
    pixels = read_image(SHARED / "fixtures" / "photos" / "obama.jpg")
    (face,) = FaceDetector().detect(pixels)
    flat = np.clip(128 + (pixels.astype(np.float32) - 128) * 0.35, 0, 255).astype(np.uint8)
    unstretched = FaceMesh(full_contrast=False)
    for reader, most in ((mesh, 0.05), (unstretched, None)):
        bright, dim = reader.read_still(pixels, face, views=0), reader.read_still(flat, face, views=0)
        shift = np.median(np.abs(bright.points[:, :2] - dim.points[:, :2])) / (bright.roi.side / INPUT_SIZE)
        moved = movements(measure(dim.points)[0], measure(bright.points)[0])
        largest = max(abs(moved[name]) / SCALES[name] for name in FEATURES)
        if most is not None:
            assert shift < 0.1 and largest < most
        else:  # the model on the crop as it is: a third of a pixel, and features that cross 0.2
            assert shift > 0.2 and largest > 0.2


def test_a_blank_frame_has_no_face_in_it(mesh):
    reading = mesh.read(np.full((240, 320), 128, np.uint8), Roi((160.0, 120.0), 150.0, 0.0))
    assert reading.presence < MIN_PRESENCE


class ScriptedMesh:
    """Stands in for FaceMesh: a face at a fixed place, present while ``present`` says so."""

    def __init__(self, points: np.ndarray):
        self.points, self.present, self.reads, self.samplings = points, True, 0, set()

    def read(self, image, roi, *, sampling="bilinear"):
        self.reads += 1
        self.samplings.add(sampling)
        return Mesh(self.points, 0.99 if self.present else 0.01, roi)


class CountingDetector:
    def __init__(self, faces):
        self.faces, self.runs = faces, 0

    def detect(self, image):
        self.runs += 1
        return list(self.faces)


def face_points(cx=320.0, cy=240.0, scale=120.0) -> np.ndarray:
    from appliance.vision.features import CANONICAL

    return (CANONICAL * scale + (cx, cy, 0)).astype(np.float32)


@pytest.fixture
def scripted():
    pipeline = VisionPipeline()
    points = face_points()
    pipeline.mesh = ScriptedMesh(points)
    pipeline.detector = CountingDetector([face_at(320, 250, 150)])
    return pipeline


def frame(t: float) -> Frame:
    return Frame(np.full((480, 640), 100, np.uint8), t)


def test_the_detector_runs_once_then_the_landmarks_follow_the_face(scripted):
    observations = [scripted.observe(frame(i / 30)) for i in range(10)]
    assert scripted.detector.runs == 1 and scripted.counters == {
        "frames": 10,
        "detector_runs": 1,
        "tracked": 9,
        "lost": 0,
    }
    assert all(o.has_face for o in observations)
    assert "detect" in observations[0].latency_ms and "detect" not in observations[5].latency_ms
    last = observations[-1]
    assert last.landmarks.shape == (468, 3) and set(last.features) == set(FEATURES) and set(last.pose) == set(POSE)
    assert last.neutral == "population" and max(last.features.values()) < 0.2
    assert list(last.appearance) == list(last.probabilities)
    assert scripted.mesh.samplings == {"box"}  # the live mirror's crops: pipeline.LIVE_SAMPLING


def test_the_live_expression_crop_is_box_sampled_too(scripted, monkeypatch):
    from appliance.vision import align, pipeline

    samplings = []

    def recording_align(gray, face, **options):
        samplings.append(options.get("sampling", "bilinear"))
        return align.align_face(gray, face, **options)

    monkeypatch.setattr(pipeline, "align_face", recording_align)
    for i in range(3):
        assert scripted.observe(frame(i / 30)).has_face
    assert samplings == ["box"] * 3 and pipeline.LIVE_SAMPLING == "box"


def test_tracking_hands_back_to_the_detector_when_the_face_is_lost(scripted):
    scripted.observe(frame(0.0))
    scripted.observe(frame(0.1))
    scripted.mesh.present = False  # the person stepped away: the landmark model sees no face
    gone = scripted.observe(frame(0.2))
    assert scripted.counters["lost"] == 1 and scripted.detector.runs == 2  # it looked again, in the same frame
    assert not scripted.is_tracking and gone.features == {} and gone.neutral == ""
    scripted.detector.faces = []
    for t in (0.5, 0.8):  # a quarter second apart or more: the detector searches on each
        assert not scripted.observe(frame(t)).has_face
    assert scripted.detector.runs == 4
    scripted.detector.faces = [face_at(320, 250, 150)]
    scripted.mesh.present = True
    assert scripted.observe(frame(1.1)).has_face and scripted.is_tracking


def test_an_empty_mirror_is_searched_twice_a_second(scripted):
    scripted.detector.faces = []
    seen = [scripted.observe(frame(i / 30)).has_face for i in range(30)]  # one second at 30 fps
    assert not any(seen) and scripted.detector.runs == 2  # at 0 and 0.5 s
    # A face the mesh cannot read (turned away): the detector's finding is held between searches.
    scripted.reset()
    scripted.detector.faces, scripted.mesh.present = [face_at(320, 250, 150)], False
    held = [scripted.observe(frame(2 + i / 30)) for i in range(9)]  # searches at 2.0 and 2.267 s
    assert all(o.has_face and o.features == {} for o in held) and scripted.detector.runs == 4


def test_after_a_loss_the_detector_looks_at_once_then_every_quarter_second_while_it_waits(scripted):
    scripted.observe(frame(0.0))
    scripted.mesh.present, scripted.detector.faces = False, []  # the person ducked out of view
    scripted.observe(frame(0.1))
    assert scripted.detector.runs == 2 and scripted.tracker.is_waiting  # at once, in the frame it was lost
    for i in range(1, 10):  # the next 0.3 s: the tracker still waits for them, so a quarter second, not half
        scripted.observe(frame(0.1 + i / 30))
    assert scripted.detector.runs == 3


def test_a_face_leaving_the_frame_is_lost(scripted):
    scripted.observe(frame(0.0))
    scripted.mesh.points = face_points(cx=700.0)  # most of the points beyond the right edge
    scripted.detector.faces = []
    scripted.observe(frame(0.1))
    assert scripted.counters["lost"] == 1 and not scripted.is_tracking


def test_a_passer_by_does_not_take_over_when_the_detector_looks_again(scripted):
    scripted.observe(frame(0.0))
    scripted.observe(frame(0.1))
    scripted.mesh.present = False
    # The detector now sees a bigger face at the side as well as the person practising.
    scripted.detector.faces = [face_at(100, 200, 220), face_at(325, 250, 150)]
    observation = scripted.observe(frame(0.2))
    x, y, w, h = observation.face_box
    assert abs(x + w / 2 - 325) < 5 and not scripted.tracker.changed


def test_the_pose_is_relative_to_the_mirror_wherever_the_camera_sits(scripted):
    straight = scripted.observe(frame(0.0)).pose
    scripted.facing = (-12.0, -18.0)  # a camera above and to the side sees a face that faces the mirror so
    moved = scripted.observe(frame(0.1)).pose
    assert moved["yaw"] == pytest.approx(straight["yaw"] + 12.0, abs=1e-6)
    assert moved["pitch"] == pytest.approx(straight["pitch"] + 18.0, abs=1e-6)
    assert moved["roll"] == pytest.approx(straight["roll"], abs=1e-6)


def test_the_cameras_facing_set_from_another_thread_moves_the_next_frames_pose(scripted):
    import threading

    straight = scripted.observe(frame(0.0)).pose
    chooser = threading.Thread(target=scripted.set_facing, args=(3.0, -17.0))  # the UI thread, say
    chooser.start()
    chooser.join()
    moved = scripted.observe(frame(0.1)).pose
    assert moved["yaw"] == pytest.approx(straight["yaw"] - 3.0, abs=1e-6)
    assert moved["pitch"] == pytest.approx(straight["pitch"] + 17.0, abs=1e-6)
    assert scripted.facing == (3.0, -17.0)
    with pytest.raises(ValueError, match="finite"):
        scripted.set_facing(float("nan"), 0.0)
    assert scripted.facing == (3.0, -17.0)  # a refused facing leaves the one in use


def test_a_personal_neutral_can_be_set_and_cleared(scripted):
    before = scripted.observe(frame(0.0))
    smiling_geometry = dict(before.geometry)
    smiling_geometry["corner_r_y"] += 0.05  # a neutral whose corners sat lower: this face reads as a smile
    smiling_geometry["corner_l_y"] += 0.05
    scripted.set_neutral(smiling_geometry)
    personal = scripted.observe(frame(0.1))
    assert personal.neutral == "personal" and personal.features["smile"] > 0.1
    scripted.set_neutral(None)
    assert scripted.observe(frame(0.2)).neutral == "population"
    with pytest.raises(ValueError, match="geometry"):
        scripted.set_neutral({"smile": 1.0})


def test_the_resting_face_s_appearance_applies_on_frames_the_mesh_cannot_follow(scripted):
    from appliance.vision.classifier import EXPRESSIONS
    from appliance.vision.reading import read, resting_face

    calm = scripted.observe(frame(0.0))
    resting = dict(zip(EXPRESSIONS, (0.5, 0.02, 0.02, 0.4, 0.02, 0.02, 0.01, 0.01), strict=True))
    scripted.set_neutral(calm.geometry, appearance=resting)
    scripted.mesh.present = False  # turned away: the detector still finds the face, the mesh cannot read it
    unfollowed = scripted.observe(frame(0.1))
    assert unfollowed.has_face and unfollowed.features == {}
    appearance = np.array(list(unfollowed.appearance.values()))
    as_calibrated = read(appearance, resting=resting_face(list(resting.values()), calm.geometry))
    assert list(unfollowed.probabilities.values()) == pytest.approx(as_calibrated.tolist(), abs=1e-6)
    assert not np.allclose(as_calibrated, read(appearance), atol=1e-3)  # the resting face made a difference


def test_without_landmarks_the_detector_runs_on_every_frame():
    pipeline = VisionPipeline(landmarks=False)
    pipeline.detector = CountingDetector([face_at(320, 250, 150)])
    for t in range(3):
        observation = pipeline.observe(frame(t))
    assert pipeline.detector.runs == 3 and observation.has_face and observation.features == {}
