"""Landmark names and the geometric conventions used everywhere in the package.

Conventions (written once, here)
--------------------------------
- Image coordinates in pixels: x to the right, y downwards, origin at the top-left corner of the
  upright frame (after any rotation tag has been applied).
- ``direction`` of a side view: +1 when the runner faces the right edge of the image, -1 when the runner
  faces the left edge. "Forward" quantities are multiplied by ``direction`` so that their sign does not
  depend on which way the runner faces.
- Left and right are always the runner's own sides, never the image's.
- Angles are in degrees.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

NAMES: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye",
    "right_eye_outer", "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_pinky",
    "right_pinky", "left_index", "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel", "right_heel",
    "left_foot_index", "right_foot_index",
)  # MediaPipe Pose order (33 landmarks)
INDEX: dict[str, int] = {name: i for i, name in enumerate(NAMES)}
SIDES: tuple[str, str] = ("left", "right")


def other_side(side: str) -> str:
    """"right" for "left", "left" for "right"."""
    return "right" if side == "left" else "left"


# Joints named without their side; ``side_index(side, joint)`` gives the landmark index.
LEG_JOINTS: tuple[str, ...] = ("hip", "knee", "ankle", "heel", "foot_index")

# Segments drawn as the skeleton.
SKELETON: tuple[tuple[str, str], ...] = (
    ("left_shoulder", "right_shoulder"), ("left_hip", "right_hip"),
    ("left_shoulder", "left_hip"), ("right_shoulder", "right_hip"),
    ("left_shoulder", "left_elbow"), ("left_elbow", "left_wrist"),
    ("right_shoulder", "right_elbow"), ("right_elbow", "right_wrist"),
    ("left_hip", "left_knee"), ("left_knee", "left_ankle"), ("left_ankle", "left_heel"),
    ("left_heel", "left_foot_index"), ("left_ankle", "left_foot_index"),
    ("right_hip", "right_knee"), ("right_knee", "right_ankle"), ("right_ankle", "right_heel"),
    ("right_heel", "right_foot_index"), ("right_ankle", "right_foot_index"),
)

# Pairs whose labels are exchanged when the runner's left and right are exchanged.
MIRROR_PAIRS: tuple[tuple[int, int], ...] = tuple(
    (INDEX[n], INDEX["right_" + n[5:]]) for n in NAMES if n.startswith("left_")
)


def side_index(side: str, joint: str) -> int:
    """Index of ``joint`` (e.g. ``"knee"``) on ``side`` (``"left"`` or ``"right"``)."""
    return INDEX[f"{side}_{joint}"]


@dataclass(frozen=True)
class PoseSeries:
    """Pose landmarks of one clip, one row per analysed frame.

    Attributes
    ----------
    xy_px : (n_frames, 33, 2) float array
        Image position of each landmark in pixels (conventions above); NaN where not detected.
    depth_px : (n_frames, 33) float array
        MediaPipe's relative depth, scaled like x (smaller is nearer the camera); NaN where not detected.
    visibility : (n_frames, 33) float array
        MediaPipe's visibility score in [0, 1]; 0 where not detected.
    frame_index : (n_frames,) int array
        0-based index of each row's frame in the video file.
    fps : float
        Capture frame rate; ``time_s = frame_index / fps``.
    width, height : int
        Size of the upright frame in pixels.
    """

    xy_px: np.ndarray
    depth_px: np.ndarray
    visibility: np.ndarray
    frame_index: np.ndarray
    fps: float
    width: int
    height: int

    def __post_init__(self) -> None:
        n = len(self.frame_index)
        if self.xy_px.shape != (n, len(NAMES), 2):
            raise ValueError(f"xy_px must be (n_frames, {len(NAMES)}, 2), got {self.xy_px.shape}")
        if self.depth_px.shape != (n, len(NAMES)) or self.visibility.shape != (n, len(NAMES)):
            raise ValueError("depth_px and visibility must be (n_frames, 33)")
        if not self.fps > 0:
            raise ValueError("fps must be positive")

    @property
    def time_s(self) -> np.ndarray:
        return self.frame_index / self.fps

    @property
    def n_frames(self) -> int:
        return len(self.frame_index)

    def joint(self, name: str) -> np.ndarray:
        """(n_frames, 2) positions of the landmark ``name``."""
        return self.xy_px[:, INDEX[name]]

    def replace(self, **changes: Any) -> "PoseSeries":
        return dataclasses.replace(self, **changes)
