"""A 2-D synthetic side-view runner as MediaPipe-style landmarks, with exact events and angles.

Each foot follows a prescribed path relative to the hip: in stance it slides back along the belt at
belt speed; in swing it rises, reaches its most forward point and retracts slightly before it lands.
Knees come from two-link inverse kinematics (knee ahead of the hip-ankle line). Contacts are at
phase 0 of each foot, toe-offs at the duty factor, so every event time is known exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait.landmarks import INDEX, NAMES, PoseSeries

THIGH_PX, SHANK_PX, FOOT_PX = 200.0, 200.0, 70.0
LEG_PX = THIGH_PX + SHANK_PX


@dataclass(frozen=True)
class Runner:
    cadence_spm: float = 170.0
    duty_factor: float = 0.35
    landing_ahead_leg: float = 0.25  # heel ahead of the hip at contact, leg lengths
    fps: float = 60.0
    duration_s: float = 12.0
    direction: int = 1
    noise_px: float = 0.0
    dropout_fraction: float = 0.0
    swap_fraction: float = 0.0
    seed: int = 0

    @property
    def stride_s(self) -> float:
        return 120.0 / self.cadence_spm


def foot_path(phase: np.ndarray, r: Runner) -> tuple[np.ndarray, np.ndarray]:
    """Heel position relative to the hip (forward, height above ground in px) at gait ``phase`` in [0, 1)."""
    a = r.landing_ahead_leg * LEG_PX
    back = 0.45 * LEG_PX
    stance = phase < r.duty_factor
    s_st = phase / r.duty_factor
    s_sw = (phase - r.duty_factor) / (1 - r.duty_factor)
    fwd = np.where(stance, a - (a + back) * s_st, 0.0)
    apex = a + 0.06 * LEG_PX
    # swing: -back -> apex (at s=0.85, smooth), then retract to a at s=1
    s1 = np.clip(s_sw / 0.85, 0, 1)
    s2 = np.clip((s_sw - 0.85) / 0.15, 0, 1)
    swing_fwd = np.where(s_sw < 0.85, -back + (apex + back) * (1 - np.cos(np.pi * s1)) / 2,
                         apex - (apex - a) * (1 - np.cos(np.pi * s2)) / 2)
    fwd = np.where(stance, fwd, swing_fwd)
    height = np.where(stance, 0.0, 0.3 * LEG_PX * np.sin(np.pi * s_sw))
    return fwd, height


def make_pose(r: Runner) -> tuple[PoseSeries, dict]:
    """Landmarks and the truth: event times per side, knee flexion at each contact."""
    rng = np.random.default_rng(r.seed)
    n = int(r.duration_s * r.fps)
    t = np.arange(n) / r.fps
    hip_height = 0.93 * LEG_PX
    ground_y, hip_x = 900.0, 500.0
    xy = np.full((n, len(NAMES), 2), np.nan)
    truth = {"events": [], "knee_at_contact": {}}
    # the hip is lowest at mid-stance: oscillation at step frequency
    hip_y = ground_y - hip_height + 0.03 * LEG_PX * np.cos(2 * np.pi * (t / (r.stride_s / 2) - r.duty_factor / 2))
    offsets = {"left": 0.0, "right": 0.5}
    for side, off in offsets.items():
        phase = ((t / r.stride_s) - off) % 1.0
        fwd, height = foot_path(phase, r)
        heel = np.stack([hip_x + r.direction * fwd, ground_y - height], 1)
        ankle = heel + np.array([r.direction * 0.15 * FOOT_PX, -0.25 * FOOT_PX])
        toe = heel + np.array([r.direction * FOOT_PX, 0.0])
        hip = np.stack([np.full(n, hip_x), hip_y], 1)
        d = ankle - hip
        dist = np.minimum(np.linalg.norm(d, axis=1), THIGH_PX + SHANK_PX - 1e-6)
        # knee ahead of the hip-ankle line (two-link IK with equal links)
        along = d / np.linalg.norm(d, axis=1)[:, None]
        perp = np.stack([-along[:, 1], along[:, 0]], 1) * (-r.direction)
        perp *= np.sign(perp[:, :1] * r.direction + 1e-12)
        h = np.sqrt(np.maximum(THIGH_PX ** 2 - (dist / 2) ** 2, 0))
        knee = hip + along * (dist / 2)[:, None] + perp * h[:, None]
        for joint, pos in (("hip", hip), ("knee", knee), ("ankle", ankle), ("heel", heel), ("foot_index", toe)):
            xy[:, INDEX[f"{side}_{joint}"]] = pos
        k = np.arange(int(np.ceil(r.duration_s / r.stride_s)) + 1)
        for ic in (k + off) * r.stride_s:
            if ic < r.duration_s:
                truth["events"].append((side, "initial_contact", ic))
        for to in (k + off + r.duty_factor) * r.stride_s:
            if to < r.duration_s:
                truth["events"].append((side, "toe_off", to))
        flex = 2 * np.degrees(np.arccos(np.clip(dist / (2 * THIGH_PX), -1, 1)))
        truth["knee_at_contact"][side] = float(np.interp(off * r.stride_s + r.stride_s, t, flex))
    trunk_top = np.stack([np.full(n, hip_x), hip_y - 1.3 * THIGH_PX], 1)
    for side in ("left", "right"):
        xy[:, INDEX[f"{side}_shoulder"]] = trunk_top
        xy[:, INDEX[f"{side}_ear"]] = trunk_top + np.array([0, -90.0])
    xy[:, INDEX["nose"]] = trunk_top + np.array([r.direction * 25.0, -90.0])
    depth = np.zeros((n, len(NAMES)))
    # running to image-right the runner's right side faces the camera (smaller depth is nearer)
    depth[:, [INDEX[f"right_{j}"] for j in ("hip", "knee", "ankle", "heel", "foot_index")]] = -50.0
    depth[:, [INDEX[f"left_{j}"] for j in ("hip", "knee", "ankle", "heel", "foot_index")]] = 50.0
    if r.direction < 0:
        depth = -depth
    xy += rng.normal(0, r.noise_px, xy.shape) if r.noise_px else 0.0
    visibility = np.where(np.isfinite(xy[:, :, 0]), 0.95, 0.0)
    pose = PoseSeries(xy_px=xy, depth_px=depth, visibility=visibility, frame_index=np.arange(n),
                      fps=r.fps, width=1000, height=1000)
    if r.swap_fraction:
        from gait.cleaning import swap_legs

        pose = swap_legs(pose, rng.random(n) < r.swap_fraction)
    if r.dropout_fraction:
        vis = pose.visibility.copy()
        vis[rng.random(vis.shape) < r.dropout_fraction] = 0.0
        pose = pose.replace(visibility=vis)
    truth["cadence_spm"] = r.cadence_spm
    return pose, truth


def pose_from_points(points: dict[str, object], n_frames: int = 1, fps: float = 30.0,
                     depth: dict[str, float] | None = None) -> PoseSeries:
    """A pose with the given landmarks (name -> (x, y), or an (n_frames, 2) array) and NaN elsewhere.

    ``depth`` gives MediaPipe-style depths by landmark name (0 for the others).
    """
    xy = np.full((n_frames, len(NAMES), 2), np.nan)
    for name, pos in points.items():
        xy[:, INDEX[name]] = np.broadcast_to(np.asarray(pos, float), (n_frames, 2))
    depth_px = np.zeros((n_frames, len(NAMES)))
    for name, value in (depth or {}).items():
        depth_px[:, INDEX[name]] = value
    visibility = np.where(np.isfinite(xy[:, :, 0]), 0.95, 0.0)
    return PoseSeries(xy_px=xy, depth_px=depth_px, visibility=visibility, frame_index=np.arange(n_frames),
                      fps=fps, width=1000, height=1000)
