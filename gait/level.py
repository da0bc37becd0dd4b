"""Whether the camera was level: how far the picture is turned (rolled), read from the background's upright
lines (door and window frames, walls' corners, cabinets, curtains' folds), which gravity makes vertical.

Every angle and distance the analysis reads against the image's upright or horizontal turns with the
camera: trunk lean, the shin and foot angles at landing, overstride (from the side), and the line between
the PSIS stickers (pelvic drop, from behind: each side's by as much, one up, one down). A pose model cannot
tell a tilted runner from a tilted camera; the room can. The lines are found in the frames the pose pass
keeps for the other-person check (:func:`gait.pose.check_kept`), outside the runner, so the check costs no
decoding; :func:`camera_roll_deg` then takes the tilt most of them share (a pitched camera spreads the
verticals either side of it; slanted lines such as a treadmill's posts form no common tilt).

Sign: + the picture turned clockwise (a vertical line's top leans right; image y down).
"""

from __future__ import annotations

import cv2
import numpy as np

UPRIGHT_TOL_DEG = 15.0  # a line this near the image's vertical counts as an upright of the room
MIN_LINE_OF_LONG_SIDE = 0.06  # shortest line kept, of the frame's long side
BORDER_OF_LONG_SIDE = 0.02  # lines touching the frame's edge band are left out (black bars, the edge itself)
RUNNER_MARGIN = 0.05  # of the runner's height, around the box of its points: lines mostly inside are the runner's
DETECT_LONG_SIDE_PX = 720  # the line detector's image size (long side); lines are given at the frame's size
MAX_LINES = 32  # per frame, the longest (the pose cache keeps them: one row of MAX_LINES x 2 per frame)
KERNEL_DEG = 0.75  # spread of each line's vote for a common tilt
CLUSTER_DEG = 1.5  # lines this near the most shared tilt make it
MIN_CLUSTER_LINES = 8  # fewer lines sharing a tilt: no verdict (an outdoor clip, a plain wall)
MIN_CLUSTER_SHARE = 0.4  # of the upright lines' total length
ROLL_WARN_DEG = 3.0  # a warning from this roll (the side sample turned 5 deg moved overstride by 5-10 % of leg)
SETTINGS = [UPRIGHT_TOL_DEG, MIN_LINE_OF_LONG_SIDE, BORDER_OF_LONG_SIDE, RUNNER_MARGIN, DETECT_LONG_SIDE_PX,
            MAX_LINES]  # what the pose pass's stored lines depend on (its cache key)
NAME = "upright_lines"  # the pose pass's per-frame array: (n_frames, MAX_LINES, 2) tilt deg, length px; NaN


def upright_lines(frame_bgr: np.ndarray, landmarks: np.ndarray | None) -> np.ndarray:
    """(MAX_LINES, 2) array of the frame's near-vertical lines outside the runner: each one's tilt from the
    image's vertical in degrees (+ clockwise, as the module says) and its length in pixels, longest first,
    NaN rows after the last. ``landmarks``: the runner's (33, >=2) points in pixels, or None."""
    h, w = frame_bgr.shape[:2]
    scale = DETECT_LONG_SIDE_PX / max(h, w)
    small = cv2.resize(frame_bgr, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    found = cv2.createLineSegmentDetector().detect(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY))[0]
    out = np.full((MAX_LINES, 2), np.nan, dtype=np.float32)
    if found is None:
        return out
    ends = found[:, 0, :].astype(float) / scale  # x1, y1, x2, y2 at the frame's size
    dx, dy = ends[:, 2] - ends[:, 0], ends[:, 3] - ends[:, 1]
    length = np.hypot(dx, dy)
    tilt = np.degrees(np.arctan2(dx, dy))  # from the image's downward vertical
    tilt = -((tilt + 90.0) % 180.0 - 90.0)  # either direction of the line; + the top leaning right
    band = BORDER_OF_LONG_SIDE * max(h, w)
    keep = (np.abs(tilt) < UPRIGHT_TOL_DEG) & (length >= MIN_LINE_OF_LONG_SIDE * max(h, w))
    for x, y in ((ends[:, 0], ends[:, 1]), (ends[:, 2], ends[:, 3])):
        keep &= (x > band) & (x < w - band) & (y > band) & (y < h - band)
    if landmarks is not None and np.isfinite(landmarks[:, :2]).all():
        (x0, y0), (x1, y1) = landmarks[:, :2].min(axis=0), landmarks[:, :2].max(axis=0)
        pad = RUNNER_MARGIN * (y1 - y0)
        t = np.linspace(0.0, 1.0, 9)[None, :]
        px = ends[:, :1] + t * dx[:, None]
        py = ends[:, 1:2] + t * dy[:, None]
        inside = (px > x0 - pad) & (px < x1 + pad) & (py > y0 - pad) & (py < y1 + pad)
        keep &= inside.mean(axis=1) < 0.5
    order = np.argsort(-length[keep])[:MAX_LINES]
    out[:len(order)] = np.column_stack([tilt[keep][order], length[keep][order]])
    return out


def camera_roll_deg(lines: np.ndarray | None) -> float | None:
    """The picture's roll in degrees (+ clockwise) from the pose pass's :data:`NAME` array (any shape ending
    in 2: tilt, length), or None when too few lines share a tilt (:data:`MIN_CLUSTER_LINES`,
    :data:`MIN_CLUSTER_SHARE`) or the pass kept none (landmarks alone, a pose cache of an earlier version).

    The tilt most of the lines' length shares (each line a Gaussian vote of :data:`KERNEL_DEG`), then the
    length-weighted mean of the lines within :data:`CLUSTER_DEG` of it."""
    if lines is None:
        return None
    rows = np.asarray(lines, dtype=float).reshape(-1, 2)
    rows = rows[np.isfinite(rows).all(axis=1)]
    if len(rows) < MIN_CLUSTER_LINES:
        return None
    tilt, length = rows[:, 0], rows[:, 1]
    grid = np.arange(-UPRIGHT_TOL_DEG, UPRIGHT_TOL_DEG + 1e-9, 0.05)
    votes = (length[None, :] * np.exp(-0.5 * ((grid[:, None] - tilt[None, :]) / KERNEL_DEG) ** 2)).sum(axis=1)
    near = np.abs(tilt - grid[np.argmax(votes)]) < CLUSTER_DEG
    if near.sum() < MIN_CLUSTER_LINES or length[near].sum() < MIN_CLUSTER_SHARE * length.sum():
        return None
    return float(np.average(tilt[near], weights=length[near]))


def turn_words(roll_deg: float) -> str:
    """'3.5° clockwise' / '3.5° anticlockwise'."""
    return f"{abs(roll_deg):.1f}° {'clockwise' if roll_deg > 0 else 'anticlockwise'}"
