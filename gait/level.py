"""Whether the camera was level: how far the picture is turned (rolled), read from the background's upright
lines (door and window frames, walls' corners, cabinets, curtains' folds), which gravity makes vertical.

Every angle and distance the analysis reads against the image's upright or horizontal turns with the
camera: trunk lean, the shin and foot angles at landing, overstride (from the side), and the line between
the PSIS stickers (pelvic drop, from behind: each side's by as much, one up, one down). A pose model cannot
tell a tilted runner from a tilted camera; the room can. The lines are found in the frames the pose pass
keeps for the other-person check (:func:`gait.pose.check_kept`), outside the runner, so the check costs no
decoding; :func:`camera_roll_deg` then takes the tilt most of the upright ones share (a pitched camera
spreads the verticals either side of it), checked against the level ones' (a slanted object taken for an
upright disagrees with the room's level lines). The analysis then measures on the pose's points turned
back by the roll (:func:`levelled`), and warns from :data:`ROLL_WARN_DEG`.

Sign: + the picture turned clockwise (a vertical line's top leans right; image y down).
"""

from __future__ import annotations

import cv2
import numpy as np

from gait.landmarks import PoseSeries

FAMILY_TOL_DEG = 15.0  # a line this near the image's vertical (or horizontal) counts as the room's upright (level)
MIN_LINE_OF_LONG_SIDE = 0.06  # shortest line kept, of the frame's long side
BORDER_OF_LONG_SIDE = 0.02  # lines touching the frame's edge band are left out (black bars, the edge itself)
RUNNER_MARGIN = 0.05  # of the runner's height, around the box of its points: lines mostly inside are the runner's
DETECT_LONG_SIDE_PX = 720  # the line detector's image size (long side); lines are given at the frame's size
MAX_LINES = 32  # per frame and family, the longest (the pose cache keeps them)
KERNEL_DEG = 0.75  # spread of each line's vote for a common tilt
CLUSTER_DEG = 1.5  # lines this near the most shared tilt make it
MIN_CLUSTER_LINES = 8  # fewer lines sharing a tilt: no verdict (an outdoor clip, a plain wall)
MIN_CLUSTER_SHARE = 0.4  # of the family's total length
AGREE_DEG = 3.0  # the level lines' common tilt, when they have one, must be this near the uprights'
ROLL_WARN_DEG = 3.0  # a warning from this roll (the side sample turned 5 deg moved overstride by 5-10 % of leg)
SETTINGS = [FAMILY_TOL_DEG, MIN_LINE_OF_LONG_SIDE, BORDER_OF_LONG_SIDE, RUNNER_MARGIN, DETECT_LONG_SIDE_PX,
            MAX_LINES, "both families"]  # what the pose pass's stored lines depend on (its cache key)
NAME = "room_lines"  # the pose pass's per-frame array: (n_frames, 2 x MAX_LINES, 3), NaN rows where none
UPRIGHT, LEVEL = 0.0, 1.0  # the family column


def room_lines(frame_bgr: np.ndarray, landmarks: np.ndarray | None) -> np.ndarray:
    """(2 x MAX_LINES, 3) array of the frame's lines outside the runner near the image's vertical (family
    :data:`UPRIGHT`) and horizontal (:data:`LEVEL`): each one's tilt in degrees (+ clockwise, as the module
    says), length in pixels and family; each family's longest first, NaN rows after its last.
    ``landmarks``: the runner's (33, >=2) points in pixels, or None."""
    h, w = frame_bgr.shape[:2]
    scale = DETECT_LONG_SIDE_PX / max(h, w)
    small = cv2.resize(frame_bgr, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    found = cv2.createLineSegmentDetector().detect(cv2.cvtColor(small, cv2.COLOR_BGR2GRAY))[0]
    out = np.full((2 * MAX_LINES, 3), np.nan, dtype=np.float32)
    if found is None:
        return out
    ends = found[:, 0, :].astype(float) / scale  # x1, y1, x2, y2 at the frame's size
    dx, dy = ends[:, 2] - ends[:, 0], ends[:, 3] - ends[:, 1]
    length = np.hypot(dx, dy)
    level = (np.degrees(np.arctan2(dy, dx)) + 90.0) % 180.0 - 90.0  # from the horizontal; + right end lower
    upright = (level % 180.0) - 90.0  # from the vertical; + the top leaning right
    band = BORDER_OF_LONG_SIDE * max(h, w)
    keep = length >= MIN_LINE_OF_LONG_SIDE * max(h, w)
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
    for k, (family, tilt) in enumerate(((UPRIGHT, upright), (LEVEL, level))):
        mine = keep & (np.abs(tilt) < FAMILY_TOL_DEG)
        order = np.argsort(-length[mine])[:MAX_LINES]
        rows = slice(k * MAX_LINES, k * MAX_LINES + len(order))
        out[rows] = np.column_stack([tilt[mine][order], length[mine][order], np.full(len(order), family)])
    return out


def _common_tilt(rows: np.ndarray) -> float | None:
    """The tilt most of the lines' length shares (each line a Gaussian vote of :data:`KERNEL_DEG`), as the
    length-weighted mean of the lines within :data:`CLUSTER_DEG` of it; None when too few share it."""
    if len(rows) < MIN_CLUSTER_LINES:
        return None
    tilt, length = rows[:, 0], rows[:, 1]
    grid = np.arange(-FAMILY_TOL_DEG, FAMILY_TOL_DEG + 1e-9, 0.05)
    votes = (length[None, :] * np.exp(-0.5 * ((grid[:, None] - tilt[None, :]) / KERNEL_DEG) ** 2)).sum(axis=1)
    near = np.abs(tilt - grid[np.argmax(votes)]) < CLUSTER_DEG
    if near.sum() < MIN_CLUSTER_LINES or length[near].sum() < MIN_CLUSTER_SHARE * length.sum():
        return None
    return float(np.average(tilt[near], weights=length[near]))


def camera_roll_deg(lines: np.ndarray | None) -> float | None:
    """The picture's roll in degrees (+ clockwise) from the pose pass's :data:`NAME` array (any shape ending
    in 3, as :func:`room_lines`), or None: the upright lines' common tilt (:func:`_common_tilt`), unless the
    level lines have one more than :data:`AGREE_DEG` from it (a slanted object, such as a treadmill's posts,
    taken for the room's uprights). The level lines alone give no verdict: a camera off square turns them
    by itself. None also when the pass kept no lines (landmarks alone, a pose cache of an earlier version)."""
    if lines is None:
        return None
    rows = np.asarray(lines, dtype=float).reshape(-1, 3)
    rows = rows[np.isfinite(rows).all(axis=1)]
    roll = _common_tilt(rows[rows[:, 2] == UPRIGHT])
    level = _common_tilt(rows[rows[:, 2] == LEVEL])
    if roll is None or (level is not None and abs(level - roll) > AGREE_DEG):
        return None
    return roll


def turned_back(xy: np.ndarray, roll_deg: float | None, centre: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """Points or vectors ``xy`` (..., 2) in pixels, image y down, turned back by the picture's roll
    ``roll_deg`` (+ clockwise) about ``centre``: the room's upright becomes their vertical. Unchanged when
    ``roll_deg`` is None (no verdict) or 0."""
    if not roll_deg:
        return xy
    c, s = np.cos(np.radians(roll_deg)), np.sin(np.radians(roll_deg))
    d = xy - np.asarray(centre)
    return np.stack([c * d[..., 0] + s * d[..., 1], c * d[..., 1] - s * d[..., 0]], axis=-1) + np.asarray(centre)


def levelled(pose: PoseSeries, roll_deg: float | None) -> PoseSeries:
    """``pose`` with its points turned back by the picture's roll about the frame's centre
    (:func:`turned_back`): what the analysis measures angles and distances against the vertical and the
    horizontal on. Its points are no longer the image's: the drawing and every look into the frames keep
    the pose as found."""
    if not roll_deg:
        return pose
    return pose.replace(xy_px=turned_back(pose.xy_px, roll_deg, (pose.width / 2, pose.height / 2)))


def turn_words(roll_deg: float) -> str:
    """'3.5° clockwise' / '3.5° anticlockwise'."""
    return f"{abs(roll_deg):.1f}° {'clockwise' if roll_deg > 0 else 'anticlockwise'}"
