"""The personal neutral face: "relax for a few seconds", then a robust baseline or a clear refusal.

``Calibration`` collects each observation's geometry, pose, features and face box while the
person relaxes (time counts only with a face in view), then ``judge`` takes the per-key median
of the geometry, after checking that they held still and faced the mirror:

- the face box centre stays within ``max_shift`` face widths of its median (90% of frames);
- every feature (read against the population neutral) spreads less than ``max_feature_spread``
  between its 10th and 90th percentile: no smile, frown or talking on the way (a blink is
  shorter than 10% of five seconds, so it does not count);
- every geometry key spreads less than ``max_geometry_spread`` of its size (at least
  ``GEOMETRY_FLOOR``), the same measure for what the features do not name;
- yaw and pitch stay within ``max_turn_deg`` (median) and spread less than ``max_pose_spread_deg``;
- the face is at least ``min_face_width`` pixels wide in the frame vision reads (median): a face
  further away is read from fewer pixels, and the mesh reads its movements smaller;
- the expression model does not read the face as a smile (``is_relaxed``).

It also keeps the per-label median of ``Observation.appearance`` (renormalised): the model's own
reading of this resting face, against which the vision pipeline then judges later faces.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field

from appliance.coach.features import MIN_FACE_WIDTH
from appliance.glass import Words, words_for_the_glass
from appliance.messages import Observation

GEOMETRY_FLOOR = 0.1  # geometry is size-normalised: below this a key's spread is judged against 0.1
# Words on the glass: a line or two, read from a step away (what the README says in full is not repeated).
MOVED = "You moved: hold still for the whole {seconds:g} seconds, and try again."
FACE_MOVED = "Your face moved: let it rest, no smile or talking, and try again."
# The footer offers "hold SELECT: remember the camera angle" (the README's Camera placement explains it).
TURNED = "Your head reads {across} and {up_down}: face the mirror."
TOO_FAR = "Come closer: your face is {width:.0f} pixels wide in the picture, {least:.0f} are needed."
LOST = "I lost sight of your face: stay in front of the mirror, and try again."
NOT_RELAXED = "That looked like a smile: let your mouth rest, and try again."
SMILE_LIMIT = 0.5  # the resting face's median happiness above this (and above neutral) is a smile
NO_LANDMARKS = "Features cannot be read here, so they stay read against an average face."
FEATURES_UNREAD = "I could not read your features: face the mirror, hold still, and try again."
"""NO_LANDMARKS where this device does read landmarks (some frame had them): the head was turned
or half out of the picture, which trying again can mend."""


@dataclass(frozen=True)
class CalibrationLimits:
    seconds: float = 5.0  # time with a face in view to collect
    give_up_s: float = 15.0  # without enough face time by then, refuse
    min_frames: int = 10
    max_shift: float = 0.15  # face widths
    max_feature_spread: float = 0.2
    max_geometry_spread: float = 0.25  # of the key's median size
    max_turn_deg: float = 12.0
    max_pose_spread_deg: float = 8.0
    # A resting face is the reference for every movement after it: none smaller than a face the
    # features can be read on (features.MIN_FACE_WIDTH, measured there).
    min_face_width: float = MIN_FACE_WIDTH
    # An accepted resting face that still read turned this much offers "I was facing the mirror"
    # too: the serious look allows 8 degrees of turn or nod, so a camera 5 degrees off would leave
    # a head facing the mirror only 3 of them.
    offer_facing_deg: float = 5.0


@dataclass(frozen=True)
class Sample:
    geometry: Mapping[str, float]
    pose: Mapping[str, float]
    features: Mapping[str, float]
    centre: tuple[float, float]  # face box centre, pixels
    width: float  # face box width, pixels
    appearance: Mapping[str, float] = field(default_factory=dict)  # the expression model alone, by label


@dataclass(frozen=True)
class Verdict:
    geometry: dict[str, float] = field(default_factory=dict)  # the neutral face, or {} when refused
    message: str = ""  # why it was refused ("" when accepted)
    yaw: float = 0.0
    pitch: float = 0.0
    frames: int = 0
    appearance: dict[str, float] = field(default_factory=dict)  # the model's reading of it ({}: not read)
    # Refused because the head read turned: the one refusal a camera above or beside the mirror causes
    # on its own, so the person may answer "I am facing the mirror" (hold SELECT).
    turned: bool = False

    @property
    def accepted(self) -> bool:
        return bool(self.geometry) and not self.message


def turned_message(yaw: float, pitch: float, limit: float = CalibrationLimits.max_turn_deg) -> str:
    """TURNED with the head's median turn and nod in words ("turned 18° to your left", "level")."""
    across, up_down = pose_words(yaw, pitch, limit)
    return TURNED.format(across=across, up_down=up_down)


def pose_words(yaw: float, pitch: float, limit: float = CalibrationLimits.max_turn_deg) -> tuple[str, str]:
    """The head's turn and nod in words: ("turned 18° to your left", "level")."""
    across = f"turned {_degrees(yaw, limit)} to your {'left' if yaw > 0 else 'right'}" if round(yaw) else "straight"
    up_down = f"tipped {_degrees(pitch, limit)} {'up' if pitch > 0 else 'down'}" if round(pitch) else "level"
    return across, up_down


def _degrees(angle: float, limit: float) -> str:
    """ "1°", "18°"; "12.2°" where whole degrees would hide that it is past the limit."""
    size = abs(angle)
    if size > limit and round(size) <= limit:
        return f"{size:.1f}°"
    return f"{size:.0f}°"


def sample(observation: Observation) -> Sample | None:
    """What calibration keeps of an observation (None without a face)."""
    if not observation.has_face:
        return None
    x, y, w, h = observation.face_box
    return Sample(dict(observation.geometry), dict(observation.pose), dict(observation.features),
                  (x + w / 2, y + h / 2), float(w), dict(observation.appearance))  # fmt: skip


def median_appearance(samples: list[Sample]) -> dict[str, float]:
    """Each label's median over the frames the model read, renormalised to sum to 1 ({}: none read)."""
    read = [s.appearance for s in samples if s.appearance]
    if not read:
        return {}
    labels = sorted({label for appearance in read for label in appearance})
    middle = {label: statistics.median(float(a.get(label, 0.0)) for a in read) for label in labels}
    total = sum(middle.values())
    return {label: value / total for label, value in middle.items()} if total > 0 else {}


def is_relaxed(appearance: Mapping[str, float]) -> bool:
    """Whether the model's reading of a resting face can serve as the person's reference.

    Only a smile is refused: happiness above ``SMILE_LIMIT`` and above neutral.  A reference that
    smiles would make every later smile read as rest.  A face at rest that reads a little sad,
    angry or contemptuous is not refused: neutral and sadness are the model's commonest confusion
    (94 of 1,258 FER+ neutral faces read sad, models/MODEL_CARD.md), and such a resting face is
    exactly what the personal reference corrects; refusing it would refuse the people who need it.
    Smiles are what the model reads best (only 35 of those neutral faces read as happiness at all),
    so a median over five seconds above one half is a smile, not a resting face.
    """
    happiness = float(appearance.get("happiness", 0.0))
    return not (happiness > SMILE_LIMIT and happiness > float(appearance.get("neutral", 0.0)))


def _spread(values: list[float]) -> float:
    """The 10th-90th percentile range: a blink or one bad frame does not count as moving."""
    if len(values) < 2:
        return 0.0
    deciles = statistics.quantiles(values, n=10, method="inclusive")
    return deciles[-1] - deciles[0]


def _share_within(values: list[float], limit: float) -> float:
    return sum(value <= limit for value in values) / len(values)


def judge(
    samples: list[Sample], limits: CalibrationLimits = CalibrationLimits(), *, reads_landmarks: bool = False
) -> Verdict:
    """The neutral face from the samples of a calibration, or why not (in words a user can act on).
    ``reads_landmarks``: frames before this calibration had landmarks (the device can read them)."""
    seconds = limits.seconds
    if len(samples) < limits.min_frames:
        return Verdict(message=LOST)
    read = [s for s in samples if s.geometry]
    if len(read) < max(limits.min_frames, len(samples) // 2):
        return Verdict(message=FEATURES_UNREAD if read or reads_landmarks else NO_LANDMARKS)
    width = statistics.median(s.width for s in read)
    if width < limits.min_face_width:
        return Verdict(message=TOO_FAR.format(width=width, least=limits.min_face_width))
    yaw = statistics.median(float(s.pose.get("yaw", 0.0)) for s in read)
    pitch = statistics.median(float(s.pose.get("pitch", 0.0)) for s in read)
    if abs(yaw) > limits.max_turn_deg or abs(pitch) > limits.max_turn_deg:
        return Verdict(message=turned_message(yaw, pitch, limits.max_turn_deg), yaw=yaw, pitch=pitch, turned=True)
    for angle in ("yaw", "pitch", "roll"):
        if _spread([float(s.pose.get(angle, 0.0)) for s in read]) > limits.max_pose_spread_deg:
            return Verdict(message=MOVED.format(seconds=seconds), yaw=yaw, pitch=pitch)
    cx = statistics.median(s.centre[0] for s in read)
    cy = statistics.median(s.centre[1] for s in read)
    shifts = [((s.centre[0] - cx) ** 2 + (s.centre[1] - cy) ** 2) ** 0.5 / width for s in read]
    if _share_within(shifts, limits.max_shift) < 0.9:
        return Verdict(message=MOVED.format(seconds=seconds), yaw=yaw, pitch=pitch)
    for name in {name for s in read for name in s.features}:
        if _spread([float(s.features.get(name, 0.0)) for s in read]) > limits.max_feature_spread:
            return Verdict(message=FACE_MOVED.format(seconds=seconds), yaw=yaw, pitch=pitch)
    keys = sorted({key for s in read for key in s.geometry})
    geometry: dict[str, float] = {}
    for key in keys:
        values = [float(s.geometry[key]) for s in read if key in s.geometry]
        middle = statistics.median(values)
        if _spread(values) > limits.max_geometry_spread * max(abs(middle), GEOMETRY_FLOOR):
            return Verdict(message=FACE_MOVED.format(seconds=seconds), yaw=yaw, pitch=pitch)
        geometry[key] = middle
    appearance = median_appearance(read)
    if not is_relaxed(appearance):
        return Verdict(message=NOT_RELAXED, yaw=yaw, pitch=pitch)
    return Verdict(geometry, "", yaw, pitch, len(read), appearance)


class Calibration:
    """One run of "relax for a few seconds": ready -> collecting -> saved | refused (retry -> collecting;
    after a turned head, "I am facing the mirror" -> collecting against the camera's new angle)."""

    def __init__(
        self,
        limits: CalibrationLimits = CalibrationLimits(),
        *,
        first_time: bool = False,
        practised: bool = False,
        reads_landmarks: bool = False,
    ) -> None:
        self.limits = limits
        self.reads_landmarks = reads_landmarks  # frames before it had landmarks: judge's words depend on it
        self.first_time = first_time  # offered before a practice (else: from settings)
        # Offered to someone with a history (their saved face no longer fits, or an older version
        # had none): the offer must not call this their first practice.
        self.practised = practised
        self.state = "ready"  # "ready" | "collecting" | "saved" | "refused"
        self.samples: list[Sample] = []
        self.face_s = 0.0
        self.elapsed_s = 0.0
        self.verdict: Verdict | None = None
        self.shown_s = 0.0  # time the saved message has been up
        self.facing_chosen = False  # collecting again right after "I am facing the mirror": the words say so

    def begin(self, *, facing_chosen: bool = False) -> None:
        self.state, self.samples, self.face_s, self.elapsed_s, self.verdict = "collecting", [], 0.0, 0.0, None
        self.facing_chosen = facing_chosen

    def facing_kept(self) -> None:
        """ "I am facing the mirror" answered: after a refusal, collect again against the new angle;
        after a saved face (which stands: the features do not depend on the pose), say so anew."""
        if self.state == "saved":
            self.facing_chosen, self.shown_s = True, 0.0
        else:
            self.begin(facing_chosen=True)

    @property
    def offers_facing(self) -> bool:
        """Hold SELECT may say "I am facing the mirror": after a refusal for a head that read turned,
        or after a resting face saved while it still read turned ``offer_facing_deg`` or more (once)."""
        verdict = self.verdict
        if verdict is None:
            return False
        if self.state == "refused":
            return verdict.turned
        turned = max(abs(verdict.yaw), abs(verdict.pitch)) >= self.limits.offer_facing_deg
        return self.state == "saved" and turned and not self.facing_chosen

    def observe(self, observation: Observation) -> None:
        if self.state == "collecting":
            kept = sample(observation)
            if kept is not None:
                self.samples.append(kept)

    def advance(self, dt: float, has_face: bool) -> Verdict | None:
        """Time passing; returns the verdict at the moment collection ends."""
        if self.state == "saved":
            self.shown_s += dt
        if self.state != "collecting":
            return None
        self.elapsed_s += dt
        self.face_s += dt if has_face else 0.0
        if self.face_s >= self.limits.seconds:
            return self._finish(judge(self.samples, self.limits, reads_landmarks=self.reads_landmarks))
        if self.elapsed_s >= self.limits.give_up_s:
            return self._finish(Verdict(message=LOST))
        return None

    def _finish(self, verdict: Verdict) -> Verdict:
        self.verdict = verdict
        self.state = "saved" if verdict.accepted else "refused"
        return verdict

    @property
    def progress(self) -> float:
        return min(1.0, self.face_s / self.limits.seconds) if self.state == "collecting" else 0.0

    @property
    def seconds_left(self) -> float:
        return max(0.0, self.limits.seconds - self.face_s) if self.state == "collecting" else 0.0


@words_for_the_glass
def _glass_words():
    """The refusals, with the widest values they take (a 30-second calibration, a head just past 12
    degrees both ways, the widest face still too far)."""
    for text in (MOVED.format(seconds=30), FACE_MOVED, LOST, NOT_RELAXED, NO_LANDMARKS, FEATURES_UNREAD):
        yield Words(text, "body", "calibration refusal")
    yield Words(TOO_FAR.format(width=MIN_FACE_WIDTH - 1, least=MIN_FACE_WIDTH), "body", "calibration refusal")
    for yaw, pitch in ((-12.4, -12.4), (-45.0, -45.0), (12.4, 12.4)):
        yield Words(turned_message(yaw, pitch), "body", "calibration refusal, turned")
