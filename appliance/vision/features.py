"""Named facial features from face-mesh landmarks, relative to a neutral face.

Contract (the CLI, the coach and the fused reading rely on these names): each feature is a
number in [0, 1], 0 at the reference neutral face and 1 for a strong, deliberate movement.
"""

from __future__ import annotations

FEATURES = (
    "brow_raise",
    "brow_lower",
    "eye_widen",
    "eye_narrow",
    "nose_wrinkle",
    "smile",
    "mouth_corners_down",
    "lip_stretch",
    "lip_press",
    "lip_pucker",
    "jaw_drop",
    "asymmetry",
)
"""The named features, in a fixed order (a feature vector follows it)."""

POSE = ("yaw", "pitch", "roll")
"""Head pose angles in degrees: yaw (turn, positive to the person's left), pitch (nod, positive
up), roll (tilt, positive towards the person's left shoulder)."""
