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

from dataclasses import dataclass, field

import numpy as np

from gait.cleaning import midpoint
from gait.landmarks import SIDES, PoseSeries
from gait.level import turned_back


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
    if not np.isfinite(index):
        return float("nan")
    i0 = int(np.floor(index))
    if i0 < 0 or i0 >= len(values):
        return float("nan")
    i1 = min(i0 + 1, len(values) - 1)
    w = index - i0
    if w == 0:  # on a row: that row's value, even when the next one is missing (0 x NaN is NaN)
        return float(values[i0])
    return float((1 - w) * values[i0] + w * values[i1])


@dataclass(frozen=True)
class FrontalAngles:
    """Per-frame frontal-plane angles of a rear or front view, keyed by side.

    Conventions (2-D projections: see the README on what they mean and do not mean)
    - ``fppa_deg``: knee frontal plane projection angle, 180 minus the image hip-knee-ankle angle,
      positive when the knee lies medial of the hip-ankle line (valgus), negative when lateral (varus).
    - ``hip_adduction_deg``: thigh (hip->knee) from the pelvis normal (perpendicular to the hip-hip line,
      pointing down), positive when the knee is medial of it (adduction); with a level pelvis (the pose
      model's points: :func:`frontal_angles`) the thigh from the image's vertical.
    - ``pelvic_drop_deg[side]``: the hip-hip line from horizontal with ``side`` as the stance side,
      positive when the other (swing) side's hip is lower: contralateral pelvic drop. The height
      difference is taken over the clip's median hip width. Not known (NaN) with a level pelvis.
    """

    fppa_deg: dict[str, np.ndarray]
    hip_adduction_deg: dict[str, np.ndarray]
    pelvic_drop_deg: dict[str, np.ndarray]
    # where ``fppa_deg`` is not the angle at the pose model's hip, knee and ankle (the person mask's shank
    # line, the stickers): per side the three points (rows, 3, 2: top, knee, bottom; pixels) it is the angle
    # at, which the key frames and the annotated video draw
    fppa_points_px: dict[str, np.ndarray] | None = field(default=None, kw_only=True)


def frontal_angles(pose: PoseSeries, level_pelvis: bool = False) -> FrontalAngles:
    """:class:`FrontalAngles` of ``pose``'s hip, knee and ankle points, the pelvis the line between the hips.

    ``level_pelvis``: the pelvis taken as level instead, for the pose model's points, whose hip points follow
    the thighs, not the pelvis: on the rear renders (scripts/validate_frontal_mask.py) the tilt of the line
    between them moved against the true pelvic drop, which is then not known (NaN: from the stickers only,
    marker mode), and hip adduction is the thigh from the vertical.
    """
    fppa, adduction, drop = {}, {}, {}
    for s, other in (("left", "right"), ("right", "left")):
        hip, knee, ankle = (pose.joint(f"{s}_{j}") for j in ("hip", "knee", "ankle"))
        other_hip = pose.joint(f"{other}_hip")
        pelvis = other_hip - hip  # points medially
        medial = np.sign(pelvis[:, 0])
        with np.errstate(invalid="ignore", divide="ignore"):
            t = (knee[:, 1] - hip[:, 1]) / (ankle[:, 1] - hip[:, 1])
        line_x = hip[:, 0] + (ankle[:, 0] - hip[:, 0]) * t
        fppa[s] = knee_flexion_deg(hip, knee, ankle) * np.sign((knee[:, 0] - line_x) * medial)
        with np.errstate(invalid="ignore", divide="ignore"):  # hips at one point: no direction, NaN
            unit = pelvis / np.linalg.norm(pelvis, axis=1, keepdims=True)
            if level_pelvis:  # medially along the image's horizontal
                unit = np.stack([unit[:, 0] / np.abs(unit[:, 0]), np.zeros(len(unit))], 1)
        normal = np.stack([-unit[:, 1], unit[:, 0]], 1)
        normal *= np.where(normal[:, 1:] < 0, -1.0, 1.0)  # pointing down the image
        thigh = knee - hip
        adduction[s] = np.degrees(np.arctan2(np.sum(thigh * unit, 1), np.sum(thigh * normal, 1)))
        # over the clip's median hip width: the image hip width of one frame can collapse (hips
        # hidden behind each other, a turned pelvis), and the angle would blow up with it
        width = np.abs(pelvis[:, 0])
        width = np.nanmedian(width) if np.isfinite(width).any() else np.nan  # no hips: NaN, no warning
        drop[s] = (np.full(len(hip), np.nan) if level_pelvis
                   else np.degrees(np.arctan2(other_hip[:, 1] - hip[:, 1], width)))
    return FrontalAngles(fppa, adduction, drop)


@dataclass(frozen=True)
class MarkerAngles(FrontalAngles):
    """Per-frame frontal angles from the stickers of the clinical 2-D protocol (marker mode, seen from
    behind), keyed by side, with the conventions of :class:`FrontalAngles` applied to the stickers:

    - ``pelvic_drop_deg[side]``: the line between the two PSIS stickers from horizontal, positive when the
      other (swing) side's is lower; over that frame's own PSIS distance (the stickers do not collapse
      together as joint estimates can).
    - ``hip_adduction_deg``: the thigh line (thigh sticker -> knee sticker) from the normal to the PSIS line,
      positive when the knee is medial.
    - ``fppa_deg``: 180 minus the angle thigh sticker - knee sticker - Achilles sticker, positive when the
      knee lies medial of the thigh-Achilles line.
    - ``rearfoot_eversion_deg``: the heel line (upper -> lower heel-counter sticker) against the lower
      shank line (calf -> Achilles sticker), positive when the heel's lower end lies lateral (eversion,
      the "overpronation" question), negative for inversion.
    """

    rearfoot_eversion_deg: dict[str, np.ndarray]


def _signed_from_deg(reference: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Angle from ``reference`` to ``segment`` (both (n, 2), image y down), positive towards image +x."""
    cross = reference[:, 0] * segment[:, 1] - reference[:, 1] * segment[:, 0]
    return -np.degrees(np.arctan2(cross, np.sum(reference * segment, axis=1)))


def marker_angles(points: dict[str, np.ndarray], left_outward: float, roll_deg: float | None = None) -> MarkerAngles:
    """:class:`MarkerAngles` from sticker positions ``points`` (``"<side>_<site>"`` -> (n, 2) pixels, NaN
    where not seen; sites as in :mod:`gait.markers`). ``left_outward``: +1 when the runner's left is on the
    image right (front view), -1 when on the image left (rear view, not mirrored); medial and lateral are
    fixed by it, not by the stickers of each frame. ``roll_deg``: the picture's roll
    (:func:`gait.level.camera_roll_deg`), which pelvic drop, the PSIS line against the horizontal, is
    turned back by; the other angles are between stickers' lines and do not turn with the camera."""
    fppa, adduction, drop, eversion = {}, {}, {}, {}
    for s, other in (("left", "right"), ("right", "left")):
        outward = left_outward if s == "left" else -left_outward  # image x sign pointing away from the midline
        psis, other_psis = points[f"{s}_psis"], points[f"{other}_psis"]
        thigh, knee, achilles = points[f"{s}_thigh"], points[f"{s}_knee"], points[f"{s}_achilles"]
        with np.errstate(invalid="ignore", divide="ignore"):
            t = (knee[:, 1] - thigh[:, 1]) / (achilles[:, 1] - thigh[:, 1])
            line_x = thigh[:, 0] + (achilles[:, 0] - thigh[:, 0]) * t
            fppa[s] = knee_flexion_deg(thigh, knee, achilles) * np.sign((line_x - knee[:, 0]) * outward)
            pelvis = other_psis - psis
            level = turned_back(pelvis, roll_deg)
            drop[s] = np.degrees(np.arctan2(level[:, 1], np.abs(level[:, 0])))
            unit = pelvis / np.linalg.norm(pelvis, axis=1, keepdims=True)
        normal = np.stack([-unit[:, 1], unit[:, 0]], 1)
        normal *= np.where(normal[:, 1:] < 0, -1.0, 1.0)  # pointing down the image
        segment = knee - thigh
        adduction[s] = np.degrees(np.arctan2(np.sum(segment * unit, 1), np.sum(segment * normal, 1)))
        shank = points[f"{s}_achilles"] - points[f"{s}_calf"]
        heel = points[f"{s}_heel_bottom"] - points[f"{s}_heel_top"]
        eversion[s] = _signed_from_deg(shank, heel) * outward
    points_px = {s: np.stack([points[f"{s}_{site}"] for site in ("thigh", "knee", "achilles")], 1) for s in SIDES}
    return MarkerAngles(fppa, adduction, drop, eversion, fppa_points_px=points_px)
