"""Joint and segment angles in the image plane, one value per frame.

Sign conventions (degrees; ``direction`` as in :mod:`gait.landmarks`)
--------------------------------------------------------------------
- knee flexion: 180 minus the hip-knee-ankle angle; 0 with a straight leg, positive when bent.
- shank angle: knee->ankle segment from vertical; positive when the ankle is ahead of the knee in the
  direction of travel (the overstriding shank), negative when behind.
- foot angle: heel->toe line above horizontal; positive toe up (a heel landing), negative toe down.
- trunk lean: mid-hip->mid-shoulder line from vertical; positive leaning forward.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait.cleaning import midpoint
from gait.landmarks import SIDES, PoseSeries


def angle_between_deg(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Unsigned angle between 2-D vectors ``a`` and ``b`` (..., 2), in degrees [0, 180]."""
    dot = np.sum(a * b, axis=-1)
    cross = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    return np.degrees(np.abs(np.arctan2(cross, dot)))


def knee_flexion_deg(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray) -> np.ndarray:
    """180 minus the hip-knee-ankle angle, from (n, 2) positions."""
    return angle_between_deg(knee - hip, ankle - knee)


def from_vertical_deg(top: np.ndarray, bottom: np.ndarray, direction: int) -> np.ndarray:
    """Angle of the segment top->bottom from the downward vertical, positive when ``bottom`` is ahead."""
    d = bottom - top
    return np.degrees(np.arctan2(direction * d[..., 0], d[..., 1]))


@dataclass(frozen=True)
class SagittalAngles:
    """Per-frame sagittal angles; dictionaries are keyed by side (``"left"``, ``"right"``)."""

    knee_flexion_deg: dict[str, np.ndarray]
    shank_angle_deg: dict[str, np.ndarray]
    foot_angle_deg: dict[str, np.ndarray]
    trunk_lean_deg: np.ndarray


def sagittal_angles(pose: PoseSeries, direction: int) -> SagittalAngles:
    """Angles of a side view (conventions in the module docstring)."""
    knee, shank, foot = {}, {}, {}
    for s in SIDES:
        hip_xy, knee_xy, ankle_xy = (pose.joint(f"{s}_{j}") for j in ("hip", "knee", "ankle"))
        knee[s] = knee_flexion_deg(hip_xy, knee_xy, ankle_xy)
        shank[s] = from_vertical_deg(knee_xy, ankle_xy, direction)
        heel_toe = pose.joint(f"{s}_foot_index") - pose.joint(f"{s}_heel")
        foot[s] = np.degrees(np.arctan2(-heel_toe[:, 1], direction * heel_toe[:, 0]))
    trunk = -from_vertical_deg(midpoint(pose, "shoulder"), midpoint(pose, "hip"), direction)
    return SagittalAngles(knee, shank, foot, trunk)


def at_index(values: np.ndarray, index: float) -> float:
    """``values`` linearly interpolated at a sub-frame row index."""
    i0 = int(np.floor(index))
    if i0 < 0 or i0 >= len(values):
        return float("nan")
    i1 = min(i0 + 1, len(values) - 1)
    w = index - i0
    return float((1 - w) * values[i0] + w * values[i1])
